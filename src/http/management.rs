//! A stateful subset of Auth0's Management API (`/api/v2/users`), so tools and tests that speak
//! it can create, change and delete users at runtime. Changes show in the next login's claims.
//! Guarded like the control API ([`super::trust`]).

use super::extract::{AppState, ManagementJson, ManagementPath, Query};
use super::params::Params;
use super::trust::management_guard;
use crate::error::{ManagementError, OAuthError};
use crate::store::UserError;
use crate::tenant::User;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Routes of the Management API subset.
pub(crate) fn routes(mock: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v2/users", get(list).post(create))
        .route("/api/v2/users/{id}", get(read).patch(update).delete(remove))
        .route("/api/v2/users-by-email", get(by_email))
        .merge(super::management_tickets::routes())
        .route_layer(middleware::from_fn_with_state(mock, management_guard))
}

impl From<UserError> for ManagementError {
    fn from(e: UserError) -> Self {
        let message = e.to_string();
        match e {
            UserError::Exists | UserError::UsernameExists => {
                Self::new(StatusCode::CONFLICT, message, "auth0_idp_error")
            }
            UserError::Missing => Self::no_user(),
            UserError::NoLogin | UserError::UnknownRole(_) | UserError::Invalid(_) => {
                Self::new(StatusCode::BAD_REQUEST, message, "invalid_body")
            }
            UserError::Full => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, message, "too_many_entities")
            }
        }
    }
}

fn users_with_email(mock: &AppState, email: Option<&str>) -> Json<Value> {
    let users = mock.store().users_where(|u| match email {
        Some(e) => u
            .email
            .as_deref()
            .is_some_and(|x| x.eq_ignore_ascii_case(e)),
        None => true,
    });
    Json(Value::Array(
        users.iter().map(User::to_auth0_json).collect(),
    ))
}

/// The query string, refused in the Management API's shape.
fn query(q: Result<Query, OAuthError>) -> Result<Params, ManagementError> {
    q.map(|Query(p)| p).map_err(|e| {
        ManagementError::new(
            StatusCode::BAD_REQUEST,
            format!("Query validation error: {}", e.description),
            "invalid_query_string",
        )
    })
}

async fn list(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    Ok(users_with_email(&mock, q.get("email")))
}

async fn by_email(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let email = q.get("email").ok_or_else(|| {
        ManagementError::new(
            StatusCode::BAD_REQUEST,
            "Query validation error: 'Missing required property: email'",
            "invalid_query_string",
        )
    })?;
    Ok(users_with_email(&mock, Some(email)))
}

async fn read(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let user = mock
        .store()
        .user(&id)
        .ok_or_else(ManagementError::no_user)?;
    Ok(Json(user.to_auth0_json()))
}

#[derive(Deserialize)]
struct CreateBody {
    #[serde(flatten)]
    user: User,
    /// Accepted (the SDKs always send it); the mock's users all live in the tenant's database
    /// connections.
    #[serde(default, rename = "connection")]
    _connection: Option<String>,
}

async fn create(
    State(mock): State<AppState>,
    ManagementJson(body): ManagementJson<CreateBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let tenant = mock.tenant();
    let user = mock
        .store()
        .create_user(body.user, |r| tenant.has_role(r), mock.clock().now())?;
    Ok((StatusCode::CREATED, Json(user.to_auth0_json())))
}

async fn update(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(patch): ManagementJson<Value>,
) -> Result<Json<Value>, ManagementError> {
    let Value::Object(patch) = patch else {
        return Err(ManagementError::invalid_body("expected a JSON object"));
    };
    let patch: Map<String, Value> = patch;
    let tenant = mock.tenant();
    let user = mock
        .store()
        .update_user(&id, &patch, |r| tenant.has_role(r), mock.clock().now())?;
    Ok(Json(user.to_auth0_json()))
}

async fn remove(State(mock): State<AppState>, ManagementPath(id): ManagementPath) -> StatusCode {
    mock.store().delete_user(&id);
    StatusCode::NO_CONTENT
}
