//! `POST /dbconnections/signup` and `POST /dbconnections/change_password`: the database
//! connection endpoints auth0.js (`WebAuth.signup`, `changePassword`), the Node SDK
//! (`database.signUp`, `changePassword`) and auth0-python (`Database.signup`,
//! `change_password`) call.
//!
//! Their errors keep Auth0's legacy shape `{name, code, description, statusCode}` where Auth0
//! is known to use it (a taken email, a weak password, a denying Action); input errors whose
//! body Auth0 does not document are answered as `{error, error_description}`, which every
//! client reads too.

use super::extract::{AppState, JsonOrForm, PeerIp, user_agent};
use crate::error::{DbConnectionError, OAuthError};
use crate::lifecycle::{self, Profile, SignUp, SignUpError, SignUpVia};
use crate::login::event::request_json;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Auth0's answer to every reset request, whether or not the user exists (no enumeration).
pub(crate) const RESET_SENT: &str = "We've just sent you an email to reset your password.";

/// Either error shape of these endpoints.
pub(crate) enum DbFailure {
    Legacy(DbConnectionError),
    OAuth(OAuthError),
}

impl IntoResponse for DbFailure {
    fn into_response(self) -> Response {
        match self {
            Self::Legacy(e) => e.into_response(),
            Self::OAuth(e) => e.into_response(),
        }
    }
}

impl From<OAuthError> for DbFailure {
    fn from(e: OAuthError) -> Self {
        Self::OAuth(e)
    }
}

impl From<SignUpError> for DbFailure {
    fn from(e: SignUpError) -> Self {
        let text = e.to_string();
        match e {
            SignUpError::Missing(_)
            | SignUpError::UnknownClient(_)
            | SignUpError::InvalidEmail(_)
            | SignUpError::InvalidUsername(_)
            | SignUpError::InvalidMetadata(_) => Self::OAuth(OAuthError::invalid_request(text)),
            SignUpError::BadConnection(reason) => Self::OAuth(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "bad.connection",
                reason,
            )),
            // The body Auth0 was seen answering: `{"error":"public signup is disabled"}`.
            SignUpError::Disabled => Self::OAuth(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "public signup is disabled",
                text,
            )),
            SignUpError::WeakPassword(failure) => {
                let mut extra = Map::new();
                extra.insert("message".into(), json!("Password is too weak"));
                extra.insert("policy".into(), json!(failure.policy_text()));
                Self::Legacy(DbConnectionError {
                    status: StatusCode::BAD_REQUEST,
                    name: "PasswordStrengthError",
                    code: "invalid_password".into(),
                    description: failure.description(),
                    extra,
                })
            }
            SignUpError::UserExists => {
                Self::Legacy(DbConnectionError::bad_request("user_exists", text))
            }
            SignUpError::UsernameExists => {
                Self::Legacy(DbConnectionError::bad_request("username_exists", text))
            }
            SignUpError::Denied {
                reason,
                user_message,
                code,
            } => {
                let mut extra = Map::new();
                extra.insert("message".into(), json!(reason));
                if let Some(m) = user_message {
                    extra.insert("friendly_message".into(), json!(m));
                }
                extra.insert("fromSandbox".into(), json!(true));
                Self::Legacy(DbConnectionError {
                    status: StatusCode::BAD_REQUEST,
                    name: "InternalExtensibilityError",
                    code: code.unwrap_or_else(|| "extensibility_error".into()),
                    description: json!(reason),
                    extra,
                })
            }
            SignUpError::Full(reason) => Self::OAuth(OAuthError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                reason,
            )),
        }
    }
}

/// The `connection` both endpoints require.
fn required_connection(connection: Option<String>) -> Result<String, OAuthError> {
    connection.filter(|c| !c.is_empty()).ok_or_else(|| {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "bad.connection",
            "Missing required property: connection",
        )
    })
}

