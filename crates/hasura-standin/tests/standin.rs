//! Integration tests of the Hasura stand-in and the Postgres harness by
//! themselves: a real Postgres with the fixture migrations, a JWKS server
//! defined here, tokens minted with jsonwebtoken.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hasura_standin::postgres::PgCluster;
use hasura_standin::{HasuraStandin, StandinOptions};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use parking_lot::Mutex;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const ISSUER: &str = "https://tenant.auth0-mock.test/";
const AUDIENCE: &str = "https://api.auth0-mock.test";
const ADMIN: &str = "test-admin-secret";
const NS: &str = "https://hasura.io/jwt/claims";

// ---------- keys and tokens ----------

struct Key {
    encoding: EncodingKey,
    jwk: Value,
}

impl Key {
    fn generate(kid: &str) -> Key {
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let der = pair.as_der().unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(der.as_ref())
        );
        let public = rsa::RsaPrivateKey::from_pkcs8_der(der.as_ref())
            .unwrap()
            .to_public_key();
        Key {
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
            jwk: json!({"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
                        "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
                        "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())}),
        }
    }

    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.jwk["kid"].as_str().map(str::to_string);
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims_for(user_id: &str) -> Value {
    json!({
        "iss": ISSUER, "aud": [AUDIENCE, format!("{ISSUER}userinfo")], "sub": user_id,
        "iat": now() - 5, "exp": now() + 600,
        NS: {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"], "x-hasura-user-id": user_id}
    })
}

// ---------- a JWKS server ----------

struct JwksState {
    jwks: Mutex<Value>,
    cache_control: Mutex<Option<String>>,
    status: Mutex<u16>,
    fetches: AtomicUsize,
}

struct JwksServer {
    state: Arc<JwksState>,
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl JwksServer {
    async fn start(keys: &[&Key], cache_control: Option<&str>) -> JwksServer {
        let state = Arc::new(JwksState {
            jwks: Mutex::new(
                json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()}),
            ),
            cache_control: Mutex::new(cache_control.map(str::to_string)),
            status: Mutex::new(200),
            fetches: AtomicUsize::new(0),
        });
        async fn serve(State(state): State<Arc<JwksState>>) -> axum::response::Response {
            state.fetches.fetch_add(1, Ordering::SeqCst);
            let status = axum::http::StatusCode::from_u16(*state.status.lock()).unwrap();
            let body = state.jwks.lock().to_string();
            let mut response =
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
            if let Some(cc) = state.cache_control.lock().clone() {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, cc.parse().unwrap());
            }
            response
        }
        let app = Router::new()
            .route("/.well-known/jwks.json", get(serve))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://127.0.0.1:{}/.well-known/jwks.json",
            listener.local_addr().unwrap().port()
        );
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        JwksServer { state, url, task }
    }

    fn set_keys(&self, keys: &[&Key]) {
        *self.state.jwks.lock() =
            json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()});
    }

    fn secret(&self, extra: Value) -> String {
        let mut secret = json!({"jwk_url": self.url, "issuer": ISSUER, "audience": AUDIENCE});
        for (k, v) in extra.as_object().unwrap() {
            secret[k] = v.clone();
        }
        secret.to_string()
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---------- GraphQL client ----------

struct Gql {
    http: reqwest::Client,
    url: String,
}

impl Gql {
    fn new(standin: &HasuraStandin) -> Gql {
        Gql {
            http: reqwest::Client::new(),
            url: standin.graphql_url(),
        }
    }

    async fn post(&self, headers: &[(&str, &str)], query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({"query": query, "variables": variables}));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "/v1/graphql always answers 200");
        response.json().await.unwrap()
    }

    async fn as_token(&self, token: &str, query: &str) -> Value {
        self.post(
            &[("authorization", &format!("Bearer {token}"))],
            query,
            Value::Null,
        )
        .await
    }

    async fn as_admin(&self, query: &str, variables: Value) -> Value {
        self.post(&[("x-hasura-admin-secret", ADMIN)], query, variables)
            .await
    }
}

fn error(body: &Value) -> (String, String) {
    let e = &body["errors"][0];
    assert!(body.get("data").is_none(), "unexpected data in {body}");
    (
        e["extensions"]["code"].as_str().unwrap().to_string(),
        e["message"].as_str().unwrap().to_string(),
    )
}

