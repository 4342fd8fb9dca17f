//! What a post-login Action sees of the user's factors: `event.user.enrolledFactors` and
//! `event.user.multifactor`, on which Actions branch to enrol or challenge.

use super::*;

const TELL_FACTORS: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/factors',
    event.user.enrolledFactors.map((f) => f.type).join(','));
  api.idToken.setCustomClaim('https://example.com/providers', event.user.multifactor);
};"#;

/// The ID token of `user`'s password grant under the TELL_FACTORS Action.
async fn told(user: &str, password: &str) -> Value {
    let dir = fixture(&[Action::new("tell", TELL_FACTORS)], &[]);
    let server = start_with_fixtures(dir.path()).await;
    let (status, body) = password_grant(&server.base_url(), user, password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = id_claims(&body);
    server.shutdown().await;
    claims
}

#[tokio::test]
async fn an_action_sees_alices_totp_as_an_otp_factor_of_guardian() {
    let claims = told("alice@example.com", "alice-password").await;
    assert_eq!(claims["https://example.com/factors"], "otp");
    assert_eq!(
        claims["https://example.com/providers"],
        serde_json::json!(["guardian"])
    );
}

#[tokio::test]
async fn an_action_sees_empty_factor_lists_for_a_user_with_none() {
    let claims = told("bob@example.com", "bob-password").await;
    assert_eq!(claims["https://example.com/factors"], "");
    assert_eq!(
        claims["https://example.com/providers"],
        serde_json::json!([])
    );
}
