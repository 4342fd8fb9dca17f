//! `/api/v2/users` and `/api/v2/users-by-email`: create, change, delete and search users at
//! runtime. Changes show in the next login's claims.

use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
use crate::store::{Logins, UserError, UserQuery, project, sort_users};
use crate::tenant::User;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/users", get(list).post(create))
        .route("/api/v2/users/{id}", get(read).patch(update).delete(remove))
        .route("/api/v2/users-by-email", get(by_email))
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

/// A user as the Management API shows one: with `logins_count` and `last_login`.
pub(crate) fn user_json(user: &User, logins: Logins) -> Value {
    let mut v = user.to_auth0_json();
    if let Some(m) = v.as_object_mut() {
        m.insert("logins_count".into(), json!(logins.count));
        if let Some(t) = logins.last {
            m.insert("last_login".into(), json!(crate::clock::rfc3339(t)));
        }
    }
    v
}

/// `fields` and `include_fields` applied to each user.
fn projected(users: Vec<Value>, q: &crate::http::params::Params) -> Vec<Value> {
    match q.get("fields").filter(|f| !f.trim().is_empty()) {
        Some(fields) => {
            let include = q.get("include_fields") != Some("false");
            users.iter().map(|u| project(u, fields, include)).collect()
        }
        None => users,
    }
}

/// `GET /api/v2/users`: every user, or those `q` finds, sorted and paged as Auth0 does.
async fn list(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let paging = Paging::from_query(&q)?.within_search_window()?;
    let search = match q.get("q").filter(|s| !s.trim().is_empty()) {
        Some(text) => Some(UserQuery::parse(text).map_err(|e| {
            ManagementError::new(
                StatusCode::BAD_REQUEST,
                e.to_string(),
                "invalid_query_string",
            )
        })?),
        None => None,
    };
    let mut users: Vec<Value> = mock
        .store()
        .users_with_logins(|_| true)
        .iter()
        .map(|(u, l)| user_json(u, *l))
        .filter(|u| search.as_ref().is_none_or(|s| s.matches(u)))
        .collect();
    if let Some(sort) = q.get("sort").filter(|s| !s.is_empty()) {
        sort_users(&mut users, sort).map_err(|e| {
            ManagementError::new(
                StatusCode::BAD_REQUEST,
                e.to_string(),
                "invalid_query_string",
            )
        })?;
    }
    users.truncate(super::paging::SEARCH_WINDOW);
    Ok(Json(paging.answer(projected(users, &q), "users")))
}

/// `GET /api/v2/users-by-email`: exact email, case-insensitively.
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
    let users = mock
        .store()
        .users_with_logins(|u| {
            u.email
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(email))
        })
        .iter()
        .map(|(u, l)| user_json(u, *l))
        .collect();
    Ok(Json(Value::Array(projected(users, &q))))
}

async fn read(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let (user, logins) = mock
        .store()
        .user_with_logins(&id)
        .ok_or_else(ManagementError::no_user)?;
    let mut one = projected(vec![user_json(&user, logins)], &q);
    Ok(Json(one.pop().unwrap_or(Value::Null)))
}

#[derive(Deserialize)]
struct CreateBody {
    #[serde(flatten)]
    user: User,
}

async fn create(
    State(mock): State<AppState>,
    ManagementJson(body): ManagementJson<CreateBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let tenant = mock.tenant();
    let mut user = body.user;
    // Enrolments are not user fields in Auth0's API: a body cannot set a second factor.
    user.mfa = None;
    if let Some(name) = &user.connection {
        let Some(connection) = tenant.connection(name) else {
            return Err(ManagementError::new(
                StatusCode::BAD_REQUEST,
                "The connection does not exist.",
                "inexistent_connection",
            ));
        };
        // The default database connection is where users naming none live.
        if tenant
            .default_connection()
            .is_some_and(|d| d.name == connection.name)
        {
            user.connection = None;
        }
    }
    let user = mock
        .store()
        .create_user(user, |r| tenant.has_role(r), mock.clock().now())?;
    Ok((
        StatusCode::CREATED,
        Json(user_json(&user, Logins::default())),
    ))
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
    let logins = mock
        .store()
        .user_with_logins(&user.user_id)
        .map(|(_, l)| l)
        .unwrap_or_default();
    Ok(Json(user_json(&user, logins)))
}

async fn remove(State(mock): State<AppState>, ManagementPath(id): ManagementPath) -> StatusCode {
    mock.store().delete_user(&id);
    // Memberships name the user id: a user made again with it must not inherit them.
    let _ = mock.edit_tenant(|t| {
        t.organizations
            .iter_mut()
            .for_each(|o| o.remove_member(&id));
        Ok::<_, std::convert::Infallible>(())
    });
    StatusCode::NO_CONTENT
}
