//! Malformed and hostile input: Auth0-shaped errors below 500, and a mock that keeps serving.

use crate::support::*;
use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// POSTs a raw body with a content type to `/oauth/token`.
async fn raw_token_post(
    base: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    client()
        .post(format!("{base}/oauth/token"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn a_duplicate_form_parameter_is_refused_naming_it() {
    let server = start().await;
    let dup = raw_token_post(
        &server.base_url(),
        FORM,
        "grant_type=password&grant_type=password",
    )
    .await;
    assert_eq!(dup.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        dup.json::<Value>().await.unwrap()["error_description"],
        "Duplicate parameter: grant_type"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_of_an_unsupported_content_type_is_an_invalid_request() {
    let server = start().await;
    let xml = raw_token_post(&server.base_url(), "text/xml", "<a/>").await;
    assert_eq!(
        xml.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_broken_json_body_is_a_bad_request() {
    let server = start().await;
    let bad_json = raw_token_post(&server.base_url(), "application/json", "{not json").await;
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

#[tokio::test]
async fn a_json_array_where_a_string_belongs_is_a_bad_request() {
    let server = start().await;
    let nested = client()
        .post(format!("{}/oauth/token", server.base_url()))
        .json(&json!({"grant_type": ["a"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(nested.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

#[tokio::test]
async fn an_oversized_body_is_payload_too_large_with_an_auth0_error() {
    let server = start().await;
    let big = raw_token_post(
        &server.base_url(),
        FORM,
        format!("grant_type={}", "a".repeat(200_000)),
    )
    .await;
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        big.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_path_is_a_json_not_found() {
    let server = start().await;
    let res = client()
        .get(format!("{}/no/such/path", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "not_found");
    server.shutdown().await;
}

#[tokio::test]
async fn after_every_kind_of_malformed_request_the_mock_still_serves() {
    let server = start().await;
    let base = server.base_url();
    raw_token_post(&base, FORM, "grant_type=password&grant_type=password").await;
    raw_token_post(&base, "text/xml", "<a/>").await;
    raw_token_post(&base, "application/json", "{not json").await;
    raw_token_post(&base, "application/json", r#"{"grant_type": ["a"]}"#).await;
    raw_token_post(&base, FORM, format!("grant_type={}", "a".repeat(200_000))).await;
    for path in [
        "/authorize?client_id=nobody&redirect_uri=http://evil.example/&response_type=code",
        "/u/login?state=unknown",
        "/v2/logout?client_id=auth0-mock-spa&returnTo=http%3A%2F%2Fevil.example",
        "/no/such/path",
    ] {
        client().get(format!("{base}{path}")).send().await.unwrap();
    }
    let (status, _) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await;
}

/// Garbage at every endpoint: always an answer below 500, always parseable, and the server
/// keeps serving.
#[tokio::test]
async fn random_garbage_at_every_endpoint_never_gets_a_500() {
    use rand::{Rng, SeedableRng};
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let posts = [
        "/oauth/token",
        "/oauth/revoke",
        "/u/login?state=x",
        "/oidc/logout",
        "/__mock/token",
        "/__mock/faults",
        "/__mock/clock",
        "/__mock/scenarios/next",
        "/api/v2/users",
        "/userinfo",
    ];
    let gets = [
        "/authorize",
        "/authorize/resume",
        "/u/login",
        "/v2/logout",
        "/oidc/logout",
        "/userinfo",
        "/api/v2/users/%ZZ",
        "/api/v2/users-by-email",
        "/.well-known/jwks.json",
    ];
    let content_types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
        "multipart/form-data; boundary=x",
    ];
    for i in 0..300 {
        let len = rng.random_range(0..400);
        let mut body: Vec<u8> = (0..len).map(|_| rng.random::<u8>()).collect();
        if i % 3 == 0 {
            body = format!("grant_type={}&client_id=auth0-mock-web&code=%{:02x}&refresh_token=\u{0}&username=%FF%FE", ["password", "refresh_token", "authorization_code", "client_credentials", ""][i % 5], i).into_bytes();
        }
        if i % 5 == 1 {
            body = br#"{"grant_type":"password","client_id":null,"username":{"a":1},"scenario":7,"count":-1,"endpoint":[]}"#.to_vec();
        }
        let path = posts[i % posts.len()];
        let mut req = http.post(format!("{base}{path}")).body(body.clone());
        let ct = content_types[i % content_types.len()];
        if !ct.is_empty() {
            req = req.header("content-type", ct);
        }
        if i % 4 == 0 {
            req = req.header(
                "authorization",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(&body[..body.len().min(12)])
                ),
            );
        }
        let res = req.send().await.expect("the mock answers");
        assert!(
            res.status().as_u16() < 500,
            "POST {path} ({ct}) answered {}",
            res.status()
        );
        let query: String = (0..rng.random_range(0..60))
            .map(|_| {
                [
                    "a=",
                    "&",
                    "%",
                    "%zz",
                    "=",
                    "state=",
                    "client_id=auth0-mock-spa",
                    "redirect_uri=http://localhost:1",
                    "response_type=code",
                    "x",
                ][rng.random_range(0..10)]
            })
            .collect();
        let path = gets[i % gets.len()];
        let sep = if path.contains('?') { '&' } else { '?' };
        let res = http
            .get(format!("{base}{path}{sep}{query}"))
            .header("cookie", "auth0=%7f%00; auth0=x; =; auth0")
            .send()
            .await
            .expect("the mock answers");
        assert!(
            res.status().as_u16() < 500,
            "GET {path}?{query} answered {}",
            res.status()
        );
    }
    let (status, _) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK, "still serving");
    server.shutdown().await;
}
