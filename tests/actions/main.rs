//! Auth0 Actions (JavaScript) run by the mock's embedded engine, one file per feature.
//!
//! Each test writes a fixtures directory (the default tenant's clients, APIs, roles and users,
//! plus `actions:` and `triggers:` in Deploy CLI layout and `actions/<name>/code.js`), starts
//! the mock in-process, logs in with the password grant and checks the decoded tokens, the
//! `access_denied` answers or the hook records of `/__mock/hooks`. Fixture errors are checked
//! at startup.
//!
//! The proof (the guide's Actions against real Postgres + the Hasura stand-in, same
//! tokens and rows as the native hooks) is `the_guides_actions_give_the_same_tokens_rows_and_visibility_as_the_native_hooks`
//! in `tests/hasura_e2e.rs`.

#[path = "../support/mod.rs"]
mod support;

mod api;
mod claims;
mod console;
mod example_fixtures;
mod failures;
mod fetch;
mod limits;
mod metadata;
mod mfa;
mod mfa_oob;
mod npm_modules;
mod redirect;
mod sandbox;
mod secrets;
mod startup_errors;
mod tester;
mod trigger_order;

use auth0_mock::MockServer;
use axum::http::{HeaderValue, StatusCode as UpstreamStatus};
use axum::response::IntoResponse;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

/// One Action of a test tenant.
pub struct Action<'a> {
    pub name: &'a str,
    pub code: &'a str,
    /// YAML list items under `dependencies:` (e.g. `{ name: node-fetch, version: 2.6.1 }`).
    pub dependencies: &'a [&'a str],
    /// YAML list items under `secrets:`.
    pub secrets: &'a [&'a str],
    /// Extra keys of the trigger binding (e.g. `timeout_ms: 300`).
    pub binding: &'a str,
}

impl<'a> Action<'a> {
    /// An Action with no dependencies, secrets or binding settings.
    pub fn new(name: &'a str, code: &'a str) -> Self {
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
pub fn fixture(actions: &[Action], native: &[&str]) -> tempfile::TempDir {
    let default_dir = shipped_fixtures("default");
    let dir = tempfile::tempdir().unwrap();
    let default = std::fs::read_to_string(default_dir.join("tenant.yaml")).unwrap();
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
        default_dir.join("users.json"),
        dir.path().join("users.json"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::copy(
        default_dir.join("keys/current.pem"),
        dir.path().join("keys/current.pem"),
    )
    .unwrap();
    dir
}

/// Starts a mock with one Action and nothing else bound; the fixtures live as long as the dir.
pub async fn start_with(action: Action<'_>) -> (MockServer, tempfile::TempDir) {
    let dir = fixture(&[action], &[]);
    (start_with_fixtures(dir.path()).await, dir)
}

/// Alice logs in; the decoded (access, id) token payloads; panics on a refusal.
pub async fn tokens(base: &str) -> (Value, Value) {
    let (status, body) = alice_login(base).await;
    assert_eq!(status, StatusCode::OK, "login refused: {body}");
    (access_claims(&body), id_claims(&body))
}

/// Asserts a 403 `access_denied` whose description is `message`.
pub fn assert_denied(status: StatusCode, body: &Value, message: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "access_denied", "{body}");
    assert_eq!(body["error_description"], message, "{body}");
}

/// A local server for Actions to fetch: POST /echo answers 201 with JSON echoing the body (and
/// an upsert answer, for the guide's sync Action); GET /slow never answers while the test runs;
/// GET /text answers plain text.
pub async fn local_server() -> Upstream {
    Upstream::start(|request, _| match request.path.as_str() {
        "/echo" => {
            let parsed: Value = serde_json::from_str(&request.text).unwrap_or(Value::Null);
            let mut res = json_response(
                UpstreamStatus::CREATED,
                json!({ "received": parsed, "data": { "insert_users_one": { "userId": parsed["variables"]["userId"] } } }),
            );
            res.headers_mut()
                .insert("x-test", HeaderValue::from_static("yes"));
            Answer::Now(res)
        }
        "/slow" => Answer::Held("late".into_response()),
        _ => Answer::Now("plain words".into_response()),
    })
    .await
}

/// The requests that reached `/echo`.
pub fn echoed(server: &Upstream) -> Vec<Seen> {
    server
        .seen()
        .into_iter()
        .filter(|s| s.path == "/echo")
        .collect()
}
