//! An Action that denies, throws or rejects: the login is refused with `access_denied` and the
//! reason, and other users' logins go on.

use crate::support::*;
use crate::{Action, assert_denied, start_with};
use reqwest::StatusCode;

const GATE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    api.access.deny(`Sorry ${event.user.nickname}, not today`);
  }
};"#;

#[tokio::test]
async fn api_access_deny_refuses_the_login_with_the_reason() {
    let (server, _dir) = start_with(Action::new("gate", GATE)).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_denied(status, &body, "Sorry alice, not today");
    server.shutdown().await;
}

#[tokio::test]
async fn a_denial_is_recorded_as_denied() {
    let (server, _dir) = start_with(Action::new("gate", GATE)).await;
    alice_login(&server.base_url()).await;
    assert_eq!(last_record(&server.base_url()).await["outcome"], "denied");
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_the_action_does_not_deny_logs_in() {
    let (server, _dir) = start_with(Action::new("gate", GATE)).await;
    let (status, body) = bob_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
}

const THROWER: &str = "exports.onExecutePostLogin = async (event, api) => {\n  console.log('before');\n  throw new Error('boom: ' + event.user.email);\n};\n";

#[tokio::test]
async fn a_thrown_error_denies_with_its_message() {
    let (server, _dir) = start_with(Action::new("thrower", THROWER)).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_denied(status, &body, "boom: alice@example.com");
    server.shutdown().await;
}

#[tokio::test]
async fn a_thrown_error_is_recorded_as_failed_with_the_log_and_the_line_it_came_from() {
    let (server, _dir) = start_with(Action::new("thrower", THROWER)).await;
    alice_login(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    assert_eq!(record["outcome"], "failed");
    assert_eq!(record["error"], "boom: alice@example.com");
    let lines = logs(&record);
    assert_eq!(lines[0], "before");
    assert!(
        lines[1].starts_with("uncaught Error: boom") && lines[1].contains("code.js:3"),
        "{lines:?}"
    );
    server.shutdown().await;
}

const REJECTER: &str = r#"exports.onExecutePostLogin = (event, api) => {
  if (event.user.email === 'alice@example.com') {
    return new Promise((_, reject) => setTimeout(() => reject(new TypeError('rejected later')), 5));
  }
  if (event.user.email === 'bob@example.com') {
    throw 'a plain string';
  }
  return Promise.resolve();
};"#;

#[tokio::test]
async fn a_rejected_promise_denies_with_the_rejection_message() {
    let (server, _dir) = start_with(Action::new("rejecter", REJECTER)).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_denied(status, &body, "rejected later");
    server.shutdown().await;
}

#[tokio::test]
async fn a_synchronously_thrown_string_denies_with_the_string() {
    let (server, _dir) = start_with(Action::new("rejecter", REJECTER)).await;
    let (status, body) = bob_login(&server.base_url()).await;
    assert_denied(status, &body, "a plain string");
    server.shutdown().await;
}

#[tokio::test]
async fn a_non_async_handler_returning_a_resolved_promise_lets_the_login_through() {
    let (server, _dir) = start_with(Action::new("rejecter", REJECTER)).await;
    let (status, body) =
        password_login(&server.base_url(), "admin@example.com", "admin-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
}
