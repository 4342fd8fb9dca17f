//! The password grant's `mfa_required`, the MFA API and the grants that complete it.

use super::*;

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
