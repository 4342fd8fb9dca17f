//! The control API under `/__mock/`, clearly apart from Auth0's paths: reset, hook records,
//! key rotation, clock, injected faults, scenario tokens and next-login scenarios.
//! Only loopback callers are served unless `--control-remote` or a control token allows more.

use super::AppState;
use crate::error::OAuthError;
use crate::faults::Fault;
use crate::state::{Mock, NextScenario};
use axum::Json;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::SocketAddr;

/// Routes of the control API.
pub fn routes(mock: AppState) -> Router<AppState> {
    Router::new()
        .route("/__mock", get(summary))
        .route("/__mock/reset", post(reset))
        .route("/__mock/hooks", get(list_hooks).delete(clear_hooks))
        .route("/__mock/keys/rotate", post(rotate))
        .route("/__mock/clock", get(clock).post(set_clock))
        .route(
            "/__mock/faults",
            get(list_faults).post(arm_fault).delete(clear_faults),
        )
        .route("/__mock/scenarios", get(scenarios))
        .route(
            "/__mock/scenarios/next",
            post(next_scenario).delete(clear_next),
        )
        .route("/__mock/token", post(mint))
        .route_layer(middleware::from_fn_with_state(mock, guard))
}

/// Refuses callers the control settings do not allow.
pub async fn guard(State(mock): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    match check_access(&mock, req.headers(), peer) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// Allows loopback callers, callers with the control token, or everyone with `allow_remote`.
pub fn check_access(
    mock: &Mock,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Result<(), OAuthError> {
    if let Some(token) = &mock.control.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|g| crate::util::constant_time_eq(g.trim(), token)) {
            return Ok(());
        }
    }
    if mock.control.allow_remote || peer.is_none_or(|p| p.ip().is_loopback()) {
        return Ok(());
    }
    Err(OAuthError::new(
        StatusCode::FORBIDDEN,
        "access_denied",
        "The control API only answers loopback clients; start auth0-mock with --control-remote or --control-token",
    ))
}

fn bad(e: impl Into<String>) -> OAuthError {
    OAuthError::invalid_request(e)
}

/// Parses a JSON body with a clear error naming the problem.
fn body<T: for<'de> Deserialize<'de>>(raw: &[u8]) -> Result<T, OAuthError> {
    let raw = if raw.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        raw
    };
    let de = &mut serde_json::Deserializer::from_slice(raw);
    serde_path_to_error::deserialize(de)
        .map_err(|e| bad(format!("invalid body at {}: {}", e.path(), e.inner())))
}

async fn summary(State(mock): State<AppState>) -> Json<Value> {
    let tenant = mock.tenant();
    Json(json!({
        "issuer": mock.issuer,
        "tenant": tenant.friendly_name,
        "source": tenant.source,
        "clients": tenant.clients.iter().map(|c| json!({"name": c.name, "client_id": c.client_id, "app_type": c.app_type})).collect::<Vec<_>>(),
        "apis": tenant.apis.iter().map(|a| a.identifier.clone()).collect::<Vec<_>>(),
        "users": mock.store.lock().users.iter().map(|u| json!({"user_id": u.user_id, "email": u.email, "roles": u.roles})).collect::<Vec<_>>(),
        "scenarios": tenant.scenarios.iter().map(|s| json!({"name": s.name, "description": s.description})).collect::<Vec<_>>(),
        "clock": { "now": mock.clock.now(), "offset": mock.clock.offset() },
    }))
}

async fn reset(State(mock): State<AppState>) -> Response {
    match mock.reset(None) {
        Ok(()) => Json(json!({ "reset": true })).into_response(),
        Err(e) => OAuthError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            e.to_string(),
        )
        .into_response(),
    }
}

async fn list_hooks(State(mock): State<AppState>) -> Json<Value> {
    Json(json!({ "records": mock.records.list() }))
}

async fn clear_hooks(State(mock): State<AppState>) -> StatusCode {
    mock.records.clear();
    StatusCode::NO_CONTENT
}

async fn rotate(State(mock): State<AppState>) -> Response {
    let result = mock.keys.write().rotate();
    match result {
        Ok(kid) => Json(json!({ "kid": kid, "jwks": mock.keys.read().jwks() })).into_response(),
        Err(e) => OAuthError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            e.to_string(),
        )
        .into_response(),
    }
}

