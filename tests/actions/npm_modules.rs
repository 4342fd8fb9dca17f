//! The npm modules Actions really use: `require('axios')` over the mock's HTTP client, and
//! `require('auth0')`'s ManagementClient served by the mock itself, whatever domain the
//! Action's secrets name.

use crate::support::*;
use crate::{Action, start_with, tokens};
use axum::http::StatusCode as UpstreamStatus;
use serde_json::{Value, json};

/// A Hasura stand-in for axios: POST /v1/graphql answers the upsert (and echoes what came),
/// anything else 404 with a JSON error.
async fn graphql() -> Upstream {
    Upstream::start(|request, _| match request.path.as_str() {
        "/v1/graphql" => {
            let parsed: Value = serde_json::from_str(&request.text).unwrap_or(Value::Null);
            Answer::Now(json_response(
                UpstreamStatus::OK,
                json!({ "data": { "insert_users_one": { "id": parsed["variables"]["userId"] } }, "seen": parsed }),
            ))
        }
        _ => Answer::Now(json_response(
            UpstreamStatus::NOT_FOUND,
            json!({ "error": "no such route" }),
        )),
    })
    .await
}

/// The guide's sync Action, written with axios as many tenants write it.
const AXIOS_SYNC: &str = r#"const axios = require('axios');
exports.onExecutePostLogin = async (event, api) => {
  const { data, status, headers } = await axios.post(event.secrets.HASURA_URL, {
    query: 'mutation ($userId: String!, $email: String) { insert_users_one(object: {id: $userId, email: $email}, on_conflict: {constraint: users_pkey, update_columns: [email]}) { id } }',
    variables: { userId: event.user.user_id, email: event.user.email },
  }, { headers: { 'content-type': 'application/json', 'x-hasura-admin-secret': event.secrets.ADMIN_SECRET }, timeout: 5000 });
  api.idToken.setCustomClaim('https://x/synced', [status, data.data.insert_users_one.id, headers['content-type']]);
  try {
    await axios({ method: 'get', url: event.secrets.HASURA_URL.replace('/v1/graphql', '/missing') });
  } catch (e) {
    api.idToken.setCustomClaim('https://x/error', [e.isAxiosError, e.response.status, e.response.data.error, e.message]);
  }
};"#;

async fn axios_login() -> (Value, Vec<Seen>, Value) {
    let hasura = graphql().await;
    let secrets = [
        format!(
            "{{ name: HASURA_URL, value: \"{}/v1/graphql\" }}",
            hasura.base()
        ),
        "{ name: ADMIN_SECRET, value: admin-secret-value }".to_string(),
    ];
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let mut action = Action::new("axios-sync", AXIOS_SYNC);
    action.dependencies = &["{ name: axios, version: 1.7.9 }"];
    action.secrets = &refs;
    let (server, _dir) = start_with(action).await;
    let (_, id) = tokens(&server.base_url()).await;
    let record = last_record(&server.base_url()).await;
    server.shutdown().await;
    (id, hasura.seen(), record)
}

#[tokio::test]
async fn an_axios_sync_action_posts_the_mutation_and_reads_the_reply() {
    let (id, seen, _) = axios_login().await;
    assert_eq!(
        id["https://x/synced"],
        json!([200, id["sub"], "application/json"])
    );
    let posted: Value = serde_json::from_str(&seen[0].text).unwrap();
    assert_eq!(posted["variables"]["userId"], id["sub"]);
    assert_eq!(
        seen[0]
            .headers
            .get("x-hasura-admin-secret")
            .and_then(|v| v.to_str().ok()),
        Some("admin-secret-value")
    );
}

#[tokio::test]
async fn axios_rejects_a_404_with_the_response_on_the_error() {
    let (id, _, _) = axios_login().await;
    assert_eq!(
        id["https://x/error"],
        json!([
            true,
            404,
            "no such route",
            "Request failed with status code 404"
        ])
    );
}

