//! `POST /dbconnections/signup`: Auth0's success and error bodies, and what a sign-up leaves
//! behind (a user who can log in at once, and nothing when refused).

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_signup_answers_auth0s_body_and_the_user_logs_in_at_once() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = signup(&base, signup_body("new@example.com", STRONG)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "new@example.com");
    assert_eq!(body["email_verified"], false);
    let id = body["_id"].as_str().expect("an _id");
    assert_eq!(id.len(), 24, "a 24-hex id like Auth0's: {id}");
    let (status, tokens) = login(&base, "new@example.com", STRONG).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(id_claims(&tokens)["sub"], format!("auth0|{id}"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_signed_up_user_has_a_database_identity_in_the_management_api() {
    let server = start().await;
    let base = server.base_url();
    let (_, body) = signup(&base, signup_body("listed@example.com", STRONG)).await;
    let user_id = format!("auth0|{}", body["_id"].as_str().unwrap());
    let user = get_json(&format!("{base}/api/v2/users/{}", enc(&user_id))).await;
    assert_eq!(user["identities"][0]["provider"], "auth0");
    assert_eq!(
        user["identities"][0]["connection"],
        "Username-Password-Authentication"
    );
    assert!(user["created_at"].is_string());
    server.shutdown().await;
}

#[tokio::test]
async fn a_taken_email_is_auth0s_user_exists() {
    let server = start().await;
    let (status, body) = signup(&server.base_url(), signup_body("ALICE@example.com", STRONG)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"name": "BadRequestError", "code": "user_exists", "description": "The user already exists.", "statusCode": 400})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_weak_password_is_a_password_strength_error_with_the_policy() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = signup(&base, signup_body("weak@example.com", "abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["name"], "PasswordStrengthError");
    assert_eq!(body["code"], "invalid_password");
    assert_eq!(body["description"]["verified"], false);
    assert!(
        body["policy"]
            .as_str()
            .unwrap()
            .starts_with("* At least 8 characters in length"),
        "{body}"
    );
    let (status, _) = login(&base, "weak@example.com", "abc").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no user was created");
    server.shutdown().await;
}

#[tokio::test]
async fn a_connection_with_signups_disabled_refuses_them() {
    let (server, _dir) = start_with_db("      disable_signup: true\n").await;
    let (status, body) = signup(
        &server.base_url(),
        signup_body("closed@example.com", STRONG),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "public signup is disabled");
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_connection_is_bad_connection() {
    let server = start().await;
    let mut body = signup_body("x@example.com", STRONG);
    body["connection"] = json!("nope");
    let (status, answer) = signup(&server.base_url(), body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "bad.connection");
    server.shutdown().await;
}

#[tokio::test]
async fn a_connection_that_requires_usernames_refuses_a_signup_without_one() {
    let (server, _dir) = start_with_db("      requires_username: true\n").await;
    let base = server.base_url();
    let (status, body) = signup(&base, signup_body("nouser@example.com", STRONG)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error_description"],
        "Missing required property: username"
    );
    let mut with = signup_body("withuser@example.com", STRONG);
    with["username"] = json!("withuser");
    let (status, body) = signup(&base, with).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["username"], "withuser");
    let (status, _) = login(&base, "withuser", STRONG).await;
    assert_eq!(status, StatusCode::OK, "the username logs in too");
    server.shutdown().await;
}

#[tokio::test]
async fn a_taken_username_is_username_exists() {
    let (server, _dir) = start_with_db("      requires_username: true\n").await;
    let base = server.base_url();
    let mut first = signup_body("one@example.com", STRONG);
    first["username"] = json!("same");
    assert_eq!(signup(&base, first).await.0, StatusCode::OK);
    let mut second = signup_body("two@example.com", STRONG);
    second["username"] = json!("SAME");
    let (status, body) = signup(&base, second).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "username_exists");
    server.shutdown().await;
}

#[tokio::test]
async fn concurrent_signups_with_one_email_create_exactly_one_user() {
    let server = start().await;
    let base = server.base_url();
    let attempts = (0..16).map(|_| {
        let base = base.clone();
        async move { signup(&base, signup_body("race@example.com", STRONG)).await }
    });
    let results = futures_join_all(attempts).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let exists = results
        .iter()
        .filter(|(_, b)| b["code"] == "user_exists")
        .count();
    assert_eq!((created, exists), (1, 15), "{results:?}");
    let users = users_by_email(&base, "race@example.com").await;
    assert_eq!(users.as_array().unwrap().len(), 1);
    server.shutdown().await;
}

/// Runs futures concurrently on the test's runtime, in order of the results.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("a sign-up task"));
    }
    out
}

#[tokio::test]
async fn a_form_encoded_signup_works_like_json() {
    let server = start().await;
    let res = client()
        .post(format!("{}/dbconnections/signup", server.base_url()))
        .form(&[
            ("client_id", SPA),
            ("connection", "Username-Password-Authentication"),
            ("email", "form@example.com"),
            ("password", STRONG),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn user_metadata_that_is_not_strings_is_refused() {
    let server = start().await;
    let mut body = signup_body("meta@example.com", STRONG);
    body["user_metadata"] = json!({ "age": 3 });
    let (status, answer) = signup(&server.base_url(), body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error_description"]
            .as_str()
            .unwrap()
            .contains("user_metadata.age")
    );
    server.shutdown().await;
}
