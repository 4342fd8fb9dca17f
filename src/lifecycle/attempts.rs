//! Password logins under brute-force protection: the one rule for the login page and the
//! password grants. Ten consecutive failures from one IP block the account for that IP (the
//! store keeps the count); the block is announced by email, with a reset link that lifts it.

use super::email::send_blocked;
use crate::mock::Mock;
use crate::store::PasswordRefusal;
use crate::tenant::User;

/// Auth0's sentence for an account brute-force protection has blocked.
pub(crate) const BLOCKED_ATTEMPTS: &str = "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it.";

/// A password login for `login` from `ip`, within `realm` when given.
pub(crate) fn password_login(
    mock: &Mock,
    login: &str,
    password: &str,
    realm: Option<&str>,
    ip: &str,
) -> Result<User, PasswordRefusal> {
    let tenant = mock.tenant();
    let outcome = mock.store().attempt_password(
        login,
        password,
        realm,
        ip,
        |u| tenant.brute_force_protects(u),
        mock.clock().now(),
    );
    if let Err(PasswordRefusal::TooManyAttempts { just_now: true }) = outcome {
        tracing::warn!(login = %login, ip = %ip, "brute-force protection blocked the account for this IP");
        if let Some(user) = mock.store().find_user(login) {
            send_blocked(mock, &user);
        }
    }
    outcome
}
