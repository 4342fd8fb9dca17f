//! A user's second factors through the Management API: listing and deleting authentication
//! methods, the Guardian enrollments, a new recovery code, and what a reset means for the next
//! login. Alice has a TOTP app and a recovery code in the default users; the fixture here also
//! gives bob a phone and carol an email factor.

use super::{get, send};
use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

const ALICE: &str = "auth0%7Calice";
const BOB: &str = "auth0%7Cbob";

/// The default tenant, bob with an SMS factor and carol with an email factor.
async fn serve() -> (auth0_mock::MockServer, tempfile::TempDir) {
    let dir = copy_of_shipped_fixtures("default");
    let path = dir.path().join("users.json");
    let mut users: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    users[1]["mfa"] = json!({"phone_number": "+14155550123"});
    users[3]["mfa"] = json!({"email": "carol@example.com"});
    std::fs::write(&path, users.to_string()).unwrap();
    (start_with_fixtures(dir.path()).await, dir)
}

fn types(methods: &Value) -> Vec<&str> {
    methods
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn authentication_methods_list_alices_totp_and_recovery_code() {
    let (server, _dir) = serve().await;
    let (status, methods) = get(
        &server.base_url(),
        &format!("/api/v2/users/{ALICE}/authentication-methods"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{methods}");
    assert_eq!(types(&methods), ["totp", "recovery-code"]);
    assert!(methods[0]["id"].as_str().unwrap().starts_with("totp|dev_"));
    assert_eq!(methods[0]["confirmed"], true);
    server.shutdown().await;
}

#[tokio::test]
async fn an_sms_factor_is_a_phone_method_with_its_number_masked() {
    let (server, _dir) = serve().await;
    let (_, methods) = get(
        &server.base_url(),
        &format!("/api/v2/users/{BOB}/authentication-methods"),
    )
    .await;
    let phone = &methods[0];
    assert_eq!(phone["type"], "phone", "{methods}");
    assert_eq!(phone["phone_number"], "XXXXXXX0123");
    assert_eq!(phone["preferred_authentication_method"], "sms");
    assert!(
        phone["authentication_methods"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("sms|dev_")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_email_factor_shows_its_address_masked() {
    let (server, _dir) = serve().await;
    let (_, methods) = get(
        &server.base_url(),
        "/api/v2/users/auth0%7Ccarol/authentication-methods",
    )
    .await;
    assert_eq!(methods[0]["type"], "email", "{methods}");
    assert_eq!(methods[0]["email"], "caro*@exam*******");
    server.shutdown().await;
}

#[tokio::test]
async fn include_totals_wraps_the_methods_with_their_count() {
    let (server, _dir) = serve().await;
    let (_, page) = get(
        &server.base_url(),
        &format!("/api/v2/users/{ALICE}/authentication-methods?include_totals=true"),
    )
    .await;
    assert_eq!(page["total"], 2, "{page}");
    assert_eq!(page["authenticators"].as_array().unwrap().len(), 2);
    server.shutdown().await;
}

#[tokio::test]
async fn a_method_is_read_by_its_id_and_an_unknown_id_is_404() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let (_, methods) = get(
        &base,
        &format!("/api/v2/users/{ALICE}/authentication-methods"),
    )
    .await;
    let id = methods[0]["id"].as_str().unwrap();
    let path = format!("/api/v2/users/{ALICE}/authentication-methods/{}", enc(id));
    let (status, one) = get(&base, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, methods[0]);
    let missing = format!("/api/v2/users/{ALICE}/authentication-methods/totp%7Cdev_nope");
    let (status, body) = get(&base, &missing).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["message"],
        "The authentication method could not be found."
    );
    server.shutdown().await;
}

#[tokio::test]
async fn deleting_one_of_two_factors_keeps_the_other_and_the_recovery_code() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let path = format!("/api/v2/users/{ALICE}/authentication-methods");
    let email = json!({"type": "email", "email": "alice@example.com"});
    assert_eq!(
        send(&base, "POST", &path, email).await.0,
        StatusCode::CREATED
    );
    let (_, methods) = get(&base, &path).await;
    let totp = methods[0]["id"].as_str().unwrap();
    let one = format!("{path}/{}", enc(totp));
    let (status, _) = send(&base, "DELETE", &one, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, left) = get(&base, &path).await;
    assert_eq!(types(&left), ["email", "recovery-code"]);
    server.shutdown().await;
}

#[tokio::test]
async fn deleting_the_last_factor_takes_the_recovery_code_with_it() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let path = format!("/api/v2/users/{ALICE}/authentication-methods");
    let (_, methods) = get(&base, &path).await;
    let totp = methods[0]["id"].as_str().unwrap();
    let (status, _) = send(&base, "DELETE", &format!("{path}/{}", enc(totp)), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, left) = get(&base, &path).await;
    assert_eq!(left, json!([]));
    server.shutdown().await;
}

/// A browser login of `user` asking for MFA (`acr_values`), up to the MFA screen it is sent
/// to after the password.
async fn mfa_login(base: &str, user: &str, password: &str) -> BrowserLogin {
    let acr = format!("&acr_values={}", enc(auth0_mock::mfa::MFA_ACR));
    browser_login_at(base, &client(), &authorize_url(base, &acr), user, password).await
}

/// Where a browser login of alice asking for MFA is sent after the password.
async fn alices_mfa_screen(base: &str) -> String {
    mfa_login(base, "alice@example.com", "alice-password")
        .await
        .callback
}

#[tokio::test]
async fn deleting_all_authenticators_makes_the_next_login_enrol_anew() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    assert!(
        alices_mfa_screen(&base)
            .await
            .contains("/u/mfa-otp-challenge")
    );
    let path = format!("/api/v2/users/{ALICE}/authenticators");
    let (status, _) = send(&base, "DELETE", &path, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, left) = get(
        &base,
        &format!("/api/v2/users/{ALICE}/authentication-methods"),
    )
    .await;
    assert_eq!(left, json!([]));
    assert!(
        alices_mfa_screen(&base)
            .await
            .contains("/u/mfa-otp-enrollment")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn enrollments_list_the_totp_app_and_the_sms_phone() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let (_, alice) = get(&base, &format!("/api/v2/users/{ALICE}/enrollments")).await;
    assert_eq!(alice[0]["auth_method"], "authenticator", "{alice}");
    assert_eq!(alice[0]["status"], "confirmed");
    assert!(alice[0]["id"].as_str().unwrap().starts_with("dev_"));
    let (_, bob) = get(&base, &format!("/api/v2/users/{BOB}/enrollments")).await;
    assert_eq!(bob[0]["auth_method"], "sms", "{bob}");
    assert_eq!(bob[0]["phone_number"], "XXXXXXX0123");
    server.shutdown().await;
}

#[tokio::test]
async fn a_guardian_enrollment_is_read_then_deleted_by_its_id() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let (_, list) = get(&base, &format!("/api/v2/users/{BOB}/enrollments")).await;
    let path = format!(
        "/api/v2/guardian/enrollments/{}",
        list[0]["id"].as_str().unwrap()
    );
    let (status, one) = get(&base, &path).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["id"], list[0]["id"]);
    assert!(one.get("auth_method").is_none(), "{one}");
    let (status, _) = send(&base, "DELETE", &path, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, gone) = get(&base, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(gone["errorCode"], "enrollment_not_found");
    server.shutdown().await;
}

/// The recovery-code screen of a browser login of alice asking for MFA: its status.
async fn recovery_at_the_screen(base: &str, code: &str) -> StatusCode {
    let login = mfa_login(base, "alice@example.com", "alice-password").await;
    let url = login
        .callback
        .replace("/u/mfa-otp-challenge", "/u/mfa-recovery-code-challenge");
    client()
        .post(url)
        .header(COOKIE, &login.cookie)
        .form(&[("code", code), ("action", "default")])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_regenerated_recovery_code_replaces_the_old_at_the_login() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let path = format!("/api/v2/users/{ALICE}/recovery-code-regeneration");
    let (status, body) = send(&base, "POST", &path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = body["recovery_code"].as_str().unwrap();
    assert_eq!(fresh.len(), 24);
    assert_eq!(
        recovery_at_the_screen(&base, "ALICERECOVERYCODE1234567").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(recovery_at_the_screen(&base, fresh).await, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_without_a_factor_has_no_recovery_code_to_regenerate() {
    let (server, _dir) = serve().await;
    let path = "/api/v2/users/auth0%7Cadmin/recovery-code-regeneration";
    let (status, body) = send(&server.base_url(), "POST", path, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["errorCode"], "enrollment_not_found");
    server.shutdown().await;
}

#[tokio::test]
async fn deleting_the_google_authenticator_provider_removes_the_totp() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let path = format!("/api/v2/users/{ALICE}/multifactor/google-authenticator");
    let (status, _) = send(&base, "DELETE", &path, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, left) = get(
        &base,
        &format!("/api/v2/users/{ALICE}/authentication-methods"),
    )
    .await;
    // The TOTP was her only factor: the recovery code went with it.
    assert_eq!(left, json!([]));
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_multifactor_provider_is_400() {
    let (server, _dir) = serve().await;
    let path = format!("/api/v2/users/{ALICE}/multifactor/yubikey");
    let (status, body) = send(&server.base_url(), "DELETE", &path, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errorCode"], "invalid_uri", "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_factors_of_a_user_who_does_not_exist_are_404_inexistent_user() {
    let (server, _dir) = serve().await;
    let path = "/api/v2/users/auth0%7Cnobody/authentication-methods";
    let (status, body) = get(&server.base_url(), path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errorCode"], "inexistent_user");
    server.shutdown().await;
}

const BOBS_SECRET: &str = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";

#[tokio::test]
async fn an_admin_enrolled_totp_with_a_known_secret_passes_the_login_challenge() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let path = "/api/v2/users/auth0%7Cadmin/authentication-methods";
    let body = json!({"type": "totp", "totp_secret": BOBS_SECRET, "name": "Test app"});
    let (status, created) = send(&base, "POST", path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["id"].as_str().unwrap().starts_with("totp|dev_"));
    assert_eq!(created["name"], "Test app");
    let login = mfa_login(&base, "admin@example.com", "admin-password").await;
    assert!(
        login.callback.contains("/u/mfa-otp-challenge"),
        "{}",
        login.callback
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let code = auth0_mock::mfa::totp_now(BOBS_SECRET, now).unwrap();
    let res = client()
        .post(&login.callback)
        .header(COOKIE, &login.cookie)
        .form(&[("code", code.as_str()), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(location(&res, &base).contains("code="));
    server.shutdown().await;
}

#[tokio::test]
async fn a_second_totp_method_is_409() {
    let (server, _dir) = serve().await;
    let path = format!("/api/v2/users/{ALICE}/authentication-methods");
    let body = json!({"type": "totp", "totp_secret": BOBS_SECRET});
    let (status, err) = send(&server.base_url(), "POST", &path, body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_totp_method_without_a_base32_secret_is_400() {
    let (server, _dir) = serve().await;
    let path = "/api/v2/users/auth0%7Cadmin/authentication-methods";
    let body = json!({"type": "totp", "totp_secret": "not base32!"});
    let (status, err) = send(&server.base_url(), "POST", path, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["errorCode"], "invalid_body", "{err}");
    server.shutdown().await;
}

#[tokio::test]
async fn an_admin_enrolled_phone_is_listed_masked_and_voice_is_refused() {
    let (server, _dir) = serve().await;
    let base = server.base_url();
    let path = "/api/v2/users/auth0%7Cadmin/authentication-methods";
    let voice = json!({"type": "phone", "phone_number": "+14155550199", "preferred_authentication_method": "voice"});
    let (status, err) = send(&base, "POST", path, voice).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("voice"), "{err}");
    let sms = json!({"type": "phone", "phone_number": "+14155550199"});
    let (status, _) = send(&base, "POST", path, sms).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, methods) = get(&base, path).await;
    assert_eq!(methods[0]["phone_number"], "XXXXXXX0199", "{methods}");
    server.shutdown().await;
}
