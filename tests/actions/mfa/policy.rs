//! The tenant's MFA policy and what loading a fixture checks.

use super::*;

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
