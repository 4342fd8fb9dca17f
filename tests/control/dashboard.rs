//! What the dashboard (`/__mock/ui`) reads and runs, over HTTP: its page under the control
//! API's access rule, the tenant overview, the token debugger, the hook timeline's long poll
//! and the Action tester's list. `tests/real_clients.rs` drives the page itself in Chromium.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn debugger(base: &str, body: Value) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/__mock/debugger"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

async fn get_json(url: String) -> (StatusCode, Value) {
    let res = client().get(url).send().await.unwrap();
    (res.status(), res.json().await.unwrap())
}

#[tokio::test]
async fn the_page_allows_scripts_from_the_mock_alone() {
    let server = start().await;
    let res = client()
        .get(format!("{}/__mock/ui", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let policy = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_pages_script_is_served_as_javascript() {
    let server = start().await;
    let res = client()
        .get(format!("{}/__mock/ui/app.js", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_page_is_refused_to_another_sites_page() {
    let server = start().await;
    let res = client()
        .get(format!("{}/__mock/ui", server.base_url()))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_logs_a_user_in_through_the_code_flow() {
    let server = start().await;
    let (status, out) = debugger(
        &server.base_url(),
        json!({"client_id": SPA, "user": "alice@example.com", "audience": API}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let steps: Vec<String> = out["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["method"], s["path"], s["status"]))
        .collect();
    assert_eq!(
        steps,
        vec![r#""GET" "/authorize" 302"#, r#""POST" "/oauth/token" 200"#]
    );
    assert_eq!(
        out["access_token"]["payload"]["sub"], "auth0|alice",
        "{out}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_debuggers_hasura_verdict_names_the_users_session_variables() {
    let server = start().await;
    let (_, out) = debugger(
        &server.base_url(),
        json!({"client_id": SPA, "user": "alice@example.com", "audience": API}),
    )
    .await;
    let hasura = &out["access_token"]["hasura"];
    assert_eq!(hasura["ok"], true, "{hasura}");
    assert_eq!(
        hasura["session"]["session_variables"]["x-hasura-user-id"],
        "auth0|alice"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_gives_a_machine_client_a_client_credentials_token() {
    let server = start().await;
    let (_, out) = debugger(
        &server.base_url(),
        json!({"client_id": M2M, "audience": API}),
    )
    .await;
    assert_eq!(out["steps"][0]["path"], "/oauth/token");
    assert_eq!(out["access_token"]["payload"]["gty"], "client-credentials");
    server.shutdown().await;
}

#[tokio::test]
async fn an_armed_fault_answers_the_debuggers_login_too() {
    let server = start().await;
    let base = server.base_url();
    let armed = client()
        .post(format!("{base}/__mock/faults"))
        .json(&json!({"endpoint": "/oauth/token", "count": 1, "kind": "status", "status": 429}))
        .send()
        .await
        .unwrap();
    assert_eq!(armed.status(), StatusCode::CREATED);
    let (status, out) = debugger(&base, json!({"client_id": M2M})).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the debugger reports the login's answer"
    );
    assert_eq!(out["error"]["error"], "too_many_attempts", "{out}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_applies_a_chosen_scenario_to_the_login() {
    let server = start().await;
    let (_, out) = debugger(
        &server.base_url(),
        json!({"client_id": SPA, "user": "alice@example.com", "audience": API, "scenario": "wrong-audience"}),
    )
    .await;
    let hasura = &out["access_token"]["hasura"];
    assert_eq!(hasura["ok"], false, "{hasura}");
    assert_eq!(
        hasura["response"]["errors"][0]["extensions"]["code"],
        "invalid-jwt"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_refuses_an_unknown_client() {
    let server = start().await;
    let (status, out) = debugger(
        &server.base_url(),
        json!({"client_id": "nope", "user": "alice@example.com"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(out["error"], "not_found");
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_refuses_an_unknown_user() {
    let server = start().await;
    let (status, out) = debugger(
        &server.base_url(),
        json!({"client_id": SPA, "user": "nobody@example.com"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(out["error_description"], "no user 'nobody@example.com'");
    server.shutdown().await;
}

#[tokio::test]
async fn a_pasted_token_with_a_bad_signature_is_reported_invalid() {
    let server = start().await;
    let base = server.base_url();
    let token = scenario_token(&base, "bad-signature").await;
    let res = client()
        .post(format!("{base}/__mock/debugger/inspect"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["token"]["signature"]["valid"], false, "{out}");
    assert_eq!(out["token"]["hasura"]["ok"], false);
    server.shutdown().await;
}

#[tokio::test]
async fn the_overview_marks_a_user_who_signed_up_at_runtime() {
    let server = start().await;
    let base = server.base_url();
    let signed_up = client()
        .post(format!("{base}/dbconnections/signup"))
        .json(
            &json!({"client_id": SPA, "connection": "Username-Password-Authentication",
            "email": "new@example.com", "password": "Str0ng-passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), StatusCode::OK);
    let (_, overview) = get_json(format!("{base}/__mock/tenant")).await;
    let runtime: Vec<(&str, bool)> = overview["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["email"] == "new@example.com" || u["email"] == "alice@example.com")
        .map(|u| (u["email"].as_str().unwrap(), u["runtime"] == true))
        .collect();
    assert_eq!(
        runtime,
        vec![("alice@example.com", false), ("new@example.com", true)]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_overview_never_shows_a_password() {
    let server = start().await;
    let (_, overview) = get_json(format!("{}/__mock/tenant", server.base_url())).await;
    assert!(!overview.to_string().contains("alice-password"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_waiting_hook_listing_answers_with_the_run_that_arrives() {
    let server = start().await;
    let base = server.base_url();
    let waiting = tokio::spawn(get_json(format!("{base}/__mock/hooks?after=0&wait=30")));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiting.is_finished(), "no run yet, so the listing waits");
    alice_login(&base).await;
    let (_, out) = waiting.await.unwrap();
    assert_eq!(out["records"][0]["user_id"], "auth0|alice");
    server.shutdown().await;
}

#[tokio::test]
async fn listing_hooks_after_an_id_leaves_out_older_runs() {
    let server = start().await;
    let base = server.base_url();
    alice_login(&base).await;
    let (_, first) = get_json(format!("{base}/__mock/hooks")).await;
    let seen = first["last_id"].as_u64().expect("a last_id");
    bob_login(&base).await;
    let (_, out) = get_json(format!("{base}/__mock/hooks?after={seen}")).await;
    let users: Vec<&Value> = out["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["user_id"])
        .collect();
    assert_eq!(users, vec!["auth0|bob"]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_hook_listing_after_something_not_an_id_is_refused() {
    let server = start().await;
    let (status, out) = get_json(format!("{}/__mock/hooks?after=x", server.base_url())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(out["error"], "invalid_request");
    server.shutdown().await;
}

#[tokio::test]
async fn the_action_list_gives_each_trigger_its_hooks_and_test_event() {
    let server = start().await;
    let (_, out) = get_json(format!("{}/__mock/actions", server.base_url())).await;
    let post_login = out["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["trigger"] == "post-login")
        .expect("post-login is listed");
    assert!(
        post_login["hooks"] == json!(["Hasura claims"])
            && post_login["sample_event"]["user"]["user_id"].is_string(),
        "{post_login}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_leaves_no_session_behind() {
    let server = start().await;
    let base = server.base_url();
    let sessions = |summary: Value| summary["store"]["sessions"].clone();
    let (_, before) = get_json(format!("{base}/__mock")).await;
    debugger(
        &base,
        json!({"client_id": SPA, "user": "alice@example.com", "audience": API}),
    )
    .await;
    let (_, after) = get_json(format!("{base}/__mock")).await;
    assert_eq!(sessions(after), sessions(before));
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_neither_uses_nor_loses_a_scenario_a_test_armed() {
    let server = start().await;
    let base = server.base_url();
    let armed = client()
        .post(format!("{base}/__mock/scenarios/next"))
        .json(&json!({"scenario": "admin", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(armed.status(), StatusCode::OK);
    let (_, out) = debugger(
        &base,
        json!({"client_id": SPA, "user": "alice@example.com", "audience": API, "scenario": "wrong-audience"}),
    )
    .await;
    assert_eq!(
        out["access_token"]["hasura"]["ok"], false,
        "the debugger's own scenario applied"
    );
    let (_, tokens) = alice_login(&base).await;
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(
        access[HASURA_NS]["x-hasura-default-role"], "admin",
        "the test's armed scenario is still there for its login: {access}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_debugger_refuses_an_unknown_scenario_before_signing_anyone_in() {
    let server = start().await;
    let base = server.base_url();
    let (status, _) = debugger(
        &base,
        json!({"client_id": SPA, "user": "alice@example.com", "scenario": "nope"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, summary) = get_json(format!("{base}/__mock")).await;
    assert_eq!(summary["store"]["sessions"], 0);
    server.shutdown().await;
}