fn assert_error(body: &Value, code: &str, message: &str) {
    assert_eq!(
        error(body),
        (code.to_string(), message.to_string()),
        "body: {body}"
    );
}

const USERS: &str = "query { users(order_by: {userId: asc}) { userId userName lastSeen } }";
const UPSERT: &str = "mutation ($userId: String!, $userName: String) { insert_users_one(object: {userId: $userId, userName: $userName}, on_conflict: {constraint: users_pkey, update_columns: [userName]}) { userId } }";
const UPSERT_NO_BRACKETS: &str = "mutation ($userId: String!, $userName: String) { insert_users_one(object: {userId: $userId, userName: $userName}, on_conflict: {constraint: users_pkey, update_columns: userName}) { userId } }";

async fn seeded_cluster() -> PgCluster {
    let cluster = PgCluster::start_with_hasura_migrations()
        .await
        .expect("postgres");
    let client = cluster.connect().await.unwrap();
    client
        .batch_execute(
            r#"INSERT INTO public.users ("userId", "userName", "lastSeen") VALUES
               ('auth0|alice', 'Alice', '2024-05-01T10:00:00.123456Z'),
               ('auth0|bob', 'Bob', '2024-05-02T11:00:00Z')"#,
        )
        .await
        .unwrap();
    cluster
}

#[tokio::test]
async fn harness_applies_the_fixture_migrations() {
    let cluster = PgCluster::start().await.unwrap();
    let applied = cluster
        .apply_migrations(&hasura_standin::postgres::hasura_migrations_dir())
        .await
        .unwrap();
    assert_eq!(applied, vec!["1700000000000_init".to_string()]);
    let client = cluster.connect().await.unwrap();
    let rows = client
        .query(
            "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = 'users' ORDER BY ordinal_position",
            &[],
        )
        .await
        .unwrap();
    let columns: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        columns,
        vec![
            ("userId".into(), "text".into(), "NO".into()),
            ("userName".into(), "text".into(), "YES".into()),
            (
                "lastSeen".into(),
                "timestamp with time zone".into(),
                "NO".into()
            ),
        ]
    );
    assert!(
        cluster
            .connection_string()
            .starts_with("postgres://postgres@127.0.0.1:")
    );
}

