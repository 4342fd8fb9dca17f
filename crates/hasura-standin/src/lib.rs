//! A **Hasura stand-in** for tests: a small HTTP server that behaves like
//! `hasura/graphql-engine` v2 in JWT mode for the documents the e2e story
//! uses. This is test-only code; it is not Hasura.
//!
//! Why: the real engine cannot run here (no Docker, no native build), but the
//! tests must prove that auth0-mock's tokens are accepted by Hasura and that
//! permissions behave. The stand-in uses the `hasura-jwt` crate for
//! authentication — Hasura's exact validation order, error codes and
//! messages, admin-secret precedence, and JWKS fetching (startup fetch is
//! fatal; refreshed per `Cache-Control`/`Expires` by a 1 s poller; one key
//! Hasura cannot parse fails the whole set, fatally at startup, "keep the
//! old keys" on a refresh, and the startup error names that key) — and a
//! real GraphQL parser plus real SQL against Postgres for data.
//!
//! Because the stand-in authenticates with the very verifier it is meant to
//! check, its end-to-end tests cannot catch a verifier bug on their own:
//! `tests/hasura_cases.rs` runs the Hasura case table of `hasura-jwt`
//! (derived from Hasura's and jose's source) through `/v1/graphql`.
//!
//! Supported GraphQL (root fields named like Hasura's, per role):
//! - query: `<table>(where, order_by, limit, offset)`, `<table>_by_pk(pk…)`;
//! - mutation: `insert_<table>_one(object, on_conflict)`,
//!   `insert_<table>(objects, on_conflict)` with `affected_rows`/`returning`;
//! - bool expressions `_and/_or/_not`, `_eq/_neq/_gt/_lt/_gte/_lte/_in/_nin/
//!   _is_null/_like/_nlike/_ilike/_nilike`; variables, fragments, `@skip`,
//!   `@include`, aliases, `__typename`; spec list input coercion.
//!
//! Permissions come from the Hasura metadata directory (default:
//! `fixtures/hasura/metadata`): select `columns`/`filter`/`limit`, insert
//! `columns`/`check`, update `columns`/`filter`/`check` (for `on_conflict`),
//! with `X-Hasura-*` session-variable references. Role `admin` sees all.
//!
//! Not supported (answered with code `not-supported`): aggregates,
//! `distinct_on`, update/delete mutations, introspection, subscriptions,
//! relationships, column presets.
//!
//! Known deviations: Hasura serves requests while its first JWKS poll is
//! still pending (answering `JWSError NoUsableKeys` for about a second);
//! the stand-in completes that first poll before it starts listening.
//! Hasura retries a failed startup JWKS fetch five times (backoff from
//! 200 ms) before giving up; the stand-in gives up at once.
//! graphql-parser keeps object fields sorted, so several columns inside one
//! `order_by` object sort alphabetically (use a list for a fixed order).

mod exec;
mod plan;
pub mod postgres;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hasura_jwt::{AuthSettings, JwkSet, JwksCache, JwtConfig, KeySource, authenticate};
use serde_json::{Map, Value as Json, json};

pub use plan::GqlError;

/// The auth0-mock repository, whose `fixtures/hasura` and `.ci/` this crate uses.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Everything the stand-in can be configured with.
#[derive(Debug, Clone)]
pub struct StandinOptions {
    /// Postgres URL (the `default` source and Hasura's `PG_DATABASE_URL`).
    pub pg_conn_string: String,
    /// `HASURA_GRAPHQL_JWT_SECRET`.
    pub jwt_secret_json: String,
    /// `HASURA_GRAPHQL_ADMIN_SECRET` (required in JWT mode, as in Hasura).
    pub admin_secret: String,
    /// `HASURA_GRAPHQL_UNAUTHORIZED_ROLE`.
    pub unauthorized_role: Option<String>,
    /// The metadata directory (v3 layout).
    pub metadata_dir: PathBuf,
    /// The JWKS poller period (Hasura: 1 s).
    pub jwks_poll_interval: Duration,
}

impl StandinOptions {
    /// Options with this repository's metadata and Hasura's defaults.
    pub fn new(pg_conn_string: &str, jwt_secret_json: &str, admin_secret: &str) -> Self {
        StandinOptions {
            pg_conn_string: pg_conn_string.to_string(),
            jwt_secret_json: jwt_secret_json.to_string(),
            admin_secret: admin_secret.to_string(),
            unauthorized_role: None,
            metadata_dir: default_metadata_dir(),
            jwks_poll_interval: Duration::from_secs(1),
        }
    }
}

/// `fixtures/hasura/metadata` of this repository.
pub fn default_metadata_dir() -> PathBuf {
    repo_root().join("fixtures/hasura/metadata")
}

enum Keys {
    Static(JwkSet),
    Url(Arc<JwksCache>),
}

struct AppState {
    config: JwtConfig,
    keys: Keys,
    settings: AuthSettings,
    tables: Vec<schema::Table>,
    db: tokio::sync::Mutex<tokio_postgres::Client>,
}

/// A running stand-in; stop it with [`HasuraStandin::shutdown`].
pub struct HasuraStandin {
    base_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    background: Vec<tokio::task::JoinHandle<()>>,
    state: Arc<AppState>,
}

