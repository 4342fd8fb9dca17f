//! The events of the registration and password-change triggers, in the shape Auth0 gives
//! each (only the fields that trigger has), and running them.

use crate::hooks::{Event, PipelineResult};
use crate::login::event::client_json;
use crate::mock::Mock;
use crate::protocol::Trigger;
use crate::tenant::{Client, Connection, User};
use serde_json::{Map, Value, json};

/// `event.connection` for a connection.
pub(super) fn connection_json(c: &Connection) -> Value {
    json!({
        "id": c.id.clone().unwrap_or_default(),
        "name": c.name,
        "strategy": c.strategy,
        "metadata": {},
    })
}

/// The pre-user-registration event: the user to be (no `user_id` yet), the client, the
/// connection, the request and, for a Universal Login sign-up only, the transaction.
pub(super) fn pre_registration_event(
    mock: &Mock,
    user: &User,
    client: &Client,
    connection: &Connection,
    request: Value,
    transaction: Option<Map<String, Value>>,
) -> Event {
    let mut profile = Map::new();
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            profile.insert(k.into(), json!(v));
        }
    };
    put("email", &user.email);
    put("username", &user.username);
    put("name", &user.name);
    put("given_name", &user.given_name);
    put("family_name", &user.family_name);
    put("nickname", &user.nickname);
    put("picture", &user.picture);
    profile.insert(
        "user_metadata".into(),
        Value::Object(user.user_metadata.clone()),
    );
    profile.insert(
        "app_metadata".into(),
        Value::Object(user.app_metadata.clone()),
    );
    let mut event = base_event(mock, connection, request, transaction);
    event.user = Value::Object(profile);
    event.client = client_json(client);
    event
}

/// The post-user-registration and post-change-password event: the stored user, the
/// connection, the request (without its body) and the transaction when there is one.
pub(super) fn after_event(
    mock: &Mock,
    user: &User,
    connection: &Connection,
    mut request: Value,
    transaction: Option<Map<String, Value>>,
) -> Event {
    if let Some(r) = request.as_object_mut() {
        r.remove("body");
    }
    let mut event = base_event(mock, connection, request, transaction);
    event.user = user.to_auth0_json();
    event
}

fn base_event(
    mock: &Mock,
    connection: &Connection,
    request: Value,
    transaction: Option<Map<String, Value>>,
) -> Event {
    let mut event = Event::outside_login(&mock.tenant().friendly_name);
    event.connection = connection_json(connection);
    event.request = request;
    event.transaction = transaction.map(Value::Object).unwrap_or(Value::Null);
    event
}

/// Runs one trigger's pipeline for `event`. The outbound client failing to build is a failed
/// run, like a hook that cannot reach its target.
pub(super) async fn run(mock: &Mock, trigger: Trigger, event: Event) -> PipelineResult {
    let pipeline = mock.trigger_pipeline(trigger);
    if pipeline.is_empty() {
        return PipelineResult::default();
    }
    match mock.outbound() {
        Ok(http) => pipeline.run(event, &http, mock.records()).await,
        Err(e) => PipelineResult {
            denied: Some(e),
            ..Default::default()
        },
    }
}

/// Runs a trigger that cannot change the outcome (post-registration, post-change-password):
/// a failure is in the hook records and the log, and what triggered it stands, as in Auth0.
pub(super) async fn run_after(mock: &Mock, trigger: Trigger, event: Event) {
    let user = event.user_id().to_string();
    let result = run(mock, trigger, event).await;
    if let Some(reason) = result.denied {
        tracing::warn!(
            trigger = trigger.id(),
            user = %user,
            reason = %reason,
            "hook failed; the user change stands, as in Auth0"
        );
    }
}
