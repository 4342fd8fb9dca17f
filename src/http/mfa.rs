//! The MFA API of a password grant that answered `mfa_required`: `GET /mfa/authenticators`,
//! `POST /mfa/associate` and `POST /mfa/challenge`, all on the `mfa_token`, with Auth0's
//! answers and errors. The grants that finish the login are `http::mfa_grant`.
//!
//! Out-of-band factors are SMS and email, their codes sent to the outbox; voice and push
//! (`auth0`) have no offline stand-in and are refused saying so.

use super::client_auth::{Credentials, authenticate};
use super::extract::{AppState, Body, JsonOrForm, bearer};
use crate::error::OAuthError;
use crate::lifecycle::send_mfa_code;
use crate::mfa::{self, Authenticator};
use crate::mock::Mock;
use crate::protocol::OobChannel;
use crate::store::MfaTicket;
use crate::tenant::MfaFactors;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

/// Auth0's answer for an `mfa_token` it does not know (or that was spent).
pub(crate) fn malformed() -> OAuthError {
    OAuthError::invalid_grant("Malformed mfa_token")
}

/// Auth0's answer for an unusable `mfa_token`: `expired_token` past its 10 minutes, else
/// [`malformed`].
pub(crate) fn unusable(mock: &Mock, token: &str) -> OAuthError {
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

fn unsupported_challenge(description: impl Into<String>) -> OAuthError {
    OAuthError::new(
        StatusCode::BAD_REQUEST,
        "unsupported_challenge_type",
        description,
    )
}

/// The login an `mfa_token` stands for, and its user's factors.
pub(crate) fn ticket(mock: &Mock, token: &str) -> Result<(MfaTicket, MfaFactors), OAuthError> {
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

fn bearer_ticket<'h>(
    mock: &Mock,
    headers: &'h HeaderMap,
) -> Result<(&'h str, MfaTicket, MfaFactors), OAuthError> {
    let token = bearer(headers).ok_or_else(|| {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Missing mfa_token: send Authorization: Bearer <mfa_token>",
        )
    })?;
    let (ticket, factors) = ticket(mock, token)
        .map_err(|_| OAuthError::invalid_token("Invalid or expired mfa_token"))?;
    Ok((token, ticket, factors))
}

/// One entry of `/mfa/authenticators`.
fn listed(a: Authenticator, user_id: &str, factors: &MfaFactors, active: bool) -> Value {
    let mut entry = json!({"id": a.id(user_id), "authenticator_type": a.kind(), "active": active});
    if let Authenticator::Oob(channel) = a {
        entry["oob_channel"] = json!(channel.as_str());
        entry["name"] = json!(match channel {
            OobChannel::Sms =>
                mfa::masked_phone(factors.phone_number.as_deref().unwrap_or_default()),
            OobChannel::Email => factors.email.clone().unwrap_or_default(),
        });
    }
    entry
}

/// The authenticators `factors` holds.
fn authenticators_of(factors: &MfaFactors) -> Vec<Authenticator> {
    let mut out = Vec::new();
    if factors.totp_secret.is_some() {
        out.push(Authenticator::Totp);
    }
    for c in [OobChannel::Sms, OobChannel::Email] {
        if factors.oob_address(c).is_some() {
            out.push(Authenticator::Oob(c));
        }
    }
    if factors.recovery_code.is_some() {
        out.push(Authenticator::RecoveryCode);
    }
    out
}

