//! Failing upstreams, for both outbound hooks: each failure mode (a stalled upstream, HTTP 500,
//! a GraphQL `errors` body under 200, a body that is not JSON, a refused connection, a reply
//! larger than the 1 MiB the mock reads) with
//! `on_failure: deny` and `on_failure: continue`. One module per hook kind and failure mode,
//! one test per behaviour.

use crate::ADMIN_SECRET;
use crate::support::*;
use auth0_mock::MockServer;
use auth0_mock::tenant::HookBinding;
use axum::http::StatusCode as UpstreamStatus;
use axum::response::IntoResponse;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The timeout configured on the hooks here.
pub const TIMEOUT_MS: u64 = 800;
/// The timeout with a stalled upstream, which every login then waits for: shorter, to keep the
/// tests quick, yet ample for a request to reach a local server.
pub const STALLED_TIMEOUT_MS: u64 = 400;

/// The timeout configured for `mode`.
pub fn timeout_ms(mode: Mode) -> u64 {
    if mode == Mode::Stalled {
        STALLED_TIMEOUT_MS
    } else {
        TIMEOUT_MS
    }
}

const UNIQUENESS: &str =
    "Uniqueness violation. duplicate key value violates unique constraint \"users_pkey\"";

/// How the upstream fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Holds its answer for as long as the test runs.
    Stalled,
    Status500,
    GraphqlErrors,
    Garbage,
    Refused,
    /// A 3 MB reply (the 50 MB one, scaled), with its `Content-Length`.
    Oversized,
}

/// Bytes of the [`Mode::Oversized`] reply.
pub const OVERSIZED_BYTES: usize = 3 * 1024 * 1024;

/// The path each hook kind is configured with.
fn path(kind: &str) -> &'static str {
    if kind == "hasura-sync" {
        "/v1/graphql"
    } else {
        "/hook"
    }
}

/// An upstream failing as `mode` (none for a refused connection), and the URL to configure.
async fn failing_upstream(kind: &str, mode: Mode) -> (Option<Upstream>, String) {
    let respond = move |_: &Seen, _: usize| match mode {
        Mode::Stalled => Answer::Held(json_response(UpstreamStatus::OK, json!({"data": {}}))),
        Mode::Status500 => Answer::Now(
            (UpstreamStatus::INTERNAL_SERVER_ERROR, "upstream exploded").into_response(),
        ),
        Mode::GraphqlErrors => Answer::Now(json_response(
            UpstreamStatus::OK,
            json!({"errors": [{"message": UNIQUENESS, "extensions": {"path": "$.selectionSet.insert_users_one.args.object", "code": "constraint-violation"}}]}),
        )),
        Mode::Garbage => Answer::Now(
            (
                UpstreamStatus::OK,
                [(axum::http::header::CONTENT_TYPE, "text/html")],
                "<html><body>Bad Gateway</body></html>",
            )
                .into_response(),
        ),
        Mode::Oversized => Answer::Now(json_response(
            UpstreamStatus::OK,
            json!({"pad": "z".repeat(OVERSIZED_BYTES)}),
        )),
        Mode::Refused => unreachable!("nothing listens"),
    };
    if mode == Mode::Refused {
        return (None, refused_url(path(kind)));
    }
    let up = Upstream::start(respond).await;
    let url = up.url(path(kind));
    (Some(up), url)
}

/// What the failure's description must say.
fn expected_reason(kind: &str, mode: Mode) -> String {
    match (kind, mode) {
        (_, Mode::Stalled) => format!("timed out after {STALLED_TIMEOUT_MS} ms"),
        (_, Mode::Status500) => "answered HTTP 500: upstream exploded".into(),
        ("hasura-sync", Mode::GraphqlErrors) => {
            format!("answered errors: {UNIQUENESS} (constraint-violation)")
        }
        (_, Mode::GraphqlErrors) => "cannot use (unknown field `errors`".into(),
        (_, Mode::Garbage) => {
            "with a body that is not JSON: <html><body>Bad Gateway</body></html>".into()
        }
        (_, Mode::Refused) => "connection failed".into(),
        (_, Mode::Oversized) => {
            "HTTP 200 reply with a body over the 1048576 bytes auth0-mock reads".into()
        }
    }
}

/// A mock running `kind` against a failing upstream with `on_failure`; the upstream must
/// outlive the test's logins.
pub struct Failing {
    pub server: MockServer,
    pub url: String,
    pub upstream: Option<Upstream>,
    pub ctx: String,
}

