//! What a login does once its second factor passes (the MFA screens, the MFA grants): the
//! changes that waited for it are made, and the tokens then describe the user as changed.

use super::grant::Grant;
use super::membership::{Refused, join};
use crate::mock::Mock;

/// Makes the changes `grant` kept for after its second factor: the organization membership
/// it was waiting for, the Actions' metadata, and the scenario armed for the next login.
pub(crate) fn second_factor_passed(mock: &Mock, grant: &mut Grant) -> Result<(), Refused> {
    let Some(after) = grant.after_mfa.take() else {
        return Ok(());
    };
    let user_id = grant.user.user_id.clone();
    // A user deleted while the login waited gets no membership back, and no tokens.
    if mock.store().user(&user_id).is_none() {
        return Err(Refused("the user no longer exists".into()));
    }
    if let Some(org) = &after.joining {
        join(mock, &user_id, org)?;
    }
    let now = mock.clock().now();
    mock.store()
        .apply_metadata(&user_id, &after.app_metadata, &after.user_metadata, now);
    if let Some(user) = mock.store().user(&user_id) {
        grant.user = user;
    }
    grant.scenario = mock.take_next_scenario();
    Ok(())
}
