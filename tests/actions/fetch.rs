//! `fetch` and `require('node-fetch')` in Actions: real calls through the mock's HTTP client,
//! Node-style errors, and records with secrets redacted.

use crate::support::*;
use crate::{Action, echoed, local_server, start_with, tokens};
use serde_json::{Value, json};

const CALLER: &str = r#"const fetch = require('node-fetch');
exports.onExecutePostLogin = async (event, api) => {
  const res = await fetch(`${event.secrets.BASE}/echo`, {
    method: 'POST',
    body: JSON.stringify({ query: 'mutation', variables: { userId: event.user.user_id, token: event.secrets.TOKEN } }),
    headers: { 'content-type': 'application/json', 'x-hasura-admin-secret': event.secrets.TOKEN },
  });
  const body = await res.json();
  api.idToken.setCustomClaim('https://x/status', [res.ok, res.status, res.statusText, res.headers.get('X-Test'), res.headers.get('nope')]);
  api.idToken.setCustomClaim('https://x/echoed', body.received.variables.userId);
  const text = await globalThis.fetch(`${event.secrets.BASE}/text`).then((r) => r.text());
  api.idToken.setCustomClaim('https://x/text', text);
  const [a, b] = await Promise.all([fetch(`${event.secrets.BASE}/text`), fetch(`${event.secrets.BASE}/text`)]);
  api.idToken.setCustomClaim('https://x/parallel', [a.status, b.status]);
  try {
    await fetch(`${event.secrets.BASE}/text`).then((r) => r.json());
  } catch (e) {
    api.idToken.setCustomClaim('https://x/badjson', e.name + ' ' + e.type);
  }
};"#;

/// What one login through [`CALLER`] leaves: the ID-token payload, the requests the local
/// server got at /echo, and the hook record.
async fn caller() -> (Value, Vec<Seen>, Value) {
    let local = local_server().await;
    let secrets = [
        format!("{{ name: BASE, value: \"{}\" }}", local.base()),
        "{ name: TOKEN, value: super-secret-token }".to_string(),
    ];
    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let mut action = Action::new("caller", CALLER);
    action.dependencies = &["{ name: node-fetch, version: 2.6.1 }"];
    action.secrets = &secret_refs;
    let (server, _dir) = start_with(action).await;
    let (_, id) = tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    server.shutdown().await;
    (id, echoed(&local), record)
}

#[tokio::test]
async fn node_fetch_answers_status_headers_and_json_like_node() {
    let (id, _, _) = caller().await;
    assert_eq!(
        id["https://x/status"],
        json!([true, 201, "Created", "yes", null])
    );
    assert_eq!(id["https://x/echoed"], id["sub"]);
}

#[tokio::test]
async fn global_fetch_reads_a_text_body() {
    let (id, _, _) = caller().await;
    assert_eq!(id["https://x/text"], "plain words");
}

#[tokio::test]
async fn parallel_fetches_both_complete() {
    let (id, _, _) = caller().await;
    assert_eq!(id["https://x/parallel"], json!([200, 200]));
}

#[tokio::test]
async fn parsing_text_as_json_is_a_fetch_error_of_type_invalid_json() {
    let (id, _, _) = caller().await;
    assert_eq!(id["https://x/badjson"], "FetchError invalid-json");
}

#[tokio::test]
async fn the_called_server_gets_the_real_secret() {
    let (_, received, _) = caller().await;
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("x-hasura-admin-secret"),
        "super-secret-token"
    );
    assert!(received[0].text.contains("super-secret-token"));
}

