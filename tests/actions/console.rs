//! `console.*` in Actions: formatted like Node into the hook record, and capped at 64 KiB a
//! run without losing any `api` call made after the cap.

use crate::support::*;
use crate::{Action, assert_denied, start_with, tokens};
use auth0_mock::MockServer;
use serde_json::Value;

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

/// The console one run keeps, the cut notice included.
const RUN_CONSOLE_BYTES: usize = 64 * 1024;

/// The attack of the issue (10,001 lines of 16 KB a login), scaled to 500 lines: 8 MB a login.
/// Alice's run then sets claims and metadata; bob's run then denies.
const FLOOD: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const line = 'x'.repeat(16 * 1024);
  for (let i = 0; i < 500; i++) console.log(line);
  if (event.user.email === 'bob@example.com') api.access.deny('denied after the flood');
  api.accessToken.setCustomClaim('https://x/after', 'past the cap');
  api.idToken.setCustomClaim('https://x/seen', event.user.app_metadata.flooded ?? false);
  api.user.setAppMetadata('flooded', true);
};"#;

async fn flood() -> (MockServer, tempfile::TempDir) {
    start_with(Action::new("flood", FLOOD)).await
}

/// The hook record alice's flooding login leaves.
async fn flooded_record() -> Value {
    let (server, _dir) = flood().await;
    tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    server.shutdown().await;
    record
}

fn console_bytes(record: &Value) -> usize {
    logs(record).iter().map(|l| l.len() + 1).sum()
}

#[tokio::test]
async fn a_console_flood_leaves_a_record_within_the_per_run_cap() {
    let record = flooded_record().await;
    assert!(
        console_bytes(&record) <= RUN_CONSOLE_BYTES,
        "{}",
        console_bytes(&record)
    );
}

#[tokio::test]
async fn a_console_flood_record_counts_what_was_cut() {
    let record = flooded_record().await;
    // 16 KiB and a newline a line: three fit in 64 KiB less the room kept for the notice.
    assert_eq!(
        record["console_truncated"]["dropped_lines"], 497,
        "{}",
        record["console_truncated"]
    );
    assert_eq!(
        record["console_truncated"]["dropped_bytes"],
        497 * (16 * 1024 + 1)
    );
}

#[tokio::test]
async fn a_console_flood_record_ends_with_a_notice_of_the_cut() {
    let record = flooded_record().await;
    let lines = logs(&record);
    let last = lines.last().expect("a notice");
    assert!(last.contains("was cut: 497 more line(s)"), "{last}");
}

#[tokio::test]
async fn a_console_within_the_cap_is_recorded_as_not_truncated() {
    let code = "exports.onExecutePostLogin = async () => { console.log('quiet'); };";
    let (server, _dir) = start_with(Action::new("quiet", code)).await;
    tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    assert_eq!(record["console_truncated"], Value::Null);
    server.shutdown().await;
}

#[tokio::test]
async fn claims_set_after_a_console_flood_are_in_the_token() {
    let (server, _dir) = flood().await;
    let (access, _) = tokens(&server.base_url()).await;
    assert_eq!(access["https://x/after"], "past the cap");
    server.shutdown().await;
}

#[tokio::test]
async fn metadata_set_after_a_console_flood_is_kept() {
    let (server, _dir) = flood().await;
    tokens(&server.base_url()).await;
    let (_, id) = tokens(&server.base_url()).await;
    assert_eq!(id["https://x/seen"], true);
    server.shutdown().await;
}

#[tokio::test]
async fn a_denial_after_a_console_flood_denies_the_login() {
    let (server, _dir) = flood().await;
    let (status, body) = bob_login(&server.base_url()).await;
    assert_denied(status, &body, "denied after the flood");
    server.shutdown().await;
}

#[tokio::test]
async fn a_denial_after_a_console_flood_is_recorded() {
    let (server, _dir) = flood().await;
    bob_login(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    assert_eq!(record["outcome"], "denied");
    assert_eq!(record["error"], "denied after the flood");
    server.shutdown().await;
}

#[tokio::test]
async fn three_flooding_logins_leave_a_small_hook_list() {
    let (server, _dir) = flood().await;
    let base = server.base_url();
    for _ in 0..3 {
        tokens(&base).await;
    }
    let listed = client()
        .get(format!("{base}/__mock/hooks"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // Unbounded, these three logins listed 24 MB here (the issue's unscaled ones, 468 MB).
    assert!(listed.len() < 4 * RUN_CONSOLE_BYTES, "{}", listed.len());
    server.shutdown().await;
}

const API_LOOP: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  for (let i = 0; i < 10001; i++) api.accessToken.setCustomClaim('https://x/n', i);
};"#;

#[tokio::test]
async fn api_calls_past_the_per_run_limit_fail_the_login_instead_of_vanishing() {
    let (server, _dir) = start_with(Action::new("api-loop", API_LOOP)).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_denied(
        status,
        &body,
        "auth0-mock allows at most 10000 api calls per Action run",
    );
    server.shutdown().await;
}

/// Logs a little more than one run keeps (five of the six lines fit): every record is about as
/// large as a record gets from console output.
const FULL_CONSOLE: &str = r#"exports.onExecutePostLogin = async () => {
  const line = 'x'.repeat(13000);
  for (let i = 0; i < 6; i++) console.log(line);
};"#;

/// The byte cap of the whole records store.
const STORE_BYTES: usize = 16 * 1024 * 1024;

#[tokio::test]
async fn many_full_console_logins_keep_the_hook_list_within_the_store_cap() {
    let (server, _dir) = start_with(Action::new("full", FULL_CONSOLE)).await;
    let base = server.base_url();
    // About 300 records of 64 KiB: 19 MB, past the cap, yet far fewer than the 1,000 records
    // the store keeps by count.
    for _ in 0..300 {
        tokens(&base).await;
    }
    let listed = client()
        .get(format!("{base}/__mock/hooks"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(listed.len() <= STORE_BYTES + 4096, "{}", listed.len());
    server.shutdown().await;
}

#[tokio::test]
async fn past_the_store_cap_the_oldest_records_leave_first() {
    let (server, _dir) = start_with(Action::new("full", FULL_CONSOLE)).await;
    let base = server.base_url();
    for _ in 0..300 {
        tokens(&base).await;
    }
    let kept = records(&base).await;
    let ids: Vec<u64> = kept.iter().filter_map(|r| r["id"].as_u64()).collect();
    assert!(ids[0] > 1, "the first records left");
    assert_eq!(ids.last(), Some(&300), "the newest stayed");
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "what stays is the newest run of records"
    );
    server.shutdown().await;
}
