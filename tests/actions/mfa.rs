//! MFA: `api.multifactor.enable` (and `acr_values`) end a browser login at Universal Login's
//! OTP challenge (or enrolment, for a user with no factor), and make the password grant answer
//! `mfa_required` with an `mfa_token` that the MFA API and the `mfa-otp` / `mfa-recovery-code`
//! grants complete. Alice has a TOTP factor with a known secret in the default users; bob has
//! none.

use crate::{Action, fixture};
use auth0_mock::MockServer;
use auth0_mock::mfa::totp_now;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::Value;

use crate::support::*;

const ALICE_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const ALICE_RECOVERY: &str = "ALICERECOVERYCODE1234567";

const ENABLE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('any');
};"#;

async fn start_mfa() -> (MockServer, tempfile::TempDir) {
    let dir = fixture(&[Action::new("mfa", ENABLE)], &[]);
    (start_with_fixtures(dir.path()).await, dir)
}

/// A code that is none of the previous, current or next step's: wrong for certain.
fn wrong_code(secret: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let near: Vec<String> = [-30, 0, 30, 60]
        .iter()
        .filter_map(|d| totp_now(secret, now + d))
        .collect();
    ["000000", "111111", "222222", "333333", "444444"]
        .into_iter()
        .find(|c| !near.iter().any(|n| n == c))
        .unwrap()
        .to_string()
}

fn code_now(secret: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp_now(secret, now).unwrap()
}

/// POSTs an MFA screen's form.
async fn post_screen(url: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client()
        .post(url)
        .header(COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Logs `user` in through the login page up to the MFA screen it is sent to.
async fn to_the_screen(base: &str, user: &str, password: &str, extra: &str) -> BrowserLogin {
    let http = client();
    browser_login_at(base, &http, &authorize_url(base, extra), user, password).await
}

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

/// The web app's password grant for `user`: (status, body).
async fn password_grant(base: &str, user: &str, password: &str) -> (StatusCode, Value) {
    token(
        base,
        &[
            ("grant_type", "password"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("username", user),
            ("password", password),
            ("scope", "openid offline_access"),
            ("audience", API),
        ],
    )
    .await
}

async fn mfa_token(base: &str) -> String {
    let (status, body) = password_grant(base, "alice@example.com", "alice-password").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "mfa_required");
    assert_eq!(
        body["error_description"],
        "Multifactor authentication required"
    );
    body["mfa_token"].as_str().unwrap().to_string()
}

async fn mfa_grant(
    base: &str,
    kind: &str,
    token: &str,
    field: (&str, &str),
) -> (StatusCode, Value) {
    let grant_type = format!("http://auth0.com/oauth/grant-type/{kind}");
    self::token(
        base,
        &[
            ("grant_type", grant_type.as_str()),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("mfa_token", token),
            field,
        ],
    )
    .await
}

#[tokio::test]
async fn the_password_grant_answers_mfa_required_and_the_mfa_otp_grant_completes_it() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let code = code_now(ALICE_SECRET);
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        access_claims(&body)["sub"]
            .as_str()
            .unwrap()
            .contains("alice")
    );
    assert!(body["refresh_token"].is_string());
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_otp_is_invalid_grant_and_the_mfa_token_stays_usable() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let wrong = wrong_code(ALICE_SECRET);
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &wrong)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error_description"], "Invalid otp_code.");
    let code = code_now(ALICE_SECRET);
    let (status, _) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn a_used_mfa_token_is_refused_as_malformed() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let code = code_now(ALICE_SECRET);
    mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Malformed mfa_token");
    server.shutdown().await;
}

#[tokio::test]
async fn the_recovery_code_grant_answers_a_new_recovery_code() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let (status, body) = mfa_grant(
        &base,
        "mfa-recovery-code",
        &token,
        ("recovery_code", ALICE_RECOVERY),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = body["recovery_code"].as_str().unwrap();
    assert_ne!(fresh, ALICE_RECOVERY);
    server.shutdown().await;
}

