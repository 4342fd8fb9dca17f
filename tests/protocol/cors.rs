//! CORS: the preflight browsers send before auth0-spa-js calls `/oauth/token`.

use crate::support::*;
use reqwest::StatusCode;

#[tokio::test]
async fn a_preflight_from_a_loopback_origin_is_allowed_with_the_auth0_client_header() {
    let server = start().await;
    let pre = client()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/oauth/token", server.base_url()),
        )
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,auth0-client",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert!(
        pre.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("auth0-client")
    );
    server.shutdown().await;
}

/// The preflight a page on a foreign site would send before calling the token endpoint.
async fn preflight_from_an_unknown_origin(base: &str) -> reqwest::Response {
    client()
        .request(reqwest::Method::OPTIONS, format!("{base}/oauth/token"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_preflight_from_an_unknown_origin_is_forbidden() {
    let server = start().await;
    let denied = preflight_from_an_unknown_origin(&server.base_url()).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    server.shutdown().await;
}

#[tokio::test]
async fn a_refused_preflight_says_why_in_auth0s_error_shape() {
    let server = start().await;
    let denied = preflight_from_an_unknown_origin(&server.base_url()).await;
    let body: serde_json::Value = denied.json().await.unwrap();
    assert_eq!(body["error"], "access_denied");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("https://evil.example"),
        "{body}"
    );
    server.shutdown().await;
}
