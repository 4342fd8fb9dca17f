//! A refresh an Action enables MFA for is challenged, and completes with the next token.

use super::*;

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
    let code = code_at(ALICE_SECRET, 30);
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
