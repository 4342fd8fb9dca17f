//! The limits each Action run gets (time, memory, stack) and the promise that never settles:
//! the login is denied with a clear message, and the worker serves the next login normally.

use crate::support::*;
use crate::{Action, assert_denied, start_with};
use auth0_mock::MockServer;
use reqwest::StatusCode;

const SPINNER: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    try { while (true) {} } catch (e) { api.idToken.setCustomClaim('https://x/escaped', true); }
  }
  api.idToken.setCustomClaim('https://x/ok', event.user.email);
};"#;

/// One worker, so the next login must get the very worker that ran into the limit.
async fn spinner() -> (MockServer, tempfile::TempDir) {
    let mut action = Action::new("spinner", SPINNER);
    action.binding = "timeout_ms: 300\nworkers: 1";
    start_with(action).await
}

#[tokio::test]
async fn an_infinite_loop_is_denied_at_the_actions_time_limit() {
    let (server, _dir) = spinner().await;
    // A limit that did not hold would leave this login hanging, not answered.
    let (status, body) = alice_login(&server.base_url()).await;
    assert_denied(status, &body, "Action \"spinner\" timed out after 300 ms");
    server.shutdown().await;
}

#[tokio::test]
async fn after_a_timeout_the_same_worker_runs_the_next_login_afresh() {
    let (server, _dir) = spinner().await;
    let base = server.base_url();
    alice_login(&base).await;
    let (status, body) = bob_login(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(id_claims(&body)["https://x/ok"], "bob@example.com");
    server.shutdown().await;
}

const HOARDER: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    const hoard = [];
    while (true) hoard.push(new Array(100000).fill(event.user.email));
  }
  api.idToken.setCustomClaim('https://x/ok', true);
};"#;

async fn hoarder() -> (MockServer, tempfile::TempDir) {
    let mut action = Action::new("hoarder", HOARDER);
    action.binding = "memory_limit_mb: 16\nworkers: 1";
    start_with(action).await
}

#[tokio::test]
async fn a_memory_bomb_is_denied_at_the_memory_limit() {
    let (server, _dir) = hoarder().await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_denied(
        status,
        &body,
        "Action \"hoarder\" ran out of memory (limit 16 MB)",
    );
    server.shutdown().await;
}

#[tokio::test]
async fn after_a_memory_bomb_the_next_login_succeeds() {
    let (server, _dir) = hoarder().await;
    let base = server.base_url();
    alice_login(&base).await;
    let (status, body) = bob_login(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
}

const RUNAWAY: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    const dive = (n) => dive(n + 1) + 1;
    dive(0);
  }
  if (event.user.email === 'bob@example.com') {
    await new Promise(() => {});
  }
  api.idToken.setCustomClaim('https://x/ok', true);
};"#;

async fn runaway() -> (MockServer, tempfile::TempDir) {
    let mut action = Action::new("runaway", RUNAWAY);
    action.binding = "workers: 1";
    start_with(action).await
}

#[tokio::test]
async fn runaway_recursion_is_denied_as_a_stack_overflow() {
    let (server, _dir) = runaway().await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("stack"),
        "{body}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_promise_that_nothing_settles_is_denied_without_waiting_for_the_timeout() {
    let (server, _dir) = runaway().await;
    let (status, body) = bob_login(&server.base_url()).await;
    // This message, not "timed out after 20000 ms", says the engine saw that nothing can settle.
    assert_denied(
        status,
        &body,
        "Action \"runaway\" never finished: onExecutePostLogin awaits a promise that nothing settles",
    );
    server.shutdown().await;
}

#[tokio::test]
async fn after_a_stack_overflow_and_a_stuck_promise_the_next_login_succeeds() {
    let (server, _dir) = runaway().await;
    let base = server.base_url();
    alice_login(&base).await;
    bob_login(&base).await;
    let (status, body) = password_login(&base, "admin@example.com", "admin-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
}
