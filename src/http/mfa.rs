//! The MFA API of a password grant that answered `mfa_required`: `GET /mfa/authenticators`,
//! `POST /mfa/associate` and `POST /mfa/challenge` (all on the `mfa_token`), and the grants that
//! finish the login, `http://auth0.com/oauth/grant-type/mfa-otp` and `mfa-recovery-code`, with
//! Auth0's answers and errors. Out-of-band factors (SMS, email, push) need a provider, so
//! `mfa-oob` and `oob` challenges are refused saying so.

use super::client_auth::{Credentials, authenticate};
use super::extract::{AppState, Body, JsonOrForm, bearer};
use super::mfa_page::{recovery_code_matches, rotate_recovery_code};
use super::params::Params;
use crate::error::OAuthError;
use crate::mfa;
use crate::mint::{self, MintOptions, TokenSet};
use crate::mock::Mock;
use crate::store::MfaTicket;
use crate::tenant::{Client, MfaFactors};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

/// Auth0's answer for an `mfa_token` it does not know (or that was spent).
fn malformed() -> OAuthError {
    OAuthError::invalid_grant("Malformed mfa_token")
}

/// Auth0's answer for an unusable `mfa_token`: `expired_token` past its 10 minutes, else
/// [`malformed`].
fn unusable(mock: &Mock, token: &str) -> OAuthError {
    if mock.store().mfa_token_expired(token, mock.clock().now()) {
        OAuthError::new(
            StatusCode::FORBIDDEN,
            "expired_token",
            "mfa_token is expired",
        )
    } else {
        malformed()
    }
}

/// The login an `mfa_token` stands for, and its user's factors.
fn ticket(mock: &Mock, token: &str) -> Result<(MfaTicket, MfaFactors), OAuthError> {
    let ticket = mock
        .store()
        .mfa_ticket(token, mock.clock().now())
        .ok_or_else(|| unusable(mock, token))?;
    let factors = mock
        .store()
        .user(&ticket.grant.user.user_id)
        .and_then(|u| u.mfa)
        .unwrap_or_default();
    Ok((ticket, factors))
}

fn bearer_ticket(mock: &Mock, headers: &HeaderMap) -> Result<(MfaTicket, MfaFactors), OAuthError> {
    let token = bearer(headers).ok_or_else(|| {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Missing mfa_token: send Authorization: Bearer <mfa_token>",
        )
    })?;
    ticket(mock, token).map_err(|_| OAuthError::invalid_token("Invalid or expired mfa_token"))
}

/// `GET /mfa/authenticators`.
pub(crate) async fn authenticators(
    State(mock): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, OAuthError> {
    let (ticket, factors) = bearer_ticket(&mock, &headers)?;
    let id = crate::util::short_hash(&ticket.grant.user.user_id);
    let mut list = Vec::new();
    if factors.totp_secret.is_some() {
        list.push(json!({"id": format!("totp|dev_{}", &id[..16]), "authenticator_type": "otp", "active": true}));
    }
    if factors.recovery_code.is_some() {
        list.push(json!({"id": format!("recovery-code|dev_{}", &id[..16]), "authenticator_type": "recovery-code", "active": true}));
    }
    if !factors.enrolled() && ticket.pending.is_some() {
        list.push(json!({"id": format!("totp|dev_{}", &id[..16]), "authenticator_type": "otp", "active": false}));
    }
    Ok(Json(Value::Array(list)))
}

/// The body of `POST /mfa/associate`.
#[derive(Debug, Deserialize)]
pub(crate) struct Associate {
    #[serde(default)]
    authenticator_types: Vec<String>,
}

/// `POST /mfa/associate` `{authenticator_types: ["otp"]}`: offers a TOTP authenticator to a
/// user with none, answering its secret, `otpauth://` URI and the recovery code; it becomes
/// active (the user enrolled) when the `mfa-otp` grant passes with one of its codes.
pub(crate) async fn associate(
    State(mock): State<AppState>,
    headers: HeaderMap,
    JsonOrForm(body): JsonOrForm<Associate>,
) -> Result<Json<Value>, OAuthError> {
    let (ticket, factors) = bearer_ticket(&mock, &headers)?;
    if body.authenticator_types.iter().all(|t| t != "otp") {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_challenge_type",
            "auth0-mock enrols only otp authenticators (oob needs an SMS, email or push provider)",
        ));
    }
    if factors.enrolled() {
        return Err(OAuthError::access_denied("User is already enrolled."));
    }
    let secret = mfa::new_secret();
    let recovery = mfa::new_recovery_code();
    let user = &ticket.grant.user;
    let pending = MfaFactors {
        totp_secret: Some(secret.clone()),
        recovery_code: Some(recovery.clone()),
    };
    let token = bearer(&headers).unwrap_or_default();
    if !mock
        .store()
        .set_mfa_pending(token, pending, mock.clock().now())
    {
        return Err(malformed());
    }
    Ok(Json(json!({
        "authenticator_type": "otp",
        "secret": secret,
        "barcode_uri": mfa::barcode_uri(mock.issuer(), user.login_name(), &secret),
        "recovery_codes": [recovery],
    })))
}

