//! `webhook` when it answers: what it is sent, and what its reply can do (claims, scopes,
//! metadata, a denial, or nothing with a 204).

use crate::support::*;
use auth0_mock::MockServer;
use auth0_mock::tenant::HookBinding;
use axum::http::StatusCode as UpstreamStatus;
use axum::response::IntoResponse;
use reqwest::StatusCode;
use serde_json::{Value, json};

const WEBHOOK_SECRET: &str = "webhook-bearer-secret-xyz";
const BINDING_SECRET: &str = "binding-secret-value-456";

/// A webhook whose n-th reply sets visits = n + 1 on the access token (plus the restricted
/// `sub` and `gty`, which must be dropped), a nickname on the ID token, app_metadata
/// `webhook_visits`, deletes user_metadata `theme`, and adds the `read:users` scope.
async fn replying_webhook() -> Upstream {
    Upstream::start(|_, n| {
        Answer::Now(json_response(
            UpstreamStatus::OK,
            json!({
                "access_token": {"claims": {
                    "https://example.com/visits": n + 1,
                    "sub": "evil-subject",
                    "gty": "evil-grant",
                }},
                "id_token": {"claims": {"https://example.com/nick": "ally"}},
                "app_metadata": {"webhook_visits": n + 1},
                "user_metadata": {"theme": null},
                "add_scopes": ["read:users"],
            }),
        ))
    })
    .await
}

/// A mock calling `hook` with a bearer secret, an extra header and a binding secret.
async fn mock_calling(hook: &Upstream) -> MockServer {
    let mut b = HookBinding::native(
        "webhook",
        "Any-language hook",
        json!({"url": hook.url("/hook"), "secret": WEBHOOK_SECRET, "headers": {"X-Env": "e2e"}}),
    );
    b.secrets.insert("api_key".into(), json!(BINDING_SECRET));
    start_with_hooks(vec![b]).await
}

