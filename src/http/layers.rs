//! What every request goes through, in one layer: an injected fault if one is armed, `no-store`
//! on every answer that does not choose its own caching, and one log line.

use super::extract::AppState;
use crate::error::OAuthError;
use crate::faults::FaultKind;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};

/// The one cross-cutting layer (one layer, not three: each layer costs every request a boxed
/// service clone and a future).
pub(crate) async fn around(State(mock): State<AppState>, req: Request, next: Next) -> Response {
    let logged = tracing::enabled!(target: "auth0_mock::http", tracing::Level::INFO).then(|| {
        (
            req.method().clone(),
            req.uri().path().to_string(),
            Instant::now(),
        )
    });
    let mut response = match mock.faults().take(req.uri().path()) {
        None => next.run(req).await,
        Some(FaultKind::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Some(FaultKind::Status {
            status,
            error,
            error_description,
        }) => injected(status, error, error_description),
    };
    no_store(&mut response);
    if let Some((method, path, started)) = logged {
        tracing::info!(
            target: "auth0_mock::http",
            method = %method,
            path = %path,
            status = response.status().as_u16(),
            ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
            "request"
        );
    }
    response
}

/// An armed status fault's answer, Auth0-shaped.
fn injected(status: u16, error: Option<String>, description: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error = error.unwrap_or_else(|| match status.as_u16() {
        429 => "too_many_attempts".into(),
        s if s >= 500 => "server_error".into(),
        _ => "invalid_request".into(),
    });
    let description =
        description.unwrap_or_else(|| format!("Injected failure ({})", status.as_u16()));
    OAuthError::new(status, error, description).into_response()
}

/// Tokens, codes, sessions and pages must never be cached: `Cache-Control: no-store` and
/// `Pragma: no-cache` unless the response set its own `Cache-Control` (the JWKS and discovery
/// documents do, so Hasura and SDKs cache them as they should).
fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
}
