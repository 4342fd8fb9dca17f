//! Organizations: `/authorize?organization=` by id (or by name where the tenant allows names)
//! against the client's `organization_usage`, membership enforced with Auth0's errors, `org_id`
//! (and `org_name`) in both tokens and kept by refreshes, the membership's roles in
//! `event.authorization.roles`, and `event.organization` reaching Hasura claims.

use crate::support::*;
use auth0_mock::tenant::{HookBinding, Organization, OrganizationUsage, Tenant};
use auth0_mock::{MockServer, ServerConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The organization of these tests: alice is an admin in it, bob is not a member.
const ORG: &str = "org_wonderland0000001";

fn wonderland(extra: Value) -> Organization {
    let mut org = json!({
        "id": ORG,
        "name": "wonderland",
        "display_name": "Wonderland Ltd",
        "metadata": {"tier": "gold"},
        "connections": [{"name": "Username-Password-Authentication"}],
        "members": [{"user": "auth0|alice", "roles": ["admin"]}],
    });
    if let (Some(o), Some(e)) = (org.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    serde_json::from_value(org).unwrap()
}

/// The embedded tenant with [`wonderland`] and the SPA set to `usage`.
fn tenant(usage: OrganizationUsage, org: Organization) -> Tenant {
    let mut t = auth0_mock::tenant::load_embedded().unwrap();
    t.organizations.push(org);
    for c in &mut t.clients {
        c.organization_usage = usage;
    }
    t
}

async fn serve(t: Tenant) -> MockServer {
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(t);
    MockServer::start(cfg).await.unwrap()
}

async fn allow() -> MockServer {
    serve(tenant(OrganizationUsage::Allow, wonderland(json!({})))).await
}

/// The callback's parameters after `user` logs in with `extra` on the authorize URL.
async fn login(base: &str, user: &str, extra: &str) -> (BrowserLogin, HashMap<String, String>) {
    let password = format!("{}-password", user.split('@').next().unwrap());
    let login = browser_login_at(
        base,
        &client(),
        &authorize_url(base, extra),
        user,
        &password,
    )
    .await;
    let q = login.query();
    (login, q)
}

/// The callback's error parameters for an `/authorize` request refused before the login page.
async fn refused(base: &str, extra: &str) -> HashMap<String, String> {
    let res = client()
        .get(authorize_url(base, extra))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    query_of(&location(&res, base))
}

async fn tokens_of(base: &str, q: &HashMap<String, String>) -> Value {
    let res = exchange(base, &client(), &q["code"]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_member_gets_org_id_in_the_id_and_access_tokens() {
    let server = allow().await;
    let base = server.base_url();
    let (_, q) = login(&base, "alice@example.com", &format!("&organization={ORG}")).await;
    let body = tokens_of(&base, &q).await;
    assert_eq!(id_claims(&body)["org_id"], ORG);
    assert_eq!(access_claims(&body)["org_id"], ORG);
    assert!(id_claims(&body).get("org_name").is_none(), "names are off");
    server.shutdown().await;
}

#[tokio::test]
async fn a_non_member_is_refused_as_not_part_of_the_organization() {
    let server = allow().await;
    let (_, q) = login(
        &server.base_url(),
        "bob@example.com",
        &format!("&organization={ORG}"),
    )
    .await;
    assert_eq!(q["error"], "access_denied");
    assert!(
        q["error_description"].contains("is not part of the"),
        "{q:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_login_without_organization_has_no_org_claim() {
    let server = allow().await;
    let base = server.base_url();
    let (_, q) = login(&base, "alice@example.com", "").await;
    assert!(
        id_claims(&tokens_of(&base, &q).await)
            .get("org_id")
            .is_none()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_organization_is_invalid_request() {
    let server = allow().await;
    let q = refused(&server.base_url(), "&organization=org_nope").await;
    assert_eq!(q["error"], "invalid_request");
    assert!(q["error_description"].contains("org_nope"), "{q:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_name_is_refused_unless_the_tenant_allows_names() {
    let server = allow().await;
    let q = refused(&server.base_url(), "&organization=wonderland").await;
    assert_eq!(
        q["error_description"],
        "authorization request parameter organization must be an organization id"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn with_names_allowed_a_name_logs_in_and_tokens_carry_org_name() {
    let mut t = tenant(OrganizationUsage::Allow, wonderland(json!({})));
    t.organization_names = true;
    let server = serve(t).await;
    let base = server.base_url();
    let (_, q) = login(&base, "alice@example.com", "&organization=Wonderland").await;
    let id = id_claims(&tokens_of(&base, &q).await);
    assert_eq!(
        (id["org_id"].as_str(), id["org_name"].as_str()),
        (Some(ORG), Some("wonderland"))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_requires_an_organization_refuses_a_request_without_one() {
    let server = serve(tenant(OrganizationUsage::Require, wonderland(json!({})))).await;
    let q = refused(&server.base_url(), "").await;
    assert_eq!(q["error"], "invalid_request");
    assert_eq!(
        q["error_description"],
        "parameter organization is required for this client"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_denies_organizations_refuses_one() {
    let server = serve(tenant(OrganizationUsage::Deny, wonderland(json!({})))).await;
    let q = refused(&server.base_url(), &format!("&organization={ORG}")).await;
    assert_eq!(q["error"], "invalid_request");
    assert!(
        q["error_description"].contains("organization_usage is deny"),
        "{q:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_invitation_without_its_organization_is_invalid_request() {
    let server = allow().await;
    let q = refused(&server.base_url(), "&invitation=abc").await;
    assert_eq!(q["error"], "invalid_request");
    assert!(
        q["error_description"].contains("organization is required"),
        "{q:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_membership_roles_replace_the_users_roles_in_the_hasura_claims() {
    let server = allow().await;
    let base = server.base_url();
    let (_, q) = login(&base, "alice@example.com", &format!("&organization={ORG}")).await;
    let access = access_claims(&tokens_of(&base, &q).await);
    assert_eq!(
        access[HASURA_NS]["x-hasura-allowed-roles"],
        json!(["admin"]),
        "{access}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_refresh_keeps_the_org_id() {
    let server = allow().await;
    let base = server.base_url();
    let (_, q) = login(&base, "alice@example.com", &format!("&organization={ORG}")).await;
    let body = tokens_of(&base, &q).await;
    let (status, refreshed) = token(
        &base,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", body["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(access_claims(&refreshed)["org_id"], ORG);
    server.shutdown().await;
}

#[tokio::test]
async fn assign_membership_on_login_lets_a_user_of_that_connection_in() {
    let org = wonderland(json!({"connections": [
        {"name": "Username-Password-Authentication", "assign_membership_on_login": true}
    ]}));
    let server = serve(tenant(OrganizationUsage::Allow, org)).await;
    let base = server.base_url();
    let (_, q) = login(&base, "bob@example.com", &format!("&organization={ORG}")).await;
    assert_eq!(id_claims(&tokens_of(&base, &q).await)["org_id"], ORG);
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_assigned_on_login_is_a_member_afterwards() {
    let org = wonderland(json!({"connections": [
        {"name": "Username-Password-Authentication", "assign_membership_on_login": true}
    ]}));
    let server = serve(tenant(OrganizationUsage::Allow, org)).await;
    let base = server.base_url();
    login(&base, "bob@example.com", &format!("&organization={ORG}")).await;
    let members: Value = management(&base)
        .await
        .get(format!("{base}/api/v2/organizations/{ORG}/members"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = members
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["user_id"].as_str())
        .collect();
    assert_eq!(ids, vec!["auth0|alice", "auth0|bob"]);
    server.shutdown().await;
}

#[tokio::test]
async fn an_organization_without_enabled_connections_lets_nobody_in() {
    let org = wonderland(json!({"connections": []}));
    let server = serve(tenant(OrganizationUsage::Allow, org)).await;
    let (_, q) = login(
        &server.base_url(),
        "alice@example.com",
        &format!("&organization={ORG}"),
    )
    .await;
    assert_eq!(q["error"], "access_denied", "{q:?}");
    assert!(
        q["error_description"].contains("is not enabled for the"),
        "{q:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_claims_take_x_hasura_org_id_from_the_organization() {
    let mut t = tenant(OrganizationUsage::Allow, wonderland(json!({})));
    t.post_login = vec![HookBinding::native(
        "hasura-claims",
        "Hasura claims",
        json!({"default_role": "user", "default_allowed_roles": ["user"],
               "session_variables": {"x-hasura-org-id": "organization.id"}}),
    )];
    let server = serve(t).await;
    let base = server.base_url();
    let (_, q) = login(&base, "alice@example.com", &format!("&organization={ORG}")).await;
    let access = access_claims(&tokens_of(&base, &q).await);
    assert_eq!(access[HASURA_NS]["x-hasura-org-id"], ORG, "{access}");
    server.shutdown().await;
}

#[tokio::test]
async fn actions_see_event_organization_and_the_membership_roles() {
    const PROBE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/org', event.organization);
  api.idToken.setCustomClaim('https://x/roles', event.authorization.roles);
};"#;
    let mut t = tenant(OrganizationUsage::Allow, wonderland(json!({})));
    let mut probe = HookBinding::native("action", "probe", json!({}));
    probe.code = Some(("probe.js".into(), PROBE.into()));
    t.post_login.push(probe);
    let server = serve(t).await;
    let base = server.base_url();
    let (_, q) = login(&base, "alice@example.com", &format!("&organization={ORG}")).await;
    let id = id_claims(&tokens_of(&base, &q).await);
    assert_eq!(
        id["https://x/org"],
        json!({"id": ORG, "name": "wonderland", "display_name": "Wonderland Ltd", "metadata": {"tier": "gold"}})
    );
    assert_eq!(id["https://x/roles"], json!(["admin"]));
    server.shutdown().await;
}

#[tokio::test]
async fn a_database_session_cannot_pass_for_the_organizations_social_connection() {
    let org = wonderland(json!({"connections": [
        {"name": "google-oauth2", "assign_membership_on_login": true}
    ]}));
    let mut t = tenant(OrganizationUsage::Allow, org);
    t.connections.push(
        serde_json::from_value(json!({"name": "google-oauth2", "strategy": "google-oauth2"}))
            .unwrap(),
    );
    let server = serve(t).await;
    let base = server.base_url();
    let (bob, _) = login(&base, "bob@example.com", "").await;
    let res = client()
        .get(authorize_url(
            &base,
            &format!("&organization={ORG}&connection=google-oauth2"),
        ))
        .header(reqwest::header::COOKIE, &bob.cookie)
        .send()
        .await
        .unwrap();
    let q = query_of(&location(&res, &base));
    assert_eq!(q["error"], "access_denied", "{q:?}");
    assert!(
        q["error_description"].contains("is not enabled for the"),
        "{q:?}"
    );
    server.shutdown().await;
}
