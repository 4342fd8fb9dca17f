//! Helpers shared by the protocol-level integration tests: decoding tokens, encoding URLs and
//! the password-grant login every suite needs.

#![allow(dead_code)]

use auth0_mock::{MockServer, ServerConfig};
use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::Value;

/// The default tenant's API audience.
pub const API: &str = "https://api.auth0-mock.test";

/// A JWT's payload, decoded without verification (verification is each test's business).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT has three parts");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url payload"),
    )
    .expect("JSON payload")
}

/// Form-encodes one value for a query string.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Password grant with the default tenant's regular web app, for the API with `openid profile email`.
pub async fn password_login(base: &str, user: &str, password: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "auth0-mock-web"),
            ("client_secret", "auth0-mock-web-secret"),
            ("username", user),
            ("password", password),
            ("audience", API),
            ("scope", "openid profile email"),
        ])
        .send()
        .await
        .expect("the mock answers");
    (res.status(), res.json().await.expect("a JSON body"))
}

/// A mock on the embedded tenant, loopback, free port.
pub async fn start() -> MockServer {
    MockServer::start(ServerConfig::for_tests())
        .await
        .expect("mock starts")
}

/// client_credentials with the default M2M client for the API: the cheapest proof that the
/// mock still serves after something went wrong elsewhere.
pub async fn m2m_token(base: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "auth0-mock-m2m"),
            ("client_secret", "auth0-mock-m2m-secret"),
            ("audience", API),
        ])
        .send()
        .await
        .expect("the mock answers");
    (res.status(), res.json().await.expect("a JSON body"))
}
