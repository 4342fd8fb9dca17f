//! The grants that finish a login the password grant stopped with `mfa_required`:
//! `http://auth0.com/oauth/grant-type/mfa-otp` (the authenticator's code), `mfa-oob` (the
//! `oob_code` of a challenge and the `binding_code` the user received) and
//! `mfa-recovery-code`, with Auth0's errors. A wrong code leaves the `mfa_token` usable; a
//! right one spends it.

use super::mfa::{malformed, ticket, unusable};
use super::mfa_page::{recovery_code_matches, restore_recovery_code, spend_recovery_code};
use super::params::Params;
use crate::error::OAuthError;
use crate::mfa;
use crate::mint::{self, MintOptions, TokenSet};
use crate::mock::Mock;
use crate::store::{MfaTicket, RefreshContinuation};
use crate::tenant::{Client, MfaFactors};
use axum::http::StatusCode;

/// Which MFA grant a token request is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MfaGrant {
    /// `mfa-otp`: the authenticator's code.
    Otp,
    /// `mfa-oob`: the code sent by SMS or email.
    Oob,
    /// `mfa-recovery-code`: the recovery code.
    RecoveryCode,
}

/// Checks the `mfa-otp` code against the enrolled TOTP, or the one `/mfa/associate` offered
/// with this token while none is enrolled.
fn check_otp(
    mock: &Mock,
    params: &Params,
    ticket: &MfaTicket,
    factors: &MfaFactors,
) -> Result<(), OAuthError> {
    let otp = params.require("otp")?;
    let secret = if factors.enrolled() {
        factors.totp_secret.clone()
    } else {
        ticket.pending.as_ref().and_then(|p| p.totp_secret.clone())
    };
    let (user_id, now) = (&ticket.grant.user.user_id, mock.clock().now());
    if !secret.is_some_and(|s| mock.store().use_totp(user_id, &s, otp, now)) {
        return Err(OAuthError::invalid_grant("Invalid otp_code."));
    }
    Ok(())
}

/// Checks the `mfa-oob` grant's `oob_code` and `binding_code` against the challenge sent.
fn check_oob(mock: &Mock, params: &Params, ticket: &MfaTicket) -> Result<(), OAuthError> {
    let oob_code = params.require("oob_code")?;
    let challenge = ticket
        .oob
        .as_ref()
        .filter(|c| crate::util::constant_time_eq(&c.oob_code, oob_code))
        .ok_or_else(|| OAuthError::invalid_grant("Invalid oob_code."))?;
    if !challenge.live(mock.clock().now()) {
        return Err(OAuthError::new(
            StatusCode::FORBIDDEN,
            "expired_token",
            "The oob_code is expired: ask /mfa/challenge for a new one",
        ));
    }
    // SMS and email challenges bind with a prompt: until the code comes, the user has not
    // answered, which Auth0 reports as pending.
    let Some(binding_code) = params.get("binding_code") else {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            "Authorization pending: please repeat the request with the binding_code the user received",
        ));
    };
    if !challenge.matches(binding_code) {
        return Err(OAuthError::invalid_grant("Invalid binding_code."));
    }
    Ok(())
}

/// Auth0's answer once a user's failed checks have used up the bucket.
pub(crate) fn too_many_attempts() -> OAuthError {
    OAuthError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        "Too many failed codes. Wait for some minutes before retrying.",
    )
}

