//! The error Hasura returns when it refuses a request's credentials.

use serde_json::{Value, json};

/// The `extensions.code` values Hasura uses for authentication failures.
///
/// Tests match on the code rather than the message (older Hasura builds
/// worded some messages differently), so the codes are a closed set here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `invalid-headers`: a missing or malformed credential header.
    InvalidHeaders,
    /// `invalid-jwt`: the token failed decoding, signature or claim checks.
    InvalidJwt,
    /// `jwt-invalid-claims`: the Hasura claims have the wrong shape.
    JwtInvalidClaims,
    /// `jwt-missing-role-claims`: allowed or default role claim is absent.
    JwtMissingRoleClaims,
    /// `access-denied`: a wrong admin secret or a role that is not allowed.
    AccessDenied,
}

impl ErrorCode {
    /// The code exactly as Hasura spells it in `extensions.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidHeaders => "invalid-headers",
            ErrorCode::InvalidJwt => "invalid-jwt",
            ErrorCode::JwtInvalidClaims => "jwt-invalid-claims",
            ErrorCode::JwtMissingRoleClaims => "jwt-missing-role-claims",
            ErrorCode::AccessDenied => "access-denied",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authentication error as Hasura reports it: a code, a message and the
/// HTTP status the metadata APIs would use (`/v1/graphql` always answers 200).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})")]
pub struct HasuraError {
    /// The `extensions.code` value.
    pub code: ErrorCode,
    /// The `message` value, byte for byte what Hasura sends where known.
    pub message: String,
    /// 400 for most failures, 401 for a wrong admin secret.
    pub status: u16,
}

impl HasuraError {
    /// A 400 error, the status Hasura's `throw400` uses.
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        HasuraError {
            code,
            message: message.into(),
            status: 400,
        }
    }

    /// The body Hasura sends on `/v1/graphql`:
    /// `{"errors":[{"message":..,"extensions":{"path":"$","code":..}}]}`.
    pub fn to_graphql_response(&self) -> Value {
        json!({
            "errors": [{
                "message": self.message,
                "extensions": {"path": "$", "code": self.code.as_str()}
            }]
        })
    }
}
