//! `/api/v2/users` and `/api/v2/users-by-email`: create, read, change and delete users, and
//! `POST /__mock/reset`, which forgets what the API changed.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create_user(base: &str, user: Value) -> reqwest::Response {
    management(base)
        .await
        .post(format!("{base}/api/v2/users"))
        .json(&user)
        .send()
        .await
        .unwrap()
}

/// Creates dave (admin role, app_metadata plan team) and returns his user record.
async fn create_dave(base: &str) -> Value {
    let res = create_user(
        base,
        json!({"email": "dave@example.com", "password": "dave-password", "connection": "Username-Password-Authentication",
            "name": "Dave", "roles": ["admin"], "app_metadata": {"plan": "team"}}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

fn user_url(base: &str, user: &Value) -> String {
    format!(
        "{base}/api/v2/users/{}",
        enc(user["user_id"].as_str().unwrap())
    )
}

/// Dave's app_metadata.plan removed, seats set, and blocked; the patched user.
async fn patch_dave(base: &str, dave: &Value) -> Value {
    management(base)
        .await
        .patch(user_url(base, dave))
        .json(&json!({"app_metadata": {"plan": null, "seats": 5}, "blocked": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_management_api_token_is_for_the_issuers_api_v2() {
    let server = start().await;
    let base = server.base_url();
    let audience = format!("{base}/api/v2/");
    // Management API tools first get a token for <issuer>api/v2/ by client_credentials.
    let (status, mgmt) = token(
        &base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", &audience),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{mgmt}");
    assert_eq!(access_claims(&mgmt)["aud"], audience);
    server.shutdown().await;
}

#[tokio::test]
async fn a_created_user_gets_an_auth0_id_and_no_password_back() {
    let server = start().await;
    let created = create_dave(&server.base_url()).await;
    assert!(created["user_id"].as_str().unwrap().starts_with("auth0|"));
    assert!(
        created.get("password").is_none(),
        "passwords are never returned"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_created_user_logs_in_with_their_roles_in_the_hasura_claims() {
    let server = start().await;
    let base = server.base_url();
    create_dave(&base).await;
    let (status, body) = password_login(&base, "dave@example.com", "dave-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        access_claims(&body)[HASURA_NS]["x-hasura-allowed-roles"],
        json!(["admin"])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn creating_a_user_with_a_taken_email_is_a_conflict() {
    let server = start().await;
    let base = server.base_url();
    create_dave(&base).await;
    let dup = create_user(&base, json!({"email": "dave@example.com"})).await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    server.shutdown().await;
}

#[tokio::test]
async fn patching_a_user_to_a_taken_email_is_a_conflict_and_changes_nothing() {
    let server = start().await;
    let base = server.base_url();
    let dave = create_dave(&base).await;
    let res = management(&base)
        .await
        .patch(user_url(&base, &dave))
        .json(&json!({"email": "Alice@Example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let after: Value = management(&base)
        .await
        .get(user_url(&base, &dave))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["email"], "dave@example.com");
    server.shutdown().await;
}

#[tokio::test]
async fn creating_a_user_with_an_unknown_role_is_a_bad_request() {
    let server = start().await;
    let bad = create_user(
        &server.base_url(),
        json!({"email": "x@example.com", "roles": ["ghost"]}),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

#[tokio::test]
async fn patching_app_metadata_merges_and_null_deletes() {
    let server = start().await;
    let base = server.base_url();
    let dave = create_dave(&base).await;
    let patched = patch_dave(&base, &dave).await;
    assert_eq!(patched["app_metadata"], json!({"seats": 5}));
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_blocked_by_a_patch_can_no_longer_log_in() {
    let server = start().await;
    let base = server.base_url();
    let dave = create_dave(&base).await;
    patch_dave(&base, &dave).await;
    assert_eq!(
        password_login(&base, "dave@example.com", "dave-password")
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "blocked"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn users_by_email_ignores_the_case_of_the_email() {
    let server = start().await;
    let base = server.base_url();
    create_dave(&base).await;
    let by_email: Value = management(&base)
        .await
        .get(format!(
            "{base}/api/v2/users-by-email?email=DAVE@example.com"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_email.as_array().unwrap().len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn deleting_a_user_answers_204() {
    let server = start().await;
    let base = server.base_url();
    let dave = create_dave(&base).await;
    assert_eq!(
        management(&base)
            .await
            .delete(user_url(&base, &dave))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_deleted_user_is_an_inexistent_user() {
    let server = start().await;
    let base = server.base_url();
    let dave = create_dave(&base).await;
    management(&base)
        .await
        .delete(user_url(&base, &dave))
        .send()
        .await
        .unwrap();
    let missing = management(&base)
        .await
        .get(user_url(&base, &dave))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["errorCode"],
        "inexistent_user"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn reset_answers_ok() {
    let server = start().await;
    let res = client()
        .post(format!("{}/__mock/reset", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn reset_forgets_users_created_at_runtime() {
    let server = start().await;
    let base = server.base_url();
    create_user(&base, json!({"email": "erin@example.com", "password": "p"})).await;
    // Without this the check below would pass for a user that was never created.
    assert_eq!(
        password_login(&base, "erin@example.com", "p").await.0,
        StatusCode::OK,
        "erin logs in before the reset"
    );
    client()
        .post(format!("{base}/__mock/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        password_login(&base, "erin@example.com", "p").await.0,
        StatusCode::FORBIDDEN,
        "reset forgets runtime users"
    );
    server.shutdown().await;
}
