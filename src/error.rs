//! Every error the mock can answer, as types. `http::respond` is the one place where each
//! becomes a response.
//!
//! Auth0 clients parse error bodies (spa-js calls `response.json()` on every failure), so an
//! error is never free text: it is `{"error","error_description"}` with Auth0's status code, an
//! error redirect back to a validated callback, or, when the callback itself is untrustworthy,
//! Auth0's HTML error page. The Management API has its own shape, [`ManagementError`].

use axum::http::StatusCode;
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
    /// The `mfa_token` member of an `mfa_required` answer.
    pub mfa_token: Option<Box<String>>,
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
            mfa_token: None,
        }
    }
    /// The same error carrying an `mfa_token` (`mfa_required`).
    pub fn with_mfa_token(mut self, token: String) -> Self {
        self.mfa_token = Some(Box::new(token));
        self
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
    /// 500 `server_error`: something the mock itself could not do (sign, build a client).
    pub fn server_error(description: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            description.to_string(),
        )
    }
    /// `login_required` "Login required": `prompt=none` without a session, or a session whose
    /// user is gone.
    pub fn login_required() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "login_required", "Login required")
    }
    /// `login_required` "Multifactor authentication required": a silent login whose user
    /// must pass a second factor first. auth0-spa-js matches this exact pair to tell a
    /// step-up from a lost session (`MFA_STEP_UP_ERROR_DESCRIPTION`, and its
    /// `interactiveErrorHandler: 'popup'`).
    pub fn mfa_login_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "login_required",
            "Multifactor authentication required",
        )
    }
    /// `interaction_required`: a silent login (`prompt=none`) that needs the user, as when a
    /// post-login Action redirects.
    pub fn interaction_required(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "interaction_required", description)
    }
    /// 401 `unauthorized` "user is blocked": Auth0's answer for a blocked user, which spa-js
    /// recognises and logs the user out on.
    pub fn user_blocked() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "user is blocked")
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

/// A Management API error: `{"statusCode","error","message","errorCode"}`, as Auth0's
/// Management API and the SDKs that parse it expect.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{status}: {message} ({error_code})")]
pub struct ManagementError {
    /// HTTP status.
    pub status: StatusCode,
    /// `message`.
    pub message: String,
    /// `errorCode` (`inexistent_user`, `invalid_body`, …).
    pub error_code: &'static str,
}

impl ManagementError {
    /// An error with Auth0's status, message and code.
    pub fn new(status: StatusCode, message: impl Into<String>, error_code: &'static str) -> Self {
        Self {
            status,
            message: message.into(),
            error_code,
        }
    }
    /// 400 `invalid_body` "Payload validation error: …".
    pub fn invalid_body(reason: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("Payload validation error: {reason}"),
            "invalid_body",
        )
    }
    /// 404 `inexistent_user` "The user does not exist.".
    pub fn no_user() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "The user does not exist.",
            "inexistent_user",
        )
    }

    /// Auth0's 404 for a `connection_id` it does not know.
    pub fn no_connection() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "The connection does not exist",
            "inexistent_connection",
        )
    }
}

/// An error of Auth0's `/dbconnections/*` endpoints in their legacy shape
/// `{"name","code","description","statusCode"}` (plus what some errors add, such as the
/// password policy's `policy` text), which auth0.js, Lock and the SDKs read by `code`.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{name} {code}: {description}")]
pub struct DbConnectionError {
    /// HTTP status (Auth0 answers these with 400).
    pub status: StatusCode,
    /// `name`: `BadRequestError`, `PasswordStrengthError`, `InternalExtensibilityError`, …
    pub name: &'static str,
    /// `code`: `user_exists`, `invalid_password`, `extensibility_error`, …
    pub code: String,
    /// `description`: a sentence, or the policy's rules for `invalid_password`.
    pub description: serde_json::Value,
    /// Members some errors carry besides these (`message`, `policy`, `friendly_message`, …).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl DbConnectionError {
    /// A 400 `BadRequestError` with a code and a sentence.
    pub fn bad_request(code: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            name: "BadRequestError",
            code: code.into(),
            description: serde_json::Value::String(description.into()),
            extra: Default::default(),
        }
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
