//! While an outbound hook waits for its upstream: the login is cut at the hook's timeout, and the
//! mock goes on serving other requests meanwhile.

use crate::ADMIN_SECRET;
use crate::failures::{Mode, STALLED_TIMEOUT_MS, failing};
use crate::support::*;
use auth0_mock::tenant::HookBinding;
use axum::http::StatusCode as UpstreamStatus;
use axum::response::IntoResponse;
use reqwest::StatusCode;
use serde_json::json;

/// Every kind of login through a stalled upstream ends while the upstream still holds its
/// answer: the hook's timeout, not the upstream, ended it.
async fn a_stalled_call_ends_every_login_at_the_timeout(kind: &str) {
    for on_failure in ["deny", "continue"] {
        let f = failing(kind, Mode::Stalled, on_failure).await;
        let ctx = &f.ctx;
        let upstream = f.upstream.as_ref().expect("a stalled upstream");
        let base = f.server.base_url();
        let (status, body) = alice_login(&base).await;
        if on_failure == "deny" {
            let description = body["error_description"].as_str().unwrap_or("");
            assert!(
                description.contains(&format!("timed out after {STALLED_TIMEOUT_MS} ms")),
                "{ctx}: {status} {body}"
            );
        }
        bob_login(&base).await;
        alice_browser_login(&base).await;
        assert_eq!(
            upstream.seen().len(),
            3,
            "{ctx}: every login called the upstream"
        );
        assert_eq!(
            upstream.answered(),
            0,
            "{ctx}: a login waited for the stalled upstream's answer"
        );
        f.server.shutdown().await;
    }
}

/// While a login waits on a hook whose upstream holds its answer (well within the hook's
/// timeout), another request is answered; the login completes once the upstream answers.
async fn other_requests_are_served_while_a_hook_waits(kind: &'static str) {
    let upstream = Upstream::start(move |request, _| {
        Answer::Held(if kind == "hasura-sync" {
            hasura_upsert_ok(request)
        } else {
            UpstreamStatus::NO_CONTENT.into_response()
        })
    })
    .await;
    let path = if kind == "hasura-sync" {
        "/v1/graphql"
    } else {
        "/hook"
    };
    let mut settings = json!({"url": upstream.url(path), "timeout_ms": 20000});
    if kind == "hasura-sync" {
        settings["admin_secret"] = json!(ADMIN_SECRET);
    }
    let server = start_with_hooks(vec![HookBinding::native(kind, "under test", settings)]).await;
    let base = server.base_url();
    let login = tokio::spawn({
        let base = base.clone();
        async move { alice_login(&base).await }
    });
    upstream.wait_for_requests(1).await;
    let (status, body) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK, "{kind}: {body}");
    assert!(
        !login.is_finished(),
        "{kind}: the login ended before its upstream answered"
    );
    upstream.release();
    let (status, body) = login.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{kind}: {body}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_stalled_hasura_sync_ends_every_login_at_its_timeout() {
    a_stalled_call_ends_every_login_at_the_timeout("hasura-sync").await;
}

#[tokio::test]
async fn a_stalled_webhook_ends_every_login_at_its_timeout() {
    a_stalled_call_ends_every_login_at_the_timeout("webhook").await;
}

#[tokio::test]
async fn other_requests_are_served_while_hasura_sync_waits() {
    other_requests_are_served_while_a_hook_waits("hasura-sync").await;
}

#[tokio::test]
async fn other_requests_are_served_while_a_webhook_waits() {
    other_requests_are_served_while_a_hook_waits("webhook").await;
}
