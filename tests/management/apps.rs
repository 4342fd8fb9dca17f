//! `/api/v2/clients`, `/api/v2/client-grants`, `/api/v2/resource-servers` and
//! `/api/v2/connections`: what the tenant has, and an M2M app with its grant and API made at
//! runtime, which gets tokens at once.

use crate::support::*;
use crate::{get, send};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn clients_are_listed_with_their_ids_and_secrets() {
    let server = start().await;
    let (_, clients) = get(&server.base_url(), "/api/v2/clients").await;
    let m2m = clients
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == M2M)
        .unwrap();
    assert_eq!(m2m["client_secret"], M2M_SECRET);
    assert_eq!(m2m["app_type"], "non_interactive");
    assert_eq!(m2m["grant_types"], json!(["client_credentials"]));
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_client_is_404_inexistent_client() {
    let server = start().await;
    let (status, body) = get(&server.base_url(), "/api/v2/clients/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errorCode"], "inexistent_client");
    server.shutdown().await;
}

#[tokio::test]
async fn an_app_api_and_grant_made_at_runtime_get_a_client_credentials_token() {
    let server = start().await;
    let base = server.base_url();
    let (status, api) = send(
        &base,
        "POST",
        "/api/v2/resource-servers",
        json!({"name": "Reports", "identifier": "https://reports.test", "scopes": [{"value": "read:reports"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{api}");
    let (_, app) = send(
        &base,
        "POST",
        "/api/v2/clients",
        json!({"name": "Nightly", "app_type": "non_interactive"}),
    )
    .await;
    let client_id = app["client_id"].as_str().unwrap();
    let (status, grant) = send(
        &base,
        "POST",
        "/api/v2/client-grants",
        json!({"client_id": client_id, "audience": "https://reports.test", "scope": ["read:reports"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    assert!(grant["id"].as_str().unwrap().starts_with("cgr_"));
    let (status, body) = token(
        &base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", app["client_secret"].as_str().unwrap()),
            ("audience", "https://reports.test"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(access_claims(&body)["scope"], "read:reports");
    let (_, grants) = get(
        &base,
        &format!("/api/v2/client-grants?client_id={client_id}"),
    )
    .await;
    assert_eq!(grants.as_array().unwrap().len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_second_grant_for_the_same_client_and_api_is_a_409() {
    let server = start().await;
    let (status, body) = send(
        &server.base_url(),
        "POST",
        "/api/v2/client-grants",
        json!({"client_id": M2M, "audience": API, "scope": ["read:users"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_grant_with_a_scope_the_api_lacks_is_refused() {
    let server = start().await;
    let base = server.base_url();
    let (_, app) = send(
        &base,
        "POST",
        "/api/v2/clients",
        json!({"name": "Cron", "app_type": "non_interactive"}),
    )
    .await;
    let (status, body) = send(
        &base,
        "POST",
        "/api/v2/client-grants",
        json!({"client_id": app["client_id"], "audience": API, "scope": ["fly:planes"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errorCode"], "invalid_body", "{body}");
    let (_, grants) = get(
        &base,
        &format!(
            "/api/v2/client-grants?client_id={}",
            app["client_id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(grants, json!([]));
    server.shutdown().await;
}

#[tokio::test]
async fn the_management_api_itself_cannot_be_created_as_a_resource_server() {
    let server = start().await;
    let (status, body) = send(
        &server.base_url(),
        "POST",
        "/api/v2/resource-servers",
        json!({"name": "Mine", "identifier": "https://x.auth0.com/api/v2/"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["message"],
        "You can not configure the 'Auth0 Management API'."
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_resource_server_is_found_by_its_identifier_too() {
    let server = start().await;
    let (status, api) = get(
        &server.base_url(),
        "/api/v2/resource-servers/https%3A%2F%2Fapi.auth0-mock.test",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{api}");
    assert_eq!(api["identifier"], API);
    server.shutdown().await;
}

#[tokio::test]
async fn connections_filter_by_strategy_and_read_by_id() {
    let server = start().await;
    let base = server.base_url();
    let (_, db) = get(&base, "/api/v2/connections?strategy=auth0").await;
    let db = db.as_array().unwrap();
    assert_eq!(db.len(), 1);
    assert_eq!(db[0]["name"], "Username-Password-Authentication");
    let id = db[0]["id"].as_str().unwrap();
    let (status, one) = get(&base, &format!("/api/v2/connections/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["strategy"], "auth0");
    server.shutdown().await;
}
