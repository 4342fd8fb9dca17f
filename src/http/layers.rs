//! Cross-cutting layers: one log line per request, injected faults, and `no-store` on every
//! answer that does not choose its own caching.

use super::extract::AppState;
use crate::error::OAuthError;
use crate::faults::FaultKind;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// One log line per request: method, path, status, duration.
pub(crate) async fn log_request(req: Request, next: Next) -> Response {
    if !tracing::enabled!(target: "auth0_mock::http", tracing::Level::INFO) {
        return next.run(req).await;
    }
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
pub(crate) async fn faults(State(mock): State<AppState>, req: Request, next: Next) -> Response {
    match mock.faults().take(req.uri().path()) {
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
            OAuthError::new(status, error, description).into_response()
        }
    }
}

/// Tokens, codes, sessions and pages must never be cached: `Cache-Control: no-store` and
/// `Pragma: no-cache` on every response that did not set its own `Cache-Control` (the JWKS and
/// discovery documents do, so Hasura and SDKs cache them as they should).
pub(crate) async fn no_store(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    response
}