#[tokio::test]
async fn the_record_shows_every_call_with_the_secret_redacted() {
    let (_, _, record) = caller().await;
    let calls = record["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 5, "{calls:?}");
    let post = calls.iter().find(|c| c["method"] == "POST").unwrap();
    assert_eq!(post["status"], 201);
    assert_eq!(
        post["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
    assert_eq!(post["request_body"]["variables"]["token"], "[REDACTED]");
    assert!(
        !record.to_string().contains("super-secret-token"),
        "{record}"
    );
}

/// The error messages of a fetch with a 200 ms timeout to a server that never answers, and of
/// a fetch to a port nothing listens on; with the two URLs.
async fn failing_fetches() -> (Vec<Value>, String, String) {
    let local = local_server().await;
    let dead = refused_url("");
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  const out = [];
  for (const [url, opts] of [[`${event.secrets.BASE}/slow`, { timeout: 200 }], [event.secrets.DEAD, {}]]) {
    try { await fetch(url, opts); out.push('no error'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
  }
  api.idToken.setCustomClaim('https://x/errors', out);
};"#;
    let secrets = [
        format!("{{ name: BASE, value: \"{}\" }}", local.base()),
        format!("{{ name: DEAD, value: \"{dead}\" }}"),
    ];
    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let mut action = Action::new("flaky", code);
    action.secrets = &secret_refs;
    let (server, _dir) = start_with(action).await;
    // /slow never answers: without the fetch timeout this login would be denied at the
    // Action's own time limit instead of getting its tokens.
    let (_, id) = tokens(&server.base_url()).await;
    server.shutdown().await;
    let errors = id["https://x/errors"].as_array().unwrap().clone();
    (errors, local.base().to_string(), dead)
}

#[tokio::test]
async fn a_fetch_timeout_is_a_fetch_error_naming_the_url() {
    let (errors, base, _) = failing_fetches().await;
    assert_eq!(
        errors[0].as_str().unwrap(),
        format!("FetchError: network timeout at: {base}/slow")
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_fetch_error_naming_the_url() {
    let (errors, _, dead) = failing_fetches().await;
    assert!(
        errors[1]
            .as_str()
            .unwrap()
            .starts_with(&format!("FetchError: request to {dead} failed, reason:")),
        "{errors:?}"
    );
}

/// What one login leaves when its Action fetches a 2 MB reply (past the 1 MiB the mock reads)
/// and catches the error: the ID-token payload and the hook record.
async fn oversized_fetch() -> (Value, Value, String) {
    let huge = Upstream::start(|_, _| {
        Answer::Now(axum::response::IntoResponse::into_response(
            "y".repeat(2 * 1024 * 1024),
        ))
    })
    .await;
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  try { await fetch(event.secrets.HUGE); api.idToken.setCustomClaim('https://x/error', 'none'); }
  catch (e) { api.idToken.setCustomClaim('https://x/error', `${e.name} ${e.type}: ${e.message}`); }
};"#;
    let secret = format!("{{ name: HUGE, value: \"{}\" }}", huge.url("/huge"));
    let secrets = [secret.as_str()];
    let mut action = Action::new("greedy", code);
    action.secrets = &secrets;
    let (server, _dir) = start_with(action).await;
    let (_, id) = tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    server.shutdown().await;
    (id, record, huge.url("/huge"))
}

#[tokio::test]
async fn a_reply_over_the_read_limit_is_node_fetchs_max_size_error() {
    let (id, _, url) = oversized_fetch().await;
    assert_eq!(
        id["https://x/error"],
        format!("FetchError max-size: content size at {url} over limit: 1048576")
    );
}

#[tokio::test]
async fn a_reply_over_the_read_limit_is_recorded_as_a_failed_call_with_its_size() {
    let (_, record, _) = oversized_fetch().await;
    let call = &record["calls"][0];
    assert!(
        call["error"]
            .as_str()
            .is_some_and(|e| e.contains("1048576")),
        "{call}"
    );
    assert_eq!(call["response_body"], Value::Null, "refused before reading");
    assert_eq!(
        call["response_body_truncated"]["total_bytes"],
        2 * 1024 * 1024
    );
}

#[tokio::test]
async fn a_large_request_body_is_recorded_cut_to_16_kib_with_its_size() {
    let local = local_server().await;
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  await fetch(`${event.secrets.BASE}/text`, { method: 'POST', body: 'q'.repeat(100000) });
};"#;
    let secret = format!("{{ name: BASE, value: \"{}\" }}", local.base());
    let secrets = [secret.as_str()];
    let mut action = Action::new("sender", code);
    action.secrets = &secrets;
    let (server, _dir) = start_with(action).await;
    tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    server.shutdown().await;
    assert_eq!(
        record["calls"][0]["request_body_truncated"],
        json!({"kept_bytes": 16 * 1024, "total_bytes": 100000})
    );
}
