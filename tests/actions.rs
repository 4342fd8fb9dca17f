//! Auth0 Actions (JavaScript) run by the mock's embedded engine.
//!
//! Each test writes a fixtures directory (the default tenant's clients, APIs, roles and users,
//! plus `actions:` and `triggers:` in Deploy CLI layout and `actions/<name>/code.js`), starts
//! the mock in-process, logs in with the password grant and checks the decoded tokens, the
//! `access_denied` answers and the hook records of `/__mock/hooks`. Fixture errors are checked
//! at startup. Timing assertions leave generous slack: the machine is small and shared.
//!
//! The issue's proof (the guide's Actions against real Postgres + the Hasura stand-in, same
//! tokens and rows as the native hooks) is `guide_actions_match_the_native_hooks` in
//! `tests/hasura_e2e.rs`.

use auth0_mock::{MockServer, ServerConfig};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const AUDIENCE: &str = "https://api.auth0-mock.test";
const HASURA_NS: &str = "https://hasura.io/jwt/claims";
/// Slack for scheduling on a busy 2-core machine.
const MARGIN: Duration = Duration::from_millis(3000);

// ------------------------------------------------------------------ fixtures

fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/default")
}

/// One Action of a test tenant.
struct Action<'a> {
    name: &'a str,
    code: &'a str,
    /// YAML list items under `dependencies:` (e.g. `{ name: node-fetch, version: 2.6.1 }`).
    dependencies: &'a [&'a str],
    /// YAML list items under `secrets:`.
    secrets: &'a [&'a str],
    /// Extra keys of the trigger binding (e.g. `timeout_ms: 300`).
    binding: &'a str,
}

impl<'a> Action<'a> {
    fn new(name: &'a str, code: &'a str) -> Self {
        Self {
            name,
            code,
            dependencies: &[],
            secrets: &[],
            binding: "",
        }
    }
}

