//! `console.*` in Actions: formatted like Node into the hook record, and capped.

use crate::support::*;
use crate::{Action, start_with, tokens};

#[tokio::test]
async fn console_methods_are_formatted_like_node_into_the_hook_record() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  console.log('hello', event.user.nickname, 42, { a: [1, 2] });
  console.info('%s has %d roles', event.user.nickname, event.authorization.roles.length);
  console.warn(new Error('careful'));
  console.error(null, undefined, true);
};"#;
    let (server, _dir) = start_with(Action::new("chatty", code)).await;
    tokens(&server.base_url()).await;
    let lines = logs(&last_record(&server.base_url()).await);
    assert_eq!(lines[0], r#"hello alice 42 {"a":[1,2]}"#);
    assert_eq!(lines[1], "alice has 1 roles");
    assert!(lines[2].starts_with("Error: careful"), "{lines:?}");
    assert_eq!(lines[3], "null undefined true");
    server.shutdown().await;
}

const FLOOD: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  for (let i = 0; i < 20000; i++) console.log(i);
  console.log('x'.repeat(100000));
  api.idToken.setCustomClaim('https://x/after', 'past the cap');
};"#;

#[tokio::test]
async fn a_console_flood_is_capped_at_ten_thousand_lines_and_a_notice() {
    let (server, _dir) = start_with(Action::new("flood", FLOOD)).await;
    tokens(&server.base_url()).await;
    let lines = logs(&last_record(&server.base_url()).await);
    assert_eq!(lines.len(), 10_001, "{}", lines.len());
    assert_eq!(lines[9_999], "9999");
    assert!(
        lines[10_000].contains("the rest are dropped"),
        "{}",
        lines[10_000]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn api_calls_after_a_console_flood_are_dropped_too() {
    let (server, _dir) = start_with(Action::new("flood", FLOOD)).await;
    let (_, id) = tokens(&server.base_url()).await;
    assert!(id.get("https://x/after").is_none(), "dropped past the cap");
    server.shutdown().await;
}
