//! `hasura-sync` when Hasura answers: the guide's upsert, its variables and admin secret, and
//! what the hook record shows of the call.

use crate::ADMIN_SECRET;
use crate::support::*;
use auth0_mock::MockServer;
use auth0_mock::tenant::HookBinding;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A Hasura stand-in answering every upsert.
async fn hasura() -> Upstream {
    Upstream::start(|request, _| Answer::Now(hasura_upsert_ok(request))).await
}

/// A mock whose default tenant also runs hasura-sync (named "Sync users to Hasura") against it.
async fn syncing_mock(hasura: &Upstream) -> MockServer {
    start_with_hooks(vec![HookBinding::native(
        "hasura-sync",
        "Sync users to Hasura",
        json!({ "url": hasura.url("/v1/graphql"), "admin_secret": ADMIN_SECRET }),
    )])
    .await
}

/// The one hasura-sync record after alice's password login.
async fn alices_sync_record(base: &str) -> Value {
    let (status, body) = alice_login(base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let recs = records_of(base, "hasura-sync").await;
    assert_eq!(recs.len(), 1, "{recs:?}");
    recs[0].clone()
}

#[tokio::test]
async fn the_sync_posts_the_guides_upsert_with_the_users_id_and_name() {
    let hasura = hasura().await;
    let server = syncing_mock(&hasura).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seen = hasura.seen();
    assert_eq!(seen.len(), 1);
    let query = seen[0].body["query"].as_str().unwrap();
    assert!(query.contains("insert_users_one"), "{query}");
    assert!(
        query.contains("on_conflict: { constraint: users_pkey, update_columns: [userName] }"),
        "{query}"
    );
    assert_eq!(
        seen[0].body["variables"],
        json!({"userId": "auth0|alice", "userName": "Alice Liddell"})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_sync_sends_json_with_the_admin_secret() {
    let hasura = hasura().await;
    let server = syncing_mock(&hasura).await;
    alice_login(&server.base_url()).await;
    let seen = hasura.seen();
    assert_eq!(seen[0].header("x-hasura-admin-secret"), ADMIN_SECRET);
    assert_eq!(seen[0].header("content-type"), "application/json");
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_claims_still_runs_before_the_sync() {
    let hasura = hasura().await;
    let server = syncing_mock(&hasura).await;
    let (_, body) = alice_login(&server.base_url()).await;
    let claims = access_claims(&body);
    assert_eq!(claims["sub"], "auth0|alice");
    assert_eq!(
        claims[HASURA_NS]["x-hasura-user-id"], "auth0|alice",
        "hasura-claims still runs before the sync"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_sync_is_recorded_with_the_call_and_hasuras_answer() {
    let hasura = hasura().await;
    let server = syncing_mock(&hasura).await;
    let r = alices_sync_record(&server.base_url()).await;
    assert_eq!(r["hook"], "Sync users to Hasura");
    assert_eq!(r["outcome"], "ok");
    assert_eq!(r["error"], Value::Null);
    assert_eq!(r["user_id"], "auth0|alice");
    let call = &r["calls"][0];
    assert_eq!(call["method"], "POST");
    assert_eq!(call["url"], hasura.url("/v1/graphql").as_str());
    assert_eq!(call["status"], 200);
    assert_eq!(call["error"], Value::Null);
    assert_eq!(call["request_body"]["variables"]["userId"], "auth0|alice");
    assert_eq!(
        call["request_body"]["variables"]["userName"],
        "Alice Liddell"
    );
    assert_eq!(
        call["response_body"]["data"]["insert_users_one"]["userId"],
        "auth0|alice"
    );
    assert!(call["duration_ms"].as_f64().is_some());
    server.shutdown().await;
}

#[tokio::test]
async fn the_admin_secret_is_redacted_in_the_records() {
    let hasura = hasura().await;
    let server = syncing_mock(&hasura).await;
    let base = server.base_url();
    let r = alices_sync_record(&base).await;
    assert_eq!(
        r["calls"][0]["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
    let all = serde_json::to_string(&records(&base).await).unwrap();
    assert!(
        !all.contains(ADMIN_SECRET),
        "the admin secret leaked into the records"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_browser_login_runs_the_sync_too() {
    let hasura = hasura().await;
    let server = syncing_mock(&hasura).await;
    let base = server.base_url();
    let login = browser_login(&base, "bob@example.com", "bob-password").await;
    assert_eq!(login.query()["state"], STATE);
    let code = login
        .code()
        .unwrap_or_else(|| panic!("browser login should succeed: {}", login.callback));
    assert_eq!(
        exchange(&base, &client(), &code).await.status(),
        StatusCode::OK
    );
    let seen = hasura.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].body["variables"],
        json!({"userId": "auth0|bob", "userName": "Bob Builder"})
    );
    assert_eq!(records_of(&base, "hasura-sync").await.len(), 1);
    server.shutdown().await;
}

// ------------------------------------------------------------------ a custom document

const CUSTOM_QUERY: &str = "mutation($id: String!, $org: String, $logins: Int) { update_users_by_pk(pk_columns: {userId: $id}, _set: {org: $org, logins: $logins}) { userId } }";

/// A mock syncing with [`CUSTOM_QUERY`], variables from event paths, and the admin secret among
/// the binding's secrets; alice and then bob have logged in.
async fn custom_sync_after_two_logins(hasura: &Upstream) -> MockServer {
    let mut b = HookBinding::native(
        "hasura-sync",
        "custom sync",
        json!({
            "url": hasura.url("/v1/graphql"),
            "query": CUSTOM_QUERY,
            "variables": {"id": "user.user_id", "org": "user.app_metadata.org_id", "logins": "stats.logins_count"},
        }),
    );
    b.secrets.insert("admin_secret".into(), json!(ADMIN_SECRET));
    let server = start_with_hooks(vec![b]).await;
    let base = server.base_url();
    assert_eq!(alice_login(&base).await.0, StatusCode::OK);
    assert_eq!(bob_login(&base).await.0, StatusCode::OK);
    server
}

#[tokio::test]
async fn a_custom_document_is_sent_as_configured() {
    let hasura = hasura().await;
    let server = custom_sync_after_two_logins(&hasura).await;
    assert_eq!(hasura.seen()[0].body["query"], CUSTOM_QUERY);
    server.shutdown().await;
}

#[tokio::test]
async fn custom_variables_are_read_from_the_event_and_a_missing_one_is_null() {
    let hasura = hasura().await;
    let server = custom_sync_after_two_logins(&hasura).await;
    let seen = hasura.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].body["variables"],
        json!({"id": "auth0|alice", "org": "org-wonderland", "logins": 1})
    );
    assert_eq!(
        seen[1].body["variables"],
        json!({"id": "auth0|bob", "org": null, "logins": 1}),
        "a missing event value is sent as null"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_admin_secret_among_the_bindings_secrets_is_sent_and_redacted() {
    let hasura = hasura().await;
    let server = custom_sync_after_two_logins(&hasura).await;
    assert_eq!(
        hasura.seen()[0].header("x-hasura-admin-secret"),
        ADMIN_SECRET
    );
    let recs = records_of(&server.base_url(), "hasura-sync").await;
    assert_eq!(
        recs[0]["calls"][0]["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
    server.shutdown().await;
}
