//! Passwordless: `/passwordless/start`, the OTP grant, magic links and the login screens, with
//! Auth0's code rules (newest only, single use, three tries, three minutes) and users created
//! on a first login through the registration triggers.

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

/// `POST /passwordless/start` with a JSON body.
async fn start_passwordless(base: &str, body: Value) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/passwordless/start"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Sends a code by email from the web app; the code from the outbox.
async fn email_code(base: &str, email: &str) -> String {
    let (status, body) = start_passwordless(
        base,
        json!({ "client_id": WEB, "client_secret": WEB_SECRET, "connection": "email", "email": email, "send": "code" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sent = outbox(base, &format!("to={}&kind=passwordless_code", enc(email))).await;
    sent.last().expect("a code in the outbox")["code"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The OTP grant with the web app.
async fn otp_grant(base: &str, realm: &str, username: &str, otp: &str) -> (StatusCode, Value) {
    token(
        base,
        &web_form(&[
            (
                "grant_type",
                "http://auth0.com/oauth/grant-type/passwordless/otp",
            ),
            ("realm", realm),
            ("username", username),
            ("otp", otp),
            ("audience", API),
            ("scope", "openid profile email offline_access"),
        ]),
    )
    .await
}

#[tokio::test]
async fn an_emailed_code_logs_a_new_user_in_with_a_verified_email() {
    let server = start().await;
    let base = server.base_url();
    let code = email_code(&base, "pl@example.com").await;
    assert_eq!(code.len(), 6, "{code}");
    let (status, tokens) = otp_grant(&base, "email", "pl@example.com", &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let id = id_claims(&tokens);
    assert!(id["sub"].as_str().unwrap().starts_with("email|"), "{id}");
    assert_eq!(id["email_verified"], true);
    assert!(
        tokens["refresh_token"].is_string(),
        "the OTP grant may give a refresh token"
    );
    verify(&base, tokens["access_token"].as_str().unwrap(), API).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_second_passwordless_login_is_the_same_user() {
    let server = start().await;
    let base = server.base_url();
    let first = email_code(&base, "again@example.com").await;
    let (_, a) = otp_grant(&base, "email", "again@example.com", &first).await;
    let second = email_code(&base, "again@example.com").await;
    let (_, b) = otp_grant(&base, "email", "again@example.com", &second).await;
    assert_eq!(id_claims(&a)["sub"], id_claims(&b)["sub"]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_database_user_and_a_passwordless_user_may_share_an_email() {
    let server = start().await;
    let base = server.base_url();
    let code = email_code(&base, "alice@example.com").await;
    let (status, tokens) = otp_grant(&base, "email", "alice@example.com", &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_ne!(
        id_claims(&tokens)["sub"],
        "auth0|alice",
        "Auth0 keeps an identity per connection"
    );
    assert_eq!(
        alice_login(&base).await.0,
        StatusCode::OK,
        "the database user is untouched"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_code_is_auth0s_invalid_grant_and_the_right_one_still_works() {
    let server = start().await;
    let base = server.base_url();
    let code = email_code(&base, "wrong@example.com").await;
    let (status, body) = otp_grant(&base, "email", "wrong@example.com", "000000x").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Wrong email or verification code."})
    );
    assert_eq!(
        otp_grant(&base, "email", "wrong@example.com", &code)
            .await
            .0,
        StatusCode::OK
    );
    server.shutdown().await;
}

#[tokio::test]
async fn three_wrong_codes_void_the_code() {
    let server = start().await;
    let base = server.base_url();
    let code = email_code(&base, "tries@example.com").await;
    for _ in 0..3 {
        otp_grant(&base, "email", "tries@example.com", "nope").await;
    }
    let (status, body) = otp_grant(&base, "email", "tries@example.com", &code).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["error_description"],
        "You've reached the maximum number of attempts. Please try to login again."
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_code_works_once() {
    let server = start().await;
    let base = server.base_url();
    let code = email_code(&base, "once@example.com").await;
    assert_eq!(
        otp_grant(&base, "email", "once@example.com", &code).await.0,
        StatusCode::OK
    );
    assert_eq!(
        otp_grant(&base, "email", "once@example.com", &code).await.0,
        StatusCode::FORBIDDEN
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_newer_code_replaces_the_older() {
    let server = start().await;
    let base = server.base_url();
    let old = email_code(&base, "newer@example.com").await;
    let new = email_code(&base, "newer@example.com").await;
    if old != new {
        assert_eq!(
            otp_grant(&base, "email", "newer@example.com", &old).await.0,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        otp_grant(&base, "email", "newer@example.com", &new).await.0,
        StatusCode::OK
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_code_expires_after_the_connections_time_step() {
    let server = start().await;
    let base = server.base_url();
    let code = email_code(&base, "slow@example.com").await;
    server.handle().advance_clock(181);
    let (status, body) = otp_grant(&base, "email", "slow@example.com", &code).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["error_description"],
        "The verification code has expired. Please try to login again."
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_sms_code_logs_in_by_phone_number() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = start_passwordless(
        &base,
        json!({ "client_id": WEB, "client_secret": WEB_SECRET, "connection": "sms", "phone_number": "+15550001111" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["phone_number"], "+15550001111");
    let sms = only_message(&base, "+15550001111", "passwordless_code").await;
    assert_eq!(sms["channel"], "sms");
    let (status, bad) = otp_grant(&base, "sms", "+15550001111", "nope").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        bad["error_description"],
        "Wrong phone number or verification code."
    );
    let (status, tokens) =
        otp_grant(&base, "sms", "+15550001111", sms["code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(
        id_claims(&tokens)["sub"]
            .as_str()
            .unwrap()
            .starts_with("sms|")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_phone_number_that_is_not_e164_is_bad_phone_number() {
    let server = start().await;
    let (status, body) = start_passwordless(
        &server.base_url(),
        json!({ "client_id": WEB, "client_secret": WEB_SECRET, "connection": "sms", "phone_number": "555-1111" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "bad.phone_number");
    server.shutdown().await;
}

#[tokio::test]
async fn a_database_connection_is_not_a_passwordless_connection() {
    let server = start().await;
    let (status, body) = start_passwordless(
        &server.base_url(),
        json!({ "client_id": SPA, "connection": "Username-Password-Authentication", "email": "x@example.com" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "bad.connection");
    server.shutdown().await;
}

#[tokio::test]
async fn a_regular_web_app_must_send_its_secret_to_start() {
    let server = start().await;
    let (status, body) = start_passwordless(
        &server.base_url(),
        json!({ "client_id": WEB, "connection": "email", "email": "x@example.com", "send": "code" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
    server.shutdown().await;
}

#[tokio::test]
async fn a_magic_link_signs_in_and_reaches_the_callback_without_a_refresh_token() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = start_passwordless(
        &base,
        json!({
            "client_id": SPA, "connection": "email", "email": "link@example.com", "send": "link",
            "authParams": {
                "response_type": "code", "redirect_uri": CALLBACK, "scope": "openid email offline_access",
                "state": STATE, "nonce": NONCE, "audience": API,
                "code_challenge": CHALLENGE, "code_challenge_method": "S256"
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mail = only_message(&base, "link@example.com", "passwordless_link").await;
    let link = mail["link"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{base}/passwordless/verify_redirect?")),
        "{link}"
    );
    let res = client().get(link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(
        res.headers().get(SET_COOKIE).is_some(),
        "the link starts a session"
    );
    let callback = query_of(&location(&res, &base));
    assert_eq!(callback["state"], STATE);
    let tokens: Value = exchange(&base, &client(), &callback["code"])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id_claims(&tokens)["email"], "link@example.com");
    assert!(
        tokens.get("refresh_token").is_none(),
        "a magic link never yields a refresh token"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_passwordless_screens_take_an_email_then_its_code() {
    let server = start().await;
    let base = server.base_url();
    let first = login_page_url(&base, &client(), &authorize_url(&base, "&connection=email")).await;
    assert!(first.contains("/u/login/passwordless?state="), "{first}");
    let html = get_page(&first).await.1;
    assert!(html.contains(r#"id="email" name="email""#));
    let res = client()
        .post(&first)
        .form(&[("email", "screens@example.com"), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let code_page = location(&res, &base);
    assert!(
        code_page.contains("/u/login-passwordless-email-code?state="),
        "{code_page}"
    );
    let code = only_message(&base, "screens@example.com", "passwordless_code").await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let wrong = client()
        .post(&code_page)
        .form(&[("code", "nope"), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(wrong.text().await.unwrap().contains("Code is invalid"));
    let ok = client()
        .post(&code_page)
        .form(&[("code", code.as_str()), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::FOUND);
    let cookie = ok.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let back = client()
        .get(location(&ok, &base))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    let callback = query_of(&location(&back, &base));
    let tokens: Value = exchange(&base, &client(), &callback["code"])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id_claims(&tokens)["email"], "screens@example.com");
    server.shutdown().await;
}

#[tokio::test]
async fn a_first_passwordless_login_runs_the_registration_triggers() {
    let (upstream, server, _dir) = start_with_registration_webhook().await;
    let base = server.base_url();
    let code = email_code(&base, "fresh@example.com").await;
    otp_grant(&base, "email", "fresh@example.com", &code).await;
    let again = email_code(&base, "fresh@example.com").await;
    otp_grant(&base, "email", "fresh@example.com", &again).await;
    let seen = upstream.seen();
    assert_eq!(seen.len(), 1, "registration runs once, on the first login");
    assert_eq!(seen[0].body["connection"]["strategy"], "email");
    server.shutdown().await;
}

#[tokio::test]
async fn a_code_length_auth0_would_refuse_fails_the_tenant_at_startup() {
    let dir = tenant_dir(Edits::default());
    let path = dir.path().join("tenant.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let email = "  - name: email\n    strategy: email\n    options:\n      totp: { time_step: 180, length: 6 }";
    assert!(
        yaml.contains(email),
        "the default tenant's email connection changed shape"
    );
    std::fs::write(
        &path,
        yaml.replacen(email, &email.replace("length: 6", "length: 20"), 1),
    )
    .unwrap();
    let err = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("startup fails");
    assert!(
        err.contains("connections[name=email].options.totp.length"),
        "{err}"
    );
}
