//! Out-of-band MFA: a user whose factor is a phone (bob) or an email address (carol) gets the
//! code through the outbox. The browser login goes to `/u/mfa-sms-challenge` or
//! `/u/mfa-email-challenge`; over the MFA API, `/mfa/challenge {challenge_type: oob}` sends
//! the code and answers its `oob_code`, and the `mfa-oob` grant completes the login with the
//! `binding_code`. `/mfa/associate` enrols an SMS factor the same way.

use crate::{Action, fixture};
use auth0_mock::MockServer;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::support::*;

const ENABLE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('any');
};"#;
const BOB_PHONE: &str = "+14155550123";
const MFA_OOB: &str = "http://auth0.com/oauth/grant-type/mfa-oob";

/// The MFA Action, bob with an SMS factor and carol with an email factor.
async fn start() -> (MockServer, tempfile::TempDir) {
    let dir = fixture(&[Action::new("mfa", ENABLE)], &[]);
    let path = dir.path().join("users.json");
    let mut users: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    users[1]["mfa"] =
        json!({"phone_number": BOB_PHONE, "recovery_code": "BOBRECOVERYCODE123456789"});
    users[3]["mfa"] = json!({"email": "carol@example.com"});
    std::fs::write(&path, users.to_string()).unwrap();
    (start_with_fixtures(dir.path()).await, dir)
}