/// The MFA grants: the second factor for the login the `mfa_token` stands for, then its
/// tokens (and, after a recovery code, the new recovery code). A user's failed checks are
/// limited as Auth0 limits them; the user changes (a new factor, the spent recovery code)
/// are made once the login has its tokens.
pub(crate) fn grant(
    mock: &Mock,
    client: &Client,
    params: &Params,
    kind: MfaGrant,
) -> Result<TokenSet, OAuthError> {
    let token = params.require("mfa_token")?;
    let (ticket, factors) = ticket(mock, token)?;
    if ticket.grant.client_id != client.client_id {
        return Err(malformed());
    }
    let user_id = ticket.grant.user.user_id.clone();
    let now = mock.clock().now();
    let recovery = match kind {
        MfaGrant::RecoveryCode => {
            Some(params.require("recovery_code")?.trim().to_ascii_uppercase())
        }
        _ => None,
    };
    if !mock.store().take_mfa_attempt(&user_id, now) {
        return Err(too_many_attempts());
    }
    let checked = match (kind, &recovery) {
        (MfaGrant::Otp, _) => check_otp(mock, params, &ticket, &factors),
        (MfaGrant::Oob, _) => check_oob(mock, params, &ticket),
        (MfaGrant::RecoveryCode, Some(code)) if recovery_code_matches(mock, &user_id, code) => {
            Ok(())
        }
        (MfaGrant::RecoveryCode, _) => {
            Err(OAuthError::invalid_grant("MFA Authorization rejected."))
        }
    };
    // Only a wrong code keeps the attempt it reserved (not a pending or expired challenge).
    if !matches!(&checked, Err(e) if e.code == "invalid_grant") {
        mock.store().give_back_mfa_attempt(&user_id, now);
    }
    checked?;
    // Taken before anything about the user changes: a token spent meanwhile changes nothing.
    let MfaTicket {
        mut grant,
        pending,
        refresh,
        ..
    } = mock
        .store()
        .take_mfa_ticket(token, now)
        .ok_or_else(|| unusable(mock, token))?;
    // Checked and replaced in one step, so two logins cannot both use the code.
    let new_recovery_code = match &recovery {
        Some(code) => Some(
            spend_recovery_code(mock, &user_id, code)
                .ok_or_else(|| OAuthError::invalid_grant("MFA Authorization rejected."))?,
        ),
        None => None,
    };
    tracing::info!(user = %user_id, client = %client.client_id, grant = ?kind, "second factor passed (MFA API)");
    // Auth0's MFA-API tokens carry no `amr` (only a hosted challenge's ID token does).
    let minted = crate::login::after_mfa::second_factor_passed(mock, &mut grant)
        .map_err(|r| OAuthError::access_denied(r.0))
        .and_then(|()| {
            mint::user_tokens(
                mock,
                &grant,
                MintOptions {
                    id_token: true,
                    refresh: refresh.is_none_or(|r| r.rotating),
                    refresh_family: refresh.map(|r| r.family),
                    ..Default::default()
                },
            )
        });
    let mut set = match (minted, &recovery, &new_recovery_code) {
        (Ok(set), _, _) => set,
        (Err(e), Some(old), Some(fresh)) => {
            restore_recovery_code(mock, &user_id, fresh, old);
            return Err(e);
        }
        (Err(e), _, _) => return Err(e),
    };
    // An association made with this token becomes the user's factor, unless one was
    // enrolled meanwhile.
    if let Some(p) = pending {
        let _ = mock.store().change_mfa(&user_id, |f| {
            if !f.enrolled() {
                *f = p;
            }
        });
    }
    set.recovery_code = new_recovery_code;
    Ok(set)
}

/// The `mfa_required` answer for a password grant or refresh exchange (`refresh`: the family
/// it continues) that needs a second factor: 403 with an `mfa_token` standing for the settled
/// login.
pub(crate) fn required(
    mock: &Mock,
    grant: crate::login::grant::Grant,
    refresh: Option<RefreshContinuation>,
) -> OAuthError {
    let now = mock.clock().now();
    let token = mock.store().issue_mfa_token(
        MfaTicket {
            grant,
            pending: None,
            oob: None,
            refresh,
        },
        now,
        mfa::MFA_TOKEN_SECS,
    );
    OAuthError::new(
        StatusCode::FORBIDDEN,
        "mfa_required",
        "Multifactor authentication required",
    )
    .with_mfa_token(token)
}