pub async fn failing(kind: &str, mode: Mode, on_failure: &str) -> Failing {
    let (upstream, url) = failing_upstream(kind, mode).await;
    let mut settings =
        json!({"url": url, "timeout_ms": timeout_ms(mode), "on_failure": on_failure});
    if kind == "hasura-sync" {
        settings["admin_secret"] = json!(ADMIN_SECRET);
    } else {
        settings["secret"] = json!(ADMIN_SECRET);
    }
    let server = start_with_hooks(vec![HookBinding::native(kind, "under test", settings)]).await;
    Failing {
        server,
        url,
        upstream,
        ctx: format!("{kind} / {mode:?} / on_failure: {on_failure}"),
    }
}

/// The one record of `kind` after alice's password login, with the login's answer.
async fn alice_and_the_record(f: &Failing, kind: &str) -> ((StatusCode, Value), Value) {
    let base = f.server.base_url();
    let login = alice_login(&base).await;
    let recs = records_of(&base, kind).await;
    assert_eq!(recs.len(), 1, "{}: {recs:?}", f.ctx);
    (login, recs[0].clone())
}

pub async fn check_deny_refuses_the_password_grant_naming_hook_url_and_reason(
    kind: &str,
    mode: Mode,
) {
    let f = failing(kind, mode, "deny").await;
    let (status, body) = alice_login(&f.server.base_url()).await;
    let ctx = &f.ctx;
    assert_eq!(status, StatusCode::FORBIDDEN, "{ctx}: {body}");
    assert_eq!(body["error"], "access_denied", "{ctx}");
    let description = body["error_description"].as_str().unwrap_or("");
    assert!(
        description.starts_with(&format!("{kind}: ")),
        "{ctx}: {description}"
    );
    assert!(
        description.contains(&f.url),
        "{ctx}: names the URL: {description}"
    );
    let expected = expected_reason(kind, mode);
    assert!(
        description.contains(&expected),
        "{ctx}: {description} should contain {expected}"
    );
    assert!(
        body.get("access_token").is_none(),
        "{ctx}: no tokens for a denied login"
    );
    f.server.shutdown().await;
}

pub async fn check_deny_records_the_failure_with_the_same_description(kind: &str, mode: Mode) {
    let f = failing(kind, mode, "deny").await;
    let ((_, body), r) = alice_and_the_record(&f, kind).await;
    assert_eq!(r["outcome"], "failed", "{}", f.ctx);
    assert_eq!(r["error"], body["error_description"], "{}", f.ctx);
    f.server.shutdown().await;
}

pub async fn check_the_failed_call_is_recorded_without_the_secret(kind: &str, mode: Mode) {
    for on_failure in ["deny", "continue"] {
        let f = failing(kind, mode, on_failure).await;
        let ctx = &f.ctx;
        let (_, r) = alice_and_the_record(&f, kind).await;
        let call = &r["calls"][0];
        assert_eq!(call["method"], "POST", "{ctx}");
        match mode {
            Mode::Stalled | Mode::Refused => {
                assert_eq!(call["status"], Value::Null, "{ctx}");
                assert!(call["error"].is_string(), "{ctx}: {call}");
            }
            Mode::Status500 => assert_eq!(call["status"], 500, "{ctx}"),
            Mode::GraphqlErrors | Mode::Garbage | Mode::Oversized => {
                assert_eq!(call["status"], 200, "{ctx}")
            }
        }
        let all = r.to_string();
        assert!(
            !all.contains(ADMIN_SECRET),
            "{ctx}: secret leaked into records: {all}"
        );
        f.server.shutdown().await;
    }
}

