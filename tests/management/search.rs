//! `GET /api/v2/users` with `q` (the Lucene subset people use), paging, sorting and fields,
//! over the default tenant's users (alice, bob, admin, carol, …).

use crate::get;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The emails `GET /api/v2/users?<query>` finds, in order.
async fn emails(base: &str, query: &str) -> Vec<String> {
    let (status, body) = get(base, &format!("/api/v2/users?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_field_value_query_finds_that_user() {
    let server = start().await;
    let found = emails(
        &server.base_url(),
        "q=email:%22bob%40example.com%22&search_engine=v3",
    )
    .await;
    assert_eq!(found, vec!["bob@example.com"]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_wildcard_on_email_and_an_or_find_both() {
    let server = start().await;
    let base = server.base_url();
    let found = emails(&base, "q=email:ali*%20OR%20email:bob*").await;
    assert_eq!(found, vec!["alice@example.com", "bob@example.com"]);
    server.shutdown().await;
}

#[tokio::test]
async fn and_with_app_metadata_narrows_the_search() {
    let server = start().await;
    let found = emails(
        &server.base_url(),
        "q=app_metadata.plan:pro%20AND%20email_verified:true",
    )
    .await;
    assert_eq!(found, vec!["alice@example.com"]);
    server.shutdown().await;
}

#[tokio::test]
async fn include_totals_wraps_the_page_with_its_position_and_total() {
    let server = start().await;
    let base = server.base_url();
    let (_, all) = get(&base, "/api/v2/users").await;
    let total = all.as_array().unwrap().len();
    let (_, page) = get(&base, "/api/v2/users?page=1&per_page=2&include_totals=true").await;
    assert_eq!(page["start"], 2);
    assert_eq!(page["limit"], 2);
    assert_eq!(page["total"], total);
    assert_eq!(page["users"], json!(all.as_array().unwrap()[2..4]));
    server.shutdown().await;
}

#[tokio::test]
async fn sort_orders_by_a_field_descending() {
    let server = start().await;
    let found = emails(&server.base_url(), "q=email:*example.com&sort=email:-1").await;
    let mut sorted = found.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(found, sorted);
    assert!(found.len() > 2);
    server.shutdown().await;
}

#[tokio::test]
async fn fields_keeps_only_the_fields_asked_for() {
    let server = start().await;
    let (_, users) = get(
        &server.base_url(),
        "/api/v2/users?q=email:%22alice%40example.com%22&fields=email,user_id&include_fields=true",
    )
    .await;
    assert_eq!(
        users,
        json!([{"user_id": "auth0|alice", "email": "alice@example.com"}])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_malformed_query_is_a_400_invalid_query_string() {
    let server = start().await;
    let (status, body) = get(&server.base_url(), "/api/v2/users?q=email:%22unclosed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errorCode"], "invalid_query_string", "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_page_past_the_first_1000_results_is_invalid_paging() {
    let server = start().await;
    let (status, body) = get(&server.base_url(), "/api/v2/users?page=10&per_page=100").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"statusCode": 400, "error": "Bad Request", "message": "Requesting page exceeds the allowed maximum of 1000 records.", "errorCode": "invalid_paging"})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_logged_in_user_shows_logins_count_and_last_login() {
    let server = start().await;
    let base = server.base_url();
    alice_login(&base).await;
    let (_, alice) = get(&base, "/api/v2/users/auth0%7Calice").await;
    assert_eq!(alice["logins_count"], 1);
    assert!(alice["last_login"].as_str().is_some(), "{alice}");
    let (_, active) = get(&base, "/api/v2/stats/active-users").await;
    assert_eq!(active, Value::from(1));
    server.shutdown().await;
}
