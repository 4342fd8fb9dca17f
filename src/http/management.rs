//! A stateful subset of Auth0's Management API (`/api/v2/users`), so tools and tests that speak
//! it can create, change and delete users at runtime. Changes show in the next login's claims.
//! Guarded like the control API (loopback, or the control token).

use super::AppState;
use super::control::guard;
use crate::login::user_json;
use crate::tenant::User;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Routes of the Management API subset.
pub fn routes(mock: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v2/users", get(list).post(create))
        .route("/api/v2/users/{id}", get(read).patch(update).delete(remove))
        .route("/api/v2/users-by-email", get(by_email))
        .route_layer(middleware::from_fn_with_state(mock, guard))
}

/// Management API errors use `{statusCode, error, message, errorCode}`.
fn mgmt_error(status: StatusCode, message: impl Into<String>, code: &str) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    (status, Json(json!({ "statusCode": status.as_u16(), "error": reason, "message": message.into(), "errorCode": code }))).into_response()
}

async fn list(State(mock): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let store = mock.store.lock();
    let users: Vec<Value> = store
        .users
        .iter()
        .filter(|u| match q.get("email") {
            Some(e) => u
                .email
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(e)),
            None => true,
        })
        .map(user_json)
        .collect();
    Json(Value::Array(users)).into_response()
}

async fn by_email(
    State(mock): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(email) = q.get("email") else {
        return mgmt_error(
            StatusCode::BAD_REQUEST,
            "Query validation error: 'Missing required property: email'",
            "invalid_query_string",
        );
    };
    let store = mock.store.lock();
    let users: Vec<Value> = store
        .users
        .iter()
        .filter(|u| {
            u.email
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(email))
        })
        .map(user_json)
        .collect();
    Json(Value::Array(users)).into_response()
}

async fn read(State(mock): State<AppState>, Path(id): Path<String>) -> Response {
    match mock.store.lock().user(&id) {
        Some(u) => Json(user_json(u)).into_response(),
        None => mgmt_error(
            StatusCode::NOT_FOUND,
            "The user does not exist.",
            "inexistent_user",
        ),
    }
}

#[derive(Deserialize)]
struct CreateBody {
    #[serde(flatten)]
    user: User,
    #[serde(default)]
    #[allow(dead_code)]
    connection: Option<String>,
}

async fn create(State(mock): State<AppState>, raw: axum::body::Bytes) -> Response {
    let parsed: Result<CreateBody, _> = serde_json::from_slice(&raw);
    let mut user = match parsed {
        Ok(b) => b.user,
        Err(e) => {
            return mgmt_error(
                StatusCode::BAD_REQUEST,
                format!("Payload validation error: {e}"),
                "invalid_body",
            );
        }
    };
    if user.email.is_none() && user.username.is_none() {
        return mgmt_error(
            StatusCode::BAD_REQUEST,
            "Payload validation error: 'Missing required property: email'",
            "invalid_body",
        );
    }
    let tenant = mock.tenant();
    if let Some(bad) = user
        .roles
        .iter()
        .find(|r| !tenant.roles.iter().any(|x| &x.name == *r))
    {
        return mgmt_error(
            StatusCode::BAD_REQUEST,
            format!("Unknown role '{bad}'"),
            "invalid_body",
        );
    }
    if user.user_id.is_empty() {
        user.user_id = crate::util::short_hash(&format!(
            "{}{}",
            user.email.clone().unwrap_or_default(),
            crate::util::random_id(8)
        ));
    }
    let now = mock.clock.now();
    user.normalize(now);
    let mut store = mock.store.lock();
    if store.users.iter().any(|u| u.user_id == user.user_id) {
        return mgmt_error(
            StatusCode::CONFLICT,
            "The user already exists.",
            "auth0_idp_error",
        );
    }
    if let Some(email) = &user.email
        && store.users.iter().any(|u| {
            u.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
    {
        return mgmt_error(
            StatusCode::CONFLICT,
            "The user already exists.",
            "auth0_idp_error",
        );
    }
    let body = user_json(&user);
    store.users.push(user);
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn update(
    State(mock): State<AppState>,
    Path(id): Path<String>,
    raw: axum::body::Bytes,
) -> Response {
    let patch: Map<String, Value> = match serde_json::from_slice(&raw) {
        Ok(Value::Object(m)) => m,
        _ => {
            return mgmt_error(
                StatusCode::BAD_REQUEST,
                "Payload validation error: expected a JSON object",
                "invalid_body",
            );
        }
    };
    let now = mock.clock.now();
    let mut store = mock.store.lock();
    let Some(existing) = store.users.iter().position(|u| u.user_id == id) else {
        return mgmt_error(
            StatusCode::NOT_FOUND,
            "The user does not exist.",
            "inexistent_user",
        );
    };
    let mut current = serde_json::to_value(&store.users[existing]).unwrap_or_else(|_| json!({}));
    if let Some(obj) = current.as_object_mut() {
        obj.insert("password".into(), json!(store.users[existing].password));
        for (k, v) in patch {
            if k == "user_id" {
                return mgmt_error(
                    StatusCode::BAD_REQUEST,
                    "Payload validation error: user_id cannot be changed",
                    "invalid_body",
                );
            }
            if (k == "app_metadata" || k == "user_metadata") && v.is_object() {
                // Auth0 merges metadata at the first level; null deletes a key.
                let target = obj.entry(k).or_insert_with(|| json!({}));
                if let (Some(t), Some(changes)) = (target.as_object_mut(), v.as_object()) {
                    for (mk, mv) in changes {
                        if mv.is_null() {
                            t.remove(mk);
                        } else {
                            t.insert(mk.clone(), mv.clone());
                        }
                    }
                }
            } else {
                obj.insert(k, v);
            }
        }
    }
    match serde_json::from_value::<User>(current) {
        Ok(mut u) => {
            u.updated_at = Some(crate::clock::rfc3339(now));
            let body = user_json(&u);
            store.users[existing] = u;
            Json(body).into_response()
        }
        Err(e) => mgmt_error(
            StatusCode::BAD_REQUEST,
            format!("Payload validation error: {e}"),
            "invalid_body",
        ),
    }
}

async fn remove(State(mock): State<AppState>, Path(id): Path<String>) -> Response {
    let mut store = mock.store.lock();
    store.users.retain(|u| u.user_id != id);
    store.sessions.retain(|_, s| s.user_id != id);
    store.refresh.retain(|_, r| r.user_id != id);
    StatusCode::NO_CONTENT.into_response()
}