/// Alice's password login against a mock calling [`replying_webhook`]; panics unless it is a 200.
async fn alice_with_replies(base: &str) -> Value {
    let (status, body) = alice_login(base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn a_reply_sets_claims_on_the_access_token() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let body = alice_with_replies(&server.base_url()).await;
    assert_eq!(access_claims(&body)["https://example.com/visits"], 1);
    server.shutdown().await;
}

#[tokio::test]
async fn restricted_claims_in_a_reply_are_dropped() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let claims = access_claims(&alice_with_replies(&server.base_url()).await);
    assert_eq!(
        claims["sub"], "auth0|alice",
        "a restricted claim from a reply is dropped"
    );
    assert_ne!(
        claims["gty"], "evil-grant",
        "a restricted claim from a reply is dropped"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn dropped_claims_are_logged_as_warnings_in_the_record() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    let logs = logs_text(&records_of(&base, "webhook").await[0]);
    assert!(logs.contains("warning") && logs.contains("'sub'"), "{logs}");
    assert!(logs.contains("'gty'"), "{logs}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_reply_adds_scopes() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let claims = access_claims(&alice_with_replies(&server.base_url()).await);
    let scope = claims["scope"].as_str().unwrap_or("");
    assert!(
        scope.split(' ').any(|s| s == "read:users"),
        "add_scopes: {scope}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_reply_sets_claims_on_the_id_token() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let body = alice_with_replies(&server.base_url()).await;
    assert_eq!(id_claims(&body)["https://example.com/nick"], "ally");
    server.shutdown().await;
}

#[tokio::test]
async fn the_webhook_receives_auth0s_event_for_the_login() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    alice_with_replies(&server.base_url()).await;
    let event = &hook.seen()[0].body;
    assert_eq!(event["user"]["user_id"], "auth0|alice");
    assert_eq!(event["user"]["app_metadata"]["plan"], "pro");
    assert!(
        event["user"]["app_metadata"]
            .get("webhook_visits")
            .is_none()
    );
    assert_eq!(event["user"]["user_metadata"]["theme"], "dark");
    assert_eq!(event["client"]["client_id"], WEB);
    assert_eq!(event["resource_server"]["identifier"], API);
    assert!(event["transaction"]["protocol"].is_string());
    server.shutdown().await;
}

#[tokio::test]
async fn logins_count_in_the_event_counts_the_users_logins() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    alice_with_replies(&base).await;
    let seen = hook.seen();
    assert_eq!(seen[0].body["stats"]["logins_count"], 1);
    assert_eq!(seen[1].body["stats"]["logins_count"], 2);
    server.shutdown().await;
}

#[tokio::test]
async fn app_metadata_from_a_reply_reaches_the_next_login() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    let second = alice_with_replies(&base).await;
    assert_eq!(access_claims(&second)["https://example.com/visits"], 2);
    let seen = hook.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].body["user"]["app_metadata"]["webhook_visits"], 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_null_in_a_replys_user_metadata_deletes_the_key() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    alice_with_replies(&base).await;
    assert!(
        hook.seen()[1].body["user"]["user_metadata"]
            .get("theme")
            .is_none(),
        "null deletes"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_event_sent_carries_no_secrets_and_no_password() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    alice_with_replies(&base).await;
    for s in &hook.seen() {
        assert!(
            s.body.get("secrets").is_none(),
            "event.secrets must not be sent"
        );
        let text = s.body.to_string();
        assert!(
            !text.contains(BINDING_SECRET) && !text.contains(WEBHOOK_SECRET),
            "{text}"
        );
        assert!(!text.contains("alice-password"), "{text}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn the_webhook_is_called_with_its_bearer_secret_and_configured_headers() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    alice_with_replies(&base).await;
    for s in &hook.seen() {
        assert_eq!(
            s.header("authorization"),
            format!("Bearer {WEBHOOK_SECRET}")
        );
        assert_eq!(s.header("x-env"), "e2e");
        assert_eq!(s.header("content-type"), "application/json");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_call_is_recorded_with_the_authorization_redacted_and_the_reply() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    let recs = records_of(&base, "webhook").await;
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!(r["hook"], "Any-language hook");
    assert_eq!(r["outcome"], "ok");
    let call = &r["calls"][0];
    assert_eq!(call["request_headers"]["authorization"], "[REDACTED]");
    assert_eq!(call["request_headers"]["x-env"], "e2e");
    assert_eq!(call["request_body"]["user"]["user_id"], "auth0|alice");
    assert_eq!(call["response_body"]["app_metadata"]["webhook_visits"], 1);
    server.shutdown().await;
}

#[tokio::test]
async fn the_bearer_secret_never_reaches_the_records() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    let all = serde_json::to_string(&records(&base).await).unwrap();
    assert!(
        !all.contains(WEBHOOK_SECRET),
        "bearer secret leaked into records"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_browser_login_sees_the_metadata_kept_from_earlier_logins() {
    let hook = replying_webhook().await;
    let server = mock_calling(&hook).await;
    let base = server.base_url();
    alice_with_replies(&base).await;
    alice_with_replies(&base).await;
    let tokens = browser_tokens(&base, "alice@example.com", "alice-password")
        .await
        .expect("browser login succeeds");
    assert_eq!(access_claims(&tokens)["https://example.com/visits"], 3);
    assert_eq!(
        hook.seen()[2].body["user"]["app_metadata"]["webhook_visits"],
        2
    );
    server.shutdown().await;
}

// ------------------------------------------------------------------ deny and 204

const REASON: &str = "Only residents of Wonderland & friends may sign in";

/// A webhook that denies alice with [`REASON`] and answers 204 for everyone else, and a mock
/// calling it.
async fn gatekeeper() -> (Upstream, MockServer) {
    let hook = Upstream::start(|event, _| {
        Answer::Now(if event.body["user"]["email"] == "alice@example.com" {
            json_response(UpstreamStatus::OK, json!({ "deny": REASON }))
        } else {
            UpstreamStatus::NO_CONTENT.into_response()
        })
    })
    .await;
    let server = start_with_hooks(vec![HookBinding::native(
        "webhook",
        "gate",
        json!({"url": hook.url("/hook")}),
    )])
    .await;
    (hook, server)
}

#[tokio::test]
async fn a_deny_reply_refuses_the_password_grant_with_the_reason() {
    let (_hook, server) = gatekeeper().await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "access_denied");
    assert_eq!(body["error_description"], REASON);
    server.shutdown().await;
}

#[tokio::test]
async fn a_deny_reply_sends_the_browser_back_with_the_reason_and_the_state() {
    let (_hook, server) = gatekeeper().await;
    let login = alice_browser_login(&server.base_url()).await;
    let q = login.query();
    assert_eq!(q["error"], "access_denied");
    assert_eq!(q["error_description"], REASON);
    assert_eq!(q["state"], STATE);
    assert!(login.code().is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn a_204_reply_changes_nothing_and_the_login_goes_on() {
    let (_hook, server) = gatekeeper().await;
    let base = server.base_url();
    let (status, body) = bob_login(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let browser = browser_tokens(&base, "bob@example.com", "bob-password").await;
    assert!(browser.is_ok(), "{browser:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn denials_and_204s_are_recorded_with_their_outcomes() {
    let (_hook, server) = gatekeeper().await;
    let base = server.base_url();
    alice_login(&base).await;
    alice_browser_login(&base).await;
    bob_login(&base).await;
    browser_tokens(&base, "bob@example.com", "bob-password")
        .await
        .unwrap();
    let recs = records_of(&base, "webhook").await;
    let outcomes: Vec<&str> = recs.iter().filter_map(|r| r["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["denied", "denied", "ok", "ok"]);
    assert_eq!(recs[0]["error"], REASON);
    assert_eq!(recs[2]["calls"][0]["status"], 204);
    assert!(
        logs_text(&recs[2]).contains("no changes"),
        "{}",
        logs_text(&recs[2])
    );
    server.shutdown().await;
}