/// Writes a fixtures directory with the default tenant's clients, APIs, roles and users and
/// these Actions bound to post-login in order (after `native`, YAML trigger entries).
fn fixture(actions: &[Action], native: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let default = std::fs::read_to_string(default_dir().join("tenant.yaml")).unwrap();
    let cut = default.find("\ntriggers:").unwrap();
    let mut yaml = default[..cut].to_string();
    yaml.push_str("\nactions:\n");
    for a in actions {
        yaml.push_str(&format!(
            "  - name: {name}\n    code: ./actions/{name}/code.js\n    runtime: node18\n    supported_triggers: [{{ id: post-login, version: v3 }}]\n",
            name = a.name
        ));
        yaml.push_str("    dependencies:\n");
        for d in a.dependencies {
            yaml.push_str(&format!("      - {d}\n"));
        }
        if a.dependencies.is_empty() {
            yaml.push_str("      []\n");
        }
        yaml.push_str("    secrets:\n");
        for s in a.secrets {
            yaml.push_str(&format!("      - {s}\n"));
        }
        if a.secrets.is_empty() {
            yaml.push_str("      []\n");
        }
        let code_dir = dir.path().join("actions").join(a.name);
        std::fs::create_dir_all(&code_dir).unwrap();
        std::fs::write(code_dir.join("code.js"), a.code).unwrap();
    }
    yaml.push_str("triggers:\n  post-login:\n");
    for n in native {
        yaml.push_str(&format!("    - {n}\n"));
    }
    for a in actions {
        yaml.push_str(&format!("    - action_name: {}\n", a.name));
        for line in a.binding.lines().filter(|l| !l.trim().is_empty()) {
            yaml.push_str(&format!("      {}\n", line.trim()));
        }
    }
    std::fs::write(dir.path().join("tenant.yaml"), yaml).unwrap();
    std::fs::copy(
        default_dir().join("users.json"),
        dir.path().join("users.json"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::copy(
        default_dir().join("keys/current.pem"),
        dir.path().join("keys/current.pem"),
    )
    .unwrap();
    dir
}

async fn start(dir: &Path) -> MockServer {
    try_start(dir)
        .await
        .unwrap_or_else(|e| panic!("mock did not start: {e}"))
}

async fn try_start(dir: &Path) -> Result<MockServer, String> {
    let mut cfg = ServerConfig::for_tests();
    cfg.fixtures = Some(dir.to_path_buf());
    MockServer::start(cfg).await.map_err(|e| e.to_string())
}

/// Starts a mock with one Action and nothing else bound.
async fn start_with(action: Action<'_>) -> (MockServer, tempfile::TempDir) {
    let dir = fixture(&[action], &[]);
    (start(dir.path()).await, dir)
}

// ------------------------------------------------------------------ HTTP helpers

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Password-grant login; returns the status and the JSON body.
async fn login_as(base: &str, user: &str, password: &str) -> (StatusCode, Value) {
    let res = http()
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "auth0-mock-web"),
            ("client_secret", "auth0-mock-web-secret"),
            ("username", user),
            ("password", password),
            ("audience", AUDIENCE),
            ("scope", "openid profile email"),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    (StatusCode::from_u16(status.as_u16()).unwrap(), body)
}

async fn login(base: &str) -> (StatusCode, Value) {
    login_as(base, "alice@example.com", "alice-password").await
}

/// Logs in and returns the decoded (access, id) token payloads; panics on a refusal.
async fn tokens(base: &str) -> (Value, Value) {
    let (status, body) = login(base).await;
    assert_eq!(status, StatusCode::OK, "login refused: {body}");
    (
        decode(body["access_token"].as_str().unwrap()),
        decode(body["id_token"].as_str().unwrap()),
    )
}

fn decode(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Asserts a 403 `access_denied` whose description is `message`.
fn assert_denied(status: StatusCode, body: &Value, message: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "access_denied", "{body}");
    assert_eq!(body["error_description"], message, "{body}");
}

async fn records(base: &str) -> Vec<Value> {
    let v: Value = http()
        .get(format!("{base}/__mock/hooks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["records"].as_array().unwrap().clone()
}

async fn last_record(base: &str) -> Value {
    records(base).await.pop().expect("a hook record")
}

fn logs(record: &Value) -> Vec<String> {
    record["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect()
}

// ------------------------------------------------------------------ a local HTTP server

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(HeaderMap, String)>>>);

async fn echo(State(seen): State<Seen>, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let text = String::from_utf8_lossy(&body).into_owned();
    seen.0.lock().unwrap().push((headers, text.clone()));
    let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (
        StatusCode::CREATED,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::HeaderName::from_static("x-test"), "yes"),
        ],
        json!({ "received": parsed, "data": { "insert_users_one": { "userId": parsed["variables"]["userId"] } } })
            .to_string(),
    )
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(30)).await;
    "late"
}

/// A local server: POST /echo answers 201 with JSON echoing the body; GET /slow stalls; GET
/// /text answers plain text.
async fn local_server() -> (String, Seen, tokio::task::JoinHandle<()>) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/echo", axum::routing::post(echo))
        .route("/slow", axum::routing::get(slow))
        .route("/text", axum::routing::get(|| async { "plain words" }))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), seen, task)
}

// ------------------------------------------------------------------ tests

const GUIDE_CLAIMS: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const namespace = "https://hasura.io/jwt/claims";
  api.accessToken.setCustomClaim(namespace,
    {
      'x-hasura-default-role': 'user',
      // do some custom logic to decide allowed roles
      'x-hasura-allowed-roles': ['user'],
      'x-hasura-user-id': event.user.user_id
    })
}
"#;

