//! `/userinfo`: the profile for an access token, from the Authorization header, the query string
//! (passport-auth0) or a form body.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::Value;

/// The access token of a code flow without an audience (the SPA, alice).
async fn code_flow_token_without_audience(base: &str) -> String {
    let session = alice_browser_login(base).await;
    let url = authorize_url(base, "").replace(&format!("&audience={}", enc(API)), "");
    let res = client()
        .get(url)
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    let code = query_of(res.headers()[LOCATION].to_str().unwrap())["code"].clone();
    let body: Value = exchange(base, &client(), &code).await.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn without_an_audience_the_code_flow_gives_an_opaque_access_token() {
    let server = start().await;
    let opaque = code_flow_token_without_audience(&server.base_url()).await;
    assert!(!opaque.starts_with("eyJ"));
    server.shutdown().await;
}

#[tokio::test]
async fn an_opaque_access_token_gets_the_users_profile() {
    let server = start().await;
    let base = server.base_url();
    let opaque = code_flow_token_without_audience(&base).await;
    let me: Value = client()
        .get(format!("{base}/userinfo"))
        .bearer_auth(opaque)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["sub"], "auth0|alice");
    assert_eq!(me["email"], "alice@example.com");
    assert_eq!(me["name"], "Alice Liddell");
    server.shutdown().await;
}

#[tokio::test]
async fn a_bearer_token_that_is_not_a_jwt_is_an_invalid_token() {
    let server = start().await;
    let res = client()
        .get(format!("{}/userinfo", server.base_url()))
        .bearer_auth("not.a.jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_token");
    server.shutdown().await;
}

#[tokio::test]
async fn userinfo_without_a_token_is_a_bad_request() {
    let server = start().await;
    let res = client()
        .get(format!("{}/userinfo", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

#[tokio::test]
async fn userinfo_takes_the_access_token_from_the_query_string() {
    let server = start().await;
    let base = server.base_url();
    let at = opaque_access_token(&base).await;
    let res = client()
        .get(format!("{base}/userinfo?access_token={}", enc(&at)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let profile: Value = res.json().await.unwrap();
    assert_eq!(profile["sub"], "auth0|alice");
    assert_eq!(profile["email"], "alice@example.com");
    server.shutdown().await;
}

#[tokio::test]
async fn userinfo_takes_the_access_token_from_a_form_body() {
    let server = start().await;
    let base = server.base_url();
    let at = opaque_access_token(&base).await;
    let res = client()
        .post(format!("{base}/userinfo"))
        .form(&[("access_token", at.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["sub"], "auth0|alice");
    server.shutdown().await;
}

#[tokio::test]
async fn with_a_bearer_header_the_rest_of_the_request_does_not_matter() {
    let server = start().await;
    let base = server.base_url();
    let at = opaque_access_token(&base).await;
    let res = client()
        .get(format!("{base}/userinfo?x=1&x=2"))
        .bearer_auth(&at)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    server.shutdown().await;
}