pub async fn check_continue_lets_the_password_grant_through(kind: &str, mode: Mode) {
    let f = failing(kind, mode, "continue").await;
    let (status, body) = alice_login(&f.server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{}: {body}", f.ctx);
    assert_eq!(access_claims(&body)["sub"], "auth0|alice", "{}", f.ctx);
    f.server.shutdown().await;
}

pub async fn check_continue_records_ok_and_logs_the_reason(kind: &str, mode: Mode) {
    let f = failing(kind, mode, "continue").await;
    let ctx = &f.ctx;
    let (_, r) = alice_and_the_record(&f, kind).await;
    assert_eq!(r["outcome"], "ok", "{ctx}");
    let logs = logs_text(&r);
    assert!(
        logs.contains(&expected_reason(kind, mode)),
        "{ctx}: logs: {logs}"
    );
    assert!(logs.contains("on_failure: continue"), "{ctx}: logs: {logs}");
    f.server.shutdown().await;
}

pub async fn check_later_logins_get_the_same_verdict_and_the_mock_keeps_serving(
    kind: &str,
    mode: Mode,
) {
    for on_failure in ["deny", "continue"] {
        let f = failing(kind, mode, on_failure).await;
        let ctx = &f.ctx;
        let base = f.server.base_url();
        alice_login(&base).await;
        let (status, body) = bob_login(&base).await;
        let verdict = if on_failure == "deny" {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        };
        assert_eq!(status, verdict, "{ctx}: {body}");
        let res = client()
            .get(format!("{base}/.well-known/jwks.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{ctx}");
        f.server.shutdown().await;
    }
}

pub async fn check_deny_sends_the_browser_back_with_the_reason_and_the_state(
    kind: &str,
    mode: Mode,
) {
    let f = failing(kind, mode, "deny").await;
    let ctx = &f.ctx;
    let login = alice_browser_login(&f.server.base_url()).await;
    let q = login.query();
    assert_eq!(q["state"], STATE, "{ctx}");
    assert_eq!(q["error"], "access_denied", "{ctx}: {q:?}");
    let description = q.get("error_description").map(String::as_str).unwrap_or("");
    assert!(
        description.contains(&expected_reason(kind, mode)),
        "{ctx}: {description}"
    );
    assert!(login.code().is_none(), "{ctx}");
    f.server.shutdown().await;
}

pub async fn check_continue_lets_the_browser_login_through(kind: &str, mode: Mode) {
    let f = failing(kind, mode, "continue").await;
    let ctx = &f.ctx;
    let base = f.server.base_url();
    let login = alice_browser_login(&base).await;
    assert_eq!(login.query()["state"], STATE, "{ctx}");
    let code = login
        .code()
        .unwrap_or_else(|| panic!("{ctx}: {}", login.callback));
    assert_eq!(
        exchange(&base, &client(), &code).await.status(),
        StatusCode::OK,
        "{ctx}"
    );
    f.server.shutdown().await;
}

/// One module per hook kind and failure mode, with one test per behaviour above.
macro_rules! failure_mode {
    ($name:ident, $kind:literal, $mode:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn on_failure_deny_refuses_the_password_grant_naming_hook_url_and_reason() {
                check_deny_refuses_the_password_grant_naming_hook_url_and_reason($kind, $mode)
                    .await;
            }

            #[tokio::test]
            async fn on_failure_deny_records_the_failure_with_the_same_description() {
                check_deny_records_the_failure_with_the_same_description($kind, $mode).await;
            }

            #[tokio::test]
            async fn the_failed_call_is_recorded_without_the_secret() {
                check_the_failed_call_is_recorded_without_the_secret($kind, $mode).await;
            }

            #[tokio::test]
            async fn on_failure_continue_lets_the_password_grant_through() {
                check_continue_lets_the_password_grant_through($kind, $mode).await;
            }

            #[tokio::test]
            async fn on_failure_continue_records_ok_and_logs_the_reason() {
                check_continue_records_ok_and_logs_the_reason($kind, $mode).await;
            }

            #[tokio::test]
            async fn later_logins_get_the_same_verdict_and_the_mock_keeps_serving() {
                check_later_logins_get_the_same_verdict_and_the_mock_keeps_serving($kind, $mode)
                    .await;
            }

            #[tokio::test]
            async fn on_failure_deny_sends_the_browser_back_with_the_reason_and_the_state() {
                check_deny_sends_the_browser_back_with_the_reason_and_the_state($kind, $mode).await;
            }

            #[tokio::test]
            async fn on_failure_continue_lets_the_browser_login_through() {
                check_continue_lets_the_browser_login_through($kind, $mode).await;
            }
        }
    };
}

failure_mode!(hasura_sync_stalled, "hasura-sync", Mode::Stalled);
failure_mode!(hasura_sync_500, "hasura-sync", Mode::Status500);
failure_mode!(
    hasura_sync_graphql_errors_under_200,
    "hasura-sync",
    Mode::GraphqlErrors
);
failure_mode!(hasura_sync_garbage, "hasura-sync", Mode::Garbage);
failure_mode!(hasura_sync_connection_refused, "hasura-sync", Mode::Refused);
failure_mode!(webhook_stalled, "webhook", Mode::Stalled);
failure_mode!(webhook_500, "webhook", Mode::Status500);
failure_mode!(webhook_unusable_json_reply, "webhook", Mode::GraphqlErrors);
failure_mode!(webhook_garbage, "webhook", Mode::Garbage);
failure_mode!(webhook_connection_refused, "webhook", Mode::Refused);
failure_mode!(
    hasura_sync_reply_over_the_read_limit,
    "hasura-sync",
    Mode::Oversized
);
failure_mode!(
    webhook_reply_over_the_read_limit,
    "webhook",
    Mode::Oversized
);