#[tokio::test]
async fn guide_claims_action_puts_hasura_claims_in_the_access_token() {
    let (server, _dir) = start_with(Action::new("hasura-jwt-claims", GUIDE_CLAIMS)).await;
    let (access, id) = tokens(&server.base_url()).await;
    let claims = &access[HASURA_NS];
    assert_eq!(claims["x-hasura-default-role"], "user");
    assert_eq!(claims["x-hasura-allowed-roles"], json!(["user"]));
    assert_eq!(claims["x-hasura-user-id"], access["sub"]);
    assert!(id.get(HASURA_NS).is_none(), "only the access token: {id}");
    let record = last_record(&server.base_url()).await;
    assert_eq!(record["kind"], "action");
    assert_eq!(record["hook"], "hasura-jwt-claims");
    assert_eq!(record["outcome"], "ok");
}

#[tokio::test]
async fn claims_on_both_tokens_modern_syntax_and_chaining() {
    let code = r#"
const ns = 'https://example.com';
module.exports.onExecutePostLogin = async (event, api) => {
  const plan = event.user.app_metadata?.plan ?? 'none';
  const missing = event.user.app_metadata?.nothing?.deeper ?? 'fallback';
  const roles = event.authorization?.roles ?? [];
  await null;
  api.idToken.setCustomClaim(`${ns}/plan`, plan)
     .accessToken.setCustomClaim(`${ns}/roles`, roles);
  api.accessToken.setCustomClaim(`${ns}/missing`, missing);
  api.idToken.setCustomClaim(`${ns}/obj`, { n: 1.5, list: [1, 'two', null], nested: { ok: true } });
  api.accessToken.setCustomClaim(`${ns}/undef`, undefined);
  api.accessToken.setCustomClaim('sub', 'hijacked');
  api.idToken.setCustomClaim('https://tenant.auth0.com/x', 1);
};
"#;
    let (server, _dir) = start_with(Action::new("claims", code)).await;
    let (access, id) = tokens(&server.base_url()).await;
    assert_eq!(id["https://example.com/plan"], "pro");
    assert_eq!(access["https://example.com/roles"], json!(["user"]));
    assert_eq!(access["https://example.com/missing"], "fallback");
    assert_eq!(
        id["https://example.com/obj"],
        json!({ "n": 1.5, "list": [1, "two", null], "nested": { "ok": true } })
    );
    assert!(access.get("https://example.com/undef").is_none());
    assert_ne!(access["sub"], "hijacked", "restricted claims are dropped");
    assert!(id.get("https://tenant.auth0.com/x").is_none());
    let warnings: Vec<String> = logs(&last_record(&server.base_url()).await)
        .into_iter()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("'sub'"), "{warnings:?}");
}

#[tokio::test]
async fn scopes_are_added_and_removed() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.addScope('read:extra');
  api.accessToken.removeScope('email');
};"#;
    let (server, _dir) = start_with(Action::new("scopes", code)).await;
    let (status, body) = login(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let access = decode(body["access_token"].as_str().unwrap());
    let scope: Vec<&str> = access["scope"].as_str().unwrap().split(' ').collect();
    assert!(scope.contains(&"read:extra"), "{scope:?}");
    assert!(!scope.contains(&"email"), "{scope:?}");
    assert!(scope.contains(&"openid"), "{scope:?}");
}

