//! `POST /__mock/actions/test`, the Actions editor's "Test" button: one Action on Auth0's
//! sample event (with the caller's fields over it), no login, nothing stored.

use crate::support::*;
use crate::{Action, echoed, local_server, start_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SYNC: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const res = await fetch(`${event.secrets.BASE}/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { insert_users_one }', variables: { userId: event.user.user_id, logins: event.stats.logins_count } }),
  });
  const { data } = await res.json();
  console.log(`synced ${data.insert_users_one.userId}`);
  api.accessToken.setCustomClaim('https://x/synced', data.insert_users_one.userId);
  if (event.user.app_metadata.banned) api.access.deny('banned user');
};"#;

async fn test_action(base: &str, body: Value) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/__mock/actions/test"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

async fn tester() -> (auth0_mock::MockServer, tempfile::TempDir, Upstream) {
    let local = local_server().await;
    let secret = format!("{{ name: BASE, value: \"{}\" }}", local.base());
    let secrets = [secret.as_str()];
    let mut action = Action::new("sync", SYNC);
    action.secrets = &secrets;
    let (server, dir) = start_with(action).await;
    (server, dir, local)
}

#[tokio::test]
async fn the_tester_runs_an_action_on_the_sample_event_and_shows_its_request_console_and_claims() {
    let (server, _dir, local) = tester().await;
    let base = server.base_url();
    let (status, out) = test_action(&base, json!({"action": "sync"})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let record = &out["record"];
    assert_eq!(record["outcome"], "ok", "{out}");
    assert_eq!(
        record["calls"][0]["request_body"]["variables"],
        json!({"userId": "auth0|5f7c8ec7c33c6c004bbafe82", "logins": 62})
    );
    assert_eq!(record["calls"][0]["status"], 201);
    assert!(
        record["logs"].as_array().unwrap().iter().any(|l| l
            .as_str()
            .unwrap()
            .contains("synced auth0|5f7c8ec7c33c6c004bbafe82")),
        "{record}"
    );
    assert_eq!(
        out["api"]["accessToken"]["customClaims"]["https://x/synced"],
        "auth0|5f7c8ec7c33c6c004bbafe82"
    );
    assert_eq!(echoed(&local).len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn the_callers_event_fields_are_laid_over_the_sample() {
    let (server, _dir, _local) = tester().await;
    let (_, out) = test_action(
        &server.base_url(),
        json!({"action": "sync", "event": {"user": {"user_id": "auth0|mine"}, "stats": {"logins_count": 1}}}),
    )
    .await;
    assert_eq!(
        out["record"]["calls"][0]["request_body"]["variables"],
        json!({"userId": "auth0|mine", "logins": 1})
    );
    assert_eq!(
        out["event"]["user"]["email"], "j+smith@example.com",
        "the rest of the sample stays"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_denial_is_shown_and_nothing_is_recorded_or_refused() {
    let (server, _dir, _local) = tester().await;
    let base = server.base_url();
    let (_, out) = test_action(
        &base,
        json!({"action": "sync", "event": {"user": {"app_metadata": {"banned": true}}}}),
    )
    .await;
    assert_eq!(out["record"]["outcome"], "denied");
    assert_eq!(out["api"]["access"]["deny"], "banned user");
    assert!(
        records(&base).await.is_empty(),
        "a test run is not a login's record"
    );
    let (status, _) = alice_login(&base).await;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_action_is_a_404_listing_what_is_bound() {
    let (server, _dir, _local) = tester().await;
    let (status, out) = test_action(&server.base_url(), json!({"action": "nope"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        out["error_description"],
        "nothing named 'nope' is bound to post-login (bound: sync)"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_trigger_is_refused_naming_the_known_ones() {
    let (server, _dir, _local) = tester().await;
    let (status, out) = test_action(
        &server.base_url(),
        json!({"action": "sync", "trigger": "send-phone-message"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        out["error_description"]
            .as_str()
            .unwrap()
            .contains("credentials-exchange"),
        "{out}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_redirect_the_action_asks_for_is_shown() {
    const REDIRECT: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.redirect.sendUserTo('https://profile.test/ask', { query: { step: 2 } });
};"#;
    let (server, _dir) = start_with(Action::new("redirect", REDIRECT)).await;
    let (status, out) = test_action(&server.base_url(), json!({"action": "redirect"})).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(
        out["api"]["redirect"],
        json!({"sendUserTo": "https://profile.test/ask", "query": {"step": "2"}})
    );
    server.shutdown().await;
}