#[tokio::test]
async fn standin_authenticates_like_hasura_and_applies_permissions() {
    let cluster = seeded_cluster().await;
    let key = Key::generate("k1");
    let jwks = JwksServer::start(&[&key], Some("public, max-age=300")).await;
    let standin =
        HasuraStandin::start(&cluster.connection_string(), &jwks.secret(json!({})), ADMIN)
            .await
            .unwrap();
    let gql = Gql::new(&standin);
    let alice = key.sign(&claims_for("auth0|alice"));

    // Own rows only.
    let body = gql.as_token(&alice, USERS).await;
    let rows = body["data"]["users"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["userId"], "auth0|alice");
    assert_eq!(rows[0]["userName"], "Alice");
    assert_eq!(rows[0]["lastSeen"], "2024-05-01T10:00:00.123456+00:00");
    let body = gql
        .as_token(
            &alice,
            r#"query { users(where: {userName: {_eq: "Bob"}}) { userId } }"#,
        )
        .await;
    assert_eq!(body, json!({"data": {"users": []}}));
    let body = gql.as_token(&alice, r#"query { me: users_by_pk(userId: "auth0|alice") { __typename userName } other: users_by_pk(userId: "auth0|bob") { userName } }"#).await;
    assert_eq!(
        body,
        json!({"data": {"me": {"__typename": "users", "userName": "Alice"}, "other": null}})
    );

    // The admin sees all rows; admin secret + role header poses as a user.
    let body = gql.as_admin(USERS, Value::Null).await;
    let ids: Vec<&str> = body["data"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["userId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["auth0|alice", "auth0|bob"]);
    let body = gql
        .post(
            &[
                ("x-hasura-admin-secret", ADMIN),
                ("x-hasura-role", "user"),
                ("x-hasura-user-id", "auth0|bob"),
            ],
            USERS,
            Value::Null,
        )
        .await;
    assert_eq!(body["data"]["users"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"]["users"][0]["userId"], "auth0|bob");
    // A valid admin secret wins over a garbage token; a wrong one is refused.
    let body = gql
        .post(
            &[
                ("x-hasura-admin-secret", ADMIN),
                ("authorization", "Bearer garbage"),
            ],
            USERS,
            Value::Null,
        )
        .await;
    assert_eq!(body["data"]["users"].as_array().unwrap().len(), 2);
    let body = gql
        .post(
            &[
                ("x-hasura-admin-secret", "nope"),
                ("authorization", &format!("Bearer {alice}")),
            ],
            USERS,
            Value::Null,
        )
        .await;
    assert_error(
        &body,
        "access-denied",
        "invalid x-hasura-admin-secret/x-hasura-access-key",
    );

    // Header problems.
    assert_error(
        &gql.post(&[], USERS, Value::Null).await,
        "invalid-headers",
        "Missing 'Authorization' or 'Cookie' header in JWT authentication mode",
    );
    assert_error(
        &gql.post(
            &[("authorization", &format!("bearer {alice}"))],
            USERS,
            Value::Null,
        )
        .await,
        "invalid-headers",
        "Malformed Authorization header",
    );

    // Token problems.
    let expired = key.sign(&{
        let mut c = claims_for("auth0|alice");
        c["exp"] = json!(now() - 10);
        c
    });
    assert_error(
        &gql.as_token(&expired, USERS).await,
        "invalid-jwt",
        "Could not verify JWT: JWTExpired",
    );
    let wrong_aud = key.sign(&{
        let mut c = claims_for("auth0|alice");
        c["aud"] = json!("https://other.api");
        c
    });
    assert_error(
        &gql.as_token(&wrong_aud, USERS).await,
        "invalid-jwt",
        "Could not verify JWT: JWTNotInAudience",
    );
    let stranger = Key::generate("k1");
    let wrong_iss = stranger.sign(&{
        let mut c = claims_for("auth0|alice");
        c["iss"] = json!("https://evil.example/");
        c
    });
    assert_error(
        &gql.as_token(&wrong_iss, USERS).await,
        "invalid-jwt",
        "Could not verify JWT: JWTNotInIssuer",
    );
    let forged = stranger.sign(&claims_for("auth0|alice"));
    assert_error(
        &gql.as_token(&forged, USERS).await,
        "invalid-jwt",
        "Could not verify JWT: JWSError JWSInvalidSignature",
    );
    let no_kid = {
        let header = Header::new(Algorithm::RS256);
        jsonwebtoken::encode(&header, &claims_for("auth0|alice"), &key.encoding).unwrap()
    };
    assert_eq!(
        gql.as_token(&no_kid, USERS).await["data"]["users"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let bad_role = gql
        .post(
            &[
                ("authorization", &format!("Bearer {alice}")),
                ("x-hasura-role", "admin"),
            ],
            USERS,
            Value::Null,
        )
        .await;
    assert_error(
        &bad_role,
        "access-denied",
        "Your requested role is not in allowed roles",
    );
    let array_var = key.sign(&{
        let mut c = claims_for("auth0|alice");
        c[NS]["x-hasura-org-ids"] = json!(["o1", "o2"]);
        c
    });
    assert_error(
        &gql.as_token(&array_var, USERS).await,
        "jwt-invalid-claims",
        "x-hasura-* claims: parsing Text failed, expected String, but encountered Array",
    );
    let no_claims = key.sign(&{
        let mut c = claims_for("auth0|alice");
        c.as_object_mut().unwrap().remove(NS);
        c
    });
    assert_error(
        &gql.as_token(&no_claims, USERS).await,
        "jwt-invalid-claims",
        "claims key: 'https://hasura.io/jwt/claims' not found",
    );

    // Schema per role.
    let body = gql
        .as_token(&alice, "query { users_aggregate { aggregate { count } } }")
        .await;
    assert_error(
        &body,
        "validation-failed",
        "field 'users_aggregate' not found in type: 'query_root'",
    );
    assert_eq!(
        body["errors"][0]["extensions"]["path"],
        "$.selectionSet.users_aggregate"
    );
    let body = gql
        .as_token(&alice, "query { users { userId password } }")
        .await;
    assert_error(
        &body,
        "validation-failed",
        "field 'password' not found in type: 'users'",
    );
    let body = gql
        .post(
            &[("authorization", &format!("Bearer {alice}"))],
            UPSERT,
            json!({"userId": "auth0|alice", "userName": "x"}),
        )
        .await;
    assert_error(&body, "validation-failed", "no mutations exist");
    assert_error(
        &gql.as_token(&alice, "query { users { ").await,
        "validation-failed",
        "not a valid graphql query",
    );

    // Stringified claims need their own secret.
    let stringified = HasuraStandin::start(
        &cluster.connection_string(),
        &jwks.secret(json!({"claims_format": "stringified_json"})),
        ADMIN,
    )
    .await
    .unwrap();
    let gql2 = Gql::new(&stringified);
    let token = key.sign(&{
        let mut c = claims_for("auth0|bob");
        c[NS] = json!(c[NS].to_string());
        c
    });
    let body = gql2.as_token(&token, USERS).await;
    assert_eq!(body["data"]["users"][0]["userId"], "auth0|bob", "{body}");
    assert_error(
        &gql2.as_token(&alice, USERS).await,
        "jwt-invalid-claims",
        "expecting a string when claims_format is stringified_json",
    );
    stringified.shutdown().await;
    standin.shutdown().await;
}

#[tokio::test]
async fn standin_upserts_update_without_duplicating() {
    let cluster = seeded_cluster().await;
    let key = Key::generate("k1");
    let jwks = JwksServer::start(&[&key], Some("max-age=300")).await;
    let standin =
        HasuraStandin::start(&cluster.connection_string(), &jwks.secret(json!({})), ADMIN)
            .await
            .unwrap();
    let gql = Gql::new(&standin);
    let db = cluster.connect().await.unwrap();
    let row = |id: &'static str| {
        let db = &db;
        async move {
            let rows = db
                .query(
                    r#"SELECT "userName", "lastSeen"::text FROM public.users WHERE "userId" = $1"#,
                    &[&id],
                )
                .await
                .unwrap();
            rows.iter()
                .map(|r| (r.get::<_, Option<String>>(0), r.get::<_, String>(1)))
                .collect::<Vec<_>>()
        }
    };
    let before = row("auth0|alice").await;

    let body = gql
        .as_admin(
            UPSERT,
            json!({"userId": "auth0|alice", "userName": "Alice Two"}),
        )
        .await;
    assert_eq!(
        body,
        json!({"data": {"insert_users_one": {"userId": "auth0|alice"}}})
    );
    let after = row("auth0|alice").await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].0.as_deref(), Some("Alice Two"));
    assert_eq!(after[0].1, before[0].1, "lastSeen is not in update_columns");

    let body = gql
        .as_admin(
            UPSERT_NO_BRACKETS,
            json!({"userId": "auth0|alice", "userName": "Alice Three"}),
        )
        .await;
    assert_eq!(
        body,
        json!({"data": {"insert_users_one": {"userId": "auth0|alice"}}})
    );
    assert_eq!(
        row("auth0|alice").await[0].0.as_deref(),
        Some("Alice Three")
    );

    // A new user is inserted; lastSeen gets its default.
    let body = gql
        .as_admin(
            UPSERT_NO_BRACKETS,
            json!({"userId": "auth0|carol", "userName": "Carol"}),
        )
        .await;
    assert_eq!(body["data"]["insert_users_one"]["userId"], "auth0|carol");
    let count: i64 = db
        .query_one("SELECT count(*) FROM public.users", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 3);

    // update_columns: [] ignores the conflict and returns null.
    let body = gql
        .as_admin(
            r#"mutation { insert_users_one(object: {userId: "auth0|bob", userName: "Robert"}, on_conflict: {constraint: users_pkey, update_columns: []}) { userId } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(body, json!({"data": {"insert_users_one": null}}));
    assert_eq!(row("auth0|bob").await[0].0.as_deref(), Some("Bob"));

    // Without on_conflict a duplicate is a constraint violation.
    let body = gql
        .as_admin(
            r#"mutation { insert_users_one(object: {userId: "auth0|bob"}) { userId } }"#,
            Value::Null,
        )
        .await;
    assert_error(
        &body,
        "constraint-violation",
        "Uniqueness violation. duplicate key value violates unique constraint \"users_pkey\"",
    );
    assert_eq!(
        body["errors"][0]["extensions"]["path"],
        "$.selectionSet.insert_users_one.args.object"
    );

    // insert_users with affected_rows/returning.
    let body = gql
        .as_admin(
            r#"mutation Many($objects: [users_insert_input!]!) { insert_users(objects: $objects, on_conflict: {constraint: users_pkey, update_columns: userName}) { affected_rows returning { userId userName } } }"#,
            json!({"objects": [{"userId": "auth0|dave", "userName": "Dave"}, {"userId": "auth0|bob", "userName": "Bobby"}]}),
        )
        .await;
    assert_eq!(
        body,
        json!({"data": {"insert_users": {"affected_rows": 2, "returning": [
            {"userId": "auth0|dave", "userName": "Dave"}, {"userId": "auth0|bob", "userName": "Bobby"}]}}})
    );

    // Validation errors.
    let body = gql.as_admin(UPSERT, json!({"userName": "x"})).await;
    assert_error(
        &body,
        "validation-failed",
        "expecting a value for non-nullable variable: \"userId\"",
    );
    let body = gql
        .as_admin(
            r#"mutation { insert_users_one(object: {userId: "x"}, on_conflict: {constraint: users_pkey, update_columns: [nickname]}) { userId } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(error(&body).0, "validation-failed");
    let body = gql
        .as_admin(
            "mutation { delete_users(where: {}) { affected_rows } }",
            Value::Null,
        )
        .await;
    assert_eq!(error(&body).0, "not-supported");
    standin.shutdown().await;
}

#[tokio::test]
async fn standin_uses_insert_and_update_permissions_from_metadata() {
    let cluster = seeded_cluster().await;
    let key = Key::generate("k1");
    let jwks = JwksServer::start(&[&key], Some("max-age=300")).await;
    // The commented-out permissions of the reference, for a client that upserts itself.
    let metadata = tempfile::tempdir().unwrap();
    let source = hasura_standin::default_metadata_dir();
    copy_dir(&source, metadata.path());
    let table_file = metadata
        .path()
        .join("databases/default/tables/public_users.yaml");
    let mut yaml = std::fs::read_to_string(&table_file).unwrap();
    yaml.push_str(
        "insert_permissions:\n  - role: user\n    permission:\n      check:\n        userId:\n          _eq: X-Hasura-User-Id\n      columns: [userId, userName]\n\
         update_permissions:\n  - role: user\n    permission:\n      columns: [userName]\n      filter:\n        userId:\n          _eq: X-Hasura-User-Id\n      check: null\n",
    );
    std::fs::write(&table_file, yaml).unwrap();
    let mut options =
        StandinOptions::new(&cluster.connection_string(), &jwks.secret(json!({})), ADMIN);
    options.metadata_dir = metadata.path().to_path_buf();
    let standin = HasuraStandin::start_with(options).await.unwrap();
    let gql = Gql::new(&standin);
    let alice = key.sign(&claims_for("auth0|alice"));
    let auth = format!("Bearer {alice}");

    let body = gql
        .post(
            &[("authorization", &auth)],
            UPSERT_NO_BRACKETS,
            json!({"userId": "auth0|alice", "userName": "Me"}),
        )
        .await;
    assert_eq!(
        body,
        json!({"data": {"insert_users_one": {"userId": "auth0|alice"}}})
    );
    let body = gql
        .post(
            &[("authorization", &auth)],
            UPSERT,
            json!({"userId": "auth0|mallory", "userName": "Evil"}),
        )
        .await;
    assert_error(
        &body,
        "permission-error",
        "check constraint of an insert/update permission has failed",
    );
    let body = gql
        .post(&[("authorization", &auth)], r#"mutation { insert_users_one(object: {userId: "auth0|alice", lastSeen: "2020-01-01T00:00:00Z"}) { userId } }"#, Value::Null)
        .await;
    assert_error(
        &body,
        "validation-failed",
        "field 'lastSeen' not found in type: 'users_insert_input'",
    );
    // Upserting over someone else's row matches no update filter: nothing changes.
    let body = gql
        .post(
            &[("authorization", &auth)],
            UPSERT,
            json!({"userId": "auth0|bob", "userName": "Hacked"}),
        )
        .await;
    assert!(
        body.get("errors").is_some() || body["data"]["insert_users_one"].is_null(),
        "{body}"
    );
    let db = cluster.connect().await.unwrap();
    let name: String = db
        .query_one(
            r#"SELECT "userName" FROM public.users WHERE "userId" = 'auth0|bob'"#,
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(name, "Bob");
    standin.shutdown().await;
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn standin_refreshes_jwks_after_cache_control_expiry() {
    let cluster = seeded_cluster().await;
    let old = Key::generate("old");
    let new = Key::generate("new");
    let jwks = JwksServer::start(&[&old], Some("public, max-age=1")).await;
    let standin =
        HasuraStandin::start(&cluster.connection_string(), &jwks.secret(json!({})), ADMIN)
            .await
            .unwrap();
    let gql = Gql::new(&standin);
    let old_token = old.sign(&claims_for("auth0|alice"));
    let new_token = new.sign(&claims_for("auth0|alice"));
    assert!(gql.as_token(&old_token, USERS).await.get("data").is_some());
    assert_error(
        &gql.as_token(&new_token, USERS).await,
        "invalid-jwt",
        "Could not verify JWT: JWSError JWSInvalidSignature",
    );

    jwks.set_keys(&[&new]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let body = gql.as_token(&new_token, USERS).await;
        if body.get("data").is_some() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "keys were not refreshed: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The old key is gone after the refresh: kid is never consulted.
    assert_error(
        &gql.as_token(&old_token, USERS).await,
        "invalid-jwt",
        "Could not verify JWT: JWSError JWSInvalidSignature",
    );
    assert!(
        jwks.state.fetches.load(Ordering::SeqCst) >= 3,
        "startup check + first poll + refresh"
    );

    // A failing refetch keeps the keys in force.
    *jwks.state.status.lock() = 500;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(gql.as_token(&new_token, USERS).await.get("data").is_some());
    assert_eq!(standin.jwks_key_count(), 1);
    standin.shutdown().await;
}

#[tokio::test]
async fn standin_refuses_to_start_like_hasura() {
    let key = Key::generate("k1");
    // Unreachable JWKS: fatal. (No Postgres needed: the JWKS is checked first.)
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let secret =
        json!({"jwk_url": format!("http://127.0.0.1:{port}/.well-known/jwks.json")}).to_string();
    let err = HasuraStandin::start("postgres://postgres@127.0.0.1:1/postgres", &secret, ADMIN)
        .await
        .err()
        .unwrap();
    assert!(err.starts_with("Error fetching JWK: "), "{err}");
    // Non-2xx JWKS: fatal.
    let jwks = JwksServer::start(&[&key], None).await;
    *jwks.state.status.lock() = 503;
    let err = HasuraStandin::start(
        "postgres://postgres@127.0.0.1:1/postgres",
        &jwks.secret(json!({})),
        ADMIN,
    )
    .await
    .err()
    .unwrap();
    assert_eq!(
        err,
        format!("Non-2xx response on fetching JWK from: {}", jwks.url)
    );
    // Not a JWK set: fatal.
    *jwks.state.status.lock() = 200;
    *jwks.state.jwks.lock() = json!(["nope"]);
    let err = HasuraStandin::start(
        "postgres://postgres@127.0.0.1:1/postgres",
        &jwks.secret(json!({})),
        ADMIN,
    )
    .await
    .err()
    .unwrap();
    assert!(err.starts_with("Error parsing JWK from url: "), "{err}");
    // JWT mode needs an admin secret; the secret must parse.
    let err = HasuraStandin::start("postgres://x", &jwks.secret(json!({})), "")
        .await
        .err()
        .unwrap();
    assert!(err.contains("requires --admin-secret"), "{err}");
    let err = HasuraStandin::start("postgres://x", r#"{"type":"HS256"}"#, ADMIN)
        .await
        .err()
        .unwrap();
    assert_eq!(
        err,
        "Fatal Error:- Environment variable HASURA_GRAPHQL_JWT_SECRET: Error in $: key and jwk_url both cannot be empty"
    );
}
