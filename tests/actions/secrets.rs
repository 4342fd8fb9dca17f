//! `event.secrets`: declared secrets, `${NAME}` read from the environment, redacted in logs, in
//! `error_description` and in the hook records.

use crate::support::*;
use crate::{Action, start_with, tokens};
use serde_json::{Value, json};

const SECRETIVE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  console.log(`the secret is ${event.secrets.FROM_ENV}`);
  api.idToken.setCustomClaim('https://x/secret', event.secrets.FROM_ENV);
  api.idToken.setCustomClaim('https://x/literal', event.secrets.LITERAL);
  api.idToken.setCustomClaim('https://x/keys', Object.keys(event.secrets).sort());
};"#;

/// Alice's ID-token payload after [`SECRETIVE`], and its hook record.
async fn secretive() -> (Value, Value) {
    let mut action = Action::new("secretive", SECRETIVE);
    // Cargo sets CARGO_MANIFEST_DIR for test runs: a real environment variable, read by the
    // fixture loader's ${NAME} expansion.
    action.secrets = &[
        "{ name: FROM_ENV, value: \"${CARGO_MANIFEST_DIR}\" }",
        "{ name: LITERAL, value: plain-value }",
    ];
    let (server, _dir) = start_with(action).await;
    let (_, id) = tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    server.shutdown().await;
    (id, record)
}

#[tokio::test]
async fn a_secret_naming_an_environment_variable_gets_its_value() {
    let (id, _) = secretive().await;
    assert_eq!(id["https://x/secret"], env!("CARGO_MANIFEST_DIR"));
}

#[tokio::test]
async fn a_literal_secret_is_passed_as_written() {
    let (id, _) = secretive().await;
    assert_eq!(id["https://x/literal"], "plain-value");
}

#[tokio::test]
async fn event_secrets_holds_exactly_the_declared_names() {
    let (id, _) = secretive().await;
    assert_eq!(id["https://x/keys"], json!(["FROM_ENV", "LITERAL"]));
}

#[tokio::test]
async fn secret_values_are_redacted_in_the_logged_lines() {
    let (_, record) = secretive().await;
    assert_eq!(logs(&record), vec!["the secret is [REDACTED]".to_string()]);
}

const LEAKER: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  throw new Error(`upstream refused key ${event.secrets.KEY}`);
};"#;

/// A secret that an Action puts in the message it throws.
const LEAKED: &str = "leaky-secret-value-123";

async fn leaker() -> (auth0_mock::MockServer, tempfile::TempDir) {
    let mut action = Action::new("leaker", LEAKER);
    action.secrets = &["{ name: KEY, value: leaky-secret-value-123 }"];
    start_with(action).await
}

#[tokio::test]
async fn a_secret_in_a_thrown_message_is_redacted_in_error_description() {
    let (server, _dir) = leaker().await;
    let (status, body) = alice_login(&server.base_url()).await;
    crate::assert_denied(status, &body, "upstream refused key [REDACTED]");
    server.shutdown().await;
}

#[tokio::test]
async fn a_secret_in_a_thrown_message_never_reaches_the_hook_records() {
    let (server, _dir) = leaker().await;
    let base = server.base_url();
    alice_login(&base).await;
    let listed = client()
        .get(format!("{base}/__mock/hooks"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listed.contains("upstream refused key [REDACTED]"),
        "{listed}"
    );
    assert!(!listed.contains(LEAKED), "{listed}");
    server.shutdown().await;
}
