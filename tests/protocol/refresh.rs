//! The refresh_token grant: rotation on every use, and reuse detection that revokes the whole
//! family of a leaked token.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A refresh token from alice's password grant, and the answer to its first use.
async fn refreshed_once(base: &str) -> (String, Value) {
    let body = alice_tokens_with_scope(base, "openid profile email offline_access").await;
    let rt1 = body["refresh_token"].as_str().unwrap().to_string();
    let (status, refreshed) = refresh_with(base, &rt1).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    (rt1, refreshed)
}

#[tokio::test]
async fn refreshing_rotates_the_refresh_token() {
    let server = start().await;
    let (rt1, body) = refreshed_once(&server.base_url()).await;
    let rt2 = body["refresh_token"]
        .as_str()
        .expect("rotation returns a new refresh token");
    assert_ne!(rt1, rt2);
    server.shutdown().await;
}

#[tokio::test]
async fn a_refresh_returns_an_id_token() {
    let server = start().await;
    let (_, body) = refreshed_once(&server.base_url()).await;
    assert!(
        body["id_token"].is_string(),
        "refresh returns an id_token (spa-js requires it)"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_refreshed_access_token_has_gty_refresh_token() {
    let server = start().await;
    let (_, body) = refreshed_once(&server.base_url()).await;
    assert_eq!(access_claims(&body)["gty"], "refresh_token");
    server.shutdown().await;
}

#[tokio::test]
async fn a_spent_refresh_token_is_refused_as_invalid_grant() {
    let server = start().await;
    let base = server.base_url();
    let (rt1, _) = refreshed_once(&base).await;
    let (status, body) = refresh_with(&base, &rt1).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_spent_refresh_token_used_again_revokes_its_family() {
    let server = start().await;
    let base = server.base_url();
    let (rt1, body) = refreshed_once(&base).await;
    let rt2 = body["refresh_token"].as_str().unwrap();
    refresh_with(&base, &rt1).await;
    assert_eq!(
        refresh_with(&base, rt2).await.0,
        StatusCode::FORBIDDEN,
        "the newest token of a reused family dies too"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_refresh_asking_for_fewer_scopes_leaves_the_next_refresh_token_its_full_scope() {
    // RFC 6749 §6: a new refresh token's scope is identical to the one it replaces.
    let server = start().await;
    let base = server.base_url();
    let body = alice_tokens_with_scope(&base, "openid profile email offline_access").await;
    let rt1 = body["refresh_token"].as_str().unwrap();
    let (status, narrowed) = token(
        &base,
        &web_form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt1),
            ("scope", "openid offline_access"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{narrowed}");
    assert_eq!(narrowed["scope"], "openid offline_access");
    let rt2 = narrowed["refresh_token"].as_str().unwrap();
    let (status, full) = refresh_with(&base, rt2).await;
    assert_eq!(status, StatusCode::OK, "{full}");
    assert_eq!(full["scope"], "openid profile email offline_access");
    server.shutdown().await;
}
