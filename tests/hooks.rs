//! The outbound post-login hooks (`hasura-sync`, `webhook`) against real local HTTP servers.
//!
//! Each test starts small axum servers on 127.0.0.1:0 that answer correctly, slowly (past the
//! hook's timeout), with 500, with a GraphQL `errors` body under HTTP 200, with garbage, or not at
//! all (a port that was bound and released), then starts the mock in-process with a tenant whose
//! post-login trigger has the hook configured and logs in through the password grant and the
//! browser flow. It checks that each login is denied or continued exactly as configured, with a
//! clear `error_description`, that no login outlives its timeout, that the mock keeps serving, and
//! that `/__mock/hooks` shows what was sent (secrets redacted).

use auth0_mock::tenant::HookBinding;
use auth0_mock::{MockServer, ServerConfig};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const AUDIENCE: &str = "https://api.auth0-mock.test";
const CALLBACK: &str = "http://localhost:3000/callback";
const ADMIN_SECRET: &str = "hasura-admin-secret-for-tests";
/// Timeout configured on the hooks in failure tests.
const TIMEOUT_MS: u64 = 800;
/// Slack for scheduling on a busy 2-core machine: a login may take at most timeout + this.
const MARGIN: Duration = Duration::from_millis(2500);

// ------------------------------------------------------------------ upstream servers

/// One request an upstream server received.
#[derive(Debug, Clone)]
struct Seen {
    headers: HeaderMap,
    body: Value,
}

/// How an upstream answers: given the request body and how many requests came before it.
type Respond = Arc<dyn Fn(&Value, usize) -> Response + Send + Sync>;

#[derive(Clone)]
struct UpstreamState {
    seen: Arc<Mutex<Vec<Seen>>>,
    delay: Duration,
    respond: Respond,
}

