//! The authorization_code grant: what a code from the browser flow is exchanged for, and when a
//! code is refused.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Alice's code from a browser login, not yet exchanged.
async fn alice_code(base: &str) -> String {
    alice_browser_login(base)
        .await
        .code()
        .expect("the login returns a code")
}

/// Alice's token response for a fresh code.
async fn code_tokens(base: &str) -> Value {
    let res = exchange(base, &client(), &alice_code(base).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_code_is_exchanged_for_bearer_tokens_that_must_not_be_stored() {
    let server = start().await;
    let base = server.base_url();
    let res = exchange(&base, &client(), &alice_code(&base).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], json!(86400), "expires_in is a number");
    server.shutdown().await;
}

#[tokio::test]
async fn with_offline_access_a_code_also_gives_a_refresh_token() {
    let server = start().await;
    let body = code_tokens(&server.base_url()).await;
    assert!(
        body["refresh_token"].is_string(),
        "offline_access gives a refresh token"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_access_token_from_a_code_has_auth0s_claims_for_the_api_and_userinfo() {
    let server = start().await;
    let base = server.base_url();
    let body = code_tokens(&base).await;
    let at = verify(&base, body["access_token"].as_str().unwrap(), API).await;
    assert_eq!(at["iss"], format!("{base}/"));
    assert_eq!(at["aud"], json!([API, format!("{base}/userinfo")]));
    assert_eq!(at["azp"], SPA);
    assert_eq!(at["sub"], "auth0|alice");
    assert!(at["iat"].is_i64() && at["exp"].is_i64());
    assert_eq!(
        at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(),
        86400
    );
    assert!(at.get("gty").is_none(), "no gty for the code grant");
    assert_eq!(at[HASURA_NS]["x-hasura-user-id"], "auth0|alice");
    server.shutdown().await;
}

#[tokio::test]
async fn the_id_token_from_a_code_is_rs256_with_the_nonce_email_and_sid() {
    let server = start().await;
    let base = server.base_url();
    let body = code_tokens(&base).await;
    let id_token = body["id_token"].as_str().unwrap();
    let id = verify(&base, id_token, SPA).await;
    assert_eq!(id["nonce"], NONCE);
    assert_eq!(id["email"], "alice@example.com");
    assert!(id["sid"].is_string());
    assert_eq!(header(id_token)["alg"], "RS256");
    server.shutdown().await;
}

#[tokio::test]
async fn an_authorization_code_is_single_use() {
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let code = alice_code(&base).await;
    assert_eq!(exchange(&base, &http, &code).await.status(), StatusCode::OK);
    let again = exchange(&base, &http, &code).await;
    assert_eq!(
        again.status(),
        StatusCode::FORBIDDEN,
        "codes are single-use"
    );
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_code_whose_user_was_deleted_is_an_invalid_authorization_code() {
    let server = start().await;
    let base = server.base_url();
    let code = alice_code(&base).await;
    let deleted = management(&base)
        .await
        .delete(format!("{base}/api/v2/users/{}", enc("auth0|alice")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let res = exchange(&base, &client(), &code).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "invalid_grant", "error_description": "Invalid authorization code"})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_code_whose_user_was_blocked_since_is_refused() {
    let server = start().await;
    let base = server.base_url();
    let code = alice_code(&base).await;
    let blocked = management(&base)
        .await
        .patch(format!("{base}/api/v2/users/{}", enc("auth0|alice")))
        .json(&json!({"blocked": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(blocked.status(), StatusCode::OK);
    let res = exchange(&base, &client(), &code).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error_description"],
        "user is blocked"
    );
    server.shutdown().await;
}
