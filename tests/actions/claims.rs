//! Claims and scopes set by Actions through `api.accessToken` and `api.idToken`.

use crate::support::*;
use crate::{Action, start_with, tokens};
use reqwest::StatusCode;
use serde_json::{Value, json};

const GUIDE_CLAIMS: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const namespace = "https://hasura.io/jwt/claims";
  api.accessToken.setCustomClaim(namespace,
    {
      'x-hasura-default-role': 'user',
      // do some custom logic to decide allowed roles
      'x-hasura-allowed-roles': ['user'],
      'x-hasura-user-id': event.user.user_id
    })
}
"#;

#[tokio::test]
async fn the_guides_claims_action_puts_hasura_claims_in_the_access_token_only() {
    let (server, _dir) = start_with(Action::new("hasura-jwt-claims", GUIDE_CLAIMS)).await;
    let (access, id) = tokens(&server.base_url()).await;
    let claims = &access[HASURA_NS];
    assert_eq!(claims["x-hasura-default-role"], "user");
    assert_eq!(claims["x-hasura-allowed-roles"], json!(["user"]));
    assert_eq!(claims["x-hasura-user-id"], access["sub"]);
    assert!(id.get(HASURA_NS).is_none(), "only the access token: {id}");
    server.shutdown().await;
}

#[tokio::test]
async fn an_action_run_is_recorded_under_its_name_with_its_outcome() {
    let (server, _dir) = start_with(Action::new("hasura-jwt-claims", GUIDE_CLAIMS)).await;
    tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    assert_eq!(record["kind"], "action");
    assert_eq!(record["hook"], "hasura-jwt-claims");
    assert_eq!(record["outcome"], "ok");
    server.shutdown().await;
}

const BOTH_TOKENS: &str = r#"
const ns = 'https://example.com';
module.exports.onExecutePostLogin = async (event, api) => {
  const plan = event.user.app_metadata?.plan ?? 'none';
  const missing = event.user.app_metadata?.nothing?.deeper ?? 'fallback';
  const roles = event.authorization?.roles ?? [];
  await null;
  api.idToken.setCustomClaim(`${ns}/plan`, plan)
     .accessToken.setCustomClaim(`${ns}/roles`, roles);
  api.accessToken.setCustomClaim(`${ns}/missing`, missing);
  api.idToken.setCustomClaim(`${ns}/obj`, { n: 1.5, list: [1, 'two', null], nested: { ok: true } });
  api.accessToken.setCustomClaim(`${ns}/undef`, undefined);
  api.accessToken.setCustomClaim('sub', 'hijacked');
  api.idToken.setCustomClaim('https://tenant.auth0.com/x', 1);
};
"#;

/// The (access, id) payloads of a login through [`BOTH_TOKENS`], and its hook record.
async fn both_tokens() -> (Value, Value, Value) {
    let (server, _dir) = start_with(Action::new("claims", BOTH_TOKENS)).await;
    let (access, id) = tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    server.shutdown().await;
    (access, id, record)
}

#[tokio::test]
async fn claims_reach_both_tokens_with_modern_syntax_and_chained_calls() {
    let (access, id, _) = both_tokens().await;
    assert_eq!(id["https://example.com/plan"], "pro");
    assert_eq!(access["https://example.com/roles"], json!(["user"]));
    assert_eq!(access["https://example.com/missing"], "fallback");
    assert_eq!(
        id["https://example.com/obj"],
        json!({ "n": 1.5, "list": [1, "two", null], "nested": { "ok": true } })
    );
    // JSON has no undefined: such a claim is left out, as Auth0 does, rather than sent as null.
    assert!(access.get("https://example.com/undef").is_none());
}

#[tokio::test]
async fn restricted_claims_are_dropped_each_with_a_warning() {
    let (access, id, record) = both_tokens().await;
    assert_ne!(access["sub"], "hijacked", "restricted claims are dropped");
    assert!(id.get("https://tenant.auth0.com/x").is_none());
    let warnings: Vec<String> = logs(&record)
        .into_iter()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("'sub'"), "{warnings:?}");
}

#[tokio::test]
async fn add_scope_and_remove_scope_change_the_access_tokens_scope() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.addScope('read:extra');
  api.accessToken.removeScope('email');
};"#;
    let (server, _dir) = start_with(Action::new("scopes", code)).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let access = access_claims(&body);
    let scope: Vec<&str> = access["scope"].as_str().unwrap().split(' ').collect();
    assert!(scope.contains(&"read:extra"), "{scope:?}");
    assert!(!scope.contains(&"email"), "{scope:?}");
    assert!(scope.contains(&"openid"), "{scope:?}");
    server.shutdown().await;
}