/// `GET /mfa/authenticators`: the user's active authenticators, and one `/mfa/associate`
/// offered with this token, inactive until its first code passes.
pub(crate) async fn authenticators(
    State(mock): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, OAuthError> {
    let (_, ticket, factors) = bearer_ticket(&mock, &headers)?;
    let user_id = &ticket.grant.user.user_id;
    let mut list: Vec<Value> = authenticators_of(&factors)
        .into_iter()
        .map(|a| listed(a, user_id, &factors, true))
        .collect();
    if let Some(pending) = ticket.pending.as_ref().filter(|_| !factors.enrolled()) {
        list.extend(
            authenticators_of(pending)
                .into_iter()
                .filter(|a| *a != Authenticator::RecoveryCode)
                .map(|a| listed(a, user_id, pending, false)),
        );
    }
    Ok(Json(Value::Array(list)))
}

/// The body of `POST /mfa/associate`.
#[derive(Debug, Deserialize)]
pub(crate) struct Associate {
    #[serde(default)]
    authenticator_types: Vec<String>,
    #[serde(default)]
    oob_channels: Vec<String>,
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

/// What an association asks to enrol.
enum Enrolment {
    Totp,
    Oob(OobChannel, String),
}

fn enrolment(body: &Associate, user_email: Option<&str>) -> Result<Enrolment, OAuthError> {
    let wants = |t: &str| body.authenticator_types.iter().any(|x| x == t);
    if wants("otp") {
        return Ok(Enrolment::Totp);
    }
    // auth0-auth-js sends `["email"]` as the type for an email factor; Auth0 documents
    // `["oob"]` with `oob_channels: ["email"]`.
    let channel = if wants("email") {
        "email"
    } else if wants("oob") {
        body.oob_channels.first().map(String::as_str).unwrap_or("")
    } else {
        return Err(unsupported_challenge(
            "authenticator_types must be [\"otp\"] or [\"oob\"] (with oob_channels)",
        ));
    };
    match channel {
        "sms" => {
            let phone = body.phone_number.as_deref().unwrap_or("").trim();
            if !crate::util::is_e164(phone) {
                return Err(OAuthError::invalid_request(
                    "phone_number must be in E.164 format (+ and 1 to 15 digits)",
                ));
            }
            Ok(Enrolment::Oob(OobChannel::Sms, phone.to_string()))
        }
        "email" => {
            let email = body.email.as_deref().or(user_email).unwrap_or("").trim();
            if !email.contains('@') {
                return Err(OAuthError::invalid_request(
                    "email is required: the user has no email address",
                ));
            }
            Ok(Enrolment::Oob(OobChannel::Email, email.to_string()))
        }
        other => Err(unsupported_challenge(format!(
            "oob_channels {other:?} is not supported by auth0-mock: it sends codes by sms or email (to the outbox); voice and push have no offline stand-in"
        ))),
    }
}

/// `POST /mfa/associate`: offers a new authenticator to a user with none, answering what the
/// user needs to prove it (a TOTP's secret and `otpauth://` URI, or the `oob_code` of the code
/// just sent by SMS or email) and the recovery code; it becomes active when the `mfa-otp` or
/// `mfa-oob` grant passes with its code.
pub(crate) async fn associate(
    State(mock): State<AppState>,
    headers: HeaderMap,
    JsonOrForm(body): JsonOrForm<Associate>,
) -> Result<Json<Value>, OAuthError> {
    let (token, ticket, factors) = bearer_ticket(&mock, &headers)?;
    let user = &ticket.grant.user;
    let enrolment = enrolment(&body, user.email.as_deref())?;
    if factors.enrolled() {
        return Err(OAuthError::access_denied("User is already enrolled."));
    }
    let now = mock.clock().now();
    let recovery = mfa::new_recovery_code();
    let mut pending = MfaFactors {
        recovery_code: Some(recovery.clone()),
        ..Default::default()
    };
    let (answer, challenge) = match enrolment {
        Enrolment::Totp => {
            let secret = mfa::new_secret();
            pending.totp_secret = Some(secret.clone());
            let answer = json!({
                "authenticator_type": "otp",
                "secret": secret,
                "barcode_uri": mfa::barcode_uri(mock.issuer(), user.login_name(), &secret),
                "recovery_codes": [recovery],
            });
            (answer, None)
        }
        Enrolment::Oob(channel, address) => {
            match channel {
                OobChannel::Sms => pending.phone_number = Some(address.clone()),
                OobChannel::Email => pending.email = Some(address.clone()),
            }
            let challenge = send_mfa_code(&mock, &user.user_id, channel, &address);
            let answer = json!({
                "authenticator_type": "oob",
                "binding_method": "prompt",
                "oob_channel": channel.as_str(),
                "oob_code": challenge.oob_code,
                "recovery_codes": [recovery],
            });
            (answer, Some(challenge))
        }
    };
    // The factor and its challenge replace any earlier association's together, so an old
    // code can never enrol a factor it was not sent to.
    if !mock
        .store()
        .set_mfa_association(token, pending, challenge, now)
    {
        return Err(malformed());
    }
    Ok(Json(answer))
}

/// Which authenticator a challenge uses: the one `authenticator_id` names, else the TOTP when
/// `otp` is allowed, else the SMS or email factor when `oob` is.
fn chosen(
    requested: Option<&str>,
    types: &[&str],
    user_id: &str,
    factors: &MfaFactors,
) -> Result<Authenticator, OAuthError> {
    let allows = |t: &str| types.contains(&t);
    let held = authenticators_of(factors);
    let pick = match requested {
        Some(id) => Authenticator::from_id(id, user_id)
            .filter(|a| held.contains(a))
            .ok_or_else(|| {
                OAuthError::invalid_request(format!(
                    "authenticator_id {id:?} is not an authenticator of the user"
                ))
            })?,
        None if allows("otp") && factors.totp_secret.is_some() => Authenticator::Totp,
        None => match factors.default_oob().filter(|_| allows("oob")) {
            Some(c) => Authenticator::Oob(c),
            None => {
                return Err(unsupported_challenge(
                    "The user has no authenticator for that challenge type",
                ));
            }
        },
    };
    if pick == Authenticator::RecoveryCode || !allows(pick.kind()) {
        return Err(unsupported_challenge(format!(
            "challenge_type does not allow the {} authenticator",
            pick.kind()
        )));
    }
    Ok(pick)
}

/// `POST /mfa/challenge` `{mfa_token, client_id, challenge_type, authenticator_id?}`: `otp`
/// answers at once; `oob` sends a code by SMS or email and answers its `oob_code`.
pub(crate) async fn challenge(
    State(mock): State<AppState>,
    headers: HeaderMap,
    Body(params): Body,
) -> Result<Json<Value>, OAuthError> {
    let tenant = mock.tenant();
    let client = authenticate(&tenant, &Credentials::read(&headers, &params)?)?;
    let token = params.require("mfa_token")?;
    let (ticket, factors) = ticket(&mock, token)?;
    if ticket.grant.client_id != client.client_id {
        return Err(malformed());
    }
    let user_id = &ticket.grant.user.user_id;
    let types: Vec<&str> = params
        .get("challenge_type")
        .unwrap_or("otp oob")
        .split(' ')
        .collect();
    if !factors.enrolled() {
        // An association made with this token is challenged by its own first code.
        return match &ticket.pending {
            Some(p) if p.totp_secret.is_some() && types.contains(&"otp") => {
                Ok(Json(json!({ "challenge_type": "otp" })))
            }
            Some(_) => Err(unsupported_challenge(
                "The authenticator being enrolled was sent its code by /mfa/associate",
            )),
            None => Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "association_required",
                "User does not have an active authenticator: enrol one with /mfa/associate",
            )),
        };
    }
    match chosen(params.get("authenticator_id"), &types, user_id, &factors)? {
        Authenticator::Oob(channel) => {
            let to = factors.oob_address(channel).unwrap_or_default();
            let challenge = send_mfa_code(&mock, user_id, channel, to);
            let oob_code = challenge.oob_code.clone();
            if !mock
                .store()
                .set_mfa_oob(token, challenge, mock.clock().now())
            {
                return Err(unusable(&mock, token));
            }
            Ok(Json(json!({
                "challenge_type": "oob",
                "oob_code": oob_code,
                "binding_method": "prompt",
            })))
        }
        _ => Ok(Json(json!({ "challenge_type": "otp" }))),
    }
}
