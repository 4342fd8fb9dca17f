//! `/oauth/revoke`: revoking refresh tokens, for public clients and with client_secret_basic.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A refresh token the SPA got from the code flow.
async fn spa_refresh_token(base: &str) -> String {
    let code = alice_browser_login(base).await.code().unwrap();
    let body: Value = exchange(base, &client(), &code).await.json().await.unwrap();
    body["refresh_token"].as_str().unwrap().to_string()
}

/// Revokes a refresh token as the SPA (a public client: client_id in the body).
async fn spa_revoke(base: &str, refresh_token: &str) -> reqwest::Response {
    client()
        .post(format!("{base}/oauth/revoke"))
        .form(&[("client_id", SPA), ("token", refresh_token)])
        .send()
        .await
        .unwrap()
}

/// Revokes `refresh_token` with web-app credentials in HTTP Basic, as openid-client sends them:
/// form-encoded, and no client_id in the body.
async fn basic_revoke(
    base: &str,
    user: &str,
    secret: &str,
    refresh_token: &str,
) -> reqwest::Response {
    client()
        .post(format!("{base}/oauth/revoke"))
        .basic_auth(user, Some(secret))
        .form(&[
            ("token", refresh_token),
            ("token_type_hint", "refresh_token"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn revoking_a_refresh_token_answers_200_with_an_empty_body() {
    let server = start().await;
    let base = server.base_url();
    let rt = spa_refresh_token(&base).await;
    let revoke = spa_revoke(&base, &rt).await;
    assert_eq!(revoke.status(), StatusCode::OK);
    assert!(revoke.text().await.unwrap().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn a_revoked_refresh_token_no_longer_refreshes() {
    let server = start().await;
    let base = server.base_url();
    let rt = spa_refresh_token(&base).await;
    spa_revoke(&base, &rt).await;
    let (status, _) = token(
        &base,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", rt.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "revoked");
    server.shutdown().await;
}

#[tokio::test]
async fn revoke_accepts_form_encoded_client_secret_basic_credentials() {
    let server = start().await;
    let base = server.base_url();
    let rt = web_refresh_token(&base).await;
    let res = basic_revoke(
        &base,
        "auth0%2Dmock%2Dweb",
        "auth0%2Dmock%2Dweb%2Dsecret",
        &rt,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "", "an empty body, as Auth0");
    server.shutdown().await;
}

#[tokio::test]
async fn a_token_revoked_with_client_secret_basic_stops_working() {
    let server = start().await;
    let base = server.base_url();
    let rt = web_refresh_token(&base).await;
    basic_revoke(
        &base,
        "auth0%2Dmock%2Dweb",
        "auth0%2Dmock%2Dweb%2Dsecret",
        &rt,
    )
    .await;
    let (status, body) = refresh_with(&base, &rt).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    server.shutdown().await;
}

#[tokio::test]
async fn revoke_with_a_wrong_basic_secret_is_refused_like_the_token_endpoint() {
    let server = start().await;
    let base = server.base_url();
    let rt = web_refresh_token(&base).await;
    let res = basic_revoke(&base, WEB, "wrong", &rt).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "access_denied", "error_description": "Unauthorized"})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_refused_revocation_leaves_the_token_valid() {
    let server = start().await;
    let base = server.base_url();
    let rt = web_refresh_token(&base).await;
    basic_revoke(&base, WEB, "wrong", &rt).await;
    assert_eq!(
        refresh_with(&base, &rt).await.0,
        StatusCode::OK,
        "still valid"
    );
    server.shutdown().await;
}
