//! The control API under `/__mock/`, clearly apart from Auth0's paths: reset, hook records,
//! key rotation, clock, injected faults, scenario tokens and next-login scenarios.
//! Only loopback callers are served unless `--control-remote` or a control token allows more.

use super::extract::{AppState, ControlJson};
use crate::error::OAuthError;
use crate::faults::Fault;
use crate::mock::{ControlAccess, NextScenarioError};
use crate::scenario::{self, TokenRequest};
use crate::util::constant_time_eq;
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
pub(crate) fn routes(mock: AppState) -> Router<AppState> {
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
pub(crate) async fn guard(State(mock): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    match check_access(mock.control(), req.headers(), peer) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// Allows loopback callers, callers with the control token, or everyone with `allow_remote`.
fn check_access(
    access: &ControlAccess,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Result<(), OAuthError> {
    if let Some(token) = &access.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|g| constant_time_eq(g.trim(), token)) {
            return Ok(());
        }
    }
    if access.allow_remote || peer.is_none_or(|p| p.ip().is_loopback()) {
        return Ok(());
    }
    Err(OAuthError::new(
        StatusCode::FORBIDDEN,
        "access_denied",
        "The control API only answers loopback clients; start auth0-mock with --control-remote or --control-token",
    ))
}

async fn summary(State(mock): State<AppState>) -> Json<Value> {
    let tenant = mock.tenant();
    let users: Vec<Value> = mock
        .store()
        .users()
        .iter()
        .map(|u| json!({"user_id": u.user_id, "email": u.email, "roles": u.roles}))
        .collect();
    Json(json!({
        "issuer": mock.issuer(),
        "tenant": tenant.friendly_name,
        "source": tenant.source,
        "clients": tenant.clients.iter().map(|c| json!({"name": c.name, "client_id": c.client_id, "app_type": c.app_type})).collect::<Vec<_>>(),
        "apis": tenant.apis.iter().map(|a| a.identifier.clone()).collect::<Vec<_>>(),
        "users": users,
        "scenarios": tenant.scenarios.iter().map(|s| json!({"name": s.name, "description": s.description})).collect::<Vec<_>>(),
        "clock": { "now": mock.clock().now(), "offset": mock.clock().offset() },
        "store": mock.store().counts(),
    }))
}

async fn reset(State(mock): State<AppState>) -> Result<Json<Value>, OAuthError> {
    mock.reset(None).map_err(OAuthError::server_error)?;
    Ok(Json(json!({ "reset": true })))
}

async fn list_hooks(State(mock): State<AppState>) -> Json<Value> {
    Json(json!({ "records": mock.records().list() }))
}

async fn clear_hooks(State(mock): State<AppState>) -> StatusCode {
    mock.records().clear();
    StatusCode::NO_CONTENT
}

async fn rotate(State(mock): State<AppState>) -> Result<Json<Value>, OAuthError> {
    let kid = mock.rotate_keys().map_err(OAuthError::server_error)?;
    Ok(Json(json!({ "kid": kid, "jwks": mock.keys().jwks() })))
}

fn clock_json(mock: &AppState) -> Json<Value> {
    Json(json!({ "now": mock.clock().now(), "offset": mock.clock().offset() }))
}

async fn clock(State(mock): State<AppState>) -> Json<Value> {
    clock_json(&mock)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    #[serde(default)]
    advance: Option<i64>,
    #[serde(default)]
    reset: bool,
}

/// The clock moves at most this far either way (a century, in seconds).
const CLOCK_RANGE: i64 = 100 * 365 * 86400;

async fn set_clock(
    State(mock): State<AppState>,
    ControlJson(b): ControlJson<ClockBody>,
) -> Result<Json<Value>, OAuthError> {
    if b.advance.is_some_and(|secs| secs.abs() > CLOCK_RANGE) {
        return Err(OAuthError::invalid_request(
            "advance must be within ±100 years (in seconds)",
        ));
    }
    if !b.reset && b.advance.is_none() {
        return Err(OAuthError::invalid_request(
            "give {\"advance\": seconds} or {\"reset\": true}",
        ));
    }
    if b.reset {
        mock.clock().reset();
    }
    if let Some(secs) = b.advance {
        mock.clock().advance(secs);
    }
    Ok(clock_json(&mock))
}

async fn list_faults(State(mock): State<AppState>) -> Json<Value> {
    Json(json!({ "faults": mock.faults().list() }))
}

async fn arm_fault(
    State(mock): State<AppState>,
    ControlJson(fault): ControlJson<Fault>,
) -> Result<(StatusCode, Json<Value>), OAuthError> {
    mock.faults()
        .arm(fault)
        .map_err(OAuthError::invalid_request)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "faults": mock.faults().list() })),
    ))
}

async fn clear_faults(State(mock): State<AppState>) -> StatusCode {
    mock.faults().clear();
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

async fn next_scenario(
    State(mock): State<AppState>,
    ControlJson(b): ControlJson<NextBody>,
) -> Result<Json<Value>, OAuthError> {
    let next = mock
        .arm_next_scenario(&b.scenario, b.count)
        .map_err(|e| match e {
            NextScenarioError::Unknown(_) => OAuthError::not_found(e.to_string()),
            NextScenarioError::Count => OAuthError::invalid_request(e.to_string()),
        })?;
    Ok(Json(json!(next)))
}

async fn clear_next(State(mock): State<AppState>) -> StatusCode {
    mock.disarm_next_scenario();
    StatusCode::NO_CONTENT
}

async fn mint(
    State(mock): State<AppState>,
    ControlJson(req): ControlJson<TokenRequest>,
) -> Result<Json<Value>, OAuthError> {
    let scenario = scenario::resolve(&mock.tenant(), &req).map_err(OAuthError::invalid_request)?;
    let minted = scenario::mint(&mock, &scenario).await?;
    Ok(Json(json!(minted)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_unless_allowed() {
        let remote: SocketAddr = "10.1.2.3:5000".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let closed = ControlAccess::default();
        assert!(check_access(&closed, &HeaderMap::new(), Some(local)).is_ok());
        let err = check_access(&closed, &HeaderMap::new(), Some(remote)).unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN);
        let open = ControlAccess {
            allow_remote: true,
            token: None,
        };
        assert!(check_access(&open, &HeaderMap::new(), Some(remote)).is_ok());
        let with_token = ControlAccess {
            allow_remote: false,
            token: Some("t0k3n".into()),
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "Bearer t0k3n".parse().unwrap());
        assert!(check_access(&with_token, &headers, Some(remote)).is_ok());
        headers.insert(header::AUTHORIZATION, "Bearer wrong".parse().unwrap());
        assert!(check_access(&with_token, &headers, Some(remote)).is_err());
    }
}
