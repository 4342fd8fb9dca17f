//! `POST /__mock/actions/test`: the Actions editor's "Test" button. Runs one hook of a trigger
//! on an event (Auth0's sample event for that trigger, with whatever the caller's `event`
//! sets laid over it), with no login and nothing stored, and answers what it did: outcome,
//! console lines, outbound requests with their replies, and the `api` calls it made.
//! `GET /__mock/actions` lists what can be tested, with each trigger's sample event.

use super::extract::{AppState, ControlJson};
use crate::error::OAuthError;
use crate::hooks::{Effects, Event, merge_event, sample_event};
use crate::protocol::Trigger;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

/// The request: which hook (an Action's name, or a native hook's `name`), of which trigger
/// (`post-login` when absent), on which event fields.
#[derive(Deserialize)]
pub(crate) struct TestRequest {
    action: String,
    #[serde(default)]
    trigger: Option<String>,
    #[serde(default)]
    event: Value,
}

/// Runs the test.
pub(crate) async fn run(
    State(mock): State<AppState>,
    ControlJson(req): ControlJson<TestRequest>,
) -> Result<Json<Value>, OAuthError> {
    let trigger = match req.trigger.as_deref() {
        None => Trigger::PostLogin,
        Some(id) => Trigger::from_id(id).ok_or_else(|| {
            OAuthError::invalid_request(format!(
                "unknown trigger '{id}' (known: {})",
                Trigger::ALL.map(|t| t.id()).join(", ")
            ))
        })?,
    };
    if !req.event.is_null() && !req.event.is_object() {
        return Err(OAuthError::invalid_request("event must be a JSON object"));
    }
    let mut fields = sample_event(trigger, &mock.tenant(), mock.clock().now());
    if req.event.is_object() {
        merge_event(&mut fields, &req.event);
    }
    let event: Event = serde_json::from_value(fields)
        .map_err(|e| OAuthError::invalid_request(format!("event: {e}")))?;
    let pipeline = mock.trigger_pipeline(trigger);
    let http = mock.outbound().map_err(OAuthError::server_error)?;
    let Some((record, effects)) = pipeline.test_one(&req.action, event.clone(), &http).await else {
        return Err(OAuthError::not_found(format!(
            "nothing named '{}' is bound to {} (bound: {})",
            req.action,
            trigger.id(),
            pipeline.names().join(", ")
        )));
    };
    Ok(Json(json!({
        "event": event,
        "record": record,
        "api": api_calls(&effects),
    })))
}

/// `GET /__mock/actions`: per trigger, the hooks bound to it in the order they run and the
/// sample event a test starts from (what the Actions editor shows beside its "Test" button).
pub(crate) async fn list(State(mock): State<AppState>) -> Json<Value> {
    let tenant = mock.tenant();
    let now = mock.clock().now();
    let triggers: Vec<Value> = Trigger::ALL
        .into_iter()
        .map(|t| {
            json!({
                "trigger": t.id(),
                "hooks": mock.trigger_pipeline(t).names(),
                "sample_event": sample_event(t, &tenant, now),
            })
        })
        .collect();
    Json(json!({ "triggers": triggers }))
}

/// What the hook asked of `api`, in the names Auth0's `api` uses.
fn api_calls(e: &Effects) -> Value {
    json!({
        "accessToken": { "customClaims": e.access_claims, "addedScopes": e.add_scopes, "removedScopes": e.remove_scopes },
        "idToken": { "customClaims": e.id_claims },
        "access": { "deny": e.deny, "userMessage": e.user_message, "code": e.deny_code },
        "user": { "appMetadata": e.app_metadata, "userMetadata": e.user_metadata },
        "redirect": e.redirect.as_ref().map(|r| json!({
            "sendUserTo": r.url,
            "query": r.query.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        })),
    })
}
