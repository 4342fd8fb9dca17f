//! `/v2/logout`: it ends the session and returns only to allowed URLs.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};

/// `/v2/logout` for the SPA with `returnTo`, sending `cookie` when given.
async fn logout(base: &str, return_to: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = client().get(format!(
        "{base}/v2/logout?client_id={SPA}&returnTo={}&federated",
        enc(return_to)
    ));
    if let Some(cookie) = cookie {
        req = req.header(COOKIE, cookie);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn logout_redirects_to_an_allowed_return_to() {
    let server = start().await;
    let base = server.base_url();
    let session = alice_browser_login(&base).await;
    let out = logout(&base, "http://localhost:3000", Some(&session.cookie)).await;
    assert_eq!(out.status(), StatusCode::FOUND);
    assert_eq!(out.headers()[LOCATION], "http://localhost:3000");
    server.shutdown().await;
}

#[tokio::test]
async fn after_logout_silent_auth_is_sent_back_with_login_required_and_the_state() {
    let server = start().await;
    let base = server.base_url();
    let session = alice_browser_login(&base).await;
    logout(&base, "http://localhost:3000", Some(&session.cookie)).await;
    let after = client()
        .get(authorize_url(&base, "&prompt=none"))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::FOUND);
    let q = query_of(after.headers()[LOCATION].to_str().unwrap());
    assert_eq!(q["error"], "login_required");
    assert_eq!(q["error_description"], "Login required");
    assert_eq!(q["state"], STATE);
    server.shutdown().await;
}

#[tokio::test]
async fn logout_to_an_unlisted_return_to_is_refused_without_a_redirect() {
    let server = start().await;
    let res = logout(&server.base_url(), "http://evil.example", None).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get(LOCATION).is_none());
    server.shutdown().await;
}
