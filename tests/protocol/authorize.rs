//! `/authorize`: where it sends the browser, how the code comes back, and its errors, which go
//! back to a trusted callback with the state but never to an untrusted one.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use std::collections::HashMap;

#[tokio::test]
async fn a_browser_without_a_session_is_sent_to_the_login_page() {
    let server = start().await;
    let base = server.base_url();
    let res = client().get(authorize_url(&base, "")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let login = res.headers()[LOCATION].to_str().unwrap();
    assert!(login.starts_with("/u/login?state="), "{login}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_login_returns_to_the_callback_with_a_code() {
    let server = start().await;
    let login = alice_browser_login(&server.base_url()).await;
    assert!(login.callback.starts_with(CALLBACK), "{}", login.callback);
    assert!(login.code().is_some(), "{}", login.callback);
    server.shutdown().await;
}

#[tokio::test]
async fn the_state_comes_back_to_the_callback_byte_for_byte() {
    let server = start().await;
    let login = alice_browser_login(&server.base_url()).await;
    assert_eq!(
        login.query()["state"],
        STATE,
        "state must be echoed byte for byte"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn form_post_answers_a_form_that_posts_the_code_to_the_callback() {
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let session = alice_browser_login(&base).await;
    let form = http
        .get(authorize_url(&base, "").replace("response_mode=query", "response_mode=form_post"))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    let html = form.text().await.unwrap();
    assert!(
        html.contains(r#"<form method="post" action="http://localhost:3000/callback">"#)
            && html.contains(r#"name="code""#),
        "{html}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_untrusted_client_or_callback_gets_an_error_page_and_never_a_redirect() {
    let server = start().await;
    let base = server.base_url();
    for url in [
        format!(
            "{base}/authorize?client_id=nobody&redirect_uri=http://evil.example/&response_type=code"
        ),
        format!(
            "{base}/authorize?client_id=auth0-mock-web&redirect_uri=http://evil.example/cb&response_type=code"
        ),
        format!("{base}/authorize?client_id={SPA}&client_id={SPA}"),
        format!("{base}/authorize"),
    ] {
        let res = client().get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{url}");
        assert!(
            res.headers().get(LOCATION).is_none(),
            "no open redirect for {url}"
        );
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Oops!, something went wrong")
        );
    }
    server.shutdown().await;
}

/// Follows `/authorize` to the trusted callback an error was sent back to.
async fn error_redirect(url: &str) -> HashMap<String, String> {
    let res = client().get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "{url}");
    query_of(res.headers()[LOCATION].to_str().unwrap())
}

#[tokio::test]
async fn a_public_client_without_pkce_is_sent_back_with_invalid_request_and_the_state() {
    let server = start().await;
    let url = authorize_url(&server.base_url(), "").replace(
        &format!("&code_challenge={CHALLENGE}&code_challenge_method=S256"),
        "",
    );
    let q = error_redirect(&url).await;
    assert_eq!(q["error"], "invalid_request");
    assert_eq!(q["state"], STATE);
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_prompt_is_sent_back_as_invalid_request() {
    let server = start().await;
    let q = error_redirect(&authorize_url(&server.base_url(), "&prompt=bogus")).await;
    assert_eq!(q["error"], "invalid_request");
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_audience_is_sent_back_as_access_denied_service_not_found() {
    let server = start().await;
    let url = authorize_url(&server.base_url(), "").replace(&enc(API), "https%3A%2F%2Funknown.api");
    let q = error_redirect(&url).await;
    assert_eq!(
        (q["error"].as_str(), q["error_description"].as_str()),
        ("access_denied", "Service not found: https://unknown.api")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_response_type_is_sent_back_as_unsupported_response_type() {
    let server = start().await;
    let url =
        authorize_url(&server.base_url(), "").replace("response_type=code", "response_type=magic");
    let q = error_redirect(&url).await;
    assert_eq!(q["error"], "unsupported_response_type");
    server.shutdown().await;
}
