//! The outbox over the control API: filters, waiting for a message instead of sleeping,
//! clearing, and a reset emptying it.

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_waiting_read_returns_when_the_message_arrives() {
    let server = start().await;
    let base = server.base_url();
    let reader = {
        let base = base.clone();
        tokio::spawn(async move { outbox(&base, "to=waited%40example.com&wait=20").await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    signup(&base, signup_body("waited@example.com", STRONG)).await;
    let found = reader.await.unwrap();
    assert_eq!(found.len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the read did not wait out its 20 s"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_wait_with_nothing_arriving_answers_an_empty_list() {
    let server = start().await;
    let found = outbox(&server.base_url(), "to=never%40example.com&wait=0.2").await;
    assert!(found.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_kind_is_refused_with_the_known_ones() {
    let server = start().await;
    let res = client()
        .get(format!("{}/__mock/outbox?kind=postcard", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("verify_email")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn delete_empties_the_outbox() {
    let server = start().await;
    let base = server.base_url();
    signup(&base, signup_body("gone@example.com", STRONG)).await;
    let res = client()
        .delete(format!("{base}/__mock/outbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(outbox(&base, "").await.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn a_reset_of_the_mock_forgets_signed_up_users_and_messages() {
    let server = start().await;
    let base = server.base_url();
    signup(&base, signup_body("temp@example.com", STRONG)).await;
    client()
        .post(format!("{base}/__mock/reset"))
        .send()
        .await
        .unwrap();
    assert!(outbox(&base, "").await.is_empty());
    assert_eq!(
        login(&base, "temp@example.com", STRONG).await.0,
        StatusCode::FORBIDDEN
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_handle_reads_the_same_outbox() {
    let server = start().await;
    signup(
        &server.base_url(),
        signup_body("handle@example.com", STRONG),
    )
    .await;
    let filter = auth0_mock::outbox::OutboxFilter {
        to: Some("handle@example.com".into()),
        kind: None,
    };
    let found = server.handle().outbox(&filter);
    assert_eq!(found.len(), 1);
    assert!(found[0].link.is_some());
    server.shutdown().await;
}
