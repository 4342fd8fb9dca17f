//! Deciding a request's Hasura role and session variables, or Hasura's error.
//!
//! [`authenticate`] reproduces `getUserInfoWithExpTime_` in JWT mode
//! (`Hasura.Server.Auth`) together with `processJwt_`/`processHeaderSimple`
//! (`Hasura.Server.Auth.JWT`) and jose's `verifyClaimsAt`, step for step:
//!
//! 1. A sent `x-hasura-admin-secret` (or `x-hasura-access-key`) decides alone:
//!    right → admin (role from `x-hasura-role`, session variables from the
//!    `x-hasura-*` headers), wrong → 401 `access-denied`. The JWT is ignored.
//! 2. Tokens are read from the configured location; an `Authorization` value
//!    must split on whitespace into exactly `Bearer <token>`.
//! 3. Issuer pre-match on the *unverified* payload: a token whose `iss`
//!    differs from the configured issuer gives `JWTNotInIssuer`, before any
//!    signature check. No token → the unauthorized role, or `invalid-headers`.
//! 4. jose's verification ([`crate::jws`]): the claims set is decoded before
//!    the signature is checked; every key of the set is tried (the `kid` is
//!    ignored); then `exp`, `iat`, `nbf`, `iss`, `aud` with `allowed_skew`,
//!    absent claims passing.
//! 6. Hasura claims (namespace or `claims_map`), allowed roles, default role,
//!    requested role, then every other `x-hasura-*` claim must be a string.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use serde_json::{Value, json};

use crate::claims_set::{ClaimsSet, Validation};
use crate::error::{ErrorCode, HasuraError};
use crate::haskell::type_of;
use crate::hasura_claims::extract_claims;
use crate::jwk_set::JwkSet;
use crate::jws::verify_claims_at;
use crate::jwt_config::{JwtConfig, TokenLocation, parse_role_list, parse_single_role};

const ADMIN_SECRET_HEADER: &str = "x-hasura-admin-secret";
const ACCESS_KEY_HEADER: &str = "x-hasura-access-key";
const ROLE_HEADER: &str = "x-hasura-role";
const ALLOWED_ROLES: &str = "x-hasura-allowed-roles";
const DEFAULT_ROLE: &str = "x-hasura-default-role";

/// Server-side settings besides the JWT config that change the outcome.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// `HASURA_GRAPHQL_ADMIN_SECRET` (Hasura refuses to start JWT mode without
    /// one; with `None` every sent admin secret is rejected).
    pub admin_secret: Option<String>,
    /// `HASURA_GRAPHQL_UNAUTHORIZED_ROLE`: used only when no token is sent.
    pub unauthorized_role: Option<String>,
}

/// The identity Hasura derives for an accepted request.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The role permissions are evaluated for.
    pub role: String,
    /// Session variables with lower-cased names, including `x-hasura-role`.
    pub variables: BTreeMap<String, String>,
    /// Whether the request was admitted by the admin secret.
    pub admin_secret_sent: bool,
    /// The token's `exp` (seconds since the epoch), when a token was used.
    pub token_expiry: Option<f64>,
}

impl Session {
    /// `{"role": .., "session_variables": {..}}`, for printing.
    pub fn to_json(&self) -> Value {
        json!({"role": self.role, "session_variables": self.variables})
    }

    /// A session variable by case-insensitive name.
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.variables.get(&name.to_lowercase()).map(String::as_str)
    }
}

/// Hasura's `invalidJWTError`: jose's error after "Could not verify JWT: ".
pub(crate) fn invalid_jwt(detail: impl std::fmt::Display) -> HasuraError {
    HasuraError::bad_request(
        ErrorCode::InvalidJwt,
        format!("Could not verify JWT: {detail}"),
    )
}

/// Hasura's `JWTInvalidClaims` (`jwt-invalid-claims`) error.
pub(crate) fn invalid_claims(message: impl Into<String>) -> HasuraError {
    HasuraError::bad_request(ErrorCode::JwtInvalidClaims, message)
}

