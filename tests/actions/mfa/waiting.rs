//! A login waiting for its second factor: what it changes meanwhile, how long it lasts, and
//! the limit on wrong codes.

use super::*;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_wrong_codes_get_at_most_ten_checks() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let token = mfa_token(&base).await;
    let wrong = wrong_code(ALICE_SECRET);
    let mut all = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (base, token, wrong) = (base.clone(), token.clone(), wrong.clone());
        all.spawn(async move { mfa_grant(&base, "mfa-otp", &token, ("otp", &wrong)).await.0 });
    }
    let statuses = all.join_all().await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::FORBIDDEN)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, limited), (10, 10), "{statuses:?}");
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
