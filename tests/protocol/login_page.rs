//! The login page `/u/login`: Universal Login's field names (so scripted browsers find them),
//! its answers to wrong and right credentials, and the session cookie it sets.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;

/// The login page of a fresh `/authorize` transaction.
async fn login_page(base: &str) -> String {
    login_page_url(base, &client(), &authorize_url(base, "")).await
}

#[tokio::test]
async fn the_login_page_has_universal_logins_field_names() {
    let server = start().await;
    let base = server.base_url();
    let page = client().get(login_page(&base).await).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for needle in [
        r#"id="username" name="username""#,
        r#"id="password" name="password""#,
        r#"name="action" value="default""#,
    ] {
        assert!(html.contains(needle), "login page lacks {needle}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_page_again_with_auth0s_message() {
    let server = start().await;
    let base = server.base_url();
    let wrong = submit_login(
        &client(),
        &login_page(&base).await,
        "alice@example.com",
        "nope",
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Wrong email or password.")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn right_credentials_redirect_to_authorize_resume() {
    let server = start().await;
    let base = server.base_url();
    let ok = submit_login(
        &client(),
        &login_page(&base).await,
        "alice@example.com",
        "alice-password",
    )
    .await;
    assert_eq!(ok.status(), StatusCode::FOUND);
    let resume = location(&ok, &base);
    assert!(resume.contains("/authorize/resume"), "{resume}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let server = start().await;
    let base = server.base_url();
    let ok = submit_login(
        &client(),
        &login_page(&base).await,
        "alice@example.com",
        "alice-password",
    )
    .await;
    let set_cookie = ok.headers()[SET_COOKIE].to_str().unwrap();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn posting_to_an_unknown_login_transaction_is_a_bad_request() {
    let server = start().await;
    let res = client()
        .post(format!("{}/u/login?state=unknown", server.base_url()))
        .form(&[("username", "a"), ("password", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}