fn header_text(value: &http::HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

/// The `x-hasura-*` request headers, lower-cased (Hasura's
/// `mkSessionVariablesHeaders`; a repeated header keeps its last value).
fn header_session_variables(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut variables = BTreeMap::new();
    for (name, value) in headers {
        let name = name.as_str().to_lowercase();
        if name.starts_with("x-hasura-") {
            variables.insert(name, header_text(value));
        }
    }
    variables
}

/// Finishes a session the way `mkUserInfo` does: drops the secret headers
/// and records the role as `x-hasura-role`.
fn finish_session(
    role: String,
    mut variables: BTreeMap<String, String>,
    admin_secret_sent: bool,
    token_expiry: Option<f64>,
) -> Session {
    variables.remove(ADMIN_SECRET_HEADER);
    variables.remove(ACCESS_KEY_HEADER);
    variables.insert(ROLE_HEADER.to_string(), role.clone());
    Session {
        role,
        variables,
        admin_secret_sent,
        token_expiry,
    }
}

/// Authenticates a request like Hasura in JWT mode (see the module docs).
pub fn authenticate(
    config: &JwtConfig,
    keys: &JwkSet,
    settings: &AuthSettings,
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<Session, HasuraError> {
    let header_variables = header_session_variables(headers);
    let sent_secret = header_variables
        .get(ADMIN_SECRET_HEADER)
        .or_else(|| header_variables.get(ACCESS_KEY_HEADER));
    if let Some(sent) = sent_secret {
        if settings.admin_secret.as_deref() != Some(sent.as_str()) {
            return Err(HasuraError {
                code: ErrorCode::AccessDenied,
                message: format!("invalid {ADMIN_SECRET_HEADER}/{ACCESS_KEY_HEADER}"),
                status: 401,
            });
        }
        let role = header_variables
            .get(ROLE_HEADER)
            .filter(|r| !r.is_empty())
            .cloned()
            .unwrap_or_else(|| "admin".to_string());
        return Ok(finish_session(role, header_variables, true, None));
    }
    process_jwt(config, keys, settings, headers, &header_variables, now)
}

/// The raw token candidates at the configured location.
fn collect_tokens(
    location: &TokenLocation,
    headers: &HeaderMap,
) -> Result<Vec<String>, HasuraError> {
    let mut tokens = Vec::new();
    match location {
        TokenLocation::Authorization => {
            for value in headers.get_all("authorization") {
                let text = header_text(value);
                let words: Vec<&str> = text.split_ascii_whitespace().collect();
                match words.as_slice() {
                    ["Bearer", token] => tokens.push((*token).to_string()),
                    _ => {
                        return Err(HasuraError::bad_request(
                            ErrorCode::InvalidHeaders,
                            "Malformed Authorization header",
                        ));
                    }
                }
            }
        }
        TokenLocation::Cookie(name) => {
            for value in headers.get_all("cookie") {
                let text = header_text(value);
                for pair in text.split(';') {
                    if let Some((key, value)) = pair.trim().split_once('=')
                        && key.trim() == name
                    {
                        tokens.push(value.trim().to_string());
                    }
                }
            }
        }
        TokenLocation::CustomHeader(name) => {
            let Ok(name) = http::HeaderName::from_bytes(name.to_lowercase().as_bytes()) else {
                return Ok(tokens);
            };
            for value in headers.get_all(name) {
                tokens.push(header_text(value));
            }
        }
    }
    Ok(tokens)
}

fn process_jwt(
    config: &JwtConfig,
    keys: &JwkSet,
    settings: &AuthSettings,
    headers: &HeaderMap,
    header_variables: &BTreeMap<String, String>,
    now: SystemTime,
) -> Result<Session, HasuraError> {
    let tokens = collect_tokens(&config.header, headers)?;
    let mut matching = Vec::new();
    let mut mismatched = 0;
    for token in tokens {
        match (&config.issuer, unverified_issuer(&token)) {
            (Some(expected), Some(actual)) if *expected != actual => mismatched += 1,
            _ => matching.push(token),
        }
    }
    let token = match (mismatched, matching.len()) {
        (0, 0) => {
            return match &settings.unauthorized_role {
                Some(role) => Ok(finish_session(
                    role.clone(),
                    header_variables.clone(),
                    false,
                    None,
                )),
                None => Err(HasuraError::bad_request(
                    ErrorCode::InvalidHeaders,
                    "Missing 'Authorization' or 'Cookie' header in JWT authentication mode",
                )),
            };
        }
        (_, 0) => return Err(invalid_jwt("JWTNotInIssuer")),
        (_, 1) => matching.remove(0),
        _ => {
            return Err(HasuraError::bad_request(
                ErrorCode::InvalidHeaders,
                "Could not verify JWT: Multiple JWTs found",
            ));
        }
    };

    let verified = verify_token(config, keys, &token, now)?;
    let claims = extract_claims(&config.claims, &verified)?;

    // parseHasuraClaims: allowed roles first, then the default role.
    let allowed_roles = match claims.get(ALLOWED_ROLES) {
        None => {
            return Err(HasuraError::bad_request(
                ErrorCode::JwtMissingRoleClaims,
                format!("JWT claim does not contain \"{ALLOWED_ROLES}\""),
            ));
        }
        Some(value) => parse_role_list(value).map_err(|e| {
            invalid_claims(format!(
                "invalid \"{ALLOWED_ROLES}\"; should be a list of roles: {e}"
            ))
        })?,
    };
    let default_role = match claims.get(DEFAULT_ROLE) {
        None => {
            return Err(HasuraError::bad_request(
                ErrorCode::JwtMissingRoleClaims,
                format!("JWT claim does not contain \"{DEFAULT_ROLE}\""),
            ));
        }
        Some(value) => parse_single_role(value).map_err(|e| {
            invalid_claims(format!(
                "invalid \"{DEFAULT_ROLE}\"; should be a single role name: {e}"
            ))
        })?,
    };
    let requested_role = headers
        .get(ROLE_HEADER)
        .map(header_text)
        .filter(|r| !r.is_empty())
        .unwrap_or(default_role);
    if !allowed_roles.contains(&requested_role) {
        return Err(HasuraError::bad_request(
            ErrorCode::AccessDenied,
            "Your requested role is not in allowed roles",
        ));
    }
    let mut variables = BTreeMap::new();
    for (name, value) in claims {
        if name == ALLOWED_ROLES || name == DEFAULT_ROLE {
            continue;
        }
        match value {
            Value::String(s) => {
                variables.insert(name, s);
            }
            other => {
                return Err(invalid_claims(format!(
                    "x-hasura-* claims: parsing Text failed, expected String, but encountered {}",
                    type_of(&other)
                )));
            }
        }
    }
    Ok(finish_session(
        requested_role,
        variables,
        false,
        verified.expiry(),
    ))
}
/// Hasura's `tokenIssuer`: the `iss` of a payload decoded without checks;
/// `None` when the token or its claims cannot be decoded (then the token
/// matches every config and its real error surfaces in verification).
fn unverified_issuer(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    ClaimsSet::decode(&bytes).ok()?.iss
}

fn seconds_since_epoch(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

/// Hasura's `verifyJwt`: jose's `decodeCompact` + `verifyClaimsAt` with the
/// config's skew, issuer and audience.
fn verify_token(
    config: &JwtConfig,
    keys: &JwkSet,
    token: &str,
    now: SystemTime,
) -> Result<ClaimsSet, HasuraError> {
    let settings = Validation {
        skew: config.allowed_skew.unwrap_or(0.0),
        issuer: config.issuer.as_deref(),
        audience: config.audience.as_deref(),
    };
    verify_claims_at(token, keys, &settings, seconds_since_epoch(now)).map_err(invalid_jwt)
}

#[cfg(test)]
mod tests;