/// `POST /mfa/challenge` `{mfa_token, client_id, challenge_type}`.
pub(crate) async fn challenge(
    State(mock): State<AppState>,
    headers: HeaderMap,
    Body(params): Body,
) -> Result<Json<Value>, OAuthError> {
    let tenant = mock.tenant();
    let client = authenticate(&tenant, &Credentials::read(&headers, &params)?)?;
    let (ticket, factors) = ticket(&mock, params.require("mfa_token")?)?;
    if ticket.grant.client_id != client.client_id {
        return Err(malformed());
    }
    let types = params.get("challenge_type").unwrap_or("otp oob");
    if !types.split(' ').any(|t| t == "otp") {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_challenge_type",
            "The user has no authenticator for that challenge type (auth0-mock has otp only)",
        ));
    }
    if !factors.enrolled() && ticket.pending.is_none() {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "association_required",
            "User does not have an active authenticator: enrol one with /mfa/associate",
        ));
    }
    Ok(Json(json!({ "challenge_type": "otp" })))
}

/// Which MFA grant a token request is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MfaGrant {
    /// `mfa-otp`: the authenticator's code.
    Otp,
    /// `mfa-recovery-code`: the recovery code.
    RecoveryCode,
}

/// The `mfa-otp` and `mfa-recovery-code` grants: the second factor for the login the
/// `mfa_token` stands for, then its tokens. A wrong code leaves the token usable; a right one
/// spends it.
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
    let recovery_code = match kind {
        MfaGrant::Otp => {
            let otp = params.require("otp")?;
            // An enrolled factor, else the one /mfa/associate offered with this token.
            let enrolling = !factors.enrolled();
            let secret = if enrolling {
                ticket.pending.as_ref().and_then(|p| p.totp_secret.clone())
            } else {
                factors.totp_secret.clone()
            };
            if !secret.is_some_and(|s| mfa::check_totp(&s, otp, mock.clock().now())) {
                return Err(OAuthError::invalid_grant("Invalid otp_code."));
            }
            false
        }
        MfaGrant::RecoveryCode => {
            let code = params.require("recovery_code")?.trim().to_ascii_uppercase();
            if !recovery_code_matches(mock, &user_id, &code) {
                return Err(OAuthError::invalid_grant("MFA Authorization rejected."));
            }
            true
        }
    };
    // Taken before anything about the user changes: a token spent meanwhile changes nothing.
    let ticket = mock
        .store()
        .take_mfa_ticket(token, mock.clock().now())
        .ok_or_else(|| unusable(mock, token))?;
    if let Some(p) = ticket.pending.clone().filter(|_| !factors.enrolled()) {
        let _ = mock.store().change_mfa(&user_id, |f| {
            if f.totp_secret.is_none() {
                *f = p;
            }
        });
    }
    let recovery_code = if recovery_code {
        rotate_recovery_code(mock, &user_id)
    } else {
        None
    };
    tracing::info!(user = %user_id, client = %client.client_id, "second factor passed (MFA API)");
    let mut grant = ticket.grant;
    crate::login::membership::join_after_mfa(mock, &mut grant)
        .map_err(|r| OAuthError::access_denied(r.0))?;
    let mut set = mint::user_tokens(
        mock,
        &grant,
        MintOptions {
            id_token: true,
            refresh: true,
            ..Default::default()
        },
    )?;
    set.recovery_code = recovery_code;
    Ok(set)
}

/// The `mfa_required` answer for a password grant that needs a second factor: 403 with an
/// `mfa_token` standing for the settled login.
pub(crate) fn required(mock: &Mock, grant: crate::login::grant::Grant) -> OAuthError {
    let now = mock.clock().now();
    let token = mock.store().issue_mfa_token(
        MfaTicket {
            grant,
            pending: None,
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