#[tokio::test]
async fn deny_refuses_the_login_with_the_reason() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    api.access.deny(`Sorry ${event.user.nickname}, not today`);
  }
};"#;
    let (server, _dir) = start_with(Action::new("gate", code)).await;
    let (status, body) = login(&server.base_url()).await;
    assert_denied(status, &body, "Sorry alice, not today");
    assert_eq!(last_record(&server.base_url()).await["outcome"], "denied");
    let (status, body) = login_as(&server.base_url(), "bob@example.com", "bob-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_thrown_error_denies_with_its_message_and_logs_the_line() {
    let code = "exports.onExecutePostLogin = async (event, api) => {\n  console.log('before');\n  throw new Error('boom: ' + event.user.email);\n};\n";
    let (server, _dir) = start_with(Action::new("thrower", code)).await;
    let (status, body) = login(&server.base_url()).await;
    assert_denied(status, &body, "boom: alice@example.com");
    let record = last_record(&server.base_url()).await;
    assert_eq!(record["outcome"], "failed");
    assert_eq!(record["error"], "boom: alice@example.com");
    let lines = logs(&record);
    assert_eq!(lines[0], "before");
    assert!(
        lines[1].starts_with("uncaught Error: boom") && lines[1].contains("code.js:3"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_rejected_promise_and_a_sync_throw_deny_too() {
    let code = r#"exports.onExecutePostLogin = (event, api) => {
  if (event.user.email === 'alice@example.com') {
    return new Promise((_, reject) => setTimeout(() => reject(new TypeError('rejected later')), 5));
  }
  if (event.user.email === 'bob@example.com') {
    throw 'a plain string';
  }
  return Promise.resolve();
};"#;
    let (server, _dir) = start_with(Action::new("rejecter", code)).await;
    let (status, body) = login(&server.base_url()).await;
    assert_denied(status, &body, "rejected later");
    let (status, body) = login_as(&server.base_url(), "bob@example.com", "bob-password").await;
    assert_denied(status, &body, "a plain string");
    let (status, body) = login_as(&server.base_url(), "admin@example.com", "admin-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_infinite_loop_times_out_and_the_next_login_is_quick() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    try { while (true) {} } catch (e) { api.idToken.setCustomClaim('https://x/escaped', true); }
  }
  api.idToken.setCustomClaim('https://x/ok', event.user.email);
};"#;
    let mut action = Action::new("spinner", code);
    action.binding = "timeout_ms: 300\nworkers: 1";
    let (server, _dir) = start_with(action).await;
    let base = server.base_url();
    let started = Instant::now();
    let (status, body) = login(&base).await;
    let took = started.elapsed();
    assert_denied(status, &body, "Action \"spinner\" timed out after 300 ms");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_millis(300) + MARGIN, "{took:?}");
    // Same single worker, fresh runtime: the next login is served at once.
    let started = Instant::now();
    let (status, body) = login_as(&base, "bob@example.com", "bob-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(started.elapsed() < MARGIN, "{:?}", started.elapsed());
    assert_eq!(
        decode(body["id_token"].as_str().unwrap())["https://x/ok"],
        "bob@example.com"
    );
}

#[tokio::test]
async fn a_memory_bomb_hits_the_limit_and_nothing_else_breaks() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    const hoard = [];
    while (true) hoard.push(new Array(100000).fill(event.user.email));
  }
  api.idToken.setCustomClaim('https://x/ok', true);
};"#;
    let mut action = Action::new("hoarder", code);
    action.binding = "memory_limit_mb: 16\nworkers: 1";
    let (server, _dir) = start_with(action).await;
    let base = server.base_url();
    let (status, body) = login(&base).await;
    assert_denied(
        status,
        &body,
        "Action \"hoarder\" ran out of memory (limit 16 MB)",
    );
    let (status, body) = login_as(&base, "bob@example.com", "bob-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn runaway_recursion_and_a_promise_that_never_settles_fail_cleanly() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.user.email === 'alice@example.com') {
    const dive = (n) => dive(n + 1) + 1;
    dive(0);
  }
  if (event.user.email === 'bob@example.com') {
    await new Promise(() => {});
  }
  api.idToken.setCustomClaim('https://x/ok', true);
};"#;
    let mut action = Action::new("runaway", code);
    action.binding = "workers: 1";
    let (server, _dir) = start_with(action).await;
    let base = server.base_url();
    let (status, body) = login(&base).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("stack"),
        "{body}"
    );
    let started = Instant::now();
    let (status, body) = login_as(&base, "bob@example.com", "bob-password").await;
    assert_denied(
        status,
        &body,
        "Action \"runaway\" never finished: onExecutePostLogin awaits a promise that nothing settles",
    );
    assert!(
        started.elapsed() < MARGIN,
        "no need to wait for the timeout"
    );
    let (status, body) = login_as(&base, "admin@example.com", "admin-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn metadata_updates_are_seen_by_the_next_login() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  const seen = event.user.app_metadata.logins_seen ?? 0;
  api.idToken.setCustomClaim('https://x/seen', seen);
  api.idToken.setCustomClaim('https://x/theme', event.user.user_metadata.theme ?? null);
  api.user.setAppMetadata('logins_seen', seen + 1);
  api.user.setUserMetadata('theme', null);
  api.user.setUserMetadata('language', 'fr');
};"#;
    let (server, _dir) = start_with(Action::new("counter", code)).await;
    let (_, first) = tokens(&server.base_url()).await;
    assert_eq!(first["https://x/seen"], 0);
    assert_eq!(first["https://x/theme"], "dark");
    let (_, second) = tokens(&server.base_url()).await;
    assert_eq!(second["https://x/seen"], 1);
    assert_eq!(second["https://x/theme"], Value::Null);
}