/// A real HTTP server the hooks call.
struct Upstream {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Upstream {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record_and_answer(
    State(state): State<UpstreamState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let count = {
        let mut seen = state.seen.lock().unwrap();
        seen.push(Seen {
            headers,
            body: body.clone(),
        });
        seen.len() - 1
    };
    if !state.delay.is_zero() {
        tokio::time::sleep(state.delay).await;
    }
    (state.respond)(&body, count)
}

async fn upstream(path: &str, delay: Duration, respond: Respond) -> Upstream {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = UpstreamState {
        seen: seen.clone(),
        delay,
        respond,
    };
    let app = Router::new()
        .route(path, axum::routing::post(record_and_answer))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Upstream {
        url: format!("http://{addr}{path}"),
        seen,
        task,
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A Hasura stand-in answering the upsert with the user id it was given (the admin secret it
/// received is checked by each test through `seen`).
fn hasura_ok() -> Respond {
    Arc::new(|body, _| {
        json_response(
            StatusCode::OK,
            json!({"data": {"insert_users_one": {"userId": body["variables"]["userId"].clone()}}}),
        )
    })
}

/// Failure modes shared by both hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Slow,
    Status500,
    GraphqlErrors,
    Garbage,
    Refused,
}

const UNIQUENESS: &str =
    "Uniqueness violation. duplicate key value violates unique constraint \"users_pkey\"";

/// An upstream (or a dead port) behaving as `mode`; the URL to configure.
async fn failing_upstream(mode: Mode, path: &str) -> (String, Option<Upstream>) {
    let ok: Respond = Arc::new(|_, _| json_response(StatusCode::OK, json!({"data": {}})));
    let up = match mode {
        Mode::Slow => upstream(path, Duration::from_secs(30), ok).await,
        Mode::Status500 => {
            upstream(
                path,
                Duration::ZERO,
                Arc::new(|_, _| {
                    (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response()
                }),
            )
            .await
        }
        Mode::GraphqlErrors => {
            upstream(
                path,
                Duration::ZERO,
                Arc::new(|_, _| {
                    json_response(
                        StatusCode::OK,
                        json!({"errors": [{"message": UNIQUENESS, "extensions": {"path": "$.selectionSet.insert_users_one.args.object", "code": "constraint-violation"}}]}),
                    )
                }),
            )
            .await
        }
        Mode::Garbage => {
            upstream(
                path,
                Duration::ZERO,
                Arc::new(|_, _| {
                    (
                        StatusCode::OK,
                        [(header::CONTENT_TYPE, "text/html")],
                        "<html><body>Bad Gateway</body></html>",
                    )
                        .into_response()
                }),
            )
            .await
        }
        Mode::Refused => {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            drop(listener);
            return (format!("http://127.0.0.1:{port}{path}"), None);
        }
    };
    (up.url.clone(), Some(up))
}

// ------------------------------------------------------------------ the mock

/// The embedded default tenant (which has the hasura-claims hook) plus `extra` bindings.
async fn mock_with(extra: Vec<HookBinding>) -> MockServer {
    let mut tenant = auth0_mock::tenant::load_embedded().unwrap();
    tenant.post_login.extend(extra);
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(tenant);
    MockServer::start(cfg).await.unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// What a login ended with.
#[derive(Debug)]
struct Login {
    status: u16,
    body: Value,
    elapsed: Duration,
}

impl Login {
    fn access_claims(&self) -> Value {
        jwt_payload(
            self.body["access_token"]
                .as_str()
                .unwrap_or_else(|| panic!("no access_token in {}", self.body)),
        )
    }
}

async fn password_login(base: &str, username: &str, password: &str) -> Login {
    let started = Instant::now();
    let res = http()
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "auth0-mock-web"),
            ("client_secret", "auth0-mock-web-secret"),
            ("username", username),
            ("password", password),
            ("audience", AUDIENCE),
            ("scope", "openid profile email"),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body = res.json().await.unwrap_or(Value::Null);
    Login {
        status,
        body,
        elapsed: started.elapsed(),
    }
}

async fn alice(base: &str) -> Login {
    password_login(base, "alice@example.com", "alice-password").await
}

async fn client_credentials(base: &str) -> Login {
    let started = Instant::now();
    let res = http()
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "auth0-mock-m2m"),
            ("client_secret", "auth0-mock-m2m-secret"),
            ("audience", AUDIENCE),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body = res.json().await.unwrap_or(Value::Null);
    Login {
        status,
        body,
        elapsed: started.elapsed(),
    }
}

fn jwt_payload(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("a JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("JWT payload is base64url");
    serde_json::from_slice(&bytes).expect("JWT payload is JSON")
}

/// Where a browser login ended: the callback's query parameters, and the tokens when a code came
/// back and was exchanged.
#[derive(Debug)]
struct BrowserLogin {
    callback: Map<String, Value>,
    tokens: Option<Value>,
    /// Time from submitting the login form to the callback redirect (when the hooks run).
    hook_elapsed: Duration,
}

fn location(res: &reqwest::Response, base: &str) -> String {
    let loc = res
        .headers()
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("{} without Location", res.status()))
        .to_str()
        .unwrap()
        .to_string();
    if loc.starts_with('/') {
        format!("{base}{loc}")
    } else {
        loc
    }
}

fn query_of(url: &str) -> Map<String, Value> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect()
}

/// GET /authorize → /u/login → POST credentials → /authorize/resume → callback, with the SPA
/// client and PKCE S256; exchanges the code when one comes back.
async fn browser_login(base: &str, username: &str, password: &str) -> BrowserLogin {
    let client = http();
    let verifier = "hooks-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref());
    let res = client
        .get(format!("{base}/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", "auth0-mock-spa"),
            ("redirect_uri", CALLBACK),
            ("scope", "openid profile email"),
            ("audience", AUDIENCE),
            ("state", "st-hooks"),
            ("nonce", "n-hooks"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        302,
        "/authorize should send the browser to the login page"
    );
    let login_page = location(&res, base);
    assert!(login_page.contains("/u/login?state="), "{login_page}");

    let started = Instant::now();
    let res = client
        .post(&login_page)
        .form(&[
            ("username", username),
            ("password", password),
            ("action", "default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        302,
        "login form should redirect to /authorize/resume"
    );
    let resume = location(&res, base);
    assert!(resume.contains("/authorize/resume"), "{resume}");
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    let res = client
        .get(&resume)
        .header(header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "resume should redirect to the callback");
    let hook_elapsed = started.elapsed();
    let callback_url = location(&res, base);
    assert!(callback_url.starts_with(CALLBACK), "{callback_url}");
    let callback = query_of(&callback_url);
    let tokens = match callback.get("code").and_then(Value::as_str) {
        None => None,
        Some(code) => {
            let res = client
                .post(format!("{base}/oauth/token"))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", "auth0-mock-spa"),
                    ("code", code),
                    ("code_verifier", verifier),
                    ("redirect_uri", CALLBACK),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "code exchange");
            Some(res.json::<Value>().await.unwrap())
        }
    };
    BrowserLogin {
        callback,
        tokens,
        hook_elapsed,
    }
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
    v["records"].as_array().cloned().unwrap_or_default()
}

async fn records_of(base: &str, kind: &str) -> Vec<Value> {
    records(base)
        .await
        .into_iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

fn logs_text(record: &Value) -> String {
    record["logs"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn header_str<'a>(seen: &'a Seen, name: &str) -> &'a str {
    seen.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

// ------------------------------------------------------------------ hasura-sync: success

#[tokio::test]
async fn hasura_sync_upserts_the_user_and_records_the_mutation() {
    let hasura = upstream("/v1/graphql", Duration::ZERO, hasura_ok()).await;
    let server = mock_with(vec![HookBinding::native(
        "hasura-sync",
        "Sync users to Hasura",
        json!({ "url": hasura.url, "admin_secret": ADMIN_SECRET }),
    )])
    .await;
    let base = server.base_url();

    let login = alice(&base).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let claims = login.access_claims();
    assert_eq!(claims["sub"], "auth0|alice");
    assert_eq!(
        claims["https://hasura.io/jwt/claims"]["x-hasura-user-id"], "auth0|alice",
        "hasura-claims still runs before the sync"
    );

    // What Hasura received: the guide's mutation, the user's variables, the admin secret.
    let seen = hasura.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(header_str(&seen[0], "x-hasura-admin-secret"), ADMIN_SECRET);
    assert_eq!(header_str(&seen[0], "content-type"), "application/json");
    let query = seen[0].body["query"].as_str().unwrap();
    assert!(query.contains("insert_users_one"), "{query}");
    assert!(
        query.contains("on_conflict: { constraint: users_pkey, update_columns: [userName] }"),
        "{query}"
    );
    assert_eq!(
        seen[0].body["variables"],
        json!({"userId": "auth0|alice", "userName": "Alice Liddell"})
    );

    // What the record shows: same variables, secret redacted, Hasura's answer.
    let recs = records_of(&base, "hasura-sync").await;
    assert_eq!(recs.len(), 1, "{recs:?}");
    let r = &recs[0];
    assert_eq!(r["hook"], "Sync users to Hasura");
    assert_eq!(r["outcome"], "ok");
    assert_eq!(r["error"], Value::Null);
    assert_eq!(r["user_id"], "auth0|alice");
    let call = &r["calls"][0];
    assert_eq!(call["method"], "POST");
    assert_eq!(call["url"], hasura.url.as_str());
    assert_eq!(call["status"], 200);
    assert_eq!(call["error"], Value::Null);
    assert_eq!(
        call["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
    assert_eq!(call["request_body"]["variables"]["userId"], "auth0|alice");
    assert_eq!(
        call["request_body"]["variables"]["userName"],
        "Alice Liddell"
    );
    assert_eq!(
        call["response_body"]["data"]["insert_users_one"]["userId"],
        "auth0|alice"
    );
    assert!(call["duration_ms"].as_f64().is_some());
    let all = serde_json::to_string(&records(&base).await).unwrap();
    assert!(
        !all.contains(ADMIN_SECRET),
        "the admin secret leaked into the records"
    );

    // The browser flow runs it too, for a different user.
    let b = browser_login(&base, "bob@example.com", "bob-password").await;
    assert!(
        b.tokens.is_some(),
        "browser login should succeed: {:?}",
        b.callback
    );
    assert_eq!(b.callback["state"], "st-hooks");
    let seen = hasura.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].body["variables"],
        json!({"userId": "auth0|bob", "userName": "Bob Builder"})
    );
    assert_eq!(records_of(&base, "hasura-sync").await.len(), 2);

    // DELETE clears the records.
    let res = http()
        .delete(format!("{base}/__mock/hooks"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert!(records(&base).await.is_empty());

    server.shutdown().await;
}

#[tokio::test]
async fn hasura_sync_with_a_custom_document_and_variables() {
    let hasura = upstream("/v1/graphql", Duration::ZERO, hasura_ok()).await;
    let query = "mutation($id: String!, $org: String, $logins: Int) { update_users_by_pk(pk_columns: {userId: $id}, _set: {org: $org, logins: $logins}) { userId } }";
    let mut b = HookBinding::native(
        "hasura-sync",
        "custom sync",
        json!({
            "url": hasura.url,
            "query": query,
            "variables": {"id": "user.user_id", "org": "user.app_metadata.org_id", "logins": "stats.logins_count"},
        }),
    );
    b.secrets.insert("admin_secret".into(), json!(ADMIN_SECRET));
    let server = mock_with(vec![b]).await;
    let base = server.base_url();

    assert_eq!(alice(&base).await.status, 200);
    let bob = password_login(&base, "bob@example.com", "bob-password").await;
    assert_eq!(bob.status, 200);
    let seen = hasura.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body["query"], query);
    assert_eq!(header_str(&seen[0], "x-hasura-admin-secret"), ADMIN_SECRET);
    assert_eq!(
        seen[0].body["variables"],
        json!({"id": "auth0|alice", "org": "org-wonderland", "logins": 1})
    );
    assert_eq!(
        seen[1].body["variables"],
        json!({"id": "auth0|bob", "org": null, "logins": 1}),
        "a missing event value is sent as null"
    );
    let recs = records_of(&base, "hasura-sync").await;
    assert_eq!(
        recs[0]["calls"][0]["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_sync_from_a_fixtures_directory() {
    let hasura = upstream("/v1/graphql", Duration::ZERO, hasura_ok()).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/default");
    let tenant_yaml = std::fs::read_to_string(root.join("tenant.yaml")).unwrap();
    let users = std::fs::read_to_string(root.join("users.json")).unwrap();
    let write = |dir: &std::path::Path, entry: &str| {
        let marker = "triggers:\n  post-login:\n";
        assert!(
            tenant_yaml.contains(marker),
            "default tenant.yaml changed shape"
        );
        let text = tenant_yaml.replacen(marker, &format!("{marker}{entry}"), 1);
        std::fs::write(dir.join("tenant.yaml"), text).unwrap();
        std::fs::write(dir.join("users.json"), &users).unwrap();
    };

    // A valid binding: the secret comes from `${ENV:-default}` under `secrets`.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &format!(
            "    - hook: hasura-sync\n      name: Sync from fixtures\n      url: {}\n      timeout_ms: 2000\n      on_failure: deny\n      secrets:\n        admin_secret: ${{AUTH0_MOCK_HOOKS_TEST_SURELY_UNSET:-{ADMIN_SECRET}}}\n",
            hasura.url
        ),
    );
    let mut cfg = ServerConfig::for_tests();
    cfg.fixtures = Some(dir.path().to_path_buf());
    let server = MockServer::start(cfg).await.unwrap();
    let base = server.base_url();
    let login = alice(&base).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let seen = hasura.seen();
    assert_eq!(header_str(&seen[0], "x-hasura-admin-secret"), ADMIN_SECRET);
    let recs = records_of(&base, "hasura-sync").await;
    assert_eq!(recs[0]["hook"], "Sync from fixtures");
    server.shutdown().await;

    // Bad settings are refused when fixtures load, naming the entry and the reason.
    for (entry, needle) in [
        (
            "    - hook: hasura-sync\n      url: not a url\n",
            "absolute http(s) URL",
        ),
        (
            "    - hook: hasura-sync\n      url: http://h/v1/graphql\n      on_failure: ignore\n",
            "unknown variant `ignore`",
        ),
        (
            "    - hook: hasura-sync\n      url: http://h/v1/graphql\n      timeout_ms: 60000\n",
            "timeout_ms must be between 1 and 20000",
        ),
        (
            "    - hook: webhook\n      url: http://h/hook\n      secrte: x\n",
            "unknown field `secrte`",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), entry);
        let mut cfg = ServerConfig::for_tests();
        cfg.fixtures = Some(dir.path().to_path_buf());
        let err = match MockServer::start(cfg).await {
            Ok(s) => {
                s.shutdown().await;
                panic!("fixtures with {entry:?} should be refused");
            }
            Err(e) => e.to_string(),
        };
        assert!(err.contains("triggers.post-login[0]"), "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

// ------------------------------------------------------------------ failures, both hooks

fn expected_reason(kind: &str, mode: Mode) -> String {
    match (kind, mode) {
        (_, Mode::Slow) => format!("timed out after {TIMEOUT_MS} ms"),
        ("hasura-sync", Mode::Status500) => "answered HTTP 500: upstream exploded".into(),
        ("webhook", Mode::Status500) => "answered HTTP 500: upstream exploded".into(),
        ("hasura-sync", Mode::GraphqlErrors) => {
            format!("answered errors: {UNIQUENESS} (constraint-violation)")
        }
        ("webhook", Mode::GraphqlErrors) => "cannot use (unknown field `errors`".into(),
        (_, Mode::Garbage) => {
            "with a body that is not JSON: <html><body>Bad Gateway</body></html>".into()
        }
        (_, Mode::Refused) => "connection failed".into(),
        _ => unreachable!(),
    }
}

/// Runs one failure mode against one hook kind with `on_failure` deny and continue.
async fn failure_case(kind: &str, mode: Mode) {
    let path = if kind == "hasura-sync" {
        "/v1/graphql"
    } else {
        "/hook"
    };
    let (url, upstream) = failing_upstream(mode, path).await;
    let timeout = Duration::from_millis(TIMEOUT_MS);
    let expected = expected_reason(kind, mode);
    for on_failure in ["deny", "continue"] {
        let ctx = format!("{kind} / {mode:?} / on_failure: {on_failure}");
        let mut settings = json!({"url": url, "timeout_ms": TIMEOUT_MS, "on_failure": on_failure});
        if kind == "hasura-sync" {
            settings["admin_secret"] = json!(ADMIN_SECRET);
        } else {
            settings["secret"] = json!(ADMIN_SECRET);
        }
        let server = mock_with(vec![HookBinding::native(kind, "under test", settings)]).await;
        let base = server.base_url();

        // While the hook is waiting, the mock serves other requests promptly.
        let slow_login = tokio::spawn({
            let base = base.clone();
            async move { alice(&base).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let m2m = client_credentials(&base).await;
        assert_eq!(m2m.status, 200, "{ctx}: {}", m2m.body);
        assert!(
            m2m.elapsed < timeout,
            "{ctx}: client_credentials took {:?}",
            m2m.elapsed
        );
        if mode == Mode::Slow {
            assert!(
                !slow_login.is_finished(),
                "{ctx}: the login ended before client_credentials was answered: not served concurrently?"
            );
        }
        let login = slow_login.await.unwrap();
        assert!(
            login.elapsed < timeout + MARGIN,
            "{ctx}: the login took {:?} with a {TIMEOUT_MS} ms timeout",
            login.elapsed
        );
        if mode == Mode::Slow {
            assert!(
                login.elapsed >= timeout - Duration::from_millis(50),
                "{ctx}: {:?}",
                login.elapsed
            );
        }

        let recs = records_of(&base, kind).await;
        assert_eq!(recs.len(), 1, "{ctx}: {recs:?}");
        let r = &recs[0];
        let call = &r["calls"][0];
        assert_eq!(call["method"], "POST", "{ctx}");
        match mode {
            Mode::Slow | Mode::Refused => {
                assert_eq!(call["status"], Value::Null, "{ctx}");
                assert!(call["error"].is_string(), "{ctx}: {call}");
            }
            Mode::Status500 => assert_eq!(call["status"], 500, "{ctx}"),
            Mode::GraphqlErrors | Mode::Garbage => assert_eq!(call["status"], 200, "{ctx}"),
        }
        let all = serde_json::to_string(&recs).unwrap();
        assert!(
            !all.contains(ADMIN_SECRET),
            "{ctx}: secret leaked into records: {all}"
        );

        if on_failure == "deny" {
            assert_eq!(login.status, 403, "{ctx}: {}", login.body);
            assert_eq!(login.body["error"], "access_denied", "{ctx}");
            let description = login.body["error_description"].as_str().unwrap_or("");
            assert!(
                description.starts_with(&format!("{kind}: ")),
                "{ctx}: {description}"
            );
            assert!(
                description.contains(&url),
                "{ctx}: names the URL: {description}"
            );
            assert!(
                description.contains(&expected),
                "{ctx}: {description} should contain {expected}"
            );
            assert!(
                login.body.get("access_token").is_none(),
                "{ctx}: no tokens for a denied login"
            );
            assert_eq!(r["outcome"], "failed", "{ctx}");
            assert_eq!(r["error"], description, "{ctx}");
        } else {
            assert_eq!(login.status, 200, "{ctx}: {}", login.body);
            assert_eq!(login.access_claims()["sub"], "auth0|alice", "{ctx}");
            assert_eq!(r["outcome"], "ok", "{ctx}");
            let logs = logs_text(r);
            assert!(logs.contains(&expected), "{ctx}: logs: {logs}");
            assert!(logs.contains("on_failure: continue"), "{ctx}: logs: {logs}");
        }

        // The mock keeps serving other logins, with the same verdict each time.
        let bob = password_login(&base, "bob@example.com", "bob-password").await;
        assert_eq!(
            bob.status,
            if on_failure == "deny" { 403 } else { 200 },
            "{ctx}: {}",
            bob.body
        );
        assert!(bob.elapsed < timeout + MARGIN, "{ctx}: {:?}", bob.elapsed);
        let res = http()
            .get(format!("{base}/.well-known/jwks.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{ctx}");

        // The browser flow: denial goes back to the callback with the reason and the state.
        let b = browser_login(&base, "alice@example.com", "alice-password").await;
        assert!(
            b.hook_elapsed < timeout + MARGIN,
            "{ctx}: {:?}",
            b.hook_elapsed
        );
        assert_eq!(b.callback["state"], "st-hooks", "{ctx}");
        if on_failure == "deny" {
            assert_eq!(
                b.callback["error"], "access_denied",
                "{ctx}: {:?}",
                b.callback
            );
            let description = b.callback["error_description"].as_str().unwrap_or("");
            assert!(description.contains(&expected), "{ctx}: {description}");
            assert!(b.tokens.is_none(), "{ctx}");
        } else {
            assert!(b.callback.contains_key("code"), "{ctx}: {:?}", b.callback);
            assert!(b.tokens.is_some(), "{ctx}");
        }
        server.shutdown().await;
    }
    drop(upstream);
}

#[tokio::test]
async fn hasura_sync_slow() {
    failure_case("hasura-sync", Mode::Slow).await;
}

#[tokio::test]
async fn hasura_sync_500() {
    failure_case("hasura-sync", Mode::Status500).await;
}

#[tokio::test]
async fn hasura_sync_graphql_errors_under_200() {
    failure_case("hasura-sync", Mode::GraphqlErrors).await;
}

#[tokio::test]
async fn hasura_sync_garbage() {
    failure_case("hasura-sync", Mode::Garbage).await;
}

#[tokio::test]
async fn hasura_sync_connection_refused() {
    failure_case("hasura-sync", Mode::Refused).await;
}

#[tokio::test]
async fn webhook_slow() {
    failure_case("webhook", Mode::Slow).await;
}

#[tokio::test]
async fn webhook_500() {
    failure_case("webhook", Mode::Status500).await;
}

#[tokio::test]
async fn webhook_unusable_json_reply() {
    failure_case("webhook", Mode::GraphqlErrors).await;
}

#[tokio::test]
async fn webhook_garbage() {
    failure_case("webhook", Mode::Garbage).await;
}

#[tokio::test]
async fn webhook_connection_refused() {
    failure_case("webhook", Mode::Refused).await;
}

// ------------------------------------------------------------------ webhook: replies

const WEBHOOK_SECRET: &str = "webhook-bearer-secret-xyz";
const BINDING_SECRET: &str = "binding-secret-value-456";

#[tokio::test]
async fn webhook_reply_sets_claims_scopes_and_metadata() {
    let hook = upstream(
        "/hook",
        Duration::ZERO,
        Arc::new(|_, n| {
            json_response(
                StatusCode::OK,
                json!({
                    "access_token": {"claims": {
                        "https://example.com/visits": n + 1,
                        "sub": "evil-subject",
                        "gty": "evil-grant",
                    }},
                    "id_token": {"claims": {"https://example.com/nick": "ally"}},
                    "app_metadata": {"webhook_visits": n + 1},
                    "user_metadata": {"theme": null},
                    "add_scopes": ["read:users"],
                }),
            )
        }),
    )
    .await;
    let mut b = HookBinding::native(
        "webhook",
        "Any-language hook",
        json!({"url": hook.url, "secret": WEBHOOK_SECRET, "headers": {"X-Env": "e2e"}}),
    );
    b.secrets.insert("api_key".into(), json!(BINDING_SECRET));
    let server = mock_with(vec![b]).await;
    let base = server.base_url();

    let first = alice(&base).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let claims = first.access_claims();
    assert_eq!(claims["https://example.com/visits"], 1);
    assert_eq!(
        claims["sub"], "auth0|alice",
        "a restricted claim from a reply is dropped"
    );
    assert_ne!(
        claims["gty"], "evil-grant",
        "a restricted claim from a reply is dropped"
    );
    let scope = claims["scope"].as_str().unwrap_or("");
    assert!(
        scope.split(' ').any(|s| s == "read:users"),
        "add_scopes: {scope}"
    );
    let id = jwt_payload(first.body["id_token"].as_str().unwrap());
    assert_eq!(id["https://example.com/nick"], "ally");

    // The second login's event carries the app_metadata the first reply set.
    let second = alice(&base).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.access_claims()["https://example.com/visits"], 2);
    let seen = hook.seen();
    assert_eq!(seen.len(), 2);
    let first_event = &seen[0].body;
    assert_eq!(first_event["user"]["user_id"], "auth0|alice");
    assert_eq!(first_event["user"]["app_metadata"]["plan"], "pro");
    assert!(
        first_event["user"]["app_metadata"]
            .get("webhook_visits")
            .is_none()
    );
    assert_eq!(first_event["user"]["user_metadata"]["theme"], "dark");
    assert_eq!(first_event["client"]["client_id"], "auth0-mock-web");
    assert_eq!(first_event["resource_server"]["identifier"], AUDIENCE);
    assert!(first_event["transaction"]["protocol"].is_string());
    assert_eq!(first_event["stats"]["logins_count"], 1);
    let second_event = &seen[1].body;
    assert_eq!(second_event["user"]["app_metadata"]["webhook_visits"], 1);
    assert!(
        second_event["user"]["user_metadata"].get("theme").is_none(),
        "null deletes"
    );
    assert_eq!(second_event["stats"]["logins_count"], 2);

    // Secrets never reach the webhook's body; the bearer token and headers do reach it.
    for s in &seen {
        assert!(
            s.body.get("secrets").is_none(),
            "event.secrets must not be sent"
        );
        let text = s.body.to_string();
        assert!(
            !text.contains(BINDING_SECRET) && !text.contains(WEBHOOK_SECRET),
            "{text}"
        );
        assert!(!text.contains("alice-password"), "{text}");
        assert_eq!(
            header_str(s, "authorization"),
            format!("Bearer {WEBHOOK_SECRET}")
        );
        assert_eq!(header_str(s, "x-env"), "e2e");
        assert_eq!(header_str(s, "content-type"), "application/json");
    }

    // The record: redacted Authorization, the reply, and warnings for the dropped claims.
    let recs = records_of(&base, "webhook").await;
    assert_eq!(recs.len(), 2);
    let r = &recs[0];
    assert_eq!(r["hook"], "Any-language hook");
    assert_eq!(r["outcome"], "ok");
    let call = &r["calls"][0];
    assert_eq!(call["request_headers"]["authorization"], "[REDACTED]");
    assert_eq!(call["request_headers"]["x-env"], "e2e");
    assert_eq!(call["request_body"]["user"]["user_id"], "auth0|alice");
    assert_eq!(call["response_body"]["app_metadata"]["webhook_visits"], 1);
    let logs = logs_text(r);
    assert!(logs.contains("warning") && logs.contains("'sub'"), "{logs}");
    assert!(logs.contains("'gty'"), "{logs}");
    let all = serde_json::to_string(&records(&base).await).unwrap();
    assert!(
        !all.contains(WEBHOOK_SECRET),
        "bearer secret leaked into records"
    );

    // The management-visible user kept the metadata.
    let third = browser_login(&base, "alice@example.com", "alice-password").await;
    let tokens = third.tokens.expect("browser login succeeds");
    let access = jwt_payload(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["https://example.com/visits"], 3);
    assert_eq!(
        hook.seen()[2].body["user"]["app_metadata"]["webhook_visits"],
        2
    );
    server.shutdown().await;
}

#[tokio::test]
async fn webhook_deny_reply_denies_both_flows() {
    let hook = upstream(
        "/hook",
        Duration::ZERO,
        Arc::new(|event, _| {
            if event["user"]["email"] == "alice@example.com" {
                json_response(
                    StatusCode::OK,
                    json!({"deny": "Only residents of Wonderland & friends may sign in"}),
                )
            } else {
                StatusCode::NO_CONTENT.into_response()
            }
        }),
    )
    .await;
    let server = mock_with(vec![HookBinding::native(
        "webhook",
        "gate",
        json!({"url": hook.url}),
    )])
    .await;
    let base = server.base_url();

    let denied = alice(&base).await;
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(denied.body["error"], "access_denied");
    assert_eq!(
        denied.body["error_description"],
        "Only residents of Wonderland & friends may sign in"
    );
    let b = browser_login(&base, "alice@example.com", "alice-password").await;
    assert_eq!(b.callback["error"], "access_denied");
    assert_eq!(
        b.callback["error_description"],
        "Only residents of Wonderland & friends may sign in"
    );
    assert_eq!(b.callback["state"], "st-hooks");
    assert!(b.tokens.is_none());

    // 204: no changes, login goes on.
    let bob = password_login(&base, "bob@example.com", "bob-password").await;
    assert_eq!(bob.status, 200, "{}", bob.body);
    let b = browser_login(&base, "bob@example.com", "bob-password").await;
    assert!(b.tokens.is_some(), "{:?}", b.callback);

    let recs = records_of(&base, "webhook").await;
    let outcomes: Vec<&str> = recs.iter().filter_map(|r| r["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["denied", "denied", "ok", "ok"]);
    assert_eq!(
        recs[0]["error"],
        "Only residents of Wonderland & friends may sign in"
    );
    assert_eq!(recs[2]["calls"][0]["status"], 204);
    assert!(
        logs_text(&recs[2]).contains("no changes"),
        "{}",
        logs_text(&recs[2])
    );
    server.shutdown().await;
}

// ------------------------------------------------------------------ not for client_credentials

#[tokio::test]
async fn client_credentials_runs_no_hooks() {
    let hasura = upstream("/v1/graphql", Duration::ZERO, hasura_ok()).await;
    let hook = upstream(
        "/hook",
        Duration::ZERO,
        Arc::new(|_, _| json_response(StatusCode::OK, json!({"deny": "should not run"}))),
    )
    .await;
    let server = mock_with(vec![
        HookBinding::native(
            "hasura-sync",
            "sync",
            json!({"url": hasura.url, "admin_secret": ADMIN_SECRET}),
        ),
        HookBinding::native("webhook", "gate", json!({"url": hook.url})),
    ])
    .await;
    let base = server.base_url();
    for _ in 0..2 {
        let m2m = client_credentials(&base).await;
        assert_eq!(m2m.status, 200, "{}", m2m.body);
        assert_eq!(m2m.access_claims()["gty"], "client-credentials");
    }
    assert!(
        records(&base).await.is_empty(),
        "client_credentials must run no hooks"
    );
    assert!(hasura.seen().is_empty());
    assert!(hook.seen().is_empty());

    // A user login on the same mock does run them (and the webhook denies it).
    let login = alice(&base).await;
    assert_eq!(login.status, 403);
    assert_eq!(login.body["error_description"], "should not run");
    assert_eq!(hasura.seen().len(), 1);
    assert_eq!(hook.seen().len(), 1);
    server.shutdown().await;
}
