//! `POST /co/authenticate`: cross-origin (embedded) authentication, what auth0.js's `login`
//! (username and password) and `passwordlessLogin` (a one-time code) call from the app's own
//! page. A good credential answers a single-use `login_ticket`, which auth0.js then hands to
//! `/authorize?login_ticket=…` to finish the login there (see [`redeem`]).
//!
//! Auth0 requires the application's "Allow Cross-Origin Authentication" setting
//! (`cross_origin_authentication`) and the page's origin among its allowed origins (the CORS
//! layer answers only those). Errors are the ones Auth0 documents for this endpoint.

use super::extract::{AppState, JsonOrForm, PeerIp};
use super::passwordless::oauth_error;
use crate::error::OAuthError;
use crate::lifecycle::{self, BLOCKED_ATTEMPTS, PasswordlessError};
use crate::mock::Mock;
use crate::store::{LoginTicket, PasswordRefusal};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";
const PASSWORDLESS_OTP: &str = "http://auth0.com/oauth/grant-type/passwordless/otp";

/// The body auth0.js sends.
#[derive(Debug, Deserialize)]
pub(crate) struct CoBody {
    client_id: Option<String>,
    credential_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    otp: Option<String>,
    realm: Option<String>,
}

fn invalid_body(fields: &str) -> OAuthError {
    OAuthError::invalid_request(format!(
        "Invalid request body. All and only of client_id, credential_type, username, {fields}, realm are required."
    ))
}

/// `POST /co/authenticate`.
pub(crate) async fn authenticate(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    JsonOrForm(body): JsonOrForm<CoBody>,
) -> Result<Json<Value>, OAuthError> {
    let credential_type = body.credential_type.as_deref().unwrap_or("");
    let secret_field = match credential_type {
        PASSWORD_REALM => "password",
        PASSWORDLESS_OTP => "otp",
        "" => return Err(invalid_body("password")),
        _ => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_credential_type",
                "Unknown credential type parameter.",
            ));
        }
    };
    let (Some(client_id), Some(username), Some(realm)) = (
        body.client_id.filter(|s| !s.is_empty()),
        body.username.filter(|s| !s.is_empty()),
        body.realm.filter(|s| !s.is_empty()),
    ) else {
        return Err(invalid_body(secret_field));
    };
    let tenant = mock.tenant();
    let client = tenant
        .client(&client_id)
        .ok_or_else(|| OAuthError::invalid_client("Unknown client"))?;
    let origin_allowed = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_none_or(|o| client.accepts_origin(o));
    if !client.cross_origin_authentication || !origin_allowed {
        return Err(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Cross origin login not allowed.",
        ));
    }
    if tenant.connection(&realm).is_none() {
        return Err(OAuthError::invalid_request(format!(
            "Unknown realm {realm}."
        )));
    }
    let user = match credential_type {
        PASSWORD_REALM => {
            let password = body.password.filter(|s| !s.is_empty());
            let password = password.ok_or_else(|| invalid_body("password"))?;
            password_user(&mock, &username, &password, &realm, &ip.text())?
        }
        _ => {
            let otp = body
                .otp
                .filter(|s| !s.is_empty())
                .ok_or_else(|| invalid_body("otp"))?;
            otp_user(&mock, &username, &otp, &realm).await?
        }
    };
    let now = mock.clock().now();
    let ticket = mock.store().issue_login_ticket(
        LoginTicket {
            user_id: user,
            client_id: client.client_id.clone(),
        },
        now,
    );
    Ok(Json(json!({
        "login_ticket": ticket,
        "co_verifier": crate::util::random_id(24),
        "co_id": crate::util::random_id(12),
    })))
}

fn blocked_user() -> OAuthError {
    OAuthError::new(StatusCode::FORBIDDEN, "blocked_user", "Blocked user")
}

fn password_user(
    mock: &Mock,
    username: &str,
    password: &str,
    realm: &str,
    ip: &str,
) -> Result<String, OAuthError> {
    match lifecycle::password_login(mock, username, password, Some(realm), ip) {
        Ok(user) if user.blocked => Err(blocked_user()),
        Ok(user) => Ok(user.user_id),
        Err(PasswordRefusal::Wrong) => Err(OAuthError::access_denied("Wrong email or password.")),
        Err(PasswordRefusal::TooManyAttempts { .. }) => Err(OAuthError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            BLOCKED_ATTEMPTS,
        )),
    }
}

async fn otp_user(
    mock: &Mock,
    username: &str,
    otp: &str,
    realm: &str,
) -> Result<String, OAuthError> {
    let (_, channel) = lifecycle::passwordless_connection(mock, realm)
        .map_err(|e| OAuthError::invalid_request(e.to_string()))?;
    let request = crate::login::event::request_json(mock.issuer(), "", "", "POST", json!({}));
    match lifecycle::verify_passwordless(mock, realm, username, otp, request, None).await {
        Ok((user, _)) => Ok(user.user_id),
        Err(PasswordlessError::Blocked) => Err(blocked_user()),
        Err(e) => {
            let error = oauth_error(e, channel);
            Err(if error.code == "invalid_grant" {
                OAuthError::access_denied(error.description)
            } else {
                error
            })
        }
    }
}

/// `/authorize?login_ticket=…`: the user a live ticket of this client stands for (single use).
pub(crate) fn redeem(mock: &Mock, ticket: &str, client_id: &str) -> Option<String> {
    mock.store()
        .take_login_ticket(ticket, mock.clock().now())
        .filter(|t| t.client_id == client_id)
        .map(|t| t.user_id)
}