#[tokio::test]
async fn axios_calls_are_recorded_with_the_secret_redacted() {
    let (_, _, record) = axios_login().await;
    let calls = record["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2, "{record}");
    assert_eq!(calls[0]["method"], "POST");
    assert_eq!(calls[0]["status"], 200);
    assert_eq!(
        calls[0]["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
}

/// The community's "assign a default role on first login" Action, as written for node-auth0
/// v4: the tenant's real domain in the secrets (redacted in records, as every secret value is),
/// a role looked up by name.
const DEFAULT_ROLE_V4: &str = r#"const { ManagementClient } = require('auth0');
exports.onExecutePostLogin = async (event, api) => {
  if (event.stats.logins_count > 1) return;
  const management = new ManagementClient({
    domain: event.secrets.domain,
    clientId: event.secrets.clientId,
    clientSecret: event.secrets.clientSecret,
  });
  const { data: roles } = await management.roles.getAll({ name_filter: 'editor' });
  await management.users.assignRoles({ id: event.user.user_id }, { roles: [roles[0].id] });
  const { data: user } = await management.users.get({ id: event.user.user_id });
  api.idToken.setCustomClaim('https://x/assigned', [roles[0].name, user.email]);
};"#;

/// The run of the hook named `name` among `records`.
fn record_of(records: Vec<Value>, name: &str) -> Value {
    records
        .into_iter()
        .find(|r| r["hook"] == name)
        .unwrap_or_else(|| panic!("no record of {name}"))
}

/// The same for node-auth0 v3's flat API.
const DEFAULT_ROLE_V3: &str = r#"const ManagementClient = require('auth0').ManagementClient;
exports.onExecutePostLogin = async (event, api) => {
  if (event.stats.logins_count > 1) return;
  const management = new ManagementClient({
    domain: event.secrets.domain,
    clientId: event.secrets.clientId,
    clientSecret: event.secrets.clientSecret,
    scope: 'read:roles update:users',
  });
  const roles = await management.getRoles({ name_filter: 'editor' });
  await management.assignRolestoUser({ id: event.user.user_id }, { roles: [roles[0].id] });
  api.idToken.setCustomClaim('https://x/assigned', [roles[0].name]);
};"#;

const CREDENTIALS: [&str; 3] = [
    "{ name: domain, value: dev-example.us.auth0.com }",
    "{ name: clientId, value: auth0-mock-m2m }",
    "{ name: clientSecret, value: auth0-mock-m2m-secret }",
];

async fn default_role(code: &str, dependency: &str) -> (Value, Value, Value) {
    let deps = [dependency];
    let mut action = Action::new("default-role", code);
    action.dependencies = &deps;
    action.secrets = &CREDENTIALS;
    let dir = crate::fixture(
        &[action],
        &[
            "{ hook: hasura-claims, name: Hasura claims, default_role: user, default_allowed_roles: [user] }",
        ],
    );
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let (status, first) = bob_login(&base).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{first}");
    let record = records(&base).await;
    let (status, second) = bob_login(&base).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{second}");
    server.shutdown().await;
    let record = record_of(record, "default-role");
    (id_claims(&first), access_claims(&second), record)
}

#[tokio::test]
async fn the_default_role_action_on_auth0_v4_assigns_the_role_for_the_next_login() {
    let (first, second, _) =
        default_role(DEFAULT_ROLE_V4, "{ name: auth0, version: 4.37.1 }").await;
    assert_eq!(
        first["https://x/assigned"],
        json!(["editor", "bob@example.com"])
    );
    let allowed = &second[HASURA_NS]["x-hasura-allowed-roles"];
    assert!(
        allowed.as_array().unwrap().contains(&json!("editor")),
        "{second}"
    );
}

#[tokio::test]
async fn the_default_role_action_on_auth0_v3_assigns_the_role_for_the_next_login() {
    let (first, second, _) = default_role(DEFAULT_ROLE_V3, "{ name: auth0, version: 3.7.2 }").await;
    assert_eq!(first["https://x/assigned"], json!(["editor"]));
    let allowed = &second[HASURA_NS]["x-hasura-allowed-roles"];
    assert!(
        allowed.as_array().unwrap().contains(&json!("editor")),
        "{second}"
    );
}

#[tokio::test]
async fn management_client_calls_are_recorded_at_the_sdks_urls() {
    let (_, _, record) = default_role(DEFAULT_ROLE_V4, "{ name: auth0, version: 4.37.1 }").await;
    let calls: Vec<String> = record["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["method"].as_str().unwrap(),
                c["url"].as_str().unwrap(),
                c["status"]
            )
        })
        .collect();
    assert_eq!(
        calls,
        vec![
            "POST https://[REDACTED]/oauth/token 200",
            "GET https://[REDACTED]/api/v2/roles?name_filter=editor 200",
            "POST https://[REDACTED]/api/v2/users/auth0%7Cbob/roles 204",
            "GET https://[REDACTED]/api/v2/users/auth0%7Cbob 200",
        ],
        "{record}"
    );
}

/// An Action whose token lacks the endpoint's scope gets Auth0's refusal as the SDK's error,
/// and the login it runs in goes on.
const UNSCOPED: &str = r#"const { ManagementClient } = require('auth0');
exports.onExecutePostLogin = async (event, api) => {
  const management = new ManagementClient({
    domain: 'tenant.auth0.com', clientId: 'auth0-mock-m2m', clientSecret: 'auth0-mock-m2m-secret', scope: 'read:roles',
  });
  try {
    await management.getUser({ id: event.user.user_id });
  } catch (e) {
    api.idToken.setCustomClaim('https://x/error', [e.statusCode, e.message]);
  }
};"#;

#[tokio::test]
async fn a_token_without_the_scope_is_refused_to_the_sdk_as_insufficient_scope() {
    let mut action = Action::new("unscoped", UNSCOPED);
    action.dependencies = &["{ name: auth0, version: 3.7.2 }"];
    let (server, _dir) = start_with(action).await;
    let (_, id) = tokens(&server.base_url()).await;
    server.shutdown().await;
    assert_eq!(
        id["https://x/error"],
        json!([
            403,
            "Insufficient scope, expected any of: read:users,read:current_user,read:user_idp_tokens"
        ])
    );
}

#[tokio::test]
async fn an_undeclared_auth0_module_fails_at_startup_with_file_and_line() {
    let dir = crate::fixture(&[Action::new("unscoped", UNSCOPED)], &[]);
    let e = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("startup must fail");
    assert!(
        e.contains("code.js:1") && e.contains("Cannot find module 'auth0'"),
        "{e}"
    );
}

#[tokio::test]
async fn auth0_v5_is_refused_at_startup_naming_the_versions_offered() {
    let mut action = Action::new("unscoped", UNSCOPED);
    action.dependencies = &["{ name: auth0, version: 5.0.0 }"];
    let dir = crate::fixture(&[action], &[]);
    let e = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("startup must fail");
    assert!(e.contains("code.js:1") && e.contains("v3 and v4"), "{e}");
}
