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
//! 4. Signature: every key of the set is tried (the `kid` is ignored); an
//!    empty set gives `NoUsableKeys`, no match `JWSInvalidSignature`.
//! 5. jose claim checks in order `exp`, `iat`, `nbf`, `iss`, `aud`, each with
//!    `allowed_skew`; absent claims are not errors.
//! 6. Hasura claims (namespace or `claims_map`), allowed roles, default role,
//!    requested role, then every other `x-hasura-*` claim must be a string.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use serde_json::{Map, Value, json};

use super::error::{ErrorCode, HasuraError};
use super::jwks::JwkSet;
use super::jwt_config::{
    ClaimsConfig, ClaimsFormat, ClaimsMapValue, ClaimsNamespace, JwtConfig, TokenLocation,
    parse_role_list, parse_single_role, parse_string_or_uri,
};

const ADMIN_SECRET_HEADER: &str = "x-hasura-admin-secret";
const ACCESS_KEY_HEADER: &str = "x-hasura-access-key";
const ROLE_HEADER: &str = "x-hasura-role";
const ALLOWED_ROLES: &str = "x-hasura-allowed-roles";
const DEFAULT_ROLE: &str = "x-hasura-default-role";
const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

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

fn invalid_jwt(detail: impl std::fmt::Display) -> HasuraError {
    HasuraError::bad_request(
        ErrorCode::InvalidJwt,
        format!("Could not verify JWT: {detail}"),
    )
}

fn invalid_claims(message: impl Into<String>) -> HasuraError {
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
    let claims = extract_claims(config, &verified)?;

    // parseHasuraClaims: allowed roles first, then the default role.
    let allowed_roles = match claims.get(ALLOWED_ROLES) {
        None => {
            return Err(HasuraError::bad_request(
                ErrorCode::JwtMissingRoleClaims,
                format!("JWT claim does not contain {ALLOWED_ROLES}"),
            ));
        }
        Some(value) => parse_role_list(value).map_err(|e| {
            invalid_claims(format!(
                "invalid {ALLOWED_ROLES}; should be a list of roles: {e}"
            ))
        })?,
    };
    let default_role = match claims.get(DEFAULT_ROLE) {
        None => {
            return Err(HasuraError::bad_request(
                ErrorCode::JwtMissingRoleClaims,
                format!("JWT claim does not contain {DEFAULT_ROLE}"),
            ));
        }
        Some(value) => parse_single_role(value).map_err(|e| {
            invalid_claims(format!(
                "invalid {DEFAULT_ROLE}; should be a single role name: {e}"
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
                    json_type(&other)
                )));
            }
        }
    }
    Ok(finish_session(
        requested_role,
        variables,
        false,
        verified.exp,
    ))
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "Array",
        Value::Object(_) => "Object",
    }
}

/// Hasura's `tokenIssuer`: the `iss` of a payload decoded without checks;
/// `None` when the token or its claims cannot be decoded.
fn unverified_issuer(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims = parse_claims_set(&bytes).ok()?;
    claims.iss
}

/// The registered claims jose decodes, plus the whole payload.
#[derive(Debug, Clone)]
struct ClaimsSet {
    iss: Option<String>,
    aud: Option<Vec<String>>,
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    payload: Map<String, Value>,
}

