//! The mock's clock (`/__mock/clock`): tokens expire without the test sleeping.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn move_clock(base: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{base}/__mock/clock"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn userinfo(base: &str, access_token: &str) -> reqwest::Response {
    client()
        .get(format!("{base}/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn advancing_the_clock_reports_the_new_offset() {
    let server = start().await;
    let clock: Value = move_clock(&server.base_url(), json!({"advance": 86400 + 1}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(clock["offset"], 86401);
    server.shutdown().await;
}

#[tokio::test]
async fn a_token_valid_now_is_expired_once_the_clock_passes_its_lifetime() {
    let server = start().await;
    let base = server.base_url();
    let (_, body) = alice_login(&base).await;
    let at = body["access_token"].as_str().unwrap();
    assert_eq!(userinfo(&base, at).await.status(), StatusCode::OK);
    move_clock(&base, json!({"advance": 86400 + 1})).await;
    let res = userinfo(&base, at).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error_description"],
        "The access token has expired"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_malformed_clock_request_is_a_bad_request() {
    let server = start().await;
    let res = client()
        .post(format!("{}/__mock/clock", server.base_url()))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}
