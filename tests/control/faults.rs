//! Injected faults (`/__mock/faults`): the next N requests to an endpoint fail or stall, then
//! service resumes.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn arm(base: &str, fault: Value) -> reqwest::Response {
    client()
        .post(format!("{base}/__mock/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap()
}

async fn jwks_status(base: &str) -> StatusCode {
    client()
        .get(format!("{base}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .status()
}

/// Waits until no fault is armed any more (a request took the last use); panics after 30 s.
async fn wait_until_no_fault_is_armed(base: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let armed: Value = client()
            .get(format!("{base}/__mock/faults"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if armed["faults"].as_array().is_some_and(Vec::is_empty) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the fault was never used: {armed}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

const TWO_429S: &str =
    r#"{"endpoint": "/oauth/token", "count": 2, "kind": "status", "status": 429}"#;

#[tokio::test]
async fn arming_a_fault_answers_created() {
    let server = start().await;
    let res = arm(&server.base_url(), serde_json::from_str(TWO_429S).unwrap()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    server.shutdown().await;
}

#[tokio::test]
async fn a_429_fault_answers_too_many_attempts_to_the_next_two_token_requests() {
    let server = start().await;
    let base = server.base_url();
    arm(&base, serde_json::from_str(TWO_429S).unwrap()).await;
    for _ in 0..2 {
        let (status, body) = alice_login(&base).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn once_its_count_is_used_up_a_fault_no_longer_applies() {
    let server = start().await;
    let base = server.base_url();
    arm(&base, serde_json::from_str(TWO_429S).unwrap()).await;
    alice_login(&base).await;
    alice_login(&base).await;
    assert_eq!(alice_login(&base).await.0, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn a_503_fault_on_the_jwks_answers_service_unavailable() {
    let server = start().await;
    let base = server.base_url();
    arm(
        &base,
        json!({"endpoint": "/.well-known/jwks.json", "count": 1, "kind": "status", "status": 503}),
    )
    .await;
    assert_eq!(jwks_status(&base).await, StatusCode::SERVICE_UNAVAILABLE);
    server.shutdown().await;
}

#[tokio::test]
async fn a_delay_fault_holds_only_the_next_request_and_then_serves_it() {
    let server = start().await;
    let base = server.base_url();
    // Long enough that the second request below cannot outlast it on a busy machine.
    arm(
        &base,
        json!({"endpoint": "/.well-known/jwks.json", "count": 1, "kind": "delay", "ms": 1000}),
    )
    .await;
    let delayed = tokio::spawn({
        let base = base.clone();
        async move { jwks_status(&base).await }
    });
    // The fault is used up when the delayed request arrives, before the delay starts.
    wait_until_no_fault_is_armed(&base).await;
    assert_eq!(jwks_status(&base).await, StatusCode::OK);
    assert!(
        !delayed.is_finished(),
        "the delayed request was answered before an undelayed one"
    );
    assert_eq!(delayed.await.unwrap(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn nonsensical_faults_are_refused_saying_why() {
    let server = start().await;
    let base = server.base_url();
    for bad in [
        json!({"endpoint": "oauth/token", "count": 1, "kind": "status", "status": 500}),
        json!({"endpoint": "/oauth/token", "count": 0, "kind": "status", "status": 500}),
        json!({"endpoint": "/oauth/token", "count": 1, "kind": "status", "status": 200}),
        json!({"endpoint": "/oauth/token", "count": 1, "kind": "explode"}),
        json!({"endpoint": "/__mock/reset", "count": 1, "kind": "delay", "ms": 1}),
    ] {
        let res = arm(&base, bad.clone()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(res.json::<Value>().await.unwrap()["error_description"].is_string());
    }
    server.shutdown().await;
}
