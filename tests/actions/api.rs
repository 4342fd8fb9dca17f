//! The rest of Auth0's `api` object: `api.cache`, and the methods the mock cannot support
//! (sessions, authentication methods, prompts), which fail clearly.

use crate::support::*;
use crate::{Action, assert_denied, start_with, tokens};
use reqwest::StatusCode;
use serde_json::{Value, json};

const CACHER: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const hit = api.cache.get('greeting');
  api.idToken.setCustomClaim('https://x/cached', hit ? hit.value : null);
  const written = api.cache.set('greeting', `hello ${event.user.nickname}`, { ttl: 60000 });
  api.idToken.setCustomClaim('https://x/write', [written.type, typeof written.record.expires_at]);
  api.idToken.setCustomClaim('https://x/invalid', api.cache.set('n', 42).type);
  api.cache.set('gone', 'x');
  api.idToken.setCustomClaim('https://x/deleted', [api.cache.delete('gone').type, api.cache.get('gone') ?? 'absent']);
};"#;

/// The ID-token payloads of alice's first and second logins through [`CACHER`].
async fn two_cached_logins() -> (Value, Value) {
    let (server, _dir) = start_with(Action::new("cacher", CACHER)).await;
    let (_, first) = tokens(&server.base_url()).await;
    let (_, second) = tokens(&server.base_url()).await;
    server.shutdown().await;
    (first, second)
}

#[tokio::test]
async fn api_cache_keeps_a_value_for_the_actions_next_login() {
    let (first, second) = two_cached_logins().await;
    assert_eq!(first["https://x/cached"], Value::Null);
    assert_eq!(second["https://x/cached"], "hello alice");
}

#[tokio::test]
async fn api_cache_set_and_delete_answer_like_auth0() {
    let (first, _) = two_cached_logins().await;
    assert_eq!(first["https://x/write"], json!(["success", "number"]));
    assert_eq!(first["https://x/invalid"], "error");
    assert_eq!(first["https://x/deleted"], json!(["success", "absent"]));
}

const UNSUPPORTED: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/probe', [api.redirect.canRedirect(), api.rules.wasExecuted('rul_1')]);
  const errors = [];
  for (const call of [
    () => api.authentication.challengeWith({ type: 'otp' }),
    () => api.session.revoke('x'),
  ]) {
    try { call(); } catch (e) { errors.push(e.message); }
  }
  api.idToken.setCustomClaim('https://x/errors', errors);
  if (event.user.email === 'alice@example.com') api.session.setMetadata('k', 'v');
};"#;

/// Bob's ID-token payload through [`UNSUPPORTED`] (which spares him the unsupported call).
async fn bobs_probe() -> Value {
    let (server, _dir) = start_with(Action::new("unsupported", UNSUPPORTED)).await;
    let (status, body) = bob_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
    id_claims(&body)
}

#[tokio::test]
async fn an_unsupported_call_left_uncaught_denies_the_login_saying_so() {
    let (server, _dir) = start_with(Action::new("unsupported", UNSUPPORTED)).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_denied(
        status,
        &body,
        "api.session.setMetadata is not supported by auth0-mock (session management from Actions is not modelled)",
    );
    server.shutdown().await;
}

#[tokio::test]
async fn unsupported_api_methods_throw_not_supported_by_auth0_mock() {
    let id = bobs_probe().await;
    let errors = id["https://x/errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert!(
        errors
            .iter()
            .all(|e| e.as_str().unwrap().contains("not supported by auth0-mock")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn can_redirect_and_was_executed_answer_false_in_a_password_login() {
    let id = bobs_probe().await;
    assert_eq!(id["https://x/probe"], json!([false, false]));
}
