//! Universal Login's MFA screens: the challenge, the recovery code, enrolment, and silent logins.

use super::*;

#[tokio::test]
async fn an_action_enabling_mfa_sends_an_enrolled_user_to_the_otp_challenge() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    assert!(
        login
            .callback
            .starts_with(&format!("{base}/u/mfa-otp-challenge?state=")),
        "{}",
        login.callback
    );
    let page = client().get(&login.callback).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("name=\"code\"") && html.contains("value=\"default\""));
    server.shutdown().await;
}

#[tokio::test]
async fn the_right_totp_completes_the_login_with_amr_mfa() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let code = code_now(ALICE_SECRET);
    let res = post_screen(
        &login.callback,
        &login.cookie,
        &[("code", &code), ("action", "default")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let id = callback_id_token(&base, &location(&res, &base)).await;
    assert_eq!(id["amr"], serde_json::json!(["mfa"]));
    server.shutdown().await;
}

#[tokio::test]
async fn a_passed_challenge_puts_the_multi_factor_acr_in_the_id_token() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let code = code_now(ALICE_SECRET);
    let res = post_screen(
        &login.callback,
        &login.cookie,
        &[("code", &code), ("action", "default")],
    )
    .await;
    let id = callback_id_token(&base, &location(&res, &base)).await;
    assert_eq!(
        id["acr"],
        "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_code_shows_the_challenge_again_and_the_login_still_waits() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let wrong = post_screen(
        &login.callback,
        &login.cookie,
        &[("code", &wrong_code(ALICE_SECRET))],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("The code you entered is invalid")
    );
    let code = code_now(ALICE_SECRET);
    let right = post_screen(&login.callback, &login.cookie, &[("code", &code)]).await;
    assert!(location(&right, &base).starts_with(CALLBACK));
    server.shutdown().await;
}

#[tokio::test]
async fn a_recovery_code_completes_the_login_once() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let recovery = login
        .callback
        .replace("/u/mfa-otp-challenge", "/u/mfa-recovery-code-challenge");
    let res = post_screen(&recovery, &login.cookie, &[("code", ALICE_RECOVERY)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let next = recovery.replace(
        "/u/mfa-recovery-code-challenge",
        "/u/mfa-recovery-code-challenge-new-code",
    );
    let res = post_screen(&next, &login.cookie, &[("action", "default")]).await;
    assert!(query_of(&location(&res, &base)).contains_key("code"));
    let again = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let recovery = again
        .callback
        .replace("/u/mfa-otp-challenge", "/u/mfa-recovery-code-challenge");
    let reused = post_screen(&recovery, &again.cookie, &[("code", ALICE_RECOVERY)]).await;
    assert_eq!(
        reused.status(),
        StatusCode::BAD_REQUEST,
        "a used code is replaced"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_used_recovery_code_shows_its_replacement_before_the_login_goes_on() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let recovery = login
        .callback
        .replace("/u/mfa-otp-challenge", "/u/mfa-recovery-code-challenge");
    let res = post_screen(&recovery, &login.cookie, &[("code", ALICE_RECOVERY)]).await;
    let fresh = element(&res.text().await.unwrap(), "recovery-code");
    assert_eq!(fresh.len(), 24);
    assert_ne!(fresh, ALICE_RECOVERY);
    // The code shown is the one that works next time.
    let again = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let recovery = again
        .callback
        .replace("/u/mfa-otp-challenge", "/u/mfa-recovery-code-challenge");
    let res = post_screen(&recovery, &again.cookie, &[("code", &fresh)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn the_new_code_screen_is_refused_before_a_recovery_code_passes() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let next = login.callback.replace(
        "/u/mfa-otp-challenge",
        "/u/mfa-recovery-code-challenge-new-code",
    );
    let res = post_screen(&next, &login.cookie, &[("action", "default")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

/// The text of the element `id` on an HTML page.
fn element(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no #{id} in {html}"))
        + id.len()
        + 6;
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn a_user_without_a_factor_enrols_one_then_sees_the_recovery_code() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "bob@example.com", "bob-password", "").await;
    assert!(
        login.callback.contains("/u/mfa-otp-enrollment?state="),
        "{}",
        login.callback
    );
    let html = client()
        .get(&login.callback)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let secret = element(&html, "totp-secret");
    assert!(element(&html, "totp-uri").starts_with("otpauth://totp/"));
    let res = post_screen(
        &login.callback,
        &login.cookie,
        &[("code", &code_now(&secret))],
    )
    .await;
    let page = res.text().await.unwrap();
    let recovery = element(&page, "recovery-code");
    assert_eq!(recovery.len(), 24);
    let confirm = login
        .callback
        .replace("/u/mfa-otp-enrollment", "/u/mfa-recovery-code-enrollment");
    let done = post_screen(&confirm, &login.cookie, &[("action", "default")]).await;
    let id = callback_id_token(&base, &location(&done, &base)).await;
    assert_eq!(id["amr"], serde_json::json!(["mfa"]));
    let next = to_the_screen(&base, "bob@example.com", "bob-password", "").await;
    assert!(
        next.callback.contains("/u/mfa-otp-challenge"),
        "enrolled now: {}",
        next.callback
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_recovery_code_screen_is_refused_before_the_new_factor_is_confirmed() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "bob@example.com", "bob-password", "").await;
    let confirm = login
        .callback
        .replace("/u/mfa-otp-enrollment", "/u/mfa-recovery-code-enrollment");
    let res = post_screen(&confirm, &login.cookie, &[("action", "default")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

#[tokio::test]
async fn acr_values_ask_for_mfa_without_any_action() {
    let server = start().await;
    let base = server.base_url();
    let acr = format!("&acr_values={}", enc(auth0_mock::mfa::MFA_ACR));
    let login = to_the_screen(&base, "alice@example.com", "alice-password", &acr).await;
    assert!(
        login.callback.contains("/u/mfa-otp-challenge"),
        "{}",
        login.callback
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_session_that_passed_mfa_logs_in_silently_without_a_new_challenge() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let code = code_now(ALICE_SECRET);
    post_screen(&login.callback, &login.cookie, &[("code", &code)]).await;
    let silent = client()
        .get(authorize_url(&base, "&prompt=none"))
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap();
    let q = query_of(&location(&silent, &base));
    assert!(q.contains_key("code"), "{q:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_silent_login_that_needs_mfa_answers_login_required_multifactor_authentication_required()
{
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let silent = client()
        .get(authorize_url(&base, "&prompt=none"))
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap();
    let q = query_of(&location(&silent, &base));
    assert_eq!(q["error"], "login_required");
    assert_eq!(
        q["error_description"],
        "Multifactor authentication required"
    );
    server.shutdown().await;
}