impl HasuraStandin {
    /// Starts a stand-in with this repository's metadata; fails the way
    /// Hasura fails to start (bad secret, no admin secret, JWKS fetch error,
    /// database unreachable, metadata tracking a missing table).
    pub async fn start(
        pg_conn_string: &str,
        jwt_secret_json: &str,
        admin_secret: &str,
    ) -> Result<HasuraStandin, String> {
        Self::start_with(StandinOptions::new(
            pg_conn_string,
            jwt_secret_json,
            admin_secret,
        ))
        .await
    }

    /// Starts a stand-in with explicit options.
    pub async fn start_with(options: StandinOptions) -> Result<HasuraStandin, String> {
        let config = JwtConfig::parse(&options.jwt_secret_json).map_err(|e| e.startup_message())?;
        if options.admin_secret.is_empty() {
            return Err("Fatal Error : --jwt-secret (HASURA_GRAPHQL_JWT_SECRET) requires --admin-secret \
                        (HASURA_GRAPHQL_ADMIN_SECRET) or  --access-key (HASURA_GRAPHQL_ACCESS_KEY) to be set"
                .to_string());
        }
        let mut background = Vec::new();
        let keys = match &config.keys {
            KeySource::Static(set) => Keys::Static(set.clone()),
            KeySource::JwkUrl(url) => {
                let cache = Arc::new(
                    JwksCache::start(url.clone())
                        .await
                        .map_err(|e| e.diagnostic())?,
                );
                cache.tick().await;
                background.push(cache.spawn_poller(options.jwks_poll_interval));
                Keys::Url(cache)
            }
        };
        let (client, connection) =
            tokio_postgres::connect(&options.pg_conn_string, tokio_postgres::NoTls)
                .await
                .map_err(|e| {
                    format!("connecting to Postgres at {}: {e}", options.pg_conn_string)
                })?;
        background.push(tokio::spawn(async move {
            let _ = connection.await;
        }));
        // The official postgres image runs in UTC; Hasura's JSON timestamps follow the session zone.
        client
            .batch_execute("SET TIME ZONE 'UTC'")
            .await
            .map_err(|e| e.to_string())?;
        let tables = schema::load(&options.metadata_dir, &client).await?;
        let state = Arc::new(AppState {
            config,
            keys,
            settings: AuthSettings {
                admin_secret: Some(options.admin_secret.clone()),
                unauthorized_role: options.unauthorized_role.clone(),
            },
            tables,
            db: tokio::sync::Mutex::new(client),
        });
        let app = Router::new()
            .route("/v1/graphql", post(graphql))
            .route("/healthz", get(|| async { "OK" }))
            .route(
                "/v1/version",
                get(|| async { axum::Json(json!({"version": "v2.49.4-standin"})) }),
            )
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(HasuraStandin {
            base_url: format!("http://127.0.0.1:{}", addr.port()),
            shutdown: Some(tx),
            server: Some(server),
            background,
            state,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://127.0.0.1:PORT/v1/graphql`.
    pub fn graphql_url(&self) -> String {
        format!("{}/v1/graphql", self.base_url)
    }

    /// How many JWKS keys are in force (0 in `key` mode means never fetched).
    pub fn jwks_key_count(&self) -> usize {
        match &self.state.keys {
            Keys::Static(set) => set.len(),
            Keys::Url(cache) => cache.keys().len(),
        }
    }

    /// Stops the server and its background tasks.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for task in self.background.drain(..) {
            task.abort();
        }
    }
}

impl Drop for HasuraStandin {
    fn drop(&mut self) {
        self.stop();
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

fn respond(body: Json) -> Response {
    // /v1/graphql always answers 200 (Hasura's `allMod200`).
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

async fn graphql(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let keys = match &state.keys {
        Keys::Static(set) => Arc::new(set.clone()),
        Keys::Url(cache) => cache.keys(),
    };
    let session = match authenticate(
        &state.config,
        &keys,
        &state.settings,
        &headers,
        SystemTime::now(),
    ) {
        Ok(session) => session,
        Err(error) => return respond(error.to_graphql_response()),
    };
    let request: Json = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return respond(
                GqlError {
                    message: format!("Error in $: {e}"),
                    path: "$".into(),
                    code: "parse-failed",
                }
                .to_response(),
            );
        }
    };
    let Some(query) = request.get("query").and_then(Json::as_str) else {
        return respond(GqlError::validation("$", "key \"query\" not found").to_response());
    };
    let variables = match request.get("variables") {
        None | Some(Json::Null) => Map::new(),
        Some(Json::Object(map)) => map.clone(),
        Some(_) => {
            return respond(
                GqlError {
                    message: "variables must be an object".into(),
                    path: "$.variables".into(),
                    code: "parse-failed",
                }
                .to_response(),
            );
        }
    };
    let operation_name = request.get("operationName").and_then(Json::as_str);
    let plan = match plan::plan(&state.tables, &session, query, &variables, operation_name) {
        Ok(plan) => plan,
        Err(error) => return respond(error.to_response()),
    };
    let mut client = state.db.lock().await;
    match exec::execute(&mut client, &state.tables, &plan).await {
        Ok(data) => respond(json!({"data": data})),
        Err(error) => respond(error.to_response()),
    }
}
