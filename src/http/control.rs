//! The control API under `/__mock/`, clearly apart from Auth0's paths: reset, hook records,
//! key rotation, clock, injected faults, scenario tokens, next-login scenarios and the outbox,
//! and what the dashboard (`/__mock/ui`) reads: the tenant overview, the token debugger and
//! the Action tester.
//! Who may call it is [`super::trust`]'s rule.

use super::extract::{AppState, ControlJson, Query};
use super::trust;
use crate::direct_login::DirectLoginError;
use crate::error::OAuthError;
use crate::faults::Fault;
use crate::mock::{NextLoginError, NextScenarioError};
use crate::outbox::{MAX_WAIT, MessageKind, OutboxFilter};
use crate::scenario::{self, TokenRequest};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

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
        .route("/__mock/login", post(sign_in))
        .route("/__mock/actions/test", post(super::action_test::run))
        .route(
            "/__mock/login/next",
            post(next_login).delete(clear_next_login),
        )
        .route("/__mock/outbox", get(outbox).delete(clear_outbox))
        .route("/__mock/tenant", get(super::overview::show))
        .route("/__mock/actions", get(super::action_test::list))
        .route("/__mock/debugger", post(super::token_debugger::login))
        .route(
            "/__mock/debugger/inspect",
            post(super::token_debugger::inspect_token),
        )
        .route("/__mock/ui", get(super::dashboard::page))
        .route("/__mock/ui/app.js", get(super::dashboard::script))
        .route("/__mock/ui/app.css", get(super::dashboard::style))
        .route_layer(middleware::from_fn_with_state(mock, trust::control_guard))
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
        "outbox": mock.outbox().len(),
        "hooks": mock.records().len(),
        "hook_clears": mock.records().clears(),
        "faults": mock.faults().list().len(),
    }))
}

async fn reset(State(mock): State<AppState>) -> Result<Json<Value>, OAuthError> {
    mock.reset(None).map_err(OAuthError::server_error)?;
    Ok(Json(json!({ "reset": true })))
}

/// `GET /__mock/hooks?after=&wait=`: the records, oldest first; `after` (a record id) keeps
/// only newer ones, and with `wait` (seconds, at most 60) the answer waits for the first.
async fn list_hooks(
    State(mock): State<AppState>,
    Query(params): Query,
) -> Result<Json<Value>, OAuthError> {
    let after = match params.get("after") {
        None => 0,
        Some(a) => a.parse::<u64>().map_err(|_| {
            OAuthError::invalid_request("after must be a record id (a whole number)")
        })?,
    };
    let records = match params.get("wait") {
        None => mock.records().list_after(after),
        Some(w) => mock.records().wait_after(after, wait_secs(w)?).await,
    };
    // `last_id` lets a follower move past records a clear took before it saw them.
    Ok(Json(
        json!({ "records": records, "last_id": mock.records().newest_id() }),
    ))
}

/// A `wait` parameter: seconds (fractions allowed), capped at [`MAX_WAIT`].
fn wait_secs(w: &str) -> Result<Duration, OAuthError> {
    let secs: f64 = w
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| {
            OAuthError::invalid_request("wait must be a number of seconds (at most 60)")
        })?;
    Ok(Duration::from_secs_f64(secs.min(MAX_WAIT.as_secs_f64())))
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

/// The clock stays at most this far from wall time either way (a century, in seconds).
const CLOCK_RANGE: i64 = 100 * 365 * 86400;

async fn set_clock(
    State(mock): State<AppState>,
    ControlJson(b): ControlJson<ClockBody>,
) -> Result<Json<Value>, OAuthError> {
    // The range applies to where the clock ends up, so repeated advances cannot overflow it.
    let from = if b.reset { 0 } else { mock.clock().offset() };
    let to = b.advance.map_or(Some(from), |secs| from.checked_add(secs));
    if to.is_none_or(|t| !(-CLOCK_RANGE..=CLOCK_RANGE).contains(&t)) {
        return Err(OAuthError::invalid_request(
            "the clock may move at most ±100 years (in seconds) from wall time",
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

/// `GET /__mock/outbox?to=&kind=&wait=`: the messages sent, oldest first; with `wait` (seconds,
/// at most 60) the answer waits for the first matching one instead of the test sleeping.
async fn outbox(
    State(mock): State<AppState>,
    Query(params): Query,
) -> Result<Json<Value>, OAuthError> {
    let kind = match params.get("kind") {
        None => None,
        Some(k) => Some(MessageKind::from_name(k).ok_or_else(|| {
            let known: Vec<&str> = MessageKind::ALL.iter().map(|k| k.as_str()).collect();
            OAuthError::invalid_request(format!("unknown kind '{k}' (known: {})", known.join(", ")))
        })?),
    };
    let filter = OutboxFilter {
        to: params.get("to").map(str::to_string),
        kind,
    };
    let messages = match params.get("wait") {
        None => mock.outbox().list(&filter),
        Some(w) => mock.outbox().wait_for(&filter, wait_secs(w)?).await,
    };
    Ok(Json(json!(messages)))
}

/// `DELETE /__mock/outbox`.
async fn clear_outbox(State(mock): State<AppState>) -> StatusCode {
    mock.outbox().clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct SignInBody {
    user: String,
    #[serde(default)]
    return_to: Option<String>,
}

fn refused_user(e: NextLoginError) -> OAuthError {
    match e {
        NextLoginError::Unknown(_) => OAuthError::not_found(e.to_string()),
        NextLoginError::Blocked(_) | NextLoginError::Count => {
            OAuthError::invalid_request(e.to_string())
        }
    }
}

/// `POST /__mock/login {"user", "return_to"?}`: a session for the user, as a cookie and a
/// one-time link; the app's next `/authorize` answers from it with no form.
async fn sign_in(
    State(mock): State<AppState>,
    ControlJson(b): ControlJson<SignInBody>,
) -> Result<(StatusCode, Json<Value>), OAuthError> {
    let login = crate::direct_login::sign_in(&mock, &b.user, b.return_to).map_err(|e| match e {
        DirectLoginError::User(u) => refused_user(u),
        DirectLoginError::ReturnTo(_) => OAuthError::invalid_request(e.to_string()),
    })?;
    Ok((StatusCode::CREATED, Json(json!(login))))
}

#[derive(Deserialize)]
struct NextLoginBody {
    user: String,
    #[serde(default = "one")]
    count: u32,
}

/// `POST /__mock/login/next {"user", "count"?}`: the next visits of the login page sign the
/// user in at once.
async fn next_login(
    State(mock): State<AppState>,
    ControlJson(b): ControlJson<NextLoginBody>,
) -> Result<Json<Value>, OAuthError> {
    let next = mock
        .arm_next_login(&b.user, b.count)
        .map_err(refused_user)?;
    Ok(Json(json!(next)))
}

async fn clear_next_login(State(mock): State<AppState>) -> StatusCode {
    mock.disarm_next_login();
    StatusCode::NO_CONTENT
}