/// jose's `FromJSON ClaimsSet`: an object whose registered claims have the
/// right types (`null` counts as absent).
fn parse_claims_set(bytes: &[u8]) -> Result<ClaimsSet, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("Error in $: {e}"))?;
    let Value::Object(payload) = value else {
        return Err(format!(
            "Error in $: parsing ClaimsSet failed, expected Object, but encountered {}",
            json_type(&value)
        ));
    };
    let field = |name: &str| payload.get(name).filter(|v| !v.is_null());
    let string_or_uri = |name: &str| -> Result<Option<String>, String> {
        field(name)
            .map(|v| parse_string_or_uri(v).map_err(|e| format!("Error in $.{name}: {e}")))
            .transpose()
    };
    let numeric_date = |name: &str| -> Result<Option<f64>, String> {
        match field(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(format!(
                "Error in $.{name}: parsing NumericDate failed, expected Number, but encountered {}",
                json_type(other)
            )),
        }
    };
    let iss = string_or_uri("iss")?;
    string_or_uri("sub")?;
    let aud = match field("aud") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| parse_string_or_uri(v).map_err(|e| format!("Error in $.aud: {e}")))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(v) => Some(vec![
            parse_string_or_uri(v).map_err(|e| format!("Error in $.aud: {e}"))?,
        ]),
    };
    let exp = numeric_date("exp")?;
    let nbf = numeric_date("nbf")?;
    let iat = numeric_date("iat")?;
    if let Some(jti) = field("jti")
        && !jti.is_string()
    {
        return Err(format!(
            "Error in $.jti: parsing Text failed, expected String, but encountered {}",
            json_type(jti)
        ));
    }
    Ok(ClaimsSet {
        iss,
        aud,
        exp,
        nbf,
        iat,
        payload,
    })
}

/// The outcome of signature and claim verification.
#[derive(Debug, Clone)]
struct VerifiedToken {
    payload: Map<String, Value>,
    exp: Option<f64>,
}

fn seconds_since_epoch(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

/// Hasura's `verifyJwt` = jose's `decodeCompact` + `verifyClaimsAt`.
fn verify_token(
    config: &JwtConfig,
    keys: &JwkSet,
    token: &str,
    now: SystemTime,
) -> Result<VerifiedToken, HasuraError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err(invalid_jwt(format!(
            "JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got {})",
            parts.len()
        )));
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD.decode(part).map_err(|e| {
            invalid_jwt(format!(
                "JWSError (CompactDecodeError Invalid base64url: {e})"
            ))
        })
    };
    let header_bytes = decode(header_b64)?;
    let payload_bytes = decode(payload_b64)?;
    decode(signature_b64)?;
    let header: Value = serde_json::from_slice(&header_bytes)
        .map_err(|e| invalid_jwt(format!("JWSError (JSONDecodeError {:?})", e.to_string())))?;
    let alg = header.get("alg").and_then(Value::as_str).ok_or_else(|| {
        invalid_jwt("JWSError (JSONDecodeError \"Error in $: key \\\"alg\\\" not found\")")
    })?;

    if keys.is_empty() {
        return Err(invalid_jwt("JWSError NoUsableKeys"));
    }
    let message = format!("{header_b64}.{payload_b64}");
    let verified = match jsonwebtoken::Algorithm::from_str(alg) {
        Ok(algorithm) => keys.keys().iter().any(|key| {
            matches!(
                jsonwebtoken::crypto::verify(
                    signature_b64,
                    message.as_bytes(),
                    &key.key,
                    algorithm
                ),
                Ok(true)
            )
        }),
        Err(_) => false,
    };
    if !verified {
        return Err(invalid_jwt("JWSError JWSInvalidSignature"));
    }

    let claims = parse_claims_set(&payload_bytes)
        .map_err(|e| invalid_jwt(format!("JWTClaimsSetDecodeError {e:?}")))?;
    let now = seconds_since_epoch(now);
    let skew = config.allowed_skew.unwrap_or(0.0).abs();
    // jose: valid while now < exp + skew; iat <= now + skew; nbf <= now + skew.
    if claims.exp.is_some_and(|exp| now >= exp + skew) {
        return Err(invalid_jwt("JWTExpired"));
    }
    if claims.iat.is_some_and(|iat| iat > now + skew) {
        return Err(invalid_jwt("JWTIssuedAtFuture"));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + skew) {
        return Err(invalid_jwt("JWTNotYetValid"));
    }
    if let (Some(expected), Some(actual)) = (&config.issuer, &claims.iss)
        && expected != actual
    {
        return Err(invalid_jwt("JWTNotInIssuer"));
    }
    if let Some(token_audiences) = &claims.aud {
        let accepted = token_audiences.iter().any(|aud| match &config.audience {
            None => true,
            Some(configured) => configured.contains(aud),
        });
        if !accepted {
            return Err(invalid_jwt("JWTNotInAudience"));
        }
    }
    Ok(VerifiedToken {
        payload: claims.payload,
        exp: claims.exp,
    })
}

