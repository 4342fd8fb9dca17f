//! `prompt=none`: silent authentication through the session cookie, as auth0-spa-js's hidden
//! iframe does it.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};

#[tokio::test]
async fn with_a_session_web_message_posts_the_code_from_the_mocks_origin() {
    let server = start().await;
    let base = server.base_url();
    let session = alice_browser_login(&base).await;
    let silent = client()
        .get(
            authorize_url(&base, "&prompt=none")
                .replace("response_mode=query", "response_mode=web_message"),
        )
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(silent.status(), StatusCode::OK);
    // The page runs in a hidden iframe: a frame-blocking header would break silent auth.
    assert!(silent.headers().get("x-frame-options").is_none());
    let html = silent.text().await.unwrap();
    assert!(
        html.contains("authorization_response")
            && html.contains("\"code\"")
            && html.contains("\"http://localhost:3000\""),
        "{html}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_garbage_session_cookie_counts_as_no_session() {
    let server = start().await;
    let res = client()
        .get(authorize_url(&server.base_url(), "&prompt=none"))
        .header(COOKIE, "auth0=%%%garbage; other=1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        query_of(res.headers()[LOCATION].to_str().unwrap())["error"],
        "login_required"
    );
    server.shutdown().await;
}
