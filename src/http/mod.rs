//! The HTTP surface: one module per endpoint, Auth0's paths, and the cross-cutting layers
//! (request logging, CORS, injected faults).

pub mod authorize;
pub mod control;
pub mod cors;
pub mod jwks;
pub mod login_page;
pub mod logout;
pub mod management;
pub mod pages;
pub mod params;
pub mod revoke;
pub mod session;
pub mod token;
pub mod userinfo;

use crate::error::OAuthError;
use crate::faults::FaultKind;
use crate::state::Mock;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use std::time::Duration;

/// Shared state of every handler.
pub type AppState = Arc<Mock>;

/// Builds the router for a mock.
pub fn router(mock: AppState) -> Router {
    Router::new()
        .route("/authorize", get(authorize::authorize))
        .route("/authorize/resume", get(authorize::resume))
        .route("/u/login", get(login_page::show).post(login_page::submit))
        .route("/oauth/token", post(token::token).options(cors::preflight))
        .route(
            "/oauth/revoke",
            post(revoke::revoke).options(cors::preflight),
        )
        .route(
            "/userinfo",
            get(userinfo::userinfo)
                .post(userinfo::userinfo)
                .options(cors::preflight),
        )
        .route("/.well-known/jwks.json", get(jwks::jwks))
        .route("/.well-known/openid-configuration", get(jwks::discovery))
        .route("/pem", get(jwks::pem))
        .route("/cer", get(jwks::cer))
        .route("/v2/logout", get(logout::v2_logout))
        .route(
            "/oidc/logout",
            get(logout::oidc_logout).post(logout::oidc_logout_post),
        )
        .route("/healthz", get(healthz))
        .merge(management::routes(mock.clone()))
        .merge(control::routes(mock.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(mock.clone(), cors::cors))
        .layer(middleware::from_fn_with_state(mock.clone(), faults))
        .layer(middleware::from_fn(log_request))
        .with_state(mock)
}

/// The caller's IP address, when the server was started with connect info (always, via
/// [`crate::MockServer`]); empty otherwise.
pub struct PeerIp(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(PeerIp(ip.unwrap_or_default()))
    }
}

async fn healthz() -> &'static str {
    "OK"
}

async fn not_found() -> OAuthError {
    OAuthError::not_found("Not found")
}

async fn method_not_allowed() -> OAuthError {
    OAuthError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request",
        "Method not allowed on this endpoint",
    )
}

/// One log line per request: method, path, status, duration.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    tracing::info!(
        target: "auth0_mock::http",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "request"
    );
    response
}

/// Applies a fault armed through the control API to this request, if any.
async fn faults(State(mock): State<AppState>, req: Request, next: Next) -> Response {
    match mock.faults.take(req.uri().path()) {
        None => next.run(req).await,
        Some(FaultKind::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Some(FaultKind::Status {
            status,
            error,
            error_description,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let error = error.unwrap_or_else(|| match status.as_u16() {
                429 => "too_many_attempts".into(),
                s if s >= 500 => "server_error".into(),
                _ => "invalid_request".into(),
            });
            let description = error_description
                .unwrap_or_else(|| format!("Injected failure ({})", status.as_u16()));
            let mut response = OAuthError::new(status, error, description).into_response();
            if status == StatusCode::TOO_MANY_REQUESTS {
                response
                    .headers_mut()
                    .insert("retry-after", axum::http::HeaderValue::from_static("1"));
            }
            response
        }
    }
}
