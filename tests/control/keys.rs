//! Key rotation (`POST /__mock/keys/rotate`): the next key signs, and the old one stays
//! published so tokens it signed still verify.

use crate::support::*;
use serde_json::Value;

async fn rotate(base: &str) -> Value {
    client()
        .post(format!("{base}/__mock/keys/rotate"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn alice_access_token(base: &str) -> String {
    let (_, body) = alice_login(base).await;
    body["access_token"].as_str().unwrap().to_string()
}

fn kid(jwt: &str) -> String {
    jsonwebtoken::decode_header(jwt).unwrap().kid.unwrap()
}

#[tokio::test]
async fn rotation_answers_a_new_kid() {
    let server = start().await;
    let base = server.base_url();
    let old_kid = kid(&alice_access_token(&base).await);
    let rotated = rotate(&base).await;
    assert_ne!(rotated["kid"].as_str().unwrap(), old_kid);
    server.shutdown().await;
}

#[tokio::test]
async fn after_rotation_the_old_key_stays_in_the_jwks() {
    let server = start().await;
    let base = server.base_url();
    let old_kid = kid(&alice_access_token(&base).await);
    rotate(&base).await;
    assert!(
        jwks(&base).await["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["kid"] == old_kid)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn tokens_signed_before_rotation_still_verify() {
    let server = start().await;
    let base = server.base_url();
    let before = alice_access_token(&base).await;
    rotate(&base).await;
    assert!(api_accepts(&base, &before).await.is_ok());
    server.shutdown().await;
}

#[tokio::test]
async fn after_rotation_new_tokens_are_signed_with_the_new_key_and_verify() {
    let server = start().await;
    let base = server.base_url();
    let rotated = rotate(&base).await;
    let fresh = alice_access_token(&base).await;
    assert_eq!(kid(&fresh), rotated["kid"].as_str().unwrap());
    assert!(api_accepts(&base, &fresh).await.is_ok());
    server.shutdown().await;
}