#[tokio::test]
async fn secrets_come_from_the_environment_and_are_redacted_in_logs() {
    // Cargo sets CARGO_MANIFEST_DIR for test runs: a real environment variable, read by the
    // fixture loader's ${NAME} expansion.
    let expected = env!("CARGO_MANIFEST_DIR");
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  console.log(`the secret is ${event.secrets.FROM_ENV}`);
  api.idToken.setCustomClaim('https://x/secret', event.secrets.FROM_ENV);
  api.idToken.setCustomClaim('https://x/literal', event.secrets.LITERAL);
  api.idToken.setCustomClaim('https://x/keys', Object.keys(event.secrets).sort());
};"#;
    let mut action = Action::new("secretive", code);
    action.secrets = &[
        "{ name: FROM_ENV, value: \"${CARGO_MANIFEST_DIR}\" }",
        "{ name: LITERAL, value: plain-value }",
    ];
    let (server, _dir) = start_with(action).await;
    let (_, id) = tokens(&server.base_url()).await;
    assert_eq!(id["https://x/secret"], expected);
    assert_eq!(id["https://x/literal"], "plain-value");
    assert_eq!(id["https://x/keys"], json!(["FROM_ENV", "LITERAL"]));
    let record = last_record(&server.base_url()).await;
    assert_eq!(logs(&record), vec!["the secret is [REDACTED]".to_string()]);
}

#[tokio::test]
async fn console_methods_reach_the_hook_record() {
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
}

#[tokio::test]
async fn a_console_flood_is_capped() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  for (let i = 0; i < 20000; i++) console.log(i);
  console.log('x'.repeat(100000));
  api.idToken.setCustomClaim('https://x/after', 'past the cap');
};"#;
    let (server, _dir) = start_with(Action::new("flood", code)).await;
    let (_, id) = tokens(&server.base_url()).await;
    assert!(id.get("https://x/after").is_none(), "dropped past the cap");
    let lines = logs(&last_record(&server.base_url()).await);
    assert_eq!(lines.len(), 10_001, "{}", lines.len());
    assert_eq!(lines[9_999], "9999");
    assert!(
        lines[10_000].contains("the rest are dropped"),
        "{}",
        lines[10_000]
    );
}

#[tokio::test]
async fn node_fetch_and_global_fetch_reach_a_local_server_with_secrets_redacted() {
    let (url, seen, _task) = local_server().await;
    let code = r#"const fetch = require('node-fetch');
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
    let secrets = [
        format!("{{ name: BASE, value: \"{url}\" }}"),
        "{ name: TOKEN, value: super-secret-token }".to_string(),
    ];
    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let mut action = Action::new("caller", code);
    action.dependencies = &["{ name: node-fetch, version: 2.6.1 }"];
    action.secrets = &secret_refs;
    let (server, _dir) = start_with(action).await;
    let (_, id) = tokens(&server.base_url()).await;
    assert_eq!(
        id["https://x/status"],
        json!([true, 201, "Created", "yes", null])
    );
    assert_eq!(id["https://x/echoed"], id["sub"]);
    assert_eq!(id["https://x/text"], "plain words");
    assert_eq!(id["https://x/parallel"], json!([200, 200]));
    assert_eq!(id["https://x/badjson"], "FetchError invalid-json");

    // The server got the real secret…
    let received = seen.0.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0["x-hasura-admin-secret"], "super-secret-token");
    assert!(received[0].1.contains("super-secret-token"));
    // …the record shows the calls with it redacted.
    let record = last_record(&server.base_url()).await;
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