/// The web app's password grant for `user`, stopped at `mfa_required`: its `mfa_token`.
async fn mfa_token(base: &str, user: &str) -> String {
    let password = format!("{}-password", user.split('@').next().unwrap());
    let (status, body) = token(
        base,
        &[
            ("grant_type", "password"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("username", user),
            ("password", &password),
            ("scope", "openid offline_access"),
            ("audience", API),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    body["mfa_token"].as_str().unwrap().to_string()
}

async fn post_json(
    base: &str,
    path: &str,
    bearer: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = client().post(format!("{base}{path}")).json(&body);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn oob_challenge(base: &str, mfa_token: &str, extra: Value) -> (StatusCode, Value) {
    let mut body = json!({
        "mfa_token": mfa_token, "client_id": WEB, "client_secret": WEB_SECRET, "challenge_type": "oob",
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    post_json(base, "/mfa/challenge", None, body).await
}

async fn oob_grant(
    base: &str,
    mfa_token: &str,
    oob_code: &str,
    binding: Option<&str>,
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", MFA_OOB),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
        ("mfa_token", mfa_token),
        ("oob_code", oob_code),
    ];
    if let Some(b) = binding {
        form.push(("binding_code", b));
    }
    token(base, &form).await
}

/// The code of the last MFA message to `to`.
async fn sent_code(base: &str, to: &str) -> String {
    let found = outbox(base, &format!("to={}&kind=mfa_oob_code", enc(to))).await;
    let last = found
        .last()
        .unwrap_or_else(|| panic!("no MFA code to {to}"));
    last["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn authenticators_lists_an_sms_factor_with_its_number_masked() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "bob@example.com").await;
    let list: Value = client()
        .get(format!("{base}/mfa/authenticators"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sms = &list[0];
    assert_eq!(sms["authenticator_type"], "oob", "{list}");
    assert_eq!(sms["oob_channel"], "sms");
    assert!(sms["id"].as_str().unwrap().starts_with("sms|dev_"));
    assert_eq!(sms["name"], "XXXXXXX0123");
    assert_eq!(list[1]["authenticator_type"], "recovery-code");
    server.shutdown().await;
}

#[tokio::test]
async fn an_oob_challenge_texts_the_code_and_the_mfa_oob_grant_completes_the_login() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "bob@example.com").await;
    let (status, challenge) = oob_challenge(&base, &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{challenge}");
    assert_eq!(challenge["challenge_type"], "oob");
    assert_eq!(challenge["binding_method"], "prompt");
    let oob_code = challenge["oob_code"].as_str().unwrap();
    let code = sent_code(&base, BOB_PHONE).await;
    let (status, body) = oob_grant(&base, &token, oob_code, Some(&code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        access_claims(&body)["sub"]
            .as_str()
            .unwrap()
            .contains("bob")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_binding_code_is_invalid_grant_and_the_right_one_still_works() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "bob@example.com").await;
    let (_, challenge) = oob_challenge(&base, &token, json!({})).await;
    let oob_code = challenge["oob_code"].as_str().unwrap();
    let code = sent_code(&base, BOB_PHONE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, body) = oob_grant(&base, &token, oob_code, Some(wrong)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Invalid binding_code.");
    let (status, _) = oob_grant(&base, &token, oob_code, Some(&code)).await;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn the_mfa_oob_grant_without_the_binding_code_is_authorization_pending() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "bob@example.com").await;
    let (_, challenge) = oob_challenge(&base, &token, json!({})).await;
    let (status, body) =
        oob_grant(&base, &token, challenge["oob_code"].as_str().unwrap(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "authorization_pending");
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_oob_code_is_invalid_grant() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "bob@example.com").await;
    oob_challenge(&base, &token, json!({})).await;
    let (status, body) = oob_grant(&base, &token, "Fe26.2*forged", Some("123456")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error_description"], "Invalid oob_code.");
    server.shutdown().await;
}

#[tokio::test]
async fn an_email_factor_gets_its_code_by_email() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "carol@example.com").await;
    let (status, challenge) = oob_challenge(&base, &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{challenge}");
    let message = only_message(&base, "carol@example.com", "mfa_oob_code").await;
    assert_eq!(message["channel"], "email");
    let code = message["code"].as_str().unwrap();
    let (status, _) = oob_grant(
        &base,
        &token,
        challenge["oob_code"].as_str().unwrap(),
        Some(code),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn an_otp_challenge_of_a_user_with_only_an_sms_factor_is_unsupported_challenge_type() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "bob@example.com").await;
    let (status, body) = oob_challenge(&base, &token, json!({"challenge_type": "otp"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "unsupported_challenge_type");
    server.shutdown().await;
}

#[tokio::test]
async fn an_authenticator_id_of_another_kind_is_refused() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "bob@example.com").await;
    let (status, body) = oob_challenge(
        &base,
        &token,
        json!({"authenticator_id": "totp|dev_0000000000000000"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_request");
    server.shutdown().await;
}

#[tokio::test]
async fn associating_an_sms_factor_texts_a_code_that_enrols_it() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    // admin has no factor.
    let token = mfa_token(&base, "admin@example.com").await;
    let (status, assoc) = post_json(
        &base,
        "/mfa/associate",
        Some(&token),
        json!({"authenticator_types": ["oob"], "oob_channels": ["sms"], "phone_number": "+15005550006"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{assoc}");
    assert_eq!(assoc["authenticator_type"], "oob");
    assert_eq!(assoc["oob_channel"], "sms");
    assert_eq!(assoc["binding_method"], "prompt");
    assert_eq!(assoc["recovery_codes"].as_array().unwrap().len(), 1);
    let code = sent_code(&base, "+15005550006").await;
    let (status, body) = oob_grant(
        &base,
        &token,
        assoc["oob_code"].as_str().unwrap(),
        Some(&code),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The next login is challenged on the new phone.
    let next = mfa_token(&base, "admin@example.com").await;
    let (status, challenge) = oob_challenge(&base, &next, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{challenge}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_voice_factor_is_refused_saying_it_has_no_offline_stand_in() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "admin@example.com").await;
    let (status, body) = post_json(
        &base,
        "/mfa/associate",
        Some(&token),
        json!({"authenticator_types": ["oob"], "oob_channels": ["voice"], "phone_number": "+15005550006"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("not supported by auth0-mock"),
        "{body}"
    );
    server.shutdown().await;
}

/// The browser login of `user` up to the MFA screen it is sent to.
async fn to_the_screen(base: &str, user: &str) -> BrowserLogin {
    let password = format!("{}-password", user.split('@').next().unwrap());
    browser_login_at(base, &client(), &authorize_url(base, ""), user, &password).await
}

#[tokio::test]
async fn a_browser_login_with_an_sms_factor_completes_with_the_texted_code() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "bob@example.com").await;
    assert!(
        login
            .callback
            .starts_with(&format!("{base}/u/mfa-sms-challenge?state=")),
        "{}",
        login.callback
    );
    let html = client()
        .get(&login.callback)
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(BOB_PHONE), "{html}");
    let code = sent_code(&base, BOB_PHONE).await;
    let res = client()
        .post(&login.callback)
        .header(COOKIE, &login.cookie)
        .form(&[("code", code.as_str()), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let callback = location(&res, &base);
    let q = query_of(&callback);
    let body: Value = exchange(&base, &client(), &q["code"])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id_claims(&body)["amr"], json!(["mfa"]));
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_emailed_code_shows_the_challenge_again() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "carol@example.com").await;
    assert!(
        login.callback.contains("/u/mfa-email-challenge?state="),
        "{}",
        login.callback
    );
    let code = sent_code(&base, "carol@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let res = client()
        .post(&login.callback)
        .header(COOKIE, &login.cookie)
        .form(&[("code", wrong), ("action", "default")])
        .send()
        .await
        .unwrap();
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
async fn an_mfa_phone_number_that_is_not_e164_is_refused_at_startup() {
    let dir = fixture(&[], &[]);
    let path = dir.path().join("users.json");
    let mut users: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    users[1]["mfa"] = json!({"phone_number": "415-555-0123"});
    std::fs::write(&path, users.to_string()).unwrap();
    let err = try_start_with_fixtures(dir.path()).await.err().unwrap();
    assert!(err.contains("[1].mfa.phone_number"), "{err}");
}

#[tokio::test]
async fn a_second_association_voids_the_code_sent_for_the_first() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let token = mfa_token(&base, "admin@example.com").await;
    let (_, sms) = post_json(
        &base,
        "/mfa/associate",
        Some(&token),
        json!({"authenticator_types": ["oob"], "oob_channels": ["sms"], "phone_number": "+15005550006"}),
    )
    .await;
    let (status, _) = post_json(
        &base,
        "/mfa/associate",
        Some(&token),
        json!({"authenticator_types": ["otp"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let code = sent_code(&base, "+15005550006").await;
    let (status, body) = oob_grant(
        &base,
        &token,
        sms["oob_code"].as_str().unwrap(),
        Some(&code),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error_description"], "Invalid oob_code.");
    server.shutdown().await;
}

/// Posts `form` to the challenge screen of `login`: its status and page.
async fn post_screen(login: &BrowserLogin, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = client()
        .post(&login.callback)
        .header(COOKIE, &login.cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn resend_texts_a_new_code_that_completes_the_login_and_voids_the_first() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "bob@example.com").await;
    let first = sent_code(&base, BOB_PHONE).await;
    let (status, html) = post_screen(&login, &[("action", "resend-code")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("We&#x27;ve sent you a new code.")
            || html.contains("We've sent you a new code."),
        "{html}"
    );
    let second = sent_code(&base, BOB_PHONE).await;
    assert_eq!(
        outbox(&base, &format!("to={}&kind=mfa_oob_code", enc(BOB_PHONE)))
            .await
            .len(),
        2
    );
    if first != second {
        let (status, _) = post_screen(&login, &[("code", &first), ("action", "default")]).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "the first code still worked"
        );
    }
    let res = client()
        .post(&login.callback)
        .header(COOKIE, &login.cookie)
        .form(&[("code", second.as_str()), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(location(&res, &base).contains("code="));
    server.shutdown().await;
}

#[tokio::test]
async fn the_challenge_screen_offers_resend_as_a_form_of_its_own() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "carol@example.com").await;
    let html = client()
        .get(&login.callback)
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"resend-form\""), "{html}");
    assert!(
        html.contains("name=\"action\" value=\"resend-code\""),
        "{html}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn ten_resends_use_up_the_users_sends_and_the_eleventh_is_429() {
    let (server, _dir) = start().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "carol@example.com").await;
    for n in 0..10 {
        let (status, _) = post_screen(&login, &[("action", "resend-code")]).await;
        assert_eq!(status, StatusCode::OK, "resend {n}");
    }
    let (status, html) = post_screen(&login, &[("action", "resend-code")]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("exceeded the amount of codes sent"), "{html}");
    // The first login code and ten resends: the eleventh was not sent.
    assert_eq!(
        outbox(&base, "to=carol%40example.com&kind=mfa_oob_code")
            .await
            .len(),
        11
    );
    // The last code sent still completes the login.
    let code = sent_code(&base, "carol@example.com").await;
    let (status, _) = post_screen(&login, &[("code", &code), ("action", "default")]).await;
    assert_eq!(status, StatusCode::FOUND);
    server.shutdown().await;
}
