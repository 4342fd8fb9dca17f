//! One-request logins for tests: `POST /__mock/login` signs a user in (a session cookie and a
//! one-time link), so the app's next `/authorize` answers with no form; `POST
//! /__mock/login/next` makes the login page sign a user in by itself.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

async fn sign_in(base: &str, body: Value) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/__mock/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// `/authorize` for the SPA with `cookie`; the callback's `code` (panics on anything else).
async fn authorize_with(base: &str, cookie: &str) -> String {
    let res = client()
        .get(authorize_url(base, ""))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let callback = location(&res, base);
    assert!(
        callback.starts_with(CALLBACK),
        "straight back to the app: {callback}"
    );
    let url = url::Url::parse(&callback).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.to_string())
        .expect("a code")
}

async fn subject_of_code(base: &str, code: &str) -> Value {
    let tokens: Value = exchange(base, &client(), code).await.json().await.unwrap();
    id_claims(&tokens)["sub"].clone()
}

#[tokio::test]
async fn a_session_from_the_control_api_lets_authorize_answer_without_the_form() {
    let server = start().await;
    let base = server.base_url();
    let (status, login) = sign_in(&base, json!({"user": "alice@example.com"})).await;
    assert_eq!(status, StatusCode::CREATED, "{login}");
    let cookie = format!(
        "{}={}",
        login["cookie"]["name"].as_str().unwrap(),
        login["cookie"]["value"].as_str().unwrap()
    );
    let code = authorize_with(&base, &cookie).await;
    assert_eq!(subject_of_code(&base, &code).await, "auth0|alice");
    server.shutdown().await;
}

#[tokio::test]
async fn the_cookie_is_in_playwrights_add_cookies_shape_for_the_mocks_origin() {
    let server = start().await;
    let base = server.base_url();
    let (_, login) = sign_in(&base, json!({"user": "bob@example.com"})).await;
    let c = &login["cookie"];
    assert_eq!(c["name"], "auth0");
    assert_eq!(c["url"], base);
    assert_eq!(c["httpOnly"], true);
    assert_eq!(c["sameSite"], "Lax");
    assert!(c["expires"].as_i64().unwrap() > 0);
    server.shutdown().await;
}

#[tokio::test]
async fn the_one_time_link_sets_the_session_cookie_and_goes_to_return_to() {
    let server = start().await;
    let base = server.base_url();
    let (_, login) = sign_in(
        &base,
        json!({"user": "alice@example.com", "return_to": "http://localhost:3000/app"}),
    )
    .await;
    let res = client()
        .get(login["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res, &base), "http://localhost:3000/app");
    let cookie = res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let code = authorize_with(&base, &cookie).await;
    assert_eq!(subject_of_code(&base, &code).await, "auth0|alice");
    server.shutdown().await;
}

#[tokio::test]
async fn a_sign_in_link_works_once() {
    let server = start().await;
    let base = server.base_url();
    let (_, login) = sign_in(&base, json!({"user": "alice@example.com"})).await;
    let url = login["url"].as_str().unwrap();
    assert_eq!(
        client().get(url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let again = client().get(url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.headers().get(SET_COOKIE).is_none());
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_user_is_a_404_naming_them() {
    let server = start().await;
    let (status, body) = sign_in(&server.base_url(), json!({"user": "nobody@example.com"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error_description"], "no user 'nobody@example.com'");
    server.shutdown().await;
}

#[tokio::test]
async fn a_blocked_user_cannot_be_signed_in() {
    let server = start().await;
    let (status, body) = sign_in(&server.base_url(), json!({"user": "blocked@example.com"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_return_to_that_is_not_an_http_url_is_refused() {
    let server = start().await;
    let (status, body) = sign_in(
        &server.base_url(),
        json!({"user": "alice@example.com", "return_to": "javascript:alert(1)"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    server.shutdown().await;
}

async fn arm_next(base: &str, body: Value) -> StatusCode {
    client()
        .post(format!("{base}/__mock/login/next"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

/// `/authorize` with no session → the login page → (armed) straight on: the callback's code.
async fn login_page_hop(base: &str) -> reqwest::Response {
    let http = client();
    let page = login_page_url(base, &http, &authorize_url(base, "")).await;
    http.get(page).send().await.unwrap()
}

#[tokio::test]
async fn the_next_login_user_is_signed_in_when_the_login_page_opens() {
    let server = start().await;
    let base = server.base_url();
    assert_eq!(
        arm_next(&base, json!({"user": "bob@example.com"})).await,
        StatusCode::OK
    );
    let hop = login_page_hop(&base).await;
    assert_eq!(hop.status(), StatusCode::FOUND, "no form is shown");
    let cookie = hop.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let resumed = client()
        .get(location(&hop, &base))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    let callback = url::Url::parse(&location(&resumed, &base)).unwrap();
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    assert_eq!(subject_of_code(&base, &code).await, "auth0|bob");
    server.shutdown().await;
}

#[tokio::test]
async fn the_next_login_user_is_used_up_after_count_logins() {
    let server = start().await;
    let base = server.base_url();
    arm_next(&base, json!({"user": "bob@example.com", "count": 1})).await;
    assert_eq!(login_page_hop(&base).await.status(), StatusCode::FOUND);
    assert_eq!(
        login_page_hop(&base).await.status(),
        StatusCode::OK,
        "the form again"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn reset_forgets_the_next_login_user() {
    let server = start().await;
    let base = server.base_url();
    arm_next(&base, json!({"user": "bob@example.com", "count": 5})).await;
    client()
        .post(format!("{base}/__mock/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(login_page_hop(&base).await.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn the_rust_handle_signs_in_directly() {
    let server = start().await;
    let base = server.base_url();
    let login = server.handle().sign_in("alice@example.com", None).unwrap();
    let code = authorize_with(&base, &format!("auth0={}", login.cookie.value)).await;
    assert_eq!(subject_of_code(&base, &code).await, "auth0|alice");
    server.shutdown().await;
}
