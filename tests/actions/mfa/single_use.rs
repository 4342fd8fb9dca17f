//! A TOTP works once, and an expired `mfa_token` stays expired.

use super::*;

#[tokio::test]
async fn a_totp_that_passed_the_grant_is_refused_when_used_again() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let code = code_now(ALICE_SECRET);
    let first = mfa_token(&base).await;
    let (status, _) = mfa_grant(&base, "mfa-otp", &first, ("otp", &code)).await;
    assert_eq!(status, StatusCode::OK);
    let second = mfa_token(&base).await;
    let (status, body) = mfa_grant(&base, "mfa-otp", &second, ("otp", &code)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error_description"], "Invalid otp_code.");
    server.shutdown().await;
}

#[tokio::test]
async fn a_totp_that_passed_the_screen_is_refused_at_the_next_login() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let code = code_now(ALICE_SECRET);
    let form = [("code", code.as_str()), ("action", "default")];
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let res = post_screen(&login.callback, &login.cookie, &form).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let again = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let res = post_screen(&again.callback, &again.cookie, &form).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("The code you entered is invalid")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_expired_mfa_token_stays_expired_token_after_the_store_lets_it_go() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    client()
        .post(format!("{base}/__mock/clock"))
        .json(&serde_json::json!({"advance": 601}))
        .send()
        .await
        .unwrap();
    // A new token's insert drops the expired ones.
    mfa_token(&base).await;
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", "123456")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "expired_token");
    server.shutdown().await;
}