#[tokio::test]
async fn authenticators_lists_the_users_otp_and_recovery_code() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let list: Value = client()
        .get(format!("{base}/mfa/authenticators"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let types: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["authenticator_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["otp", "recovery-code"]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_without_a_factor_is_told_association_required_then_associates_one() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let (_, body) = password_grant(&base, "bob@example.com", "bob-password").await;
    let token = body["mfa_token"].as_str().unwrap().to_string();
    let challenge = client()
        .post(format!("{base}/mfa/challenge"))
        .form(&[
            ("mfa_token", token.as_str()),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("challenge_type", "otp"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        challenge.json::<Value>().await.unwrap()["error"],
        "association_required"
    );
    let assoc: Value = client()
        .post(format!("{base}/mfa/associate"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"client_id": WEB, "client_secret": WEB_SECRET, "authenticator_types": ["otp"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = assoc["secret"].as_str().unwrap();
    assert!(
        assoc["barcode_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    assert_eq!(assoc["recovery_codes"].as_array().unwrap().len(), 1);
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code_now(secret))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn an_enrolled_user_is_challenged_with_otp() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let res: Value = client()
        .post(format!("{base}/mfa/challenge"))
        .form(&[
            ("mfa_token", token.as_str()),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("challenge_type", "otp"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res, serde_json::json!({"challenge_type": "otp"}));
    server.shutdown().await;
}

#[tokio::test]
async fn enable_duo_denies_the_login_saying_it_is_not_supported() {
    const DUO: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('duo');
};"#;
    let dir = fixture(&[Action::new("duo", DUO)], &[]);
    let server = start_with_fixtures(dir.path()).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("not supported by auth0-mock"),
        "{body}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn enable_none_turns_off_the_challenge_acr_values_asked_for() {
    const NONE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('none');
};"#;
    let dir = fixture(&[Action::new("none", NONE)], &[]);
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let acr = format!("&acr_values={}", enc(auth0_mock::mfa::MFA_ACR));
    let login = to_the_screen(&base, "alice@example.com", "alice-password", &acr).await;
    assert!(login.callback.starts_with(CALLBACK), "{}", login.callback);
    server.shutdown().await;
}

/// A fixtures dir with the default tenant, no Action, and `guardianPolicies: {policies}`.
fn with_policy(policies: &str) -> tempfile::TempDir {
    let dir = fixture(&[], &[]);
    let path = dir.path().join("tenant.yaml");
    let mut yaml = std::fs::read_to_string(&path).unwrap();
    yaml.push_str(&format!("guardianPolicies:\n  policies: {policies}\n"));
    std::fs::write(path, yaml).unwrap();
    dir
}

#[tokio::test]
async fn the_all_applications_policy_asks_every_password_grant_for_mfa() {
    let dir = with_policy("[all-applications]");
    let server = start_with_fixtures(dir.path()).await;
    let (status, body) =
        password_grant(&server.base_url(), "alice@example.com", "alice-password").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "mfa_required");
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_mfa_policy_is_refused_at_startup() {
    let dir = with_policy("[sometimes]");
    let err = try_start_with_fixtures(dir.path()).await.err().unwrap();
    assert!(err.contains("guardianPolicies.policies"), "{err}");
}

#[tokio::test]
async fn a_totp_secret_that_is_not_base32_is_refused_at_startup() {
    let dir = fixture(&[], &[]);
    let path = dir.path().join("users.json");
    let mut users: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    users[1]["mfa"] = serde_json::json!({"totp_secret": "not base32!"});
    std::fs::write(&path, users.to_string()).unwrap();
    let err = try_start_with_fixtures(dir.path()).await.err().unwrap();
    assert!(err.contains("[1].mfa.totp_secret"), "{err}");
}

#[tokio::test]
async fn a_management_api_update_keeps_the_users_factor() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let res = management(&base)
        .await
        .patch(format!("{base}/api/v2/users/{}", enc("auth0|alice")))
        .json(&serde_json::json!({"user_metadata": {"theme": "light"}, "mfa": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    assert!(
        login.callback.contains("/u/mfa-otp-challenge"),
        "still enrolled: {}",
        login.callback
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_mfa_state_sent_to_continue_is_refused_and_the_login_still_waits() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let state = query_of(&login.callback)["state"].clone();
    let res = post_screen(
        &format!("{base}/continue"),
        &login.cookie,
        &[("state", &state)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let code = code_now(ALICE_SECRET);
    let right = post_screen(&login.callback, &login.cookie, &[("code", &code)]).await;
    assert!(location(&right, &base).starts_with(CALLBACK));
    server.shutdown().await;
}

#[tokio::test]
async fn an_associated_authenticator_is_inactive_until_its_first_code_passes() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let (_, body) = password_grant(&base, "bob@example.com", "bob-password").await;
    let token = body["mfa_token"].as_str().unwrap().to_string();
    client()
        .post(format!("{base}/mfa/associate"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"authenticator_types": ["otp"]}))
        .send()
        .await
        .unwrap();
    let list: Value = client()
        .get(format!("{base}/mfa/authenticators"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list,
        serde_json::json!([{"id": list[0]["id"], "authenticator_type": "otp", "active": false}])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_mfa_token_past_its_ten_minutes_is_expired_token() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    client()
        .post(format!("{base}/__mock/clock"))
        .json(&serde_json::json!({"advance": 601}))
        .send()
        .await
        .unwrap();
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", "123456")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "expired_token");
    assert_eq!(body["error_description"], "mfa_token is expired");
    server.shutdown().await;
}

const ENABLE_AND_TAG: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.user.setUserMetadata('last_login_tagged', true);
  api.multifactor.enable('any');
};"#;

async fn user_metadata(base: &str, user_id: &str) -> Value {
    let user: Value = management(base)
        .await
        .get(format!("{base}/api/v2/users/{}", enc(user_id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    user["user_metadata"].clone()
}

#[tokio::test]
async fn an_actions_metadata_waits_for_the_second_factor() {
    let dir = fixture(&[Action::new("tag", ENABLE_AND_TAG)], &[]);
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let before = user_metadata(&base, "auth0|alice").await;
    assert!(before.get("last_login_tagged").is_none(), "{before}");
    let code = code_now(ALICE_SECRET);
    let (status, _) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        user_metadata(&base, "auth0|alice").await["last_login_tagged"],
        true
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_scenario_armed_for_the_next_login_stays_armed_while_it_waits_at_mfa() {
    let dir = fixture(&[Action::new("mfa", ENABLE)], &[]);
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    let admin = shipped_fixtures("default").join("scenarios/admin.yaml");
    std::fs::copy(admin, scenarios.join("admin.yaml")).unwrap();
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let res = client()
        .post(format!("{base}/__mock/scenarios/next"))
        .json(&serde_json::json!({"scenario": "admin", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // This login stops at the challenge and is never finished.
    mfa_token(&base).await;
    let token = mfa_token(&base).await;
    let code = code_now(ALICE_SECRET);
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        access_claims(&body)[HASURA_NS]["x-hasura-default-role"],
        "admin"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn tokens_of_the_mfa_otp_grant_carry_no_amr_as_auth0s() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let code = code_now(ALICE_SECRET);
    let (_, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert!(id_claims(&body).get("amr").is_none(), "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn ten_wrong_codes_use_up_the_users_attempts_as_auth0s_bucket() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let wrong = wrong_code(ALICE_SECRET);
    for _ in 0..10 {
        let (status, _) = mfa_grant(&base, "mfa-otp", &token, ("otp", &wrong)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // Even the right code waits now.
    let code = code_now(ALICE_SECRET);
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_attempts");
    server.shutdown().await;
}

#[tokio::test]
async fn the_challenge_screen_says_too_many_failed_codes_once_the_attempts_are_used_up() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let wrong = wrong_code(ALICE_SECRET);
    for _ in 0..10 {
        post_screen(&login.callback, &login.cookie, &[("code", &wrong)]).await;
    }
    let res = post_screen(&login.callback, &login.cookie, &[("code", &wrong)]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Too many failed codes. Wait for some minutes before retrying.")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_deleted_while_waiting_at_mfa_gets_no_tokens() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let res = management(&base)
        .await
        .delete(format!("{base}/api/v2/users/auth0%7Calice"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let code = code_now(ALICE_SECRET);
    let (status, body) = mfa_grant(&base, "mfa-otp", &token, ("otp", &code)).await;
    assert_ne!(status, StatusCode::OK, "{body}");
    server.shutdown().await;
}

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

/// The TOTP of the step after this one: a login that already spent this step's code passes
/// with it (the drift window takes it).
fn next_code(secret: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp_now(secret, now + 30).unwrap()
}

/// Alice's refresh token, from a password grant completed with the mfa-otp grant.
async fn refresh_token_after_mfa(base: &str) -> String {
    let token = mfa_token(base).await;
    let code = code_now(ALICE_SECRET);
    let (status, body) = mfa_grant(base, "mfa-otp", &token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["refresh_token"].as_str().unwrap().to_string()
}

async fn refresh(base: &str, refresh_token: &str) -> (StatusCode, Value) {
    token(
        base,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

#[tokio::test]
async fn a_refresh_an_action_enables_mfa_for_answers_mfa_required() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let refresh_token = refresh_token_after_mfa(&base).await;
    let (status, body) = refresh(&base, &refresh_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "mfa_required");
    assert_eq!(
        body["error_description"],
        "Multifactor authentication required"
    );
    assert!(body["mfa_token"].is_string(), "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_mfa_otp_grant_completes_a_refused_refresh_with_the_next_rotated_token() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let refresh_token = refresh_token_after_mfa(&base).await;
    let (_, refused) = refresh(&base, &refresh_token).await;
    let mfa_token = refused["mfa_token"].as_str().unwrap();
    let code = next_code(ALICE_SECRET);
    let (status, body) = mfa_grant(&base, "mfa-otp", mfa_token, ("otp", &code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        access_claims(&body)["sub"]
            .as_str()
            .unwrap()
            .contains("alice")
    );
    // The web app rotates: the refused exchange spent the old token, as Auth0's does, and the
    // completion answers its successor, whose own exchange is challenged again.
    let rotated = body["refresh_token"].as_str().unwrap();
    assert_ne!(rotated, refresh_token);
    let (status, again) = refresh(&base, rotated).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{again}");
    assert_eq!(again["error"], "mfa_required");
    let (status, old) = refresh(&base, &refresh_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{old}");
    assert_eq!(old["error"], "invalid_grant");
    server.shutdown().await;
}

const ENABLE_BUT_NOT_ON_REFRESH: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === "oauth2-refresh-token") {
    return;
  }
  api.multifactor.enable('any');
};"#;

#[tokio::test]
async fn an_action_that_skips_the_refresh_protocol_refreshes_without_a_challenge() {
    let dir = fixture(&[Action::new("mfa", ENABLE_BUT_NOT_ON_REFRESH)], &[]);
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let refresh_token = refresh_token_after_mfa(&base).await;
    let (status, body) = refresh(&base, &refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["access_token"].is_string());
    server.shutdown().await;
}

const ENABLE_REMEMBERING: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('any', { allowRememberBrowser: true });
};"#;

/// The `auth0-mf` cookie a response sets, as `name=value`.
fn remembered_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("auth0-mf="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

/// Alice's login through the challenge with the box ticked: the `auth0-mf` cookie set.
async fn remembered_login(base: &str) -> String {
    let login = to_the_screen(base, "alice@example.com", "alice-password", "").await;
    let code = code_now(ALICE_SECRET);
    let form = [
        ("code", code.as_str()),
        ("rememberBrowser", "true"),
        ("action", "default"),
    ];
    let res = post_screen(&login.callback, &login.cookie, &form).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    remembered_cookie(&res).expect("an auth0-mf cookie")
}

/// A new login of alice (a new session) from a browser holding `mf`: where `/authorize/resume`
/// sends it.
async fn login_with(base: &str, mf: &str, extra: &str) -> String {
    let http = client();
    let page = login_page_url(base, &http, &authorize_url(base, extra)).await;
    let ok = submit_login(&http, &page, "alice@example.com", "alice-password").await;
    let session = ok.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let back = http
        .get(location(&ok, base))
        .header(COOKIE, format!("{session}; {mf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::FOUND);
    location(&back, base)
}

async fn start_remembering() -> (MockServer, tempfile::TempDir) {
    let dir = fixture(&[Action::new("mfa", ENABLE_REMEMBERING)], &[]);
    (start_with_fixtures(dir.path()).await, dir)
}

#[tokio::test]
async fn an_action_allowing_remember_browser_offers_the_box_on_the_challenge() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let html = client()
        .get(&login.callback)
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("name=\"rememberBrowser\" value=\"true\""),
        "{html}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_challenge_the_action_does_not_allow_remembering_offers_no_box() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let html = client()
        .get(&login.callback)
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("rememberBrowser"), "{html}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_browser_remembered_at_the_challenge_skips_it_at_the_next_login() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let callback = login_with(&base, &mf, "").await;
    assert!(callback.starts_with(CALLBACK), "{callback}");
    assert!(query_of(&callback).contains_key("code"), "{callback}");
    server.shutdown().await;
}

#[tokio::test]
async fn acr_values_challenge_a_remembered_browser_anyway() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let acr = format!("&acr_values={}", enc(auth0_mock::mfa::MFA_ACR));
    let callback = login_with(&base, &mf, &acr).await;
    assert!(
        callback.contains("/u/mfa-otp-challenge?state="),
        "{callback}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unticked_box_remembers_nothing() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let code = code_now(ALICE_SECRET);
    let form = [("code", code.as_str()), ("action", "default")];
    let res = post_screen(&login.callback, &login.cookie, &form).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(remembered_cookie(&res), None);
    server.shutdown().await;
}

#[tokio::test]
async fn a_remembered_browser_is_challenged_again_after_thirty_days() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    client()
        .post(format!("{base}/__mock/clock"))
        .json(&serde_json::json!({"advance": 30 * 24 * 3600 + 1}))
        .send()
        .await
        .unwrap();
    let callback = login_with(&base, &mf, "").await;
    assert!(
        callback.contains("/u/mfa-otp-challenge?state="),
        "{callback}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn invalidate_remember_browser_makes_the_next_login_challenge_again() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let res = client()
        .post(format!(
            "{base}/api/v2/users/auth0%7Calice/multifactor/actions/invalidate-remember-browser"
        ))
        .bearer_auth(management_token(&base).await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let callback = login_with(&base, &mf, "").await;
    assert!(
        callback.contains("/u/mfa-otp-challenge?state="),
        "{callback}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_browser_remembered_for_one_user_is_challenged_for_another() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let http = client();
    let page = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    let ok = submit_login(&http, &page, "bob@example.com", "bob-password").await;
    let session = ok.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let back = http
        .get(location(&ok, &base))
        .header(COOKIE, format!("{session}; {mf}"))
        .send()
        .await
        .unwrap();
    // Bob has no factor: the enrolment screen, not the callback.
    assert!(
        location(&back, &base).contains("/u/mfa-"),
        "{:?}",
        back.headers()
    );
    server.shutdown().await;
}