#[tokio::test]
async fn fetch_timeouts_and_refused_connections_are_fetch_errors() {
    let (url, _seen, _task) = local_server().await;
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("http://127.0.0.1:{port}")
    };
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  const out = [];
  for (const [url, opts] of [[`${event.secrets.BASE}/slow`, { timeout: 200 }], [event.secrets.DEAD, {}]]) {
    try { await fetch(url, opts); out.push('no error'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
  }
  api.idToken.setCustomClaim('https://x/errors', out);
};"#;
    let secrets = [
        format!("{{ name: BASE, value: \"{url}\" }}"),
        format!("{{ name: DEAD, value: \"{dead}\" }}"),
    ];
    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let mut action = Action::new("flaky", code);
    action.secrets = &secret_refs;
    let (server, _dir) = start_with(action).await;
    let started = Instant::now();
    let (_, id) = tokens(&server.base_url()).await;
    assert!(started.elapsed() < MARGIN, "{:?}", started.elapsed());
    let errors = id["https://x/errors"].as_array().unwrap();
    assert_eq!(
        errors[0].as_str().unwrap(),
        format!("FetchError: network timeout at: {url}/slow")
    );
    assert!(
        errors[1]
            .as_str()
            .unwrap()
            .starts_with(&format!("FetchError: request to {dead} failed, reason:")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn globals_are_fresh_for_every_login() {
    let code = r#"
let moduleCounter = 0;
exports.onExecutePostLogin = async (event, api) => {
  moduleCounter += 1;
  globalThis.counter = (globalThis.counter ?? 0) + 1;
  const polluted = typeof Array.prototype.evil === 'function';
  Array.prototype.evil = () => 'evil';
  api.idToken.setCustomClaim('https://x/state', [moduleCounter, globalThis.counter, polluted]);
};"#;
    let (server, _dir) = start_with(Action::new("stateful", code)).await;
    for _ in 0..3 {
        let (_, id) = tokens(&server.base_url()).await;
        assert_eq!(id["https://x/state"], json!([1, 1, false]));
    }
}

#[tokio::test]
async fn api_cache_persists_across_logins_of_the_action() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  const hit = api.cache.get('greeting');
  api.idToken.setCustomClaim('https://x/cached', hit ? hit.value : null);
  const written = api.cache.set('greeting', `hello ${event.user.nickname}`, { ttl: 60000 });
  api.idToken.setCustomClaim('https://x/write', [written.type, typeof written.record.expires_at]);
  api.idToken.setCustomClaim('https://x/invalid', api.cache.set('n', 42).type);
  api.cache.set('gone', 'x');
  api.idToken.setCustomClaim('https://x/deleted', [api.cache.delete('gone').type, api.cache.get('gone') ?? 'absent']);
};"#;
    let (server, _dir) = start_with(Action::new("cacher", code)).await;
    let (_, first) = tokens(&server.base_url()).await;
    assert_eq!(first["https://x/cached"], Value::Null);
    assert_eq!(first["https://x/write"], json!(["success", "number"]));
    assert_eq!(first["https://x/invalid"], "error");
    assert_eq!(first["https://x/deleted"], json!(["success", "absent"]));
    let (_, second) = tokens(&server.base_url()).await;
    assert_eq!(second["https://x/cached"], "hello alice");
}

#[tokio::test]
async fn unsupported_api_methods_fail_clearly_and_can_redirect_is_false() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/probe', [api.redirect.canRedirect(), api.rules.wasExecuted('rul_1')]);
  const errors = [];
  for (const call of [
    () => api.redirect.sendUserTo('https://example.com'),
    () => api.authentication.challengeWith({ type: 'otp' }),
    () => api.session.revoke('x'),
  ]) {
    try { call(); } catch (e) { errors.push(e.message); }
  }
  api.idToken.setCustomClaim('https://x/errors', errors);
  if (event.user.email === 'alice@example.com') api.multifactor.enable('any');
};"#;
    let (server, _dir) = start_with(Action::new("mfa", code)).await;
    let (status, body) = login(&server.base_url()).await;
    assert_denied(
        status,
        &body,
        "api.multifactor.enable is not supported by auth0-mock (the mock has no multi-factor challenge)",
    );
    let (status, body) = login_as(&server.base_url(), "bob@example.com", "bob-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = decode(body["id_token"].as_str().unwrap());
    assert_eq!(id["https://x/probe"], json!([false, false]));
    let errors = id["https://x/errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3);
    assert!(
        errors
            .iter()
            .all(|e| e.as_str().unwrap().contains("not supported by auth0-mock")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn timers_and_isolation() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  const order = [];
  await new Promise((resolve) => setTimeout(() => { order.push('timeout'); resolve(); }, 20));
  let ticks = 0;
  await new Promise((resolve) => { const t = setInterval(() => { if (++ticks === 3) { clearInterval(t); resolve(); } }, 5); });
  const cancelled = setTimeout(() => order.push('cancelled'), 1);
  clearTimeout(cancelled);
  await new Promise((resolve) => setTimeout(resolve, 10));
  let fsError = null;
  try { require(['f', 's'].join('')); } catch (e) { fsError = e.message; }
  api.idToken.setCustomClaim('https://x/env', {
    order, ticks,
    process: typeof process, std: typeof std, os: typeof os, deno: typeof Deno,
    fsError,
  });
};"#;
    let (server, _dir) = start_with(Action::new("sandboxed", code)).await;
    let (_, id) = tokens(&server.base_url()).await;
    let env = &id["https://x/env"];
    assert_eq!(env["order"], json!(["timeout"]));
    assert_eq!(env["ticks"], 3);
    assert_eq!(env["process"], "undefined");
    assert_eq!(env["std"], "undefined");
    assert_eq!(env["os"], "undefined");
    assert!(
        env["fsError"]
            .as_str()
            .unwrap()
            .starts_with("auth0-mock cannot load Node.js built-in module 'fs'"),
        "{env}"
    );
}

#[tokio::test]
async fn actions_and_native_hooks_run_in_trigger_order() {
    let code = r#"exports.onExecutePostLogin = async (event, api) => {
  // Metadata written by an earlier hook is visible to later ones through event.user.
  api.user.setAppMetadata('from_action', 'yes');
};
"#;
    let second = r#"exports.onExecutePostLogin = async (event, api) => {
  api.accessToken.setCustomClaim('https://x/from-first', event.user.app_metadata.from_action ?? 'missing');
};
"#;
    let dir = fixture(
        &[Action::new("first", code), Action::new("second", second)],
        &["{ hook: hasura-claims, default_role: user, default_allowed_roles: [user] }"],
    );
    let server = start(dir.path()).await;
    let (access, _) = tokens(&server.base_url()).await;
    assert_eq!(access[HASURA_NS]["x-hasura-default-role"], "user");
    assert_eq!(access["https://x/from-first"], "yes");
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
}

