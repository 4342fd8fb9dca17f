//! An emulation of Hasura GraphQL Engine v2's JWT authentication.
//!
//! Hasura itself cannot run on the machines this mock targets (no Docker, no
//! native builds), yet the whole point of auth0-mock is that its tokens are
//! accepted by Hasura. This module answers "what would Hasura do with this
//! token?" offline, byte for byte where the behaviour is known:
//! - [`jwt_config`] parses `HASURA_GRAPHQL_JWT_SECRET` with Hasura's rules;
//! - [`jwks`] fetches `jwk_url` and refreshes it on Hasura's schedule, and
//!   [`jwk_set`]/[`jwk`] parse what it fetches the way Hasura and jose do
//!   (one bad key fails the whole set);
//! - [`verify`] turns request headers into a role and session variables, or
//!   into Hasura's exact `{code, message}` error, with jose's checks in
//!   [`jws`] and [`claims_set`];
//! - [`verify_cli`] backs the `auth0-mock hasura-verify` subcommand.

pub mod claims_set;
pub mod der;
pub mod error;
pub mod haskell;
mod hasura_claims;
pub mod json_path;
pub mod jwk;
pub mod jwk_set;
pub mod jwks;
pub mod jws;
pub mod jwt_config;
pub mod pem_key;
pub mod signature;
pub mod uri;
pub mod verify;

#[cfg(test)]
pub(crate) mod test_keys;

#[cfg(test)]
mod findings;

use std::time::SystemTime;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::json;

pub use error::{ErrorCode, HasuraError};
pub use jwks::{JwkSet, JwksCache, JwksError};
pub use jwt_config::{ConfigError, JwtConfig, KeySource, TokenLocation};
pub use verify::{AuthSettings, Session, authenticate};

/// Hasura's error body for a failure that is not an authentication error
/// (invalid configuration, unreachable JWKS), in the same `errors` shape.
fn startup_error(code: &str, message: String) -> String {
    json!({"errors": [{"message": message, "extensions": {"path": "$", "code": code}}]}).to_string()
}

/// A JWKS failure as a startup error body: Hasura's message, and under
/// `extensions.internal` what Hasura logs (`jwk-refresh-log`) plus which key
/// broke the set.
fn jwks_error(error: &JwksError) -> String {
    let mut body = json!({"errors": [{"message": error.to_string(),
        "extensions": {"path": "$", "code": "jwks-fetch-failed"}}]});
    if let JwksError::Parse { error: parse, .. } = error {
        body["errors"][0]["extensions"]["internal"] = json!({
            "error": parse.message,
            "key_index": parse.key.as_ref().map(|k| k.index),
            "kid": parse.key.as_ref().and_then(|k| k.kid.clone()),
        });
    }
    body.to_string()
}

/// Verifies `token` against a `HASURA_GRAPHQL_JWT_SECRET` value as Hasura
/// would, for the `hasura-verify` CLI subcommand.
///
/// The token is placed where the config's `header` says (Authorization by
/// default) and `role` becomes `x-hasura-role`. A `jwk_url` is fetched once
/// (a failure is Hasura's fatal startup error).
///
/// `Ok` is `{"role":..,"session_variables":{..}}`; `Err` is Hasura's body
/// `{"errors":[{"message":..,"extensions":{"path":"$","code":..}}]}`.
/// Configuration and JWKS failures use the codes `invalid-configuration` and
/// `jwks-fetch-failed` (Hasura would refuse to start instead); a JWK Set
/// Hasura cannot parse also says which key broke it (`extensions.internal`).
pub async fn verify_cli(
    secret_json: &str,
    token: &str,
    role: Option<&str>,
) -> Result<String, String> {
    let config = JwtConfig::parse(secret_json)
        .map_err(|e| startup_error("invalid-configuration", e.startup_message()))?;
    let keys = match &config.keys {
        KeySource::Static(set) => set.clone(),
        KeySource::JwkUrl(url) => {
            let client = jwks::http_client().map_err(|e| jwks_error(&e))?;
            jwks::fetch_jwks(&client, url)
                .await
                .map_err(|e| jwks_error(&e))?
                .keys
        }
    };
    let mut headers = HeaderMap::new();
    let invalid_header = |what: &str| {
        HasuraError::bad_request(
            ErrorCode::InvalidHeaders,
            format!("{what} is not a valid HTTP header value"),
        )
        .to_graphql_response()
        .to_string()
    };
    let (name, value) = match &config.header {
        TokenLocation::Authorization => ("authorization".to_string(), format!("Bearer {token}")),
        TokenLocation::Cookie(cookie) => ("cookie".to_string(), format!("{cookie}={token}")),
        TokenLocation::CustomHeader(header) => (header.to_lowercase(), token.to_string()),
    };
    let name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid_header("the header name"))?;
    let value = HeaderValue::from_str(&value).map_err(|_| invalid_header("the token"))?;
    headers.insert(name, value);
    if let Some(role) = role {
        let value = HeaderValue::from_str(role).map_err(|_| invalid_header("the role"))?;
        headers.insert("x-hasura-role", value);
    }
    let settings = AuthSettings::default();
    authenticate(&config, &keys, &settings, &headers, SystemTime::now())
        .map(|session| session.to_json().to_string())
        .map_err(|e| e.to_graphql_response().to_string())
}

#[cfg(test)]
mod tests;
