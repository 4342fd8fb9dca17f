//! Every error the HTTP surface can answer, and the one place where each becomes a response.
//!
//! Auth0 clients parse error bodies (spa-js calls `response.json()` on every failure), so an
//! error is never free text: it is `{"error","error_description"}` with Auth0's status code, an
//! error redirect back to a validated callback, or, when the callback itself is untrustworthy,
//! Auth0's HTML error page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::borrow::Cow;

/// An OAuth/OIDC error as Auth0's JSON endpoints (`/oauth/token`, `/userinfo`, `/oauth/revoke`,
/// the control API) return it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{code}: {description}")]
pub struct OAuthError {
    /// HTTP status Auth0 uses for this error.
    pub status: StatusCode,
    /// The `error` member (`invalid_grant`, `access_denied`, …).
    pub code: Cow<'static, str>,
    /// The `error_description` member, phrased as Auth0 phrases it where known.
    pub description: String,
}

impl OAuthError {
    /// Builds an error with an explicit status.
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            description: description.into(),
        }
    }
    /// 400 `invalid_request`: malformed, missing or duplicated parameters.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
    /// 403 `invalid_grant`: wrong password, bad code, spent refresh token.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "invalid_grant", description)
    }
    /// 403 `access_denied`: unknown audience, missing client grant, a hook's denial.
    pub fn access_denied(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "access_denied", description)
    }
    /// 401 `invalid_client`: client authentication failed.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }
    /// 403 `unauthorized_client`: the client may not use this grant.
    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "unauthorized_client", description)
    }
    /// 400 `invalid_scope`.
    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }
    /// 401 `invalid_token` (userinfo, Management API).
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }
    /// 404 `not_found` (control API).
    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.code, "error_description": self.description });
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        if self.status == StatusCode::UNAUTHORIZED && self.code == "invalid_token" {
            let value = format!(
                "Bearer error=\"invalid_token\", error_description=\"{}\"",
                self.description.replace('"', "'")
            );
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(header::WWW_AUTHENTICATE, v);
            }
        }
        response
    }
}

/// An `/authorize` failure that must not be sent to the callback: the client or the
/// redirect URI could not be trusted, so redirecting would make the mock an open redirect.
/// Rendered as Auth0's HTML error page.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}: {description}")]
pub struct ErrorPage {
    /// The Auth0 error code shown on the page (`invalid_request`, `unauthorized_client`…).
    pub error: &'static str,
    /// Human readable reason.
    pub description: String,
}

impl ErrorPage {
    /// Builds an error page for a request whose callback cannot be trusted.
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let page = crate::http::pages::error_page(self.error, &self.description);
        let mut response = (StatusCode::BAD_REQUEST, Html(page)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// Failures of loading or validating tenant fixtures. Always names the file, the path inside
/// it and the reason, because users fix fixtures by reading this message.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not valid YAML/JSON or does not fit the schema.
    #[error("{file}: at {path}: {reason}")]
    Parse {
        /// The file.
        file: String,
        /// Path inside the document (`clients[2].callbacks`).
        path: String,
        /// The parser's reason, with its line and column where known.
        reason: String,
    },
    /// The document parsed but is inconsistent (duplicate ids, unknown references…).
    #[error("{file}: at {path}: {reason}")]
    Invalid {
        /// The file.
        file: String,
        /// Path inside the document.
        path: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
}

impl FixtureError {
    /// Shorthand for a semantic validation failure.
    pub fn invalid(
        file: impl Into<String>,
        path: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            file: file.into(),
            path: path.into(),
            reason: reason.into(),
        }
    }
}