// ------------------------------------------------------------------ fixture errors

#[tokio::test]
async fn a_declared_npm_module_is_refused_at_startup_naming_it() {
    let code = "const axios = require('axios');\nexports.onExecutePostLogin = async () => {};\n";
    let mut action = Action::new("uses-axios", code);
    action.dependencies = &["{ name: axios, version: 1.6.0 }"];
    let dir = fixture(&[action], &[]);
    let err = try_start(dir.path())
        .await
        .err()
        .expect("startup must fail");
    assert!(err.contains("actions/uses-axios/code.js:1:"), "{err}");
    assert!(
        err.contains("auth0-mock cannot load npm module 'axios' (declared as axios@1.6.0"),
        "{err}"
    );
}

#[tokio::test]
async fn an_undeclared_module_is_refused_at_startup() {
    let code = "exports.onExecutePostLogin = async () => {\n  // require('commented') is fine\n  const _ = require(\"lodash\");\n};\n";
    let dir = fixture(&[Action::new("uses-lodash", code)], &[]);
    let err = try_start(dir.path())
        .await
        .err()
        .expect("startup must fail");
    assert!(err.contains("actions/uses-lodash/code.js:3:"), "{err}");
    assert!(
        err.contains("Cannot find module 'lodash': it is not among the Action's dependencies"),
        "{err}"
    );
}

