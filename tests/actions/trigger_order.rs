//! Actions mixed with native hooks in `triggers.post-login`: they run in the listed order, and
//! later ones see what earlier ones wrote.

use crate::support::*;
use crate::{Action, fixture, tokens};
use auth0_mock::MockServer;
use serde_json::Value;

const FIRST: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.user.setAppMetadata('from_action', 'yes');
};
"#;

const SECOND: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim('https://x/from-first', event.user.app_metadata.from_action ?? 'missing');
};
"#;

/// hasura-claims, then the Actions "first" and "second"; alice has logged in.
async fn three_hooks() -> (MockServer, tempfile::TempDir, Value) {
    let dir = fixture(
        &[Action::new("first", FIRST), Action::new("second", SECOND)],
        &["{ hook: hasura-claims, default_role: user, default_allowed_roles: [user] }"],
    );
    let server = start_with_fixtures(dir.path()).await;
    let (access, _) = tokens(&server.base_url()).await;
    (server, dir, access)
}

#[tokio::test]
async fn a_native_hook_listed_with_actions_still_runs() {
    let (server, _dir, access) = three_hooks().await;
    assert_eq!(access[HASURA_NS]["x-hasura-default-role"], "user");
    server.shutdown().await;
}

#[tokio::test]
async fn metadata_an_earlier_action_wrote_is_in_a_later_ones_event() {
    let (server, _dir, access) = three_hooks().await;
    assert_eq!(access["https://x/from-first"], "yes");
    server.shutdown().await;
}

#[tokio::test]
async fn actions_and_native_hooks_run_in_trigger_order() {
    let (server, _dir, _) = three_hooks().await;
    let hooks: Vec<String> = records(&server.base_url())
        .await
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["kind"].as_str().unwrap(),
                r["hook"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        hooks,
        vec![
            "hasura-claims:hasura-claims",
            "action:first",
            "action:second"
        ]
    );
    server.shutdown().await;
}