async fn clock(State(mock): State<AppState>) -> Json<Value> {
    Json(json!({ "now": mock.clock.now(), "offset": mock.clock.offset() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    #[serde(default)]
    advance: Option<i64>,
    #[serde(default)]
    reset: bool,
}

async fn set_clock(State(mock): State<AppState>, raw: axum::body::Bytes) -> Response {
    let b: ClockBody = match body(&raw) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if b.reset {
        mock.clock.reset();
    }
    if let Some(secs) = b.advance {
        if secs.abs() > 100 * 365 * 86400 {
            return bad("advance must be within ±100 years (in seconds)").into_response();
        }
        mock.clock.advance(secs);
    }
    if !b.reset && b.advance.is_none() {
        return bad("give {\"advance\": seconds} or {\"reset\": true}").into_response();
    }
    Json(json!({ "now": mock.clock.now(), "offset": mock.clock.offset() })).into_response()
}

async fn list_faults(State(mock): State<AppState>) -> Json<Value> {
    Json(json!({ "faults": mock.faults.list() }))
}

async fn arm_fault(State(mock): State<AppState>, raw: axum::body::Bytes) -> Response {
    let fault: Fault = match body(&raw) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    match mock.faults.arm(fault) {
        Ok(()) => (
            StatusCode::CREATED,
            Json(json!({ "faults": mock.faults.list() })),
        )
            .into_response(),
        Err(e) => bad(e).into_response(),
    }
}

async fn clear_faults(State(mock): State<AppState>) -> StatusCode {
    mock.faults.clear();
    StatusCode::NO_CONTENT
}

async fn scenarios(State(mock): State<AppState>) -> Json<Value> {
    Json(json!({ "scenarios": mock.tenant().scenarios }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NextBody {
    scenario: String,
    #[serde(default = "one")]
    count: u32,
}

fn one() -> u32 {
    1
}

async fn next_scenario(State(mock): State<AppState>, raw: axum::body::Bytes) -> Response {
    let b: NextBody = match body(&raw) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if mock.tenant().scenario(&b.scenario).is_none() {
        return OAuthError::not_found(format!("unknown scenario '{}'", b.scenario)).into_response();
    }
    if b.count == 0 || b.count > 10_000 {
        return bad("count must be between 1 and 10000").into_response();
    }
    *mock.next_scenario.lock() = Some(NextScenario {
        name: b.scenario.clone(),
        remaining: b.count,
    });
    Json(json!({ "scenario": b.scenario, "remaining": b.count })).into_response()
}

async fn clear_next(State(mock): State<AppState>) -> StatusCode {
    *mock.next_scenario.lock() = None;
    StatusCode::NO_CONTENT
}

async fn mint(State(mock): State<AppState>, raw: axum::body::Bytes) -> Response {
    let req: crate::scenario::TokenRequest = match body(&raw) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let tenant = mock.tenant();
    let scenario = match crate::scenario::resolve_request(&tenant, &req) {
        Ok(s) => s,
        Err(e) => return bad(e).into_response(),
    };
    match crate::scenario::mint(&mock, &scenario).await {
        Ok(set) => Json(crate::scenario::minted_json(&scenario, &set)).into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ControlAccess;

    fn mock(control: ControlAccess) -> Mock {
        let tenant = crate::tenant::load_embedded().unwrap();
        Mock::new(
            tenant,
            "http://localhost/".into(),
            false,
            None,
            Vec::new(),
            control,
        )
        .unwrap()
    }

    #[test]
    fn only_loopback_unless_allowed() {
        let remote: SocketAddr = "10.1.2.3:5000".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let m = mock(ControlAccess::default());
        assert!(check_access(&m, &HeaderMap::new(), Some(local)).is_ok());
        let err = check_access(&m, &HeaderMap::new(), Some(remote)).unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN);
        let m = mock(ControlAccess {
            allow_remote: true,
            token: None,
        });
        assert!(check_access(&m, &HeaderMap::new(), Some(remote)).is_ok());
        let m = mock(ControlAccess {
            allow_remote: false,
            token: Some("t0k3n".into()),
        });
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "Bearer t0k3n".parse().unwrap());
        assert!(check_access(&m, &headers, Some(remote)).is_ok());
        headers.insert(header::AUTHORIZATION, "Bearer wrong".parse().unwrap());
        assert!(check_access(&m, &headers, Some(remote)).is_err());
    }
}
