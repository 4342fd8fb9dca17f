//! A page on any site, open in the developer's browser, can send requests to the mock on
//! `localhost`: it must not be able to change the mock, nor read it through DNS rebinding.

use crate::support::*;
use auth0_mock::{ControlAccess, MockServer, ServerConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv6Addr};

const ADMIN: &str = r#"{"email":"mallory@evil.example","password":"Hunter2!Hunter2!","connection":"Username-Password-Authentication"}"#;

async fn users_named_mallory(base: &str) -> usize {
    let users: Value = management(base)
        .await
        .get(format!(
            "{base}/api/v2/users-by-email?email=mallory@evil.example"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    users.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_text_plain_json_body_creates_no_user() {
    let server = start().await;
    let base = server.base_url();
    let res = management(&base)
        .await
        .post(format!("{base}/api/v2/users"))
        .header("content-type", "text/plain")
        .body(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["statusCode"], 415, "{body}");
    assert_eq!(users_named_mallory(&base).await, 0);
}

#[tokio::test]
async fn a_text_plain_json_body_arms_no_scenario() {
    let server = start().await;
    let base = server.base_url();
    let res = client()
        .post(format!("{base}/__mock/scenarios/next"))
        .header("content-type", "text/plain")
        .body(r#"{"scenario":"admin","count":100}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request", "{body}");
}

/// A page cannot send a Management API token it does not have: the browser's ambient
/// credentials (loopback, cookies) open nothing at `/api/v2`.
#[tokio::test]
async fn a_foreign_page_without_a_token_creates_no_user() {
    let server = start().await;
    let base = server.base_url();
    let res = client()
        .post(format!("{base}/api/v2/users"))
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["message"], "Missing authentication", "{body}");
    assert_eq!(users_named_mallory(&base).await, 0);
}

#[tokio::test]
async fn a_foreign_origin_cannot_reset_the_mock() {
    let server = start().await;
    let res = client()
        .post(format!("{}/__mock/reset", server.base_url()))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "access_denied", "{body}");
}

#[tokio::test]
async fn an_origin_the_operator_allows_may_call_the_control_api() {
    let mut cfg = ServerConfig::for_tests();
    cfg.control = ControlAccess {
        allowed_origins: vec!["https://ci.example.test".into()],
        ..ControlAccess::default()
    };
    let server = MockServer::start(cfg).await.unwrap();
    let res = client()
        .post(format!("{}/__mock/reset", server.base_url()))
        .header("origin", "https://ci.example.test")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_page_of_a_local_app_may_call_the_control_api() {
    let server = start().await;
    let res = client()
        .post(format!("{}/__mock/clock", server.base_url()))
        .header("origin", "http://localhost:3000")
        .json(&json!({"advance": 60}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_rebinding_host_cannot_read_the_control_api() {
    let server = start().await;
    let res = client()
        .get(format!("{}/__mock", server.base_url()))
        .header(
            "host",
            format!("rebind.evil.example:{}", server.addr().port()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("rebind.evil.example"),
        "{body}"
    );
}

#[tokio::test]
async fn a_rebinding_page_without_a_token_cannot_read_the_users() {
    let server = start().await;
    let res = client()
        .get(format!("{}/api/v2/users", server.base_url()))
        .header("host", "rebind.evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_host_the_operator_allows_reaches_the_control_api() {
    let mut cfg = ServerConfig::for_tests();
    cfg.control.allowed_hosts = vec!["auth0-mock".into()];
    let server = MockServer::start(cfg).await.unwrap();
    let res = client()
        .get(format!("{}/__mock", server.base_url()))
        .header("host", "auth0-mock:4455")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_ipv4_client_of_an_ipv6_listener_is_loopback() {
    let mut cfg = ServerConfig::for_tests();
    cfg.bind = IpAddr::V6(Ipv6Addr::UNSPECIFIED);
    let server = MockServer::start(cfg).await.unwrap();
    let res = client()
        .get(format!("http://127.0.0.1:{}/__mock", server.addr().port()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
}

#[tokio::test]
async fn the_token_endpoint_still_answers_browsers_of_other_sites() {
    let server = start().await;
    let res = client()
        .post(format!("{}/oauth/token", server.base_url()))
        .header("origin", "http://localhost:3000")
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", API),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
