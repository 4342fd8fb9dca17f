//! Post-login hooks never run for client_credentials, which logs no user in.

use crate::ADMIN_SECRET;
use crate::support::*;
use auth0_mock::MockServer;
use auth0_mock::tenant::HookBinding;
use reqwest::StatusCode;
use serde_json::json;

/// A Hasura stand-in, a webhook that denies every login, and a mock running both.
async fn mock_with_sync_and_a_denying_webhook() -> (Upstream, Upstream, MockServer) {
    let hasura = Upstream::start(|request, _| Answer::Now(hasura_upsert_ok(request))).await;
    let hook = Upstream::start(|_, _| {
        Answer::Now(json_response(
            axum::http::StatusCode::OK,
            json!({"deny": "should not run"}),
        ))
    })
    .await;
    let server = start_with_hooks(vec![
        HookBinding::native(
            "hasura-sync",
            "sync",
            json!({"url": hasura.url("/v1/graphql"), "admin_secret": ADMIN_SECRET}),
        ),
        HookBinding::native("webhook", "gate", json!({"url": hook.url("/hook")})),
    ])
    .await;
    (hasura, hook, server)
}

#[tokio::test]
async fn client_credentials_run_no_hooks() {
    let (hasura, hook, server) = mock_with_sync_and_a_denying_webhook().await;
    let base = server.base_url();
    for _ in 0..2 {
        let (status, body) = m2m_token(&base).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(access_claims(&body)["gty"], "client-credentials");
    }
    assert!(
        records(&base).await.is_empty(),
        "client_credentials must run no hooks"
    );
    assert!(hasura.seen().is_empty());
    assert!(hook.seen().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_login_on_the_same_mock_does_run_them() {
    let (hasura, hook, server) = mock_with_sync_and_a_denying_webhook().await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error_description"], "should not run");
    assert_eq!(hasura.seen().len(), 1);
    assert_eq!(hook.seen().len(), 1);
    server.shutdown().await;
}
