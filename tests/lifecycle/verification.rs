//! Email verification: a sign-up sends the link, following it verifies the address (the next
//! token says so), and the Management API's ticket and job work.

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_signup_sends_a_verification_email_whose_link_verifies_the_address() {
    let server = start().await;
    let base = server.base_url();
    signup(&base, signup_body("verify@example.com", STRONG)).await;
    let mail = only_message(&base, "verify@example.com", "verify_email").await;
    let link = mail["link"].as_str().expect("a link");
    assert!(
        link.starts_with(&format!("{base}/u/email-verification?ticket=")),
        "{link}"
    );
    assert!(mail["text"].as_str().unwrap().contains(link));
    let page = client().get(link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Your email was verified.")
    );
    let (_, tokens) = login(&base, "verify@example.com", STRONG).await;
    assert_eq!(id_claims(&tokens)["email_verified"], true);
    server.shutdown().await;
}

#[tokio::test]
async fn a_verification_link_works_once() {
    let server = start().await;
    let base = server.base_url();
    signup(&base, signup_body("once@example.com", STRONG)).await;
    let link = only_message(&base, "once@example.com", "verify_email").await["link"]
        .as_str()
        .unwrap()
        .to_string();
    client().get(&link).send().await.unwrap();
    assert_link_already_used(&link).await;
    server.shutdown().await;
}

#[tokio::test]
async fn an_expired_verification_link_says_so() {
    let server = start().await;
    let base = server.base_url();
    signup(&base, signup_body("late@example.com", STRONG)).await;
    let link = only_message(&base, "late@example.com", "verify_email").await["link"]
        .as_str()
        .unwrap()
        .to_string();
    server.handle().advance_clock(6 * 86_400);
    let res = client().get(&link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("This ticket was expired.")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_disabled_verify_email_template_sends_nothing() {
    let (server, _dir) = start_edited(Edits {
        tail: "emailTemplates:\n  - template: verify_email\n    enabled: false\n",
        ..Default::default()
    })
    .await;
    let base = server.base_url();
    signup(&base, signup_body("quiet@example.com", STRONG)).await;
    assert!(outbox(&base, "to=quiet%40example.com").await.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn a_result_url_receives_the_browser_after_verification() {
    let (server, _dir) = start_edited(Edits {
        tail: "emailTemplates:\n  - template: verify_email\n    resultUrl: http://localhost:3000/verified\n",
        ..Default::default()
    })
    .await;
    let base = server.base_url();
    signup(&base, signup_body("result@example.com", STRONG)).await;
    let link = only_message(&base, "result@example.com", "verify_email").await["link"]
        .as_str()
        .unwrap()
        .to_string();
    let res = client().get(&link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let to = location(&res, &base);
    assert!(
        to.starts_with("http://localhost:3000/verified?success=true&message="),
        "{to}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_email_verification_ticket_from_the_management_api_verifies() {
    let server = start().await;
    let base = server.base_url();
    let res = management(&base)
        .await
        .post(format!("{base}/api/v2/tickets/email-verification"))
        .json(&json!({ "user_id": "auth0|carol" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket: serde_json::Value = res.json().await.unwrap();
    let url = ticket["ticket"].as_str().unwrap();
    assert!(url.contains("/u/email-verification?ticket="), "{url}");
    assert_eq!(
        client().get(url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let user = server.handle().user("auth0|carol").expect("carol");
    assert!(user.email_verified);
    server.shutdown().await;
}

#[tokio::test]
async fn the_verification_email_job_sends_the_email() {
    let server = start().await;
    let base = server.base_url();
    let res = management(&base)
        .await
        .post(format!("{base}/api/v2/jobs/verification-email"))
        .json(&json!({ "user_id": "auth0|carol" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let job: serde_json::Value = res.json().await.unwrap();
    assert_eq!(job["type"], "verification_email");
    assert!(job["id"].as_str().unwrap().starts_with("job_"));
    let email = server.handle().user("auth0|carol").unwrap().email.unwrap();
    only_message(&base, &email, "verify_email").await;
    server.shutdown().await;
}
