//! The sign-up page: reached by `screen_hint=signup` and from the login page, Universal Login's
//! fields, errors in Auth0's words, and a sign-up that ends at the callback with a code.

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

/// Where `/authorize` with `extra` sends a browser without a session.
async fn first_page(base: &str, extra: &str) -> String {
    login_page_url(base, &client(), &authorize_url(base, extra)).await
}

async fn submit(page: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client()
        .post(page)
        .form(form)
        .send()
        .await
        .expect("the mock answers")
}

#[tokio::test]
async fn screen_hint_signup_opens_the_signup_page() {
    let server = start().await;
    let base = server.base_url();
    let page = first_page(&base, "&screen_hint=signup").await;
    assert!(page.contains("/u/signup?state="), "{page}");
    let html = get_page(&page).await.1;
    for needle in [
        r#"id="email" name="email""#,
        r#"id="password" name="password""#,
        r#"name="action" value="default""#,
        r#"id="login-link""#,
    ] {
        assert!(html.contains(needle), "sign-up page lacks {needle}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn the_login_page_links_to_signup_and_back() {
    let server = start().await;
    let base = server.base_url();
    let login = first_page(&base, "").await;
    let html = get_page(&login).await.1;
    let state = query_of(&login)["state"].clone();
    assert!(
        html.contains(&format!("/u/signup?state={}", enc(&state))),
        "no sign-up link"
    );
    let signup_html = client()
        .get(format!("{base}/u/signup?state={}", enc(&state)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        signup_html.contains(&format!("/u/login?state={}", enc(&state))),
        "no way back"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_signup_on_the_page_ends_at_the_callback_with_a_code_for_the_new_user() {
    let server = start().await;
    let base = server.base_url();
    let page = first_page(&base, "&screen_hint=signup").await;
    let res = submit(
        &page,
        &[
            ("email", "page@example.com"),
            ("password", STRONG),
            ("action", "default"),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "{}",
        res.text().await.unwrap()
    );
    let cookie = res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let resume = location(&res, &base);
    let res = client()
        .get(&resume)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let callback = location(&res, &base);
    let code = query_of(&callback)["code"].clone();
    let res = exchange(&base, &client(), &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: serde_json::Value = res.json().await.unwrap();
    assert_eq!(id_claims(&tokens)["email"], "page@example.com");
    assert_eq!(id_claims(&tokens)["email_verified"], false);
    server.shutdown().await;
}

#[tokio::test]
async fn a_taken_email_on_the_page_says_the_user_already_exists() {
    let server = start().await;
    let page = first_page(&server.base_url(), "&screen_hint=signup").await;
    let res = submit(
        &page,
        &[
            ("email", "alice@example.com"),
            ("password", STRONG),
            ("action", "default"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(r#"id="error-element-email">The user already exists."#),
        "{html}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_weak_password_on_the_page_lists_the_unmet_rules() {
    let server = start().await;
    let page = first_page(&server.base_url(), "&screen_hint=signup").await;
    let res = submit(
        &page,
        &[
            ("email", "weakpage@example.com"),
            ("password", "short"),
            ("action", "default"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(r#"id="error-element-password">The password is too weak"#),
        "{html}"
    );
    assert!(html.contains("At least 8 characters"), "{html}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_page_asks_for_a_username_where_the_connection_requires_one() {
    let (server, _dir) = start_with_db("      requires_username: true\n").await;
    let page = first_page(&server.base_url(), "&screen_hint=signup").await;
    let html = get_page(&page).await.1;
    assert!(html.contains(r#"id="username" name="username""#));
    server.shutdown().await;
}

#[tokio::test]
async fn with_signups_disabled_the_login_page_has_no_signup_link() {
    let (server, _dir) = start_with_db("      disable_signup: true\n").await;
    let page = first_page(&server.base_url(), "").await;
    let html = get_page(&page).await.1;
    assert!(!html.contains("signup-link"));
    server.shutdown().await;
}
