//! `/api/v2/organizations`: organizations made, read (by id and name), changed and deleted;
//! members and their organization roles, which the next organization login uses; enabled
//! connections; and invitations, whose link (in the outbox) lets the invited address join.

use crate::support::*;
use crate::{get, role_id, send};
use auth0_mock::tenant::{OrganizationUsage, Tenant};
use auth0_mock::{MockServer, ServerConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The organization of these tests, with the database connection enabled; alice is a member.
const ORG: &str = "org_wonderland0000001";
/// The SPA's "Application Login URI", where invitation links point.
const LOGIN_ROUTE: &str = "http://localhost:3000/login";

fn tenant() -> Tenant {
    let mut t = auth0_mock::tenant::load_embedded().unwrap();
    t.organizations.push(
        serde_json::from_value(json!({
            "id": ORG, "name": "wonderland", "display_name": "Wonderland Ltd",
            "connections": [{"name": "Username-Password-Authentication"}],
            "members": [{"user": "auth0|alice", "roles": ["user"]}],
        }))
        .unwrap(),
    );
    for c in &mut t.clients {
        c.organization_usage = OrganizationUsage::Allow;
        c.initiate_login_uri = Some(LOGIN_ROUTE.into());
    }
    t
}

async fn serve() -> MockServer {
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(tenant());
    MockServer::start(cfg).await.unwrap()
}

/// The callback's query after `user` logs in with `extra` on the SPA's authorize URL.
async fn org_login(
    base: &str,
    user: &str,
    password: &str,
    extra: &str,
) -> std::collections::HashMap<String, String> {
    browser_login_at(base, &client(), &authorize_url(base, extra), user, password)
        .await
        .query()
}

/// The tokens of a login whose callback is `q`.
async fn tokens(base: &str, q: &std::collections::HashMap<String, String>) -> Value {
    let code = q.get("code").unwrap_or_else(|| panic!("no code: {q:?}"));
    let res = exchange(base, &client(), code).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The user ids the members list shows.
async fn member_ids(base: &str) -> Vec<String> {
    let (status, members) = get(base, &format!("/api/v2/organizations/{ORG}/members")).await;
    assert_eq!(status, StatusCode::OK, "{members}");
    members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_created_organization_is_read_by_id_and_by_name() {
    let server = serve().await;
    let base = server.base_url();
    let (status, made) = send(
        &base,
        "POST",
        "/api/v2/organizations",
        json!({"name": "acme", "display_name": "Acme", "metadata": {"tier": "gold"}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_str().unwrap();
    assert!(id.starts_with("org_") && id.len() == 20, "{id}");
    let (_, by_id) = get(&base, &format!("/api/v2/organizations/{id}")).await;
    assert_eq!(by_id, made);
    let (_, by_name) = get(&base, "/api/v2/organizations/name/acme").await;
    assert_eq!(by_name["id"], made["id"]);
    assert_eq!(by_name["metadata"], json!({"tier": "gold"}));
    server.shutdown().await;
}

#[tokio::test]
async fn a_name_already_taken_is_a_conflict() {
    let server = serve().await;
    let (status, body) = send(
        &server.base_url(),
        "POST",
        "/api/v2/organizations",
        json!({"name": "wonderland"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_name_with_upper_case_or_spaces_is_an_invalid_body() {
    let server = serve().await;
    for name in ["Acme", "acme corp", "-acme", ""] {
        let (status, body) = send(
            &server.base_url(),
            "POST",
            "/api/v2/organizations",
            json!({ "name": name }),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        assert_eq!(body["errorCode"], "invalid_body", "{body}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_organization_is_404_with_auth0s_message() {
    let server = serve().await;
    let (status, body) = get(&server.base_url(), "/api/v2/organizations/org_nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "No organization found by that id.");
    server.shutdown().await;
}

#[tokio::test]
async fn a_patch_changes_the_display_name_and_a_null_removes_a_metadata_key() {
    let server = serve().await;
    let base = server.base_url();
    let path = format!("/api/v2/organizations/{ORG}");
    send(
        &base,
        "PATCH",
        &path,
        json!({"metadata": {"a": "1", "b": "2"}}),
    )
    .await;
    let (status, body) = send(
        &base,
        "PATCH",
        &path,
        json!({"display_name": "Wonderland plc", "metadata": {"a": null}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["display_name"], "Wonderland plc");
    assert_eq!(body["metadata"], json!({"b": "2"}));
    server.shutdown().await;
}

#[tokio::test]
async fn a_deleted_organization_refuses_the_next_login_into_it() {
    let server = serve().await;
    let base = server.base_url();
    let (status, _) = send(
        &base,
        "DELETE",
        &format!("/api/v2/organizations/{ORG}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = get(&base, &format!("/api/v2/organizations/{ORG}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = client()
        .get(authorize_url(&base, &format!("&organization={ORG}")))
        .send()
        .await
        .unwrap();
    assert_eq!(query_of(&location(&res, &base))["error"], "invalid_request");
    server.shutdown().await;
}

#[tokio::test]
async fn a_member_added_through_the_api_logs_into_the_organization() {
    let server = serve().await;
    let base = server.base_url();
    let extra = format!("&organization={ORG}");
    let q = org_login(&base, "bob@example.com", "bob-password", &extra).await;
    assert_eq!(q["error"], "access_denied", "bob is not a member yet");
    let (status, _) = send(
        &base,
        "POST",
        &format!("/api/v2/organizations/{ORG}/members"),
        json!({"members": ["auth0|bob"]}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let q = org_login(&base, "bob@example.com", "bob-password", &extra).await;
    assert_eq!(id_claims(&tokens(&base, &q).await)["org_id"], ORG);
    assert_eq!(member_ids(&base).await, vec!["auth0|alice", "auth0|bob"]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_removed_member_is_refused() {
    let server = serve().await;
    let base = server.base_url();
    let (status, _) = send(
        &base,
        "DELETE",
        &format!("/api/v2/organizations/{ORG}/members"),
        json!({"members": ["auth0|alice"]}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let q = org_login(
        &base,
        "alice@example.com",
        "alice-password",
        &format!("&organization={ORG}"),
    )
    .await;
    assert!(
        q["error_description"].contains("is not part of the"),
        "{q:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn adding_an_unknown_user_as_a_member_is_an_invalid_body() {
    let server = serve().await;
    let (status, body) = send(
        &server.base_url(),
        "POST",
        &format!("/api/v2/organizations/{ORG}/members"),
        json!({"members": ["auth0|nobody"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_member_role_given_through_the_api_is_in_the_next_organization_login() {
    let server = serve().await;
    let base = server.base_url();
    let admin = role_id(&base, "admin").await;
    let roles_path = format!("/api/v2/organizations/{ORG}/members/auth0%7Calice/roles");
    let (status, _) = send(&base, "POST", &roles_path, json!({"roles": [admin]})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, roles) = get(&base, &roles_path).await;
    let names: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["user", "admin"]);
    let q = org_login(
        &base,
        "alice@example.com",
        "alice-password",
        &format!("&organization={ORG}"),
    )
    .await;
    let allowed = &access_claims(&tokens(&base, &q).await)[HASURA_NS]["x-hasura-allowed-roles"];
    assert!(
        allowed.as_array().unwrap().contains(&json!("admin")),
        "{allowed}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_removed_member_role_is_gone_from_the_list() {
    let server = serve().await;
    let base = server.base_url();
    let user = role_id(&base, "user").await;
    let roles_path = format!("/api/v2/organizations/{ORG}/members/auth0%7Calice/roles");
    let (status, _) = send(&base, "DELETE", &roles_path, json!({"roles": [user]})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, roles) = get(&base, &roles_path).await;
    assert_eq!(roles, json!([]));
    server.shutdown().await;
}

#[tokio::test]
async fn roles_of_a_non_member_are_404() {
    let server = serve().await;
    let (status, _) = get(
        &server.base_url(),
        &format!("/api/v2/organizations/{ORG}/members/auth0%7Cbob/roles"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.shutdown().await;
}

#[tokio::test]
async fn the_members_list_shows_roles_when_fields_asks_for_them() {
    let server = serve().await;
    let (_, members) = get(
        &server.base_url(),
        &format!("/api/v2/organizations/{ORG}/members?fields=user_id,roles"),
    )
    .await;
    assert_eq!(members[0]["user_id"], "auth0|alice");
    assert_eq!(members[0]["roles"][0]["name"], "user", "{members}");
    assert!(members[0].get("email").is_none(), "{members}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_members_list_leaves_out_the_fields_include_fields_false_names() {
    let server = serve().await;
    let (_, members) = get(
        &server.base_url(),
        &format!("/api/v2/organizations/{ORG}/members?fields=picture,name&include_fields=false"),
    )
    .await;
    assert_eq!(members[0]["email"], "alice@example.com", "{members}");
    assert!(members[0].get("picture").is_none(), "{members}");
    assert!(members[0].get("name").is_none(), "{members}");
    assert!(members[0].get("roles").is_none(), "{members}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_disabled_connection_refuses_the_organizations_members() {
    let server = serve().await;
    let base = server.base_url();
    let (_, enabled) = get(
        &base,
        &format!("/api/v2/organizations/{ORG}/enabled_connections"),
    )
    .await;
    let conn = enabled[0]["connection_id"].as_str().unwrap().to_string();
    assert_eq!(
        enabled[0]["connection"]["name"],
        "Username-Password-Authentication"
    );
    let (status, _) = send(
        &base,
        "DELETE",
        &format!("/api/v2/organizations/{ORG}/enabled_connections/{conn}"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let q = org_login(
        &base,
        "alice@example.com",
        "alice-password",
        &format!("&organization={ORG}"),
    )
    .await;
    assert_eq!(q["error"], "access_denied");
    assert!(q["error_description"].contains("not enabled"), "{q:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_users_organizations_are_the_ones_they_are_a_member_of() {
    let server = serve().await;
    let base = server.base_url();
    let (_, alice) = get(&base, "/api/v2/users/auth0%7Calice/organizations").await;
    assert_eq!(alice[0]["id"], ORG);
    let (_, bob) = get(&base, "/api/v2/users/auth0%7Cbob/organizations").await;
    assert_eq!(bob, json!([]));
    server.shutdown().await;
}

/// Invites `email` with `roles` (ids); the invitation as the API answered it.
async fn invite(base: &str, email: &str, roles: Vec<String>) -> Value {
    let (status, body) = send(
        base,
        "POST",
        &format!("/api/v2/organizations/{ORG}/invitations"),
        json!({
            "inviter": {"name": "Alice"},
            "invitee": {"email": email},
            "client_id": SPA,
            "roles": roles,
            "app_metadata": {"plan": "trial"},
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// The `/authorize` extras the application forwards from the invitation link.
fn accepting(invitation: &Value) -> String {
    let link = invitation["invitation_url"].as_str().unwrap();
    let q = query_of(link);
    format!(
        "&invitation={}&organization={}",
        q["invitation"], q["organization"]
    )
}

#[tokio::test]
async fn an_invitation_links_to_the_applications_login_route_and_is_emailed() {
    let server = serve().await;
    let base = server.base_url();
    let invitation = invite(&base, "dora@example.com", vec![]).await;
    let link = invitation["invitation_url"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{LOGIN_ROUTE}?invitation=")),
        "{link}"
    );
    let q = query_of(link);
    assert_eq!(q["invitation"], invitation["ticket_id"].as_str().unwrap());
    assert_eq!(q["organization"], ORG);
    assert_eq!(q["organization_name"], "wonderland");
    assert!(invitation["id"].as_str().unwrap().starts_with("uinv_"));
    let mail: Vec<Value> = client()
        .get(format!("{base}/__mock/outbox?to=dora%40example.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0]["kind"], "user_invitation");
    assert_eq!(mail[0]["link"], link);
    server.shutdown().await;
}

#[tokio::test]
async fn an_invitation_for_a_client_without_a_login_route_is_refused() {
    let mut t = tenant();
    for c in &mut t.clients {
        c.initiate_login_uri = None;
    }
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(t);
    let server = MockServer::start(cfg).await.unwrap();
    let (status, body) = send(
        &server.base_url(),
        "POST",
        &format!("/api/v2/organizations/{ORG}/invitations"),
        json!({"inviter": {"name": "A"}, "invitee": {"email": "c@example.com"}, "client_id": SPA}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("A default login route is required"),
        "{body}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn accepting_an_invitation_makes_the_invitee_a_member_with_its_roles() {
    let server = serve().await;
    let base = server.base_url();
    let (status, dora) = send(
        &base,
        "POST",
        "/api/v2/users",
        json!({"email": "dora@example.com", "password": "Dora-passw0rd!", "connection": "Username-Password-Authentication"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{dora}");
    let editor = role_id(&base, "editor").await;
    let invitation = invite(&base, "dora@example.com", vec![editor]).await;
    let q = org_login(
        &base,
        "dora@example.com",
        "Dora-passw0rd!",
        &accepting(&invitation),
    )
    .await;
    let body = tokens(&base, &q).await;
    assert_eq!(id_claims(&body)["org_id"], ORG);
    let allowed = &access_claims(&body)[HASURA_NS]["x-hasura-allowed-roles"];
    assert!(
        allowed.as_array().unwrap().contains(&json!("editor")),
        "{allowed}"
    );
    let dora_id = dora["user_id"].as_str().unwrap();
    assert!(member_ids(&base).await.iter().any(|m| m == dora_id));
    let (_, user) = get(&base, &format!("/api/v2/users/{}", enc(dora_id))).await;
    assert_eq!(user["email_verified"], true);
    assert_eq!(user["app_metadata"]["plan"], "trial");
    let (_, left) = get(&base, &format!("/api/v2/organizations/{ORG}/invitations")).await;
    assert_eq!(left, json!([]), "an accepted invitation is gone");
    server.shutdown().await;
}

#[tokio::test]
async fn an_invitation_accepted_by_another_account_is_refused_and_spent() {
    let server = serve().await;
    let base = server.base_url();
    let invitation = invite(&base, "dora@example.com", vec![]).await;
    let q = org_login(
        &base,
        "bob@example.com",
        "bob-password",
        &accepting(&invitation),
    )
    .await;
    assert_eq!(q["error"], "access_denied");
    assert_eq!(
        q["error_description"],
        "the specified account is not allowed to accept the current invitation"
    );
    let res = client()
        .get(authorize_url(&base, &accepting(&invitation)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        query_of(&location(&res, &base))["error"],
        "invalid_request",
        "the invitation is spent"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_invitation_is_invalid_request_at_authorize() {
    let server = serve().await;
    let base = server.base_url();
    let res = client()
        .get(authorize_url(
            &base,
            &format!("&invitation=nope&organization={ORG}"),
        ))
        .send()
        .await
        .unwrap();
    let q = query_of(&location(&res, &base));
    assert_eq!(q["error"], "invalid_request");
    assert!(q["error_description"].contains("invitation"), "{q:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_login_form_is_filled_in_with_the_invited_address() {
    let server = serve().await;
    let base = server.base_url();
    let invitation = invite(&base, "dora@example.com", vec![]).await;
    let http = client();
    let page = login_page_url(&base, &http, &authorize_url(&base, &accepting(&invitation))).await;
    let html = http.get(page).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("dora@example.com"), "{html}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_deleted_invitation_can_no_longer_be_accepted() {
    let server = serve().await;
    let base = server.base_url();
    let invitation = invite(&base, "dora@example.com", vec![]).await;
    let id = invitation["id"].as_str().unwrap();
    let path = format!("/api/v2/organizations/{ORG}/invitations/{id}");
    let (status, read) = get(&base, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["invitee"]["email"], "dora@example.com");
    let (status, _) = send(&base, "DELETE", &path, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let res = client()
        .get(authorize_url(&base, &accepting(&invitation)))
        .send()
        .await
        .unwrap();
    assert_eq!(query_of(&location(&res, &base))["error"], "invalid_request");
    server.shutdown().await;
}

#[tokio::test]
async fn an_invitee_stopped_at_the_mfa_challenge_is_not_a_member_yet() {
    let server = serve().await;
    let base = server.base_url();
    let (status, dora) = send(
        &base,
        "POST",
        "/api/v2/users",
        json!({"email": "dora@example.com", "password": "Dora-passw0rd!", "connection": "Username-Password-Authentication"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{dora}");
    let invitation = invite(&base, "dora@example.com", vec![]).await;
    let mfa =
        "&acr_values=http%3A%2F%2Fschemas.openid.net%2Fpape%2Fpolicies%2F2007%2F06%2Fmulti-factor";
    let login = browser_login_at(
        &base,
        &client(),
        &authorize_url(&base, &format!("{}{mfa}", accepting(&invitation))),
        "dora@example.com",
        "Dora-passw0rd!",
    )
    .await;
    assert!(login.callback.contains("/u/mfa-"), "{}", login.callback);
    let dora_id = dora["user_id"].as_str().unwrap();
    assert!(!member_ids(&base).await.iter().any(|m| m == dora_id));
    let (_, left) = get(&base, &format!("/api/v2/organizations/{ORG}/invitations")).await;
    assert_eq!(
        left[0]["id"], invitation["id"],
        "the invitation is not spent yet"
    );
    server.shutdown().await;
}

/// The connection id of the organization's one enabled connection.
async fn enabled_connection_id(base: &str) -> String {
    let (_, enabled) = get(
        base,
        &format!("/api/v2/organizations/{ORG}/enabled_connections"),
    )
    .await;
    enabled[0]["connection_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_patched_enabled_connection_assigns_membership_on_login() {
    let server = serve().await;
    let base = server.base_url();
    let conn = enabled_connection_id(&base).await;
    let path = format!("/api/v2/organizations/{ORG}/enabled_connections/{conn}");
    let (status, body) = send(
        &base,
        "PATCH",
        &path,
        json!({"assign_membership_on_login": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["assign_membership_on_login"], true);
    let (_, read) = get(&base, &path).await;
    assert_eq!(read["assign_membership_on_login"], true);
    // bob, not a member, now becomes one by logging in.
    let q = org_login(
        &base,
        "bob@example.com",
        "bob-password",
        &format!("&organization={ORG}"),
    )
    .await;
    assert!(q.contains_key("code"), "{q:?}");
    assert!(member_ids(&base).await.contains(&"auth0|bob".to_string()));
    server.shutdown().await;
}

#[tokio::test]
async fn patching_a_connection_the_organization_does_not_enable_is_404() {
    let server = serve().await;
    let base = server.base_url();
    let (status, body) = send(
        &base,
        "PATCH",
        &format!("/api/v2/organizations/{ORG}/enabled_connections/con_nothere000000"),
        json!({"assign_membership_on_login": true}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn invitations_are_listed_newest_first_unless_sort_asks_otherwise() {
    let server = serve().await;
    let base = server.base_url();
    let first = invite(&base, "first@example.com", vec![]).await;
    let second = invite(&base, "second@example.com", vec![]).await;
    let path = format!("/api/v2/organizations/{ORG}/invitations");
    let (_, newest) = get(&base, &path).await;
    assert_eq!(newest[0]["id"], second["id"], "{newest}");
    assert_eq!(newest[1]["id"], first["id"]);
    let (_, oldest) = get(&base, &format!("{path}?sort=created_at%3A1")).await;
    assert_eq!(oldest[0]["id"], first["id"], "{oldest}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_made_again_after_a_delete_inherits_no_membership() {
    let server = serve().await;
    let base = server.base_url();
    let (status, _) = send(&base, "DELETE", "/api/v2/users/auth0%7Calice", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, made) = send(
        &base,
        "POST",
        "/api/v2/users",
        json!({"user_id": "alice", "email": "alice@example.com", "password": "Str0ng-passw0rd!",
               "connection": "Username-Password-Authentication"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["user_id"], "auth0|alice");
    let (_, orgs) = get(&base, "/api/v2/users/auth0%7Calice/organizations").await;
    assert_eq!(orgs, json!([]));
    server.shutdown().await;
}

#[tokio::test]
async fn a_renamed_role_keeps_its_organization_members() {
    let server = serve().await;
    let base = server.base_url();
    let user_role = role_id(&base, "user").await;
    let (status, _) = send(
        &base,
        "PATCH",
        &format!("/api/v2/roles/{user_role}"),
        json!({"name": "member"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, roles) = get(
        &base,
        &format!("/api/v2/organizations/{ORG}/members/auth0%7Calice/roles"),
    )
    .await;
    assert_eq!(roles[0]["name"], "member", "{roles}");
    assert_eq!(roles[0]["id"], user_role.as_str());
    server.shutdown().await;
}
