//! Input a client controls, at its extremes: every answer is Auth0-shaped and bounded in cost.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Sends `request` on a fresh connection and returns everything the server answers until it
/// closes the connection (or a 10 s read timeout). Blocking: call it off the test's runtime,
/// which also runs the server.
pub fn raw_exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_scope_of_nine_thousand_values_is_answered() {
    let server = start().await;
    let scope: Vec<String> = (0..9000).map(|i| format!("s{i}")).collect();
    let res = client()
        .post(format!("{}/oauth/token", server.base_url()))
        .form(&[
            ("grant_type", "password"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("username", "alice@example.com"),
            ("password", "alice-password"),
            ("audience", API),
            ("scope", &format!("openid {}", scope.join(" "))),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["scope"], "openid",
        "unknown scopes are not granted: {body}"
    );
}

#[tokio::test]
async fn advancing_the_clock_by_the_smallest_i64_is_a_400() {
    let server = start().await;
    let res = client()
        .post(format!("{}/__mock/clock", server.base_url()))
        .json(&json!({"advance": i64::MIN}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("100 years"),
        "{body}"
    );
}

#[tokio::test]
async fn advancing_the_clock_past_a_century_in_steps_is_a_400() {
    let server = start().await;
    let url = format!("{}/__mock/clock", server.base_url());
    let step = 60 * 365 * 86400_i64;
    let first = client()
        .post(&url)
        .json(&json!({"advance": step}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = client()
        .post(&url)
        .json(&json!({"advance": step}))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::BAD_REQUEST);
    let clock: Value = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["offset"], step, "the refused step moved nothing");
}

#[tokio::test]
async fn a_token_lifetime_past_a_century_is_a_400() {
    let server = start().await;
    let res = client()
        .post(format!("{}/__mock/token", server.base_url()))
        .json(&json!({"user": "alice@example.com", "lifetime": i64::MAX}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("lifetime"),
        "{body}"
    );
}

#[tokio::test]
async fn a_redirect_uri_with_cr_lf_gets_an_error_page() {
    let server = start().await;
    let res = client()
        .get(format!(
            "{}/authorize?response_type=code&client_id={SPA}&scope=openid&redirect_uri={}",
            server.base_url(),
            enc("http://localhost:3000/cb\r\nSet-Cookie: a=b")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get("location").is_none());
    assert!(res.headers().get("set-cookie").is_none());
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn a_return_to_with_cr_lf_gets_an_error_page() {
    let server = start().await;
    let res = client()
        .get(format!(
            "{}/v2/logout?client_id={SPA}&returnTo={}",
            server.base_url(),
            enc("http://localhost:3000/\r\nSet-Cookie: a=b")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get("location").is_none());
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn a_user_id_that_is_not_utf8_is_a_management_api_400() {
    let server = start().await;
    let res = management(&server.base_url())
        .await
        .get(format!("{}/api/v2/users/%FF", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errorCode"], "invalid_uri", "{body}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413_at_the_token_endpoint() {
    let server = start().await;
    let res = client()
        .post(format!("{}/oauth/token", server.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=".to_string() + &"b".repeat(70 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request", "{body}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413_at_the_management_api() {
    let server = start().await;
    let res = management(&server.base_url())
        .await
        .post(format!("{}/api/v2/users", server.base_url()))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"email":"{}@example.com"}}"#,
            "a".repeat(70 * 1024)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["statusCode"], 413, "{body}");
}

#[tokio::test]
async fn a_malformed_chunked_body_is_a_400() {
    let server = start().await;
    let addr = server.addr();
    let answer = tokio::task::spawn_blocking(move || {
        raw_exchange(
            addr,
            b"POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n",
        )
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"error\":\"invalid_request\""), "{answer}");
}
