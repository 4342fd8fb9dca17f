//! The password and password-realm grants.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// password-realm for bob as auth0-python sends it: JSON, with `null` for every unset option.
async fn password_realm_with_nulls(base: &str) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/oauth/token"))
        .json(&json!({"grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": WEB,
            "client_secret": WEB_SECRET, "username": "bob@example.com", "password": "bob-password",
            "realm": "Username-Password-Authentication", "audience": null, "scope": null, "grant_type_hint": null}))
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

#[tokio::test]
async fn the_password_grant_issues_an_api_access_token_with_gty_password() {
    let server = start().await;
    let base = server.base_url();
    let body = alice_tokens_with_scope(&base, "openid profile email offline_access").await;
    let at = verify(&base, body["access_token"].as_str().unwrap(), API).await;
    assert_eq!(at["gty"], "password");
    server.shutdown().await;
}

#[tokio::test]
async fn an_id_token_from_the_password_grant_has_no_nonce() {
    let server = start().await;
    let body = alice_tokens_with_scope(&server.base_url(), "openid profile email").await;
    assert!(
        id_claims(&body).get("nonce").is_none(),
        "no nonce outside /authorize"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn password_realm_takes_json_nulls_as_absent_parameters() {
    let server = start().await;
    let (status, body) = password_realm_with_nulls(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn without_an_audience_the_access_token_is_opaque() {
    let server = start().await;
    let (_, body) = password_realm_with_nulls(&server.base_url()).await;
    assert!(
        body["access_token"]
            .as_str()
            .unwrap()
            .starts_with("mock-opaque."),
        "no audience: opaque access token"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn without_openid_in_the_scope_no_id_token_is_issued() {
    let server = start().await;
    let (_, body) = password_realm_with_nulls(&server.base_url()).await;
    assert!(
        body.get("id_token").is_none(),
        "no openid scope: no id_token"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_blocked_user_is_refused_with_user_is_blocked() {
    let server = start().await;
    let (status, body) = token(
        &server.base_url(),
        &web_form(&[
            ("grant_type", "password"),
            ("username", "blocked@example.com"),
            ("password", "blocked-password"),
        ]),
    )
    .await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("user is blocked"))
    );
    server.shutdown().await;
}
