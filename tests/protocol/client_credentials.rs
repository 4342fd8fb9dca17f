//! The client_credentials grant for the M2M client, with both ways of authenticating it.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

/// client_credentials with the M2M client's credentials in HTTP Basic, asking for `read:users`.
async fn basic_m2m_for_read_users(base: &str) -> reqwest::Response {
    client()
        .post(format!("{base}/oauth/token"))
        .basic_auth(M2M, Some(M2M_SECRET))
        .form(&[
            ("grant_type", "client_credentials"),
            ("audience", API),
            ("scope", "read:users"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn client_credentials_give_an_access_token_but_no_id_or_refresh_token() {
    let server = start().await;
    let (status, body) = m2m_token(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("id_token").is_none() && body.get("refresh_token").is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn the_m2m_access_token_has_auth0s_client_credentials_claims() {
    let server = start().await;
    let base = server.base_url();
    let (_, body) = m2m_token(&base).await;
    let at = verify(&base, body["access_token"].as_str().unwrap(), API).await;
    assert_eq!(at["sub"], "auth0-mock-m2m@clients");
    assert_eq!(at["gty"], "client-credentials");
    assert_eq!(at["aud"], API, "a string audience");
    assert_eq!(at["scope"], "read:users write:users");
    server.shutdown().await;
}

#[tokio::test]
async fn client_secret_basic_authenticates_the_client() {
    let server = start().await;
    let res = basic_m2m_for_read_users(&server.base_url()).await;
    assert_eq!(res.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn a_requested_subset_of_the_granted_scopes_is_issued_alone() {
    let server = start().await;
    let res = basic_m2m_for_read_users(&server.base_url()).await;
    assert_eq!(res.json::<Value>().await.unwrap()["scope"], "read:users");
    server.shutdown().await;
}