#[tokio::test]
async fn a_syntax_error_is_reported_with_file_and_line() {
    let code =
        "exports.onExecutePostLogin = async (event, api) => {\n  const a = 1;\n  const b = ;\n};\n";
    let dir = fixture(&[Action::new("broken", code)], &[]);
    let err = try_start(dir.path())
        .await
        .err()
        .expect("startup must fail");
    assert!(
        err.contains("actions/broken/code.js:3: SyntaxError:"),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_export_or_a_throwing_top_level_is_reported_at_startup() {
    let dir = fixture(
        &[Action::new(
            "no-export",
            "exports.onExecuteCredentialsExchange = async () => {};\n",
        )],
        &[],
    );
    let err = try_start(dir.path())
        .await
        .err()
        .expect("startup must fail");
    assert!(
        err.contains("actions/no-export/code.js: no onExecutePostLogin export"),
        "{err}"
    );
    let dir = fixture(
        &[Action::new(
            "bad-top",
            "const x = 1;\nnull.boom;\nexports.onExecutePostLogin = async () => {};\n",
        )],
        &[],
    );
    let err = try_start(dir.path())
        .await
        .err()
        .expect("startup must fail");
    assert!(
        err.contains("actions/bad-top/code.js:2: TypeError:"),
        "{err}"
    );
}

// ------------------------------------------------------------------ the example fixtures

#[tokio::test]
async fn the_example_fixtures_run_the_guides_two_actions() {
    let (url, seen, _task) = local_server().await;
    // The example reads the Hasura URL and admin secret through ${…}; point them at the
    // local server by writing a copy of the example with those two values filled in.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/actions-example");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example, dir.path());
    let tenant = std::fs::read_to_string(dir.path().join("tenant.yaml"))
        .unwrap()
        .replace(
            "${HASURA_GRAPHQL_URL:-http://localhost:8080/v1/graphql}",
            &format!("{url}/echo"),
        )
        .replace(
            "${HASURA_GRAPHQL_ADMIN_SECRET:-myadminsecretkey}",
            "example-admin-secret",
        );
    std::fs::write(dir.path().join("tenant.yaml"), tenant).unwrap();
    let server = start(dir.path()).await;
    let (access, _) = tokens(&server.base_url()).await;
    assert_eq!(access[HASURA_NS]["x-hasura-user-id"], access["sub"]);
    let received = seen.0.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].0["x-hasura-admin-secret"],
        "example-admin-secret"
    );
    let sent: Value = serde_json::from_str(&received[0].1).unwrap();
    assert_eq!(sent["variables"]["userId"], access["sub"]);
    assert_eq!(sent["variables"]["userName"], "Alice Liddell");
    let recs = records(&server.base_url()).await;
    assert_eq!(recs.len(), 2);
    assert_eq!(
        logs(&recs[1]),
        vec![format!("synced {}", access["sub"].as_str().unwrap())]
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
