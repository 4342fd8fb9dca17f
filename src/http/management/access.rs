//! Who may call the Management API, as Auth0 decides it: a Bearer token the mock signed for a
//! Management API audience (any `https://<host>/api/v2/`), unexpired, whose `scope` holds one
//! of the scopes the endpoint requires. From any address: the token is the credential, and a
//! browser never sends it on its own, so the control API's loopback and origin rules do not
//! apply here. Every reply carries the rate-limit headers.

use super::rules::required_scopes;
use crate::error::ManagementError;
use crate::http::extract::{AppState, bearer};
use crate::mint::jwt::{Expiry, Rejected, verify_own};
use crate::protocol::is_management_audience;
use crate::rate_limit::Window;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The guard in front of every `/api/v2` route.
pub(crate) async fn guard(State(mock): State<AppState>, req: Request, next: Next) -> Response {
    let window = mock.management_limit().count();
    let mut response = if window.exceeded {
        ManagementError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.",
            "too_many_requests",
        )
        .into_response()
    } else {
        match authorize(&mock, &req) {
            Ok(()) => next.run(req).await,
            Err(e) => e.into_response(),
        }
    };
    add_rate_headers(response.headers_mut(), window);
    response
}

fn add_rate_headers(headers: &mut HeaderMap, w: Window) {
    for (name, value) in [
        ("x-ratelimit-limit", w.limit.to_string()),
        ("x-ratelimit-remaining", w.remaining.to_string()),
        ("x-ratelimit-reset", w.reset.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

/// Whether the call may go on: a valid Management API token holding one of the endpoint's
/// scopes; otherwise Auth0's 401 or 403.
fn authorize(mock: &AppState, req: &Request) -> Result<(), ManagementError> {
    let token = bearer(req.headers()).ok_or_else(|| unauthorized("Missing authentication"))?;
    let claims = verify_own(
        &mock.keys(),
        mock.issuer(),
        token,
        mock.clock().now(),
        Expiry::Enforced,
    )
    .map_err(|r| match r {
        Rejected::Expired => unauthorized("Expired token received for JSON Web Token validation"),
        Rejected::Invalid => unauthorized("Invalid token"),
    })?;
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.iter().any(|a| is_management_audience(a)) {
        return Err(unauthorized(format!(
            "Bad audience: {}",
            audiences.join(" ")
        )));
    }
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .unwrap_or_default();
    let needed = required_scopes(req.method(), path);
    let held = claims.get("scope").and_then(Value::as_str).unwrap_or("");
    if needed.is_empty() || !held.split(' ').any(|s| needed.contains(&s)) {
        return Err(ManagementError::new(
            StatusCode::FORBIDDEN,
            format!("Insufficient scope, expected any of: {}", needed.join(",")),
            "insufficient_scope",
        ));
    }
    Ok(())
}

fn unauthorized(message: impl Into<String>) -> ManagementError {
    ManagementError::new(StatusCode::UNAUTHORIZED, message, "")
}
