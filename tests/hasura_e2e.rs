//! The Auth0 + Hasura story end to end, offline: a real Postgres (throwaway cluster with the
//! migrations of `fixtures/hasura/`), the Hasura stand-in (JWT mode against the mock's JWKS),
//! and auth0-mock with hasura-claims + hasura-sync. The story's steps build on each other, so they
//! stay one test; what does not build on it (Hasura's refusals, Hasura down) has its own.

mod support;

use auth0_mock::tenant::HookBinding;
use auth0_mock::{MockServer, ServerConfig};
use hasura_standin::HasuraStandin;
use hasura_standin::postgres::PgCluster;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

const ADMIN_SECRET: &str = "e2e-admin-secret";

async fn graphql(url: &str, auth: Option<(&str, &str)>, query: &str) -> Value {
    let mut req = reqwest::Client::new()
        .post(url)
        .json(&json!({ "query": query }));
    if let Some((name, value)) = auth {
        req = req.header(name, value);
    }
    let res = req.send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "Hasura answers 200 on /v1/graphql, errors included"
    );
    res.json().await.unwrap()
}

async fn rows(pg: &PgCluster) -> Vec<(String, Option<String>)> {
    let db = pg.connect().await.unwrap();
    db.query(
        r#"SELECT "userId", "userName" FROM public.users ORDER BY "userId""#,
        &[],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// Everything the story needs, started in dependency order: Postgres, the mock (Hasura
/// fetches its JWKS at startup), Hasura, then the mock's tenant with the sync hook.
struct Stack {
    pg: PgCluster,
    mock: MockServer,
    hasura: Option<HasuraStandin>,
}

async fn stack(post_login: impl FnOnce(&str) -> Vec<HookBinding>) -> Stack {
    stack_with(|graphql_url| {
        let mut tenant = auth0_mock::tenant::load_embedded().unwrap();
        tenant.post_login = post_login(graphql_url);
        tenant
    })
    .await
}

/// [`stack`] with the whole tenant made once Hasura's URL is known.
async fn stack_with(make: impl FnOnce(&str) -> auth0_mock::tenant::Tenant) -> Stack {
    let pg = PgCluster::start_with_hasura_migrations()
        .await
        .expect("postgres starts");
    let mock = MockServer::start(ServerConfig::for_tests())
        .await
        .expect("mock starts");
    let base = mock.base_url();
    let hasura = HasuraStandin::start(&pg.connection_string(), &hasura_secret(&base), ADMIN_SECRET)
        .await
        .expect("hasura stand-in starts");
    let tenant = make(&hasura.graphql_url());
    mock.handle().replace_tenant(tenant).unwrap();
    Stack {
        pg,
        mock,
        hasura: Some(hasura),
    }
}

fn native_hooks(graphql_url: &str) -> Vec<HookBinding> {
    vec![
        HookBinding::native(
            "hasura-claims",
            "hasura-claims",
            json!({ "default_role": "user", "default_allowed_roles": ["user"] }),
        ),
        HookBinding::native(
            "hasura-sync",
            "hasura-sync",
            json!({ "url": graphql_url, "admin_secret": ADMIN_SECRET, "timeout_ms": 3000 }),
        ),
    ]
}

/// The access token of a browser login (code + PKCE) of alice's.
async fn alice_browser_access_token(base: &str) -> String {
    browser_tokens(base, "alice@example.com", "alice-password")
        .await
        .expect("alice logs in")["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

const USERS: &str = "query { users { userId userName } }";

/// `Authorization: Bearer <token>`, for [`graphql`].
fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_sync_users_into_postgres_and_hasura_shows_each_user_only_their_row() {
    let s = stack(native_hooks).await;
    let base = s.mock.base_url();
    let gql = s.hasura.as_ref().unwrap().graphql_url();

    // 1. alice logs in through /authorize + the login form; code + PKCE → tokens.
    let alice_at = alice_browser_access_token(&base).await;
    assert_eq!(
        claims(&alice_at)[HASURA_NS]["x-hasura-user-id"],
        "auth0|alice"
    );

    // 2. The sync hook created her row; a second login updates userName without a duplicate.
    assert_eq!(
        rows(&s.pg).await,
        vec![("auth0|alice".to_string(), Some("Alice Liddell".to_string()))]
    );
    let recs = records_of(&base, "hasura-sync").await;
    let sync = recs.first().expect("sync recorded");
    assert_eq!(
        sync["calls"][0]["request_body"]["variables"],
        json!({ "userId": "auth0|alice", "userName": "Alice Liddell" })
    );
    assert_eq!(
        sync["calls"][0]["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
    let res = management(&base)
        .await
        .patch(format!("{base}/api/v2/users/auth0%7Calice"))
        .json(&json!({ "name": "Alice Pleasance Liddell" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    alice_browser_access_token(&base).await;
    assert_eq!(
        rows(&s.pg).await,
        vec![(
            "auth0|alice".to_string(),
            Some("Alice Pleasance Liddell".to_string())
        )]
    );

    // 3. Each user sees only their own row.
    let (status, bob) = bob_login(&base).await;
    assert_eq!(status, StatusCode::OK, "{bob}");
    let bob_at = bob["access_token"].as_str().unwrap().to_string();
    let alice_at = alice_browser_access_token(&base).await;
    let mine = graphql(&gql, Some(("authorization", &bearer(&alice_at))), USERS).await;
    assert_eq!(
        mine,
        json!({ "data": { "users": [{ "userId": "auth0|alice", "userName": "Alice Pleasance Liddell" }] } })
    );
    let bobs = graphql(&gql, Some(("authorization", &bearer(&bob_at))), USERS).await;
    assert_eq!(
        bobs,
        json!({ "data": { "users": [{ "userId": "auth0|bob", "userName": "Bob Builder" }] } })
    );

    // 4. The admin secret sees every synced row.
    let all = graphql(
        &gql,
        Some(("x-hasura-admin-secret", ADMIN_SECRET)),
        "query { users(order_by: {userId: asc}) { userId } }",
    )
    .await;
    let users = all["data"]["users"].as_array().cloned().unwrap_or_default();
    let mut ids: Vec<String> = users
        .iter()
        .filter_map(|u| u["userId"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    assert_eq!(ids, vec!["auth0|alice", "auth0|bob"], "{all}");
    s.mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hasura_refuses_no_token_an_expired_token_and_another_audiences_token() {
    let s = stack(native_hooks).await;
    let gql = s.hasura.as_ref().unwrap().graphql_url();
    let none = graphql(&gql, None, USERS).await;
    assert_eq!(none["errors"][0]["extensions"]["code"], "invalid-headers");
    assert_eq!(
        none["errors"][0]["message"],
        "Missing 'Authorization' or 'Cookie' header in JWT authentication mode"
    );
    let handle = s.mock.handle();
    let expired = handle.mint_scenario("expired").await.unwrap().access_token;
    let res = graphql(&gql, Some(("authorization", &bearer(&expired))), USERS).await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "invalid-jwt");
    assert_eq!(
        res["errors"][0]["message"],
        "Could not verify JWT: JWTExpired"
    );
    let other = handle
        .mint_scenario("wrong-audience")
        .await
        .unwrap()
        .access_token;
    let res = graphql(&gql, Some(("authorization", &bearer(&other))), USERS).await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "invalid-jwt");
    s.mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_hasura_down_logins_are_denied_and_nothing_is_half_written() {
    let mut s = stack(native_hooks).await;
    let base = s.mock.base_url();
    alice_browser_access_token(&base).await;
    if let Some(h) = s.hasura.take() {
        h.shutdown().await;
    }
    let before = rows(&s.pg).await;
    let (status, body) = password_login(&base, "admin@example.com", "admin-password").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "access_denied");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("hasura-sync"),
        "{body}"
    );
    assert!(body.get("access_token").is_none());
    let denied = browser_tokens(&base, "admin@example.com", "admin-password")
        .await
        .expect_err("denied at /authorize");
    assert_eq!(denied["error"], "access_denied");
    assert!(
        denied["error_description"].contains("hasura-sync"),
        "{denied:?}"
    );
    assert_eq!(
        rows(&s.pg).await,
        before,
        "nothing written for the denied logins"
    );
    // The mock keeps serving what does not need Hasura.
    assert_eq!(m2m_token(&base).await.0, StatusCode::OK);
    s.mock.shutdown().await;
}

/// The guide's sync Action as many tenants write it, with axios instead of node-fetch.
const AXIOS_SYNC: &str = r#"const axios = require("axios");
exports.onExecutePostLogin = async (event, api) => {
  const query = `mutation($userId: String!, $userName: String) {
    insert_users_one(object: { userId: $userId, userName: $userName }, on_conflict: { constraint: users_pkey, update_columns: [userName] }) {
      userId
    }
  }`;
  const { data } = await axios.post(event.secrets.HASURA_GRAPHQL_URL,
    { query, variables: { userId: event.user.user_id, userName: event.user.name } },
    { headers: { "x-hasura-admin-secret": event.secrets.HASURA_ADMIN_SECRET } });
  if (data.errors) throw new Error(data.errors[0].message);
  console.log(`synced ${data.data.insert_users_one.userId}`);
};"#;

/// How the example tenant's post-login hooks are made in a comparison run.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    Native,
    GuideActions,
    AxiosSync,
}

/// The Auth0 + Hasura guide's two Actions, unchanged but for the URL and admin secret (read
/// from `event.secrets`), and the same with the sync written with axios, produce the same
/// tokens and the same rows as the native hooks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_actions_give_the_same_tokens_rows_and_visibility_as_the_native_hooks() {
    let actions_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/actions-example");
    let mut results = Vec::new();
    for variant in [Variant::Native, Variant::GuideActions, Variant::AxiosSync] {
        let use_actions = variant != Variant::Native;
        let dir = actions_dir.clone();
        let s = stack(move |graphql_url| {
            if !use_actions {
                return native_hooks(graphql_url);
            }
            let mut tenant = auth0_mock::tenant::load_dir(&dir).expect("the example fixtures load");
            for b in &mut tenant.post_login {
                if b.secrets.contains_key("HASURA_GRAPHQL_URL") {
                    b.secrets
                        .insert("HASURA_GRAPHQL_URL".into(), json!(graphql_url));
                    b.secrets
                        .insert("HASURA_ADMIN_SECRET".into(), json!(ADMIN_SECRET));
                    if variant == Variant::AxiosSync {
                        b.code = Some((
                            "actions/hasura-sync-user/axios.js".into(),
                            AXIOS_SYNC.into(),
                        ));
                        b.dependencies = vec!["axios@1.7.9".into()];
                    }
                }
            }
            assert!(tenant.post_login.iter().all(|b| b.kind == "action"));
            tenant.post_login
        })
        .await;
        let base = s.mock.base_url();
        let alice = browser_tokens(&base, "alice@example.com", "alice-password")
            .await
            .expect("alice logs in");
        let (status, bob) = bob_login(&base).await;
        assert_eq!(status, StatusCode::OK, "{bob}");
        let hasura_claims = |t: &Value| access_claims(t)[HASURA_NS].clone();
        let gql = s.hasura.as_ref().unwrap().graphql_url();
        let mine = graphql(
            &gql,
            Some((
                "authorization",
                &bearer(alice["access_token"].as_str().unwrap()),
            )),
            USERS,
        )
        .await;
        results.push((
            hasura_claims(&alice),
            hasura_claims(&bob),
            rows(&s.pg).await,
            mine,
        ));
        if use_actions {
            let recs = records(&base).await;
            let sync = recs
                .iter()
                .find(|r| r["hook"] == "hasura-sync-user")
                .expect("the sync Action ran");
            assert_eq!(sync["outcome"], "ok");
            assert_eq!(
                sync["calls"][0]["request_headers"]["x-hasura-admin-secret"],
                "[REDACTED]"
            );
            assert!(
                logs(sync).iter().any(|l| l.contains("synced auth0|alice")),
                "{sync}"
            );
        }
        s.mock.shutdown().await;
    }
    assert_eq!(
        results[0], results[1],
        "native hooks and the guide's Actions agree on tokens, rows and visibility"
    );
    assert_eq!(
        results[0], results[2],
        "native hooks and the axios sync Action agree on tokens, rows and visibility"
    );
    assert_eq!(results[0].0["x-hasura-user-id"], "auth0|alice");
}

/// The example tenant's post-user-registration Action (the guide's sync, run at sign-up):
/// a user who signs up has their row in Postgres before their first query, and their first
/// token sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signup_syncs_the_user_into_postgres_through_a_post_registration_action() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/actions-example");
    let s = stack_with(move |graphql_url| {
        let mut tenant = auth0_mock::tenant::load_dir(&dir).expect("the example fixtures load");
        for b in tenant
            .post_login
            .iter_mut()
            .chain(tenant.post_user_registration.iter_mut())
        {
            if b.secrets.contains_key("HASURA_GRAPHQL_URL") {
                b.secrets
                    .insert("HASURA_GRAPHQL_URL".into(), json!(graphql_url));
                b.secrets
                    .insert("HASURA_ADMIN_SECRET".into(), json!(ADMIN_SECRET));
            }
        }
        assert_eq!(tenant.post_user_registration.len(), 1);
        tenant
    })
    .await;
    let base = s.mock.base_url();
    let res = reqwest::Client::new()
        .post(format!("{base}/dbconnections/signup"))
        .json(&json!({
            "client_id": SPA,
            "connection": "Username-Password-Authentication",
            "email": "newcomer@example.com",
            "password": "Str0ng-passw0rd!",
            "name": "New Comer",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let user_id = format!("auth0|{}", body["_id"].as_str().unwrap());
    assert_eq!(
        rows(&s.pg).await,
        vec![(user_id.clone(), Some("New Comer".to_string()))],
        "the row exists before any login"
    );
    let run = records(&base)
        .await
        .into_iter()
        .find(|r| r["hook"] == "hasura-sync-on-signup")
        .expect("the sign-up Action ran");
    assert_eq!(run["trigger"], "post-user-registration");
    assert_eq!(run["outcome"], "ok");
    let (status, tokens) = password_login(&base, "newcomer@example.com", "Str0ng-passw0rd!").await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let gql = s.hasura.as_ref().unwrap().graphql_url();
    let mine = graphql(
        &gql,
        Some((
            "authorization",
            &bearer(tokens["access_token"].as_str().unwrap()),
        )),
        USERS,
    )
    .await;
    assert_eq!(
        mine["data"]["users"],
        json!([{ "userId": user_id, "userName": "New Comer" }])
    );
    s.mock.shutdown().await;
}

/// A backend's client_credentials token, given Hasura claims by the native hook on the
/// credentials-exchange trigger, is accepted by Hasura as the configured role: the query runs
/// (the backend has no row of its own, so it sees none) instead of failing with
/// `jwt-invalid-claims`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backends_client_credentials_token_is_accepted_through_credentials_exchange() {
    let s = stack_with(|_| {
        let mut tenant = auth0_mock::tenant::load_embedded().unwrap();
        let mut hook = HookBinding::native(
            "hasura-claims",
            "hasura-claims",
            json!({ "default_role": "user", "default_allowed_roles": ["user"] }),
        );
        hook.trigger = auth0_mock::protocol::Trigger::CredentialsExchange;
        tenant.credentials_exchange = vec![hook];
        tenant
    })
    .await;
    let base = s.mock.base_url();
    let (status, body) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        claims(token)[HASURA_NS]["x-hasura-user-id"],
        "auth0-mock-m2m@clients"
    );
    let gql = s.hasura.as_ref().unwrap().graphql_url();
    let answer = graphql(&gql, Some(("authorization", &bearer(token))), USERS).await;
    assert_eq!(
        answer,
        json!({ "data": { "users": [] } }),
        "Hasura accepted the token"
    );
    s.mock.shutdown().await;
}

/// The shipped migrations and metadata plus a `projects` table whose `user` role sees the rows
/// of the session's organization (`orgId = X-Hasura-Org-Id`), as a B2B app keys them.
fn org_scoped_hasura_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = hasura_standin::repo_root().join("fixtures/hasura");
    copy_dir(&root.join("migrations"), &dir.path().join("migrations"));
    copy_dir(&root.join("metadata"), &dir.path().join("metadata"));
    let migration = dir.path().join("migrations/default/1800000000000_projects");
    std::fs::create_dir_all(&migration).unwrap();
    std::fs::write(
        migration.join("up.sql"),
        r#"CREATE TABLE public.projects ("id" serial PRIMARY KEY, "orgId" text NOT NULL, "name" text NOT NULL);"#,
    )
    .unwrap();
    let tables = dir.path().join("metadata/databases/default/tables");
    std::fs::write(
        tables.join("tables.yaml"),
        "- \"!include public_users.yaml\"\n- \"!include public_projects.yaml\"\n",
    )
    .unwrap();
    std::fs::write(
        tables.join("public_projects.yaml"),
        "table:\n  name: projects\n  schema: public\nselect_permissions:\n  - role: user\n    permission:\n      columns: [id, orgId, name]\n      filter:\n        orgId:\n          _eq: X-Hasura-Org-Id\n",
    )
    .unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_organizations_members_see_only_its_rows_through_x_hasura_org_id() {
    const WONDERLAND: &str = "org_wonderland0000001";
    const LOOKING_GLASS: &str = "org_lookingglass00001";
    let project = org_scoped_hasura_project();
    let pg = PgCluster::start().await.expect("postgres starts");
    pg.apply_migrations(&project.path().join("migrations/default"))
        .await
        .expect("migrations apply");
    pg.connect()
        .await
        .unwrap()
        .batch_execute(&format!(
            r#"INSERT INTO public.projects ("orgId", "name") VALUES ('{WONDERLAND}', 'Tea party'), ('{LOOKING_GLASS}', 'Chess match');"#
        ))
        .await
        .unwrap();
    let mock = MockServer::start(ServerConfig::for_tests())
        .await
        .expect("mock starts");
    let base = mock.base_url();
    let mut options = hasura_standin::StandinOptions::new(
        &pg.connection_string(),
        &hasura_secret(&base),
        ADMIN_SECRET,
    );
    options.metadata_dir = project.path().join("metadata");
    let hasura = HasuraStandin::start_with(options)
        .await
        .expect("hasura stand-in starts");
    let mut tenant = auth0_mock::tenant::load_embedded().unwrap();
    for (id, name, member) in [
        (WONDERLAND, "wonderland", "auth0|alice"),
        (LOOKING_GLASS, "looking-glass", "auth0|bob"),
    ] {
        tenant.organizations.push(
            serde_json::from_value(json!({
                "id": id, "name": name,
                "connections": [{"name": "Username-Password-Authentication"}],
                "members": [{"user": member, "roles": ["user"]}],
            }))
            .unwrap(),
        );
    }
    for c in &mut tenant.clients {
        c.organization_usage = auth0_mock::tenant::OrganizationUsage::Allow;
    }
    tenant.post_login = vec![HookBinding::native(
        "hasura-claims",
        "hasura-claims",
        json!({ "default_role": "user", "default_allowed_roles": ["user"],
                "session_variables": {"x-hasura-org-id": "organization.id"} }),
    )];
    mock.handle().replace_tenant(tenant).unwrap();
    let gql = hasura.graphql_url();
    for (user, password, org, seen) in [
        (
            "alice@example.com",
            "alice-password",
            WONDERLAND,
            "Tea party",
        ),
        (
            "bob@example.com",
            "bob-password",
            LOOKING_GLASS,
            "Chess match",
        ),
    ] {
        let login = browser_login_at(
            &base,
            &client(),
            &authorize_url(&base, &format!("&organization={org}")),
            user,
            password,
        )
        .await;
        let res = exchange(&base, &client(), &login.code().expect("a code")).await;
        let body: Value = res.json().await.unwrap();
        let token = body["access_token"].as_str().unwrap();
        assert_eq!(claims(token)[HASURA_NS]["x-hasura-org-id"], org);
        let rows = graphql(
            &gql,
            Some(("authorization", &bearer(token))),
            "query { projects { orgId name } }",
        )
        .await;
        assert_eq!(
            rows,
            json!({ "data": { "projects": [{ "orgId": org, "name": seen }] } }),
            "{user} sees only {org}'s rows"
        );
    }
    mock.shutdown().await;
}
