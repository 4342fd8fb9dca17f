//! MFA: `api.multifactor.enable` (and `acr_values`) end a browser login at Universal Login's
//! OTP challenge (or enrolment, for a user with no factor), and make the password grant answer
//! `mfa_required` with an `mfa_token` that the MFA API and the `mfa-otp` / `mfa-recovery-code`
//! grants complete. Alice has a TOTP factor with a known secret in the default users; bob has
//! none.

mod event;
mod grants;
mod policy;
mod refresh;
mod remember;
mod screens;
mod single_use;
mod waiting;

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
    code_at(secret, 0)
}

/// The TOTP of `secret` `offset` seconds from now (`30`: the next step's, which a login that
/// already spent this step's code passes with, the drift window taking it).
fn code_at(secret: &str, offset: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp_now(secret, now + offset).unwrap()
}

/// The HTML of the MFA screen a login was sent to.
async fn screen_html(login: &BrowserLogin) -> String {
    client()
        .get(&login.callback)
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
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
