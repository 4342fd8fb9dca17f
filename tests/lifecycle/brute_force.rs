//! Brute-force protection: ten consecutive failed password logins from one IP block the
//! account for that IP with Auth0's `too_many_attempts`, an email says so, and a password reset
//! lifts the block.

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;

async fn fail_times(base: &str, n: usize) {
    for _ in 0..n {
        let (status, _) = alice_wrong(base).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

async fn alice_wrong(base: &str) -> (StatusCode, serde_json::Value) {
    login(base, "alice@example.com", "not-her-password").await
}

#[tokio::test]
async fn ten_failed_logins_block_the_account_even_for_the_right_password() {
    let server = start().await;
    let base = server.base_url();
    fail_times(&base, 9).await;
    let (status, body) = alice_wrong(&base).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_attempts");
    let (status, body) = alice_login(&base).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    only_message(&base, "alice@example.com", "blocked_account").await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_successful_login_starts_the_count_again() {
    let server = start().await;
    let base = server.base_url();
    fail_times(&base, 9).await;
    assert_eq!(alice_login(&base).await.0, StatusCode::OK);
    fail_times(&base, 9).await;
    assert_eq!(alice_login(&base).await.0, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn the_blocked_account_emails_reset_link_lifts_the_block() {
    let server = start().await;
    let base = server.base_url();
    fail_times(&base, 9).await;
    assert_eq!(alice_wrong(&base).await.0, StatusCode::TOO_MANY_REQUESTS);
    let mail = only_message(&base, "alice@example.com", "blocked_account").await;
    let res = client()
        .get(mail["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let form = location(&res, &base);
    let done = client()
        .post(&form)
        .form(&[
            ("password-reset", STRONG),
            ("re-enter-password", STRONG),
            ("action", "default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(
        login(&base, "alice@example.com", STRONG).await.0,
        StatusCode::OK
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_login_page_says_the_account_is_blocked() {
    let server = start().await;
    let base = server.base_url();
    fail_times(&base, 9).await;
    assert_eq!(alice_wrong(&base).await.0, StatusCode::TOO_MANY_REQUESTS);
    let page = login_page_url(&base, &client(), &authorize_url(&base, "")).await;
    let res = submit_login(&client(), &page, "alice@example.com", "alice-password").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("blocked after multiple consecutive login attempts")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_connection_without_brute_force_protection_never_blocks() {
    let (server, _dir) = start_with_db("      brute_force_protection: false\n").await;
    let base = server.base_url();
    fail_times(&base, 12).await;

    assert_eq!(alice_login(&base).await.0, StatusCode::OK);
    server.shutdown().await;
}