/// The sign-up body, as the SDKs send it.
#[derive(Debug, Deserialize)]
pub(crate) struct SignupBody {
    client_id: Option<String>,
    connection: Option<String>,
    email: Option<String>,
    password: Option<String>,
    username: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    name: Option<String>,
    nickname: Option<String>,
    picture: Option<String>,
    user_metadata: Option<Map<String, Value>>,
}

/// `event.request` of an API call, with its body (passwords left out).
fn api_request(mock: &AppState, headers: &HeaderMap, ip: &PeerIp, body: Value) -> Value {
    let mut request = request_json(
        mock.issuer(),
        user_agent(headers),
        &ip.text(),
        "POST",
        json!({}),
    );
    request["body"] = body;
    request
}

/// `POST /dbconnections/signup`.
pub(crate) async fn signup(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    JsonOrForm(body): JsonOrForm<SignupBody>,
) -> Result<Json<Value>, DbFailure> {
    let client_id = body
        .client_id
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::invalid_request("Missing required property: client_id"))?;
    let connection = required_connection(body.connection)?;
    let request = api_request(
        &mock,
        &headers,
        &ip,
        json!({
            "client_id": client_id,
            "connection": connection,
            "email": body.email,
            "username": body.username,
        }),
    );
    let req = SignUp {
        client_id,
        connection: Some(connection),
        email: body.email.unwrap_or_default(),
        password: body.password.unwrap_or_default(),
        username: body.username,
        profile: Profile {
            given_name: body.given_name,
            family_name: body.family_name,
            name: body.name,
            nickname: body.nickname,
            picture: body.picture,
        },
        user_metadata: body.user_metadata.unwrap_or_default(),
        via: SignUpVia::Api,
        request,
    };
    let user = lifecycle::sign_up(&mock, req).await?;
    let mut answer = Map::new();
    let id = user
        .user_id
        .split_once('|')
        .map_or(user.user_id.as_str(), |(_, id)| id);
    answer.insert("_id".into(), json!(id));
    answer.insert("email".into(), json!(user.email));
    answer.insert("email_verified".into(), json!(user.email_verified));
    for (k, v) in [
        ("username", &user.username),
        ("given_name", &user.given_name),
        ("family_name", &user.family_name),
        ("name", &user.name),
        ("nickname", &user.nickname),
        ("picture", &user.picture),
    ] {
        if let Some(v) = v {
            answer.insert(k.into(), json!(v));
        }
    }
    if !user.user_metadata.is_empty() {
        answer.insert("user_metadata".into(), Value::Object(user.user_metadata));
    }
    Ok(Json(Value::Object(answer)))
}

/// The reset request body.
#[derive(Debug, Deserialize)]
pub(crate) struct ChangePasswordBody {
    email: Option<String>,
    connection: Option<String>,
}

/// `POST /dbconnections/change_password`: sends a reset email when the connection has such a
/// user, and answers Auth0's sentence either way.
pub(crate) async fn change_password(
    State(mock): State<AppState>,
    JsonOrForm(body): JsonOrForm<ChangePasswordBody>,
) -> Result<Response, DbFailure> {
    let email = body
        .email
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| OAuthError::invalid_request("Missing required property: email"))?;
    let connection = required_connection(body.connection)?;
    let tenant = mock.tenant();
    let Some(conn) = tenant.connection(&connection) else {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "bad.connection",
            "Connection does not exist",
        )
        .into());
    };
    if !conn.is_database() {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "bad.connection",
            "Invalid connection strategy: password reset needs a database connection",
        )
        .into());
    }
    match mock.store().find_user_in(email.trim(), &conn.name) {
        Some(user) if !user.blocked => {
            lifecycle::send_reset(&mock, &user);
        }
        _ => {
            tracing::info!(email = %email, connection = %connection, "reset requested for no such user: nothing sent")
        }
    }
    let mut response = (StatusCode::OK, RESET_SENT).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(response)
}
