//! The in-process Rust handle (`MockServer::handle`): minting, users, hook records and the clock
//! without HTTP.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_handle_mints_user_tokens_that_a_strict_api_accepts() {
    let server = start().await;
    let set = server
        .handle()
        .mint_for_user("alice@example.com")
        .await
        .unwrap();
    assert!(
        api_accepts(&server.base_url(), &set.access_token)
            .await
            .is_ok()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_handle_mints_scenario_tokens_with_their_defects() {
    let server = start().await;
    let scenario = server
        .handle()
        .mint_scenario("wrong-audience")
        .await
        .unwrap();
    assert!(
        api_accepts(&server.base_url(), &scenario.access_token)
            .await
            .is_err()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_added_through_the_handle_can_log_in() {
    let server = start().await;
    let mut user: auth0_mock::tenant::User = serde_json::from_value(
        json!({"email": "frank@example.com", "password": "pw", "roles": ["editor"]}),
    )
    .unwrap();
    user.user_id = "frank".into();
    server.handle().add_user(user).unwrap();
    let (status, body) = password_login(&server.base_url(), "frank@example.com", "pw").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(access_claims(&body)["sub"], "auth0|frank");
    server.shutdown().await;
}

#[tokio::test]
async fn the_handle_reads_the_hook_records() {
    let server = start().await;
    alice_login(&server.base_url()).await;
    assert!(
        !server.handle().hook_records().is_empty(),
        "the claims hook ran and was recorded"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn advancing_the_handles_clock_moves_now() {
    let server = start().await;
    let handle = server.handle();
    let before = handle.now();
    handle.advance_clock(600);
    assert!(handle.now() >= before + 600);
    server.shutdown().await;
}
