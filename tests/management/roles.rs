//! `/api/v2/roles` and a user's roles and permissions: changes are live, so the next login's
//! Hasura allowed roles and `permissions` claim show them.

use crate::support::*;
use crate::{get, role_id, send};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_role_assigned_through_the_api_is_in_the_next_logins_hasura_claims() {
    let server = start().await;
    let base = server.base_url();
    let editor = role_id(&base, "editor").await;
    let (status, _) = send(
        &base,
        "POST",
        "/api/v2/users/auth0%7Cbob/roles",
        json!({"roles": [editor]}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = bob_login(&base).await;
    let allowed = &access_claims(&body)[HASURA_NS]["x-hasura-allowed-roles"];
    assert!(
        allowed.as_array().unwrap().contains(&json!("editor")),
        "{allowed}"
    );
    let (_, roles) = get(&base, "/api/v2/users/auth0%7Cbob/roles").await;
    let names: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["user", "editor"]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_removed_role_is_gone_from_the_next_login() {
    let server = start().await;
    let base = server.base_url();
    let admin = role_id(&base, "admin").await;
    let (status, _) = send(
        &base,
        "DELETE",
        "/api/v2/users/auth0%7Cadmin/roles",
        json!({"roles": [admin]}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = password_login(&base, "admin@example.com", "admin-password").await;
    assert_eq!(
        access_claims(&body)[HASURA_NS]["x-hasura-allowed-roles"],
        json!(["user"])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_role_id_is_a_404_and_assigns_nothing() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = send(
        &base,
        "POST",
        "/api/v2/users/auth0%7Cbob/roles",
        json!({"roles": ["rol_nope"]}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errorCode"], "inexistent_role");
    let (_, roles) = get(&base, "/api/v2/users/auth0%7Cbob/roles").await;
    assert_eq!(roles.as_array().unwrap().len(), 1);
    server.shutdown().await;
}

/// An RBAC API with the `permissions` claim, a role with one of its scopes, and bob in it.
async fn rbac_setup(base: &str) -> String {
    let (status, api) = send(
        base,
        "POST",
        "/api/v2/resource-servers",
        json!({"name": "Orders", "identifier": "https://orders.test", "enforce_policies": true,
               "token_dialect": "access_token_authz",
               "scopes": [{"value": "read:orders", "description": "Read orders"}, {"value": "ship:orders"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{api}");
    let (status, role) = send(
        base,
        "POST",
        "/api/v2/roles",
        json!({"name": "shipper", "description": "Ships"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{role}");
    let id = role["id"].as_str().unwrap().to_string();
    let (status, body) = send(
        base,
        "POST",
        &format!("/api/v2/roles/{id}/permissions"),
        json!({"permissions": [{"permission_name": "ship:orders", "resource_server_identifier": "https://orders.test"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = send(
        base,
        "POST",
        &format!("/api/v2/roles/{id}/users"),
        json!({"users": ["auth0|bob"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    id
}

async fn bob_for_orders(base: &str) -> Value {
    let (status, body) = token(
        base,
        &web_form(&[
            ("grant_type", "password"),
            ("username", "bob@example.com"),
            ("password", "bob-password"),
            ("audience", "https://orders.test"),
            ("scope", "openid read:orders ship:orders"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    access_claims(&body)
}

#[tokio::test]
async fn a_role_made_at_runtime_gives_its_permissions_to_the_next_login() {
    let server = start().await;
    let base = server.base_url();
    rbac_setup(&base).await;
    let claims = bob_for_orders(&base).await;
    assert_eq!(claims["permissions"], json!(["ship:orders"]));
    assert_eq!(claims["scope"], "openid ship:orders");
    server.shutdown().await;
}

#[tokio::test]
async fn a_permission_given_to_the_user_directly_joins_the_roles_ones() {
    let server = start().await;
    let base = server.base_url();
    rbac_setup(&base).await;
    let (status, _) = send(
        &base,
        "POST",
        "/api/v2/users/auth0%7Cbob/permissions",
        json!({"permissions": [{"permission_name": "read:orders", "resource_server_identifier": "https://orders.test"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let claims = bob_for_orders(&base).await;
    assert_eq!(claims["permissions"], json!(["ship:orders", "read:orders"]));
    let (_, listed) = get(&base, "/api/v2/users/auth0%7Cbob/permissions").await;
    let sources: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["resource_server_identifier"] == "https://orders.test")
        .map(|p| p["sources"][0]["source_type"].as_str().unwrap())
        .collect();
    assert_eq!(sources, vec!["DIRECT", "ROLE"]);
    server.shutdown().await;
}

#[tokio::test]
async fn renaming_a_role_keeps_its_members() {
    let server = start().await;
    let base = server.base_url();
    let id = role_id(&base, "user").await;
    let (status, role) = send(
        &base,
        "PATCH",
        &format!("/api/v2/roles/{id}"),
        json!({"name": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{role}");
    let (_, members) = get(&base, &format!("/api/v2/roles/{id}/users")).await;
    assert!(
        members
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["user_id"] == "auth0|alice"),
        "{members}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_duplicate_role_name_is_a_409() {
    let server = start().await;
    let (status, body) = send(
        &server.base_url(),
        "POST",
        "/api/v2/roles",
        json!({"name": "admin"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn reset_forgets_roles_made_at_runtime() {
    let server = start().await;
    let base = server.base_url();
    rbac_setup(&base).await;
    client()
        .post(format!("{base}/__mock/reset"))
        .send()
        .await
        .unwrap();
    let (_, roles) = get(&base, "/api/v2/roles").await;
    assert!(
        !roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "shipper"),
        "{roles}"
    );
    server.shutdown().await;
}
