//! Password reset: `change_password` answers Auth0's sentence either way, the emailed link
//! opens the reset form, the new password works and the old one does not, the user's session
//! ends, and post-change-password runs.

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

const SENT: &str = "We've just sent you an email to reset your password.";

async fn change_password(base: &str, email: &str) -> (StatusCode, String) {
    let res = client()
        .post(format!("{base}/dbconnections/change_password"))
        .json(&json!({ "client_id": SPA, "email": email, "connection": "Username-Password-Authentication" }))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Requests a reset for alice and returns the emailed link.
async fn alice_reset_link(base: &str) -> String {
    change_password(base, "alice@example.com").await;
    only_message(base, "alice@example.com", "reset_email").await["link"]
        .as_str()
        .expect("a link")
        .to_string()
}

/// Follows a reset link to its form and submits `password` twice.
async fn reset_with(base: &str, link: &str, password: &str, confirm: &str) -> reqwest::Response {
    let res = client().get(link).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "the link leads to the form"
    );
    let form = location(&res, base);
    client()
        .post(&form)
        .form(&[
            ("password-reset", password),
            ("re-enter-password", confirm),
            ("action", "default"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn change_password_answers_auth0s_sentence_for_a_known_user() {
    let server = start().await;
    let (status, text) = change_password(&server.base_url(), "alice@example.com").await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, SENT));
    server.shutdown().await;
}

#[tokio::test]
async fn change_password_answers_the_same_for_an_unknown_email_and_sends_nothing() {
    let server = start().await;
    let base = server.base_url();
    let (status, text) = change_password(&base, "nobody@example.com").await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, SENT));
    assert!(outbox(&base, "").await.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn after_a_reset_the_new_password_works_and_the_old_one_does_not() {
    let server = start().await;
    let base = server.base_url();
    let link = alice_reset_link(&base).await;
    let done = reset_with(&base, &link, STRONG, STRONG).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(
        done.text()
            .await
            .unwrap()
            .contains("Your password has been changed successfully.")
    );
    assert_eq!(
        login(&base, "alice@example.com", STRONG).await.0,
        StatusCode::OK
    );
    assert_eq!(
        login(&base, "alice@example.com", "alice-password").await.0,
        StatusCode::FORBIDDEN
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_reset_ends_the_users_browser_session() {
    let server = start().await;
    let base = server.base_url();
    let session = alice_browser_login(&base).await;
    let link = alice_reset_link(&base).await;
    reset_with(&base, &link, STRONG, STRONG).await;
    let silent = client()
        .get(authorize_url(&base, "&prompt=none"))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    let back = query_of(&location(&silent, &base));
    assert_eq!(back["error"], "login_required");
    server.shutdown().await;
}

#[tokio::test]
async fn a_reset_link_works_once() {
    let server = start().await;
    let base = server.base_url();
    let link = alice_reset_link(&base).await;
    reset_with(&base, &link, STRONG, STRONG).await;
    assert_link_already_used(&link).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_newer_reset_link_voids_the_older_one() {
    let server = start().await;
    let base = server.base_url();
    change_password(&base, "alice@example.com").await;
    change_password(&base, "alice@example.com").await;
    let links = outbox(&base, "kind=reset_email").await;
    assert_eq!(links.len(), 2);
    let old = client()
        .get(links[0]["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::BAD_REQUEST);
    let new = client()
        .get(links[1]["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), StatusCode::FOUND);
    server.shutdown().await;
}

#[tokio::test]
async fn mismatched_passwords_are_refused_and_the_link_still_works() {
    let server = start().await;
    let base = server.base_url();
    let link = alice_reset_link(&base).await;
    let res = reset_with(&base, &link, STRONG, "Other-passw0rd!").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Passwords don") && html.contains("t match"),
        "{html}"
    );
    let res = reset_with(&base, &link, STRONG, STRONG).await;
    assert_eq!(res.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn a_weak_new_password_is_refused_with_the_policy() {
    let server = start().await;
    let base = server.base_url();
    let link = alice_reset_link(&base).await;
    let res = reset_with(&base, &link, "short", "short").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("At least 8 characters"));
    assert_eq!(
        login(&base, "alice@example.com", "alice-password").await.0,
        StatusCode::OK
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_post_change_password_action_runs_after_a_reset() {
    let (server, _dir) = start_edited(Edits {
        triggers: "  post-change-password:\n    - action_name: changed\n",
        tail: "actions:\n  - name: changed\n    code: ./actions/changed.js\n",
        files: &[(
            "actions/changed.js",
            "exports.onExecutePostChangePassword = async (event) => { console.log('changed ' + event.user.email); };\n",
        )],
        ..Default::default()
    })
    .await;
    let base = server.base_url();
    let link = alice_reset_link(&base).await;
    reset_with(&base, &link, STRONG, STRONG).await;
    let run = last_record(&base).await;
    assert_eq!(run["trigger"], "post-change-password");
    assert_eq!(logs(&run), vec!["changed alice@example.com".to_string()]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_password_change_ticket_from_the_management_api_opens_the_reset_form() {
    let server = start().await;
    let base = server.base_url();
    let res = management(&base)
        .await
        .post(format!("{base}/api/v2/tickets/password-change"))
        .json(&json!({ "user_id": "auth0|bob", "ttl_sec": 0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket: serde_json::Value = res.json().await.unwrap();
    let url = ticket["ticket"].as_str().unwrap();
    assert!(url.contains("/u/reset-verify?ticket="), "{url}");
    let done = reset_with(&base, url, STRONG, STRONG).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(
        login(&base, "bob@example.com", STRONG).await.0,
        StatusCode::OK
    );
    server.shutdown().await;
}
