//! CORS as Auth0 does it: public documents (JWKS, discovery) for everyone; the token, revoke and
//! userinfo endpoints (and the `/dbconnections` ones auth0.js calls) for the web origins of the
//! tenant's clients, including the preflight that spa-js's `Auth0-Client` header triggers.

use super::extract::AppState;
use crate::error::OAuthError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const CREDENTIALED: &[&str] = &[
    "/oauth/token",
    "/oauth/revoke",
    "/userinfo",
    // auth0.js calls these from the app's page (`WebAuth.signup`, `changePassword`).
    "/dbconnections/signup",
    "/dbconnections/change_password",
    "/passwordless/start",
    "/co/authenticate",
];

/// Adds CORS headers to responses of browser-callable endpoints.
pub(crate) async fn cors(State(mock): State<AppState>, req: Request, next: Next) -> Response {
    // Servers and SDKs send no Origin: they pay nothing here.
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string)
    else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_string();
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if path.starts_with("/.well-known/") {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    } else if CREDENTIALED.contains(&path.as_str()) && origin_allowed(&mock, &origin) {
        allow(headers, &origin);
    }
    response
}

fn origin_allowed(mock: &crate::mock::Mock, origin: &str) -> bool {
    mock.tenant()
        .clients
        .iter()
        .any(|c| c.accepts_origin(origin))
}

fn allow(headers: &mut HeaderMap, origin: &str) {
    if let Ok(v) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// `OPTIONS` on the token, revoke and userinfo endpoints.
pub(crate) async fn preflight(State(mock): State<AppState>, headers: HeaderMap) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or("");
    if origin.is_empty() || !origin_allowed(&mock, origin) {
        return OAuthError::access_denied(format!(
            "Origin not allowed: '{origin}' is in no application's Allowed Web Origins"
        ))
        .into_response();
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    let requested = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_static("content-type, auth0-client, authorization, dpop")
        });
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}