/// Hasura's `parseClaimsMap`: the `x-hasura-*` claims by lower-cased name.
fn extract_claims(
    config: &JwtConfig,
    token: &VerifiedToken,
) -> Result<BTreeMap<String, Value>, HasuraError> {
    match &config.claims {
        ClaimsConfig::Namespace { namespace, format } => {
            let unregistered: Map<String, Value> = token
                .payload
                .iter()
                .filter(|(k, _)| !REGISTERED_CLAIMS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let unregistered = Value::Object(unregistered);
            let (found, location, not_found) = match namespace {
                ClaimsNamespace::Key(key) => (
                    unregistered.get(key),
                    format!("claims_namespace {key}"),
                    format!("claims key: '{key}' not found"),
                ),
                ClaimsNamespace::Path(path) => (
                    path.lookup(&unregistered),
                    format!("claims_namespace_path {}", path.encode()),
                    format!(
                        "claims not found at claims_namespace_path: '{}'",
                        path.encode()
                    ),
                ),
            };
            let found = found.ok_or_else(|| invalid_claims(not_found))?;
            let object = match (format, found) {
                (ClaimsFormat::Json, Value::Object(o)) => o.clone(),
                (ClaimsFormat::Json, _) => {
                    return Err(invalid_claims(
                        "expecting a json object when claims_format is json",
                    ));
                }
                (ClaimsFormat::StringifiedJson, Value::String(s)) => {
                    match serde_json::from_str::<Value>(s) {
                        Ok(Value::Object(o)) => o,
                        _ => {
                            return Err(invalid_claims(format!(
                                "expecting stringified json at: '{location}', but found: {s}"
                            )));
                        }
                    }
                }
                (ClaimsFormat::StringifiedJson, _) => {
                    return Err(invalid_claims(
                        "expecting a string when claims_format is stringified_json",
                    ));
                }
            };
            Ok(object
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .filter(|(k, _)| k.starts_with("x-hasura-"))
                .collect())
        }
        ClaimsConfig::Map(map) => {
            let whole = Value::Object(token.payload.clone());
            let missing = |name: &str| {
                HasuraError::bad_request(
                    ErrorCode::JwtMissingRoleClaims,
                    format!("JWT claim does not contain {name}"),
                )
            };
            let allowed = match &map.allowed_roles {
                ClaimsMapValue::Static(roles) => roles.clone(),
                ClaimsMapValue::Path { path, default } => match path.lookup(&whole) {
                    Some(v) => parse_role_list(v).map_err(|e| {
                        invalid_claims(format!(
                            "invalid {ALLOWED_ROLES}; should be a list of roles: {e}"
                        ))
                    })?,
                    None => default.clone().ok_or_else(|| missing(ALLOWED_ROLES))?,
                },
            };
            let default_role = match &map.default_role {
                ClaimsMapValue::Static(role) => role.clone(),
                ClaimsMapValue::Path { path, default } => match path.lookup(&whole) {
                    Some(v) => parse_single_role(v).map_err(|e| {
                        invalid_claims(format!("invalid {DEFAULT_ROLE}; should be a role: {e}"))
                    })?,
                    None => default.clone().ok_or_else(|| missing(DEFAULT_ROLE))?,
                },
            };
            let mut claims = BTreeMap::new();
            claims.insert(ALLOWED_ROLES.to_string(), json!(allowed));
            claims.insert(DEFAULT_ROLE.to_string(), json!(default_role));
            for (name, value) in &map.other {
                let value = match value {
                    ClaimsMapValue::Static(s) => json!(s),
                    ClaimsMapValue::Path { path, default } => match path.lookup(&whole) {
                        Some(v) => v.clone(),
                        None => match default {
                            Some(d) => json!(d),
                            None => {
                                return Err(invalid_claims(format!(
                                    "JWT claim from claims_map, {name} not found"
                                )));
                            }
                        },
                    },
                };
                claims.insert(name.clone(), value);
            }
            Ok(claims)
        }
    }
}

#[cfg(test)]
mod tests;
