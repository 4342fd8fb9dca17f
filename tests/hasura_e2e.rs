//! The Auth0 + Hasura story end to end, offline: a real Postgres (throwaway cluster with the
//! migrations of `fixtures/hasura/`), the Hasura stand-in (JWT mode against the mock's JWKS),
//! and auth0-mock with hasura-claims + hasura-sync. Each step of the scenario is asserted.

mod common;

use auth0_mock::tenant::HookBinding;
use auth0_mock::{MockServer, ServerConfig};
use common::*;
use hasura_standin::HasuraStandin;
use hasura_standin::postgres::PgCluster;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

const ADMIN_SECRET: &str = "e2e-admin-secret";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const CALLBACK: &str = "http://localhost:3000/callback";

/// Logs a user in through /authorize and the login form, then exchanges the code (PKCE).
/// Returns the token response, or the callback's error parameters.
async fn browser_login(
    base: &str,
    email: &str,
    password: &str,
) -> Result<Value, std::collections::HashMap<String, String>> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!(
        "{base}/authorize?client_id=auth0-mock-spa&redirect_uri={}&response_type=code&scope=openid+profile+email&audience={}\
         &state=st%3D%3D&nonce=n1&code_challenge={CHALLENGE}&code_challenge_method=S256",
        enc(CALLBACK),
        enc(API)
    );
    let login = http.get(url).send().await.unwrap().headers()[LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let res = http
        .post(format!("{base}{login}"))
        .form(&[
            ("username", email),
            ("password", password),
            ("action", "default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "login form accepted");
    let cookie = res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let resume = res.headers()[LOCATION].to_str().unwrap().to_string();
    let back = http
        .get(format!("{base}{resume}"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    let location = back.headers()[LOCATION].to_str().unwrap().to_string();
    let q: std::collections::HashMap<String, String> = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(q["state"], "st==");
    let Some(code) = q.get("code") else {
        return Err(q);
    };
    let res = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "auth0-mock-spa"),
            ("code", code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    Ok(res.json().await.unwrap())
}

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
    let pg = PgCluster::start_with_hasura_migrations()
        .await
        .expect("postgres starts");
    let mock = MockServer::start(ServerConfig::for_tests())
        .await
        .expect("mock starts");
    let base = mock.base_url();
    let secret = json!({ "jwk_url": format!("{base}/.well-known/jwks.json"), "issuer": format!("{base}/"), "audience": API }).to_string();
    let hasura = HasuraStandin::start(&pg.connection_string(), &secret, ADMIN_SECRET)
        .await
        .expect("hasura stand-in starts");
    let mut tenant = auth0_mock::tenant::load_embedded().unwrap();
    tenant.post_login = post_login(&hasura.graphql_url());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sync_and_row_level_access_end_to_end() {
    let mut s = stack(native_hooks).await;
    let base = s.mock.base_url();
    let gql = s.hasura.as_ref().unwrap().graphql_url();

    // 1. alice logs in through /authorize + the login form; code + PKCE → tokens.
    let alice = browser_login(&base, "alice@example.com", "alice-password")
        .await
        .expect("alice logs in");
    let alice_at = alice["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        claims(&alice_at)["https://hasura.io/jwt/claims"]["x-hasura-user-id"],
        "auth0|alice"
    );

    // 2. The sync hook created her row; a second login updates userName without a duplicate.
    assert_eq!(
        rows(&s.pg).await,
        vec![("auth0|alice".to_string(), Some("Alice Liddell".to_string()))]
    );
    let records: Value = reqwest::get(format!("{base}/__mock/hooks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sync = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "hasura-sync")
        .expect("sync recorded");
    assert_eq!(
        sync["calls"][0]["request_body"]["variables"],
        json!({ "userId": "auth0|alice", "userName": "Alice Liddell" })
    );
    assert_eq!(
        sync["calls"][0]["request_headers"]["x-hasura-admin-secret"],
        "[REDACTED]"
    );
    let res = reqwest::Client::new()
        .patch(format!("{base}/api/v2/users/auth0%7Calice"))
        .json(&json!({ "name": "Alice Pleasance Liddell" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    browser_login(&base, "alice@example.com", "alice-password")
        .await
        .expect("second login");
    assert_eq!(
        rows(&s.pg).await,
        vec![(
            "auth0|alice".to_string(),
            Some("Alice Pleasance Liddell".to_string())
        )]
    );

    // 3. Each user sees only their own row.
    let (status, bob) = password_login(&base, "bob@example.com", "bob-password").await;
    assert_eq!(status, StatusCode::OK, "{bob}");
    let bob_at = bob["access_token"].as_str().unwrap().to_string();
    let alice_at = browser_login(&base, "alice@example.com", "alice-password")
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let q = "query { users { userId userName } }";
    let mine = graphql(
        &gql,
        Some(("authorization", &format!("Bearer {alice_at}"))),
        q,
    )
    .await;
    assert_eq!(
        mine,
        json!({ "data": { "users": [{ "userId": "auth0|alice", "userName": "Alice Pleasance Liddell" }] } })
    );
    let bobs = graphql(
        &gql,
        Some(("authorization", &format!("Bearer {bob_at}"))),
        q,
    )
    .await;
    assert_eq!(
        bobs,
        json!({ "data": { "users": [{ "userId": "auth0|bob", "userName": "Bob Builder" }] } })
    );

    // 4. No token, an expired token, another audience: Hasura's errors; the admin secret sees all.
    let none = graphql(&gql, None, q).await;
    assert_eq!(none["errors"][0]["extensions"]["code"], "invalid-headers");
    assert_eq!(
        none["errors"][0]["message"],
        "Missing 'Authorization' or 'Cookie' header in JWT authentication mode"
    );
    let handle = s.mock.handle();
    let expired = handle.mint_scenario("expired").await.unwrap().access_token;
    let res = graphql(
        &gql,
        Some(("authorization", &format!("Bearer {expired}"))),
        q,
    )
    .await;
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
    let res = graphql(&gql, Some(("authorization", &format!("Bearer {other}"))), q).await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "invalid-jwt");
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

    // 5. Hasura down during login: denied with a clear access_denied, nothing half-written.
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
    let denied = browser_login(&base, "admin@example.com", "admin-password")
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

/// The Auth0 + Hasura guide's two Actions, unchanged but for the URL and admin secret (read
/// from `event.secrets`), produce the same tokens and the same rows as the native hooks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guide_actions_match_the_native_hooks() {
    let actions_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/actions-example");
    let mut results = Vec::new();
    for use_actions in [false, true] {
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
                }
            }
            assert!(tenant.post_login.iter().all(|b| b.kind == "action"));
            tenant.post_login
        })
        .await;
        let base = s.mock.base_url();
        let alice = browser_login(&base, "alice@example.com", "alice-password")
            .await
            .expect("alice logs in");
        let (status, bob) = password_login(&base, "bob@example.com", "bob-password").await;
        assert_eq!(status, StatusCode::OK, "{bob}");
        let hasura_claims = |t: &Value| {
            claims(t["access_token"].as_str().unwrap())["https://hasura.io/jwt/claims"].clone()
        };
        let gql = s.hasura.as_ref().unwrap().graphql_url();
        let mine = graphql(
            &gql,
            Some((
                "authorization",
                &format!("Bearer {}", alice["access_token"].as_str().unwrap()),
            )),
            "query { users { userId userName } }",
        )
        .await;
        results.push((
            hasura_claims(&alice),
            hasura_claims(&bob),
            rows(&s.pg).await,
            mine,
        ));
        if use_actions {
            let records: Value = reqwest::get(format!("{base}/__mock/hooks"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let sync = records["records"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["hook"] == "hasura-sync-user")
                .expect("the sync Action ran");
            assert_eq!(sync["outcome"], "ok");
            assert_eq!(
                sync["calls"][0]["request_headers"]["x-hasura-admin-secret"],
                "[REDACTED]"
            );
            assert!(
                sync["logs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l.as_str().unwrap_or("").contains("synced auth0|alice")),
                "{sync}"
            );
        }
        s.mock.shutdown().await;
    }
    assert_eq!(
        results[0], results[1],
        "native hooks and the guide's Actions agree on tokens, rows and visibility"
    );
    assert_eq!(results[0].0["x-hasura-user-id"], "auth0|alice");
}
