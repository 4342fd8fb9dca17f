//! `POST /passwordless/start`: sends a one-time code or a magic link (auth0.js
//! `passwordlessStart`, the Node SDK's `passwordless.sendEmail`/`sendSMS`, auth0-python
//! `Passwordless.email`/`sms`). Its errors are Auth0's `bad.*` codes; the codes' refusals at
//! the token endpoint and the magic link are here too, so each is worded once.

use super::extract::{AppState, JsonOrForm};
use crate::error::OAuthError;
use crate::lifecycle::{self, PasswordlessError, Send, Start};
use crate::store::OtpRefusal;
use crate::tenant::PasswordlessChannel;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The error Auth0 answers for a passwordless failure; `channel` words the wrong-code text.
pub(crate) fn oauth_error(e: PasswordlessError, channel: PasswordlessChannel) -> OAuthError {
    let bad = |code: &'static str, d: String| OAuthError::new(StatusCode::BAD_REQUEST, code, d);
    match e {
        PasswordlessError::BadConnection(d) => bad("bad.connection", d),
        PasswordlessError::BadEmail(d) => bad("bad.email", d),
        PasswordlessError::BadPhone(d) => bad("bad.phone_number", d),
        PasswordlessError::BadRequest(d) => bad("bad.request", d),
        PasswordlessError::Disabled => bad("public signup is disabled", e.to_string()),
        PasswordlessError::Blocked => OAuthError::user_blocked(),
        PasswordlessError::Code(OtpRefusal::Wrong) => OAuthError::invalid_grant(match channel {
            PasswordlessChannel::Email => "Wrong email or verification code.",
            PasswordlessChannel::Sms => "Wrong phone number or verification code.",
        }),
        PasswordlessError::Code(OtpRefusal::Expired) => OAuthError::invalid_grant(
            "The verification code has expired. Please try to login again.",
        ),
        PasswordlessError::Code(OtpRefusal::Exhausted) => OAuthError::invalid_grant(
            "You've reached the maximum number of attempts. Please try to login again.",
        ),
        PasswordlessError::Denied { reason, .. } => OAuthError::access_denied(reason),
        PasswordlessError::Store(reason) => OAuthError::server_error(reason),
    }
}

/// The start body, as the SDKs send it.
#[derive(Debug, Deserialize)]
pub(crate) struct StartBody {
    client_id: Option<String>,
    client_secret: Option<String>,
    connection: Option<String>,
    email: Option<String>,
    phone_number: Option<String>,
    send: Option<String>,
    #[serde(rename = "authParams")]
    auth_params: Option<Value>,
}

/// `POST /passwordless/start`.
pub(crate) async fn start(
    State(mock): State<AppState>,
    JsonOrForm(body): JsonOrForm<StartBody>,
) -> Result<Json<Value>, OAuthError> {
    let bad = |code: &'static str, d: &str| OAuthError::new(StatusCode::BAD_REQUEST, code, d);
    let client_id = body
        .client_id
        .filter(|c| !c.is_empty())
        .ok_or_else(|| bad("bad.client_id", "Missing required property: client_id"))?;
    let tenant = mock.tenant();
    let client = tenant
        .client(&client_id)
        .ok_or_else(|| bad("bad.client_id", "Unknown client"))?;
    // "Required for Regular Web Applications only": confidential clients prove who they are.
    if !client.is_public() {
        let given = body.client_secret.as_deref().unwrap_or("");
        let expected = client.client_secret.as_deref().unwrap_or("");
        if given.is_empty() || !crate::util::constant_time_eq(given, expected) {
            return Err(OAuthError::invalid_client(
                "Client authentication failed: this application must send its client_secret",
            ));
        }
    }
    let connection = body
        .connection
        .filter(|c| !c.is_empty())
        .ok_or_else(|| bad("bad.connection", "Missing required property: connection"))?;
    let (_, channel) = lifecycle::passwordless_connection(&mock, &connection)
        .map_err(|e| oauth_error(e, PasswordlessChannel::Email))?;
    let recipient = match channel {
        PasswordlessChannel::Email => body
            .email
            .filter(|e| !e.is_empty())
            .ok_or_else(|| bad("bad.email", "Missing required property: email"))?,
        PasswordlessChannel::Sms => {
            body.phone_number.filter(|p| !p.is_empty()).ok_or_else(|| {
                bad(
                    "bad.phone_number",
                    "Missing required property: phone_number",
                )
            })?
        }
    };
    let send = match body.send.as_deref() {
        None | Some("link") => Send::Link,
        Some("code") => Send::Code,
        Some(other) => {
            return Err(bad(
                "bad.request",
                &format!("send must be 'link' or 'code', not '{other}'"),
            ));
        }
    };
    // SMS sends codes only; an SMS start without `send` means a code.
    let send = match (channel, body.send.is_none()) {
        (PasswordlessChannel::Sms, true) => Send::Code,
        _ => send,
    };
    let auth_params = match body.auth_params {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(bad(
                "bad.authParams",
                "error in authParams - invalid type: string (expected object)",
            ));
        }
    };
    let sent = lifecycle::start_passwordless(
        &mock,
        Start {
            client_id,
            connection: connection.clone(),
            recipient: recipient.clone(),
            send,
            auth_params,
        },
    )
    .map_err(|e| oauth_error(e, channel))?;
    let id = sent
        .user_id
        .as_deref()
        .and_then(|u| u.split_once('|').map(|(_, id)| id.to_string()))
        .unwrap_or_else(|| crate::util::random_hex(24));
    let existing = mock.store().find_user_in(&recipient, &connection);
    Ok(Json(match channel {
        PasswordlessChannel::Email => json!({
            "_id": id,
            "email": recipient,
            "email_verified": existing.is_some_and(|u| u.email_verified),
        }),
        PasswordlessChannel::Sms => json!({
            "_id": id,
            "phone_number": recipient,
            "phone_verified": existing.is_some_and(|u| u.phone_verified),
            "request_language": Value::Null,
        }),
    }))
}
