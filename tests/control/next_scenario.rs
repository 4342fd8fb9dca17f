//! Next-login scenarios (`POST /__mock/scenarios/next` and the handle's `set_next_scenario`): the
//! next real logins get a scenario's claims, under one rule for both ways of arming them.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn arm_next(base: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{base}/__mock/scenarios/next"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The default role of the Hasura claims of an admin@example.com password login.
async fn admins_default_role(base: &str) -> Value {
    let (_, body) = password_login(base, "admin@example.com", "admin-password").await;
    access_claims(&body)[HASURA_NS]["x-hasura-default-role"].clone()
}

#[tokio::test]
async fn the_next_login_gets_the_armed_scenarios_claims() {
    let server = start().await;
    let base = server.base_url();
    let res = arm_next(&base, json!({"scenario": "admin", "count": 1})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(admins_default_role(&base).await, "admin");
    server.shutdown().await;
}

#[tokio::test]
async fn a_scenario_armed_for_one_login_is_used_up_by_it() {
    let server = start().await;
    let base = server.base_url();
    arm_next(&base, json!({"scenario": "admin", "count": 1})).await;
    admins_default_role(&base).await;
    assert_eq!(
        admins_default_role(&base).await,
        "user",
        "count 1: only the next login"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn arming_an_unknown_scenario_is_not_found() {
    let server = start().await;
    let res = arm_next(&server.base_url(), json!({"scenario": "nope"})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    server.shutdown().await;
}

#[tokio::test]
async fn the_control_api_and_the_rust_handle_refuse_the_same_next_scenario_counts() {
    let server = start().await;
    let base = server.base_url();
    let handle = server.handle();
    for count in [0, auth0_mock::NEXT_SCENARIO_MAX + 1] {
        let res = arm_next(&base, json!({"scenario": "admin", "count": count})).await;
        assert_eq!(
            res.status(),
            StatusCode::BAD_REQUEST,
            "control API, count {count}"
        );
        assert_eq!(
            handle.set_next_scenario("admin", count),
            Err(auth0_mock::NextScenarioError::Count),
            "handle, count {count}"
        );
    }
    let armed = handle
        .set_next_scenario("admin", auth0_mock::NEXT_SCENARIO_MAX)
        .unwrap();
    assert_eq!(armed.remaining, auth0_mock::NEXT_SCENARIO_MAX);
    server.shutdown().await;
}

#[tokio::test]
async fn the_rust_handle_refuses_an_unknown_next_scenario_like_the_control_api() {
    let server = start().await;
    assert_eq!(
        server.handle().set_next_scenario("nope", 1),
        Err(auth0_mock::NextScenarioError::Unknown("nope".into()))
    );
    server.shutdown().await;
}
