//! `api.user.setAppMetadata` / `setUserMetadata`: kept, so the next login's event sees them.

use crate::{Action, start_with, tokens};
use serde_json::Value;

const COUNTER: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const seen = event.user.app_metadata.logins_seen ?? 0;
  api.idToken.setCustomClaim('https://x/seen', seen);
  api.idToken.setCustomClaim('https://x/theme', event.user.user_metadata.theme ?? null);
  api.user.setAppMetadata('logins_seen', seen + 1);
  api.user.setUserMetadata('theme', null);
  api.user.setUserMetadata('language', 'fr');
};"#;

/// The ID-token payloads of alice's first and second logins through [`COUNTER`].
async fn two_logins() -> (Value, Value) {
    let (server, _dir) = start_with(Action::new("counter", COUNTER)).await;
    let (_, first) = tokens(&server.base_url()).await;
    let (_, second) = tokens(&server.base_url()).await;
    server.shutdown().await;
    (first, second)
}

#[tokio::test]
async fn app_metadata_set_by_an_action_is_seen_by_the_next_login() {
    let (first, second) = two_logins().await;
    assert_eq!(first["https://x/seen"], 0);
    assert_eq!(second["https://x/seen"], 1);
}

#[tokio::test]
async fn user_metadata_set_to_null_is_gone_at_the_next_login() {
    let (first, second) = two_logins().await;
    assert_eq!(first["https://x/theme"], "dark");
    assert_eq!(second["https://x/theme"], Value::Null);
}
