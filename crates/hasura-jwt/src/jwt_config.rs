//! Parsing a `HASURA_GRAPHQL_JWT_SECRET` value the way graphql-engine does.
//!
//! The rules and error texts follow the `FromJSON JWTConfig` instance of
//! `Hasura.Server.Auth.JWT` (v2): fields are read in Hasura's order, `type` is
//! only read when `key` is present, exactly one of `key`/`jwk_url` is allowed,
//! `claims_namespace` and `claims_namespace_path` exclude each other, and
//! `claims_map` (when present) replaces namespace and format. Errors are
//! rendered like aeson's `eitherDecode` (`Error in $: ...`).

use serde_json::{Map, Value};
use url::Url;

use crate::haskell::type_of;
use crate::json_path::JsonPath;
use crate::jwk::KeyMaterial;
use crate::jwk_set::{JwkSet, VerificationKey};
use crate::pem_key::from_raw_pem;
use crate::uri::{parse_audience, parse_string_or_uri};

/// The claims namespace Hasura uses when none is configured.
pub const DEFAULT_CLAIMS_NAMESPACE: &str = "https://hasura.io/jwt/claims";

/// A `HASURA_GRAPHQL_JWT_SECRET` value that Hasura would refuse at startup.
///
/// The message is aeson's rendering, e.g.
/// `Error in $: key and jwk_url both cannot be empty`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// The aeson-style message.
    pub message: String,
}

impl ConfigError {
    fn at(path: &str, message: impl std::fmt::Display) -> Self {
        ConfigError {
            message: format!("Error in {path}: {message}"),
        }
    }

    /// The line Hasura prints before exiting when the variable is invalid.
    pub fn startup_message(&self) -> String {
        format!(
            "Fatal Error:- Environment variable HASURA_GRAPHQL_JWT_SECRET: {}",
            self.message
        )
    }
}

/// Where the verification keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// The `key` (+ `type`) form: one fixed key.
    Static(JwkSet),
    /// The `jwk_url` form: keys fetched and refreshed over HTTP.
    JwkUrl(Url),
}

/// How the Hasura claims are stored inside the namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimsFormat {
    /// `json`: the namespace holds a JSON object (the default).
    Json,
    /// `stringified_json`: the namespace holds a string containing JSON.
    StringifiedJson,
}

/// Where the Hasura claims object is found in the token payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimsNamespace {
    /// `claims_namespace`: an exact top-level key (default
    /// [`DEFAULT_CLAIMS_NAMESPACE`]).
    Key(String),
    /// `claims_namespace_path`: a JSONPath into the non-registered claims.
    Path(JsonPath),
}

/// One value of a `claims_map`: a literal, or a JSONPath with a default.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimsMapValue<T> {
    /// `{"path": "$.x", "default": v}`: read from the payload.
    Path {
        /// Where to read, relative to the whole payload.
        path: JsonPath,
        /// Used when the path finds nothing.
        default: Option<T>,
    },
    /// A literal value.
    Static(T),
}

/// A parsed `claims_map`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimsMap {
    /// `x-hasura-allowed-roles`.
    pub allowed_roles: ClaimsMapValue<Vec<String>>,
    /// `x-hasura-default-role`.
    pub default_role: ClaimsMapValue<String>,
    /// Every other entry (session variables), keyed by lower-cased name.
    pub other: Vec<(String, ClaimsMapValue<String>)>,
}

/// Where Hasura looks for the Hasura claims.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimsConfig {
    /// `claims_namespace`/`claims_namespace_path` + `claims_format`.
    Namespace {
        /// The location of the claims object.
        namespace: ClaimsNamespace,
        /// Whether it is an object or a string of JSON.
        format: ClaimsFormat,
    },
    /// `claims_map`.
    Map(ClaimsMap),
}

/// Where the token is read from (`header` of the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenLocation {
    /// `Authorization: Bearer <token>` (the default).
    Authorization,
    /// A cookie with this name.
    Cookie(String),
    /// The raw value of this header (name matched case-insensitively).
    CustomHeader(String),
}

/// A parsed `HASURA_GRAPHQL_JWT_SECRET`.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    /// `key` or `jwk_url`.
    pub keys: KeySource,
    /// `audience`: accepted `aud` values (a string becomes a one-element list).
    pub audience: Option<Vec<String>>,
    /// `issuer`: the required `iss`.
    pub issuer: Option<String>,
    /// Where the Hasura claims are.
    pub claims: ClaimsConfig,
    /// `allowed_skew` in seconds (jose uses its absolute value).
    pub allowed_skew: Option<f64>,
    /// `header`.
    pub header: TokenLocation,
}

fn expected(what: &str, kind: &str, value: &Value) -> String {
    format!(
        "parsing {what} failed, expected {kind}, but encountered {}",
        type_of(value)
    )
}

/// aeson's `.:?`: absent and `null` both mean "not set".
fn optional<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

fn text_field(object: &Map<String, Value>, key: &str) -> Result<Option<String>, ConfigError> {
    match optional(object, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ConfigError::at(
            &format!("$.{key}"),
            expected("Text", "String", other),
        )),
    }
}

fn parse_role_name(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) if s.is_empty() => Err("empty string not allowed".to_string()),
        Value::String(s) => Ok(s.clone()),
        other => Err(expected("String", "String", other)),
    }
}

/// Hasura's `[RoleName]` parser, shared with the claims checks.
pub(crate) fn parse_role_list(value: &Value) -> Result<Vec<String>, String> {
    let Value::Array(items) = value else {
        return Err(expected("[]", "Array", value));
    };
    items.iter().map(parse_role_name).collect()
}

/// Hasura's `RoleName` parser, shared with the claims checks.
pub(crate) fn parse_single_role(value: &Value) -> Result<String, String> {
    parse_role_name(value)
}

fn parse_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(expected("Text", "String", other)),
    }
}

fn parse_map_value<T>(
    value: &Value,
    parse: impl Fn(&Value) -> Result<T, String>,
) -> Result<ClaimsMapValue<T>, String> {
    match value {
        Value::Object(object) => {
            let path = match object.get("path") {
                None => return Err("key \"path\" not found".to_string()),
                Some(Value::String(p)) => JsonPath::parse(p)?,
                Some(other) => return Err(expected("Text", "String", other)),
            };
            let default = match optional(object, "default") {
                None => None,
                Some(v) => Some(parse(v)?),
            };
            Ok(ClaimsMapValue::Path { path, default })
        }
        other => parse(other).map(ClaimsMapValue::Static),
    }
}

fn parse_claims_map(value: &Value) -> Result<ClaimsMap, String> {
    let Value::Object(object) = value else {
        return Err(expected("JWTClaimsMap", "Object", value));
    };
    let allowed_key = "x-hasura-allowed-roles";
    let default_key = "x-hasura-default-role";
    let allowed = object
        .get(allowed_key)
        .ok_or_else(|| format!("{allowed_key} is expected but not found"))?;
    let allowed_roles = parse_map_value(allowed, parse_role_list)?;
    let default = object
        .get(default_key)
        .ok_or_else(|| format!("{default_key} is expected but not found"))?;
    let default_role = parse_map_value(default, parse_single_role)?;
    let mut other = Vec::new();
    for (key, value) in object {
        let lowered = key.to_lowercase();
        if lowered == allowed_key || lowered == default_key {
            continue;
        }
        other.push((lowered, parse_map_value(value, parse_text)?));
    }
    Ok(ClaimsMap {
        allowed_roles,
        default_role,
        other,
    })
}

fn parse_header(value: &Value) -> Result<TokenLocation, String> {
    let Value::Object(object) = value else {
        return Err(expected("JWTHeader", "Object", value));
    };
    let kind = match object.get("type") {
        None => return Err("key \"type\" not found".to_string()),
        Some(v) => parse_text(v)?,
    };
    let name = || match object.get("name") {
        None => Err("key \"name\" not found".to_string()),
        Some(v) => parse_text(v),
    };
    match kind.to_lowercase().as_str() {
        "authorization" => Ok(TokenLocation::Authorization),
        "cookie" => Ok(TokenLocation::Cookie(name()?)),
        "customheader" => Ok(TokenLocation::CustomHeader(name()?)),
        _ => Err("expected 'type' is 'Authorization' or 'Cookie' or 'CustomHeader'".to_string()),
    }
}

/// Builds the single key of the `key` form (Hasura's `parseKey`).
fn parse_static_key(key_type: &str, raw: &str) -> Result<JwkSet, String> {
    let invalid = |m: String| format!("Invalid JWK: {m}");
    let material = match key_type {
        "HS256" | "HS384" | "HS512" => {
            let bits: usize = key_type[2..].parse().unwrap_or(256);
            if raw.len() < bits / 8 {
                return Err(invalid(format!(
                    "Key size too small; should be atleast {} characters",
                    bits / 8
                )));
            }
            KeyMaterial::Oct(raw.as_bytes().to_vec())
        }
        "RS256" | "RS384" | "RS512" | "ES256" | "ES384" | "ES512" | "Ed25519" => {
            from_raw_pem(raw).map_err(|e| invalid(format!("Could not decode PEM: {e}")))?
        }
        other => return Err(invalid(format!("Key type: {other} is not supported"))),
    };
    Ok(JwkSet::from_keys(vec![VerificationKey::new(
        material, None,
    )]))
}

impl JwtConfig {
    /// Parses the JSON text of `HASURA_GRAPHQL_JWT_SECRET`.
    pub fn parse(json: &str) -> Result<JwtConfig, ConfigError> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| ConfigError::at("$", format!("Failed reading: {e}")))?;
        JwtConfig::from_value(&value)
    }

    /// Parses an already-decoded JSON value (same rules as [`JwtConfig::parse`]).
    pub fn from_value(value: &Value) -> Result<JwtConfig, ConfigError> {
        let Value::Object(o) = value else {
            return Err(ConfigError::at("$", expected("JWTConfig", "Object", value)));
        };
        // Fields in the order Hasura's parser reads them.
        let raw_key = text_field(o, "key")?;
        let claims_ns = text_field(o, "claims_namespace")?;
        let claims_ns_path = text_field(o, "claims_namespace_path")?;
        let audience = optional(o, "audience")
            .map(|v| parse_audience(v).map_err(|e| ConfigError::at("$.audience", e)))
            .transpose()?;
        let issuer = match optional(o, "issuer") {
            None => None,
            Some(v) => Some(parse_string_or_uri(v).map_err(|e| ConfigError::at("$.issuer", e))?),
        };
        let jwk_url = match optional(o, "jwk_url") {
            None => None,
            Some(Value::String(s)) => {
                Some(Url::parse(s).map_err(|_| ConfigError::at("$.jwk_url", "not a valid URI"))?)
            }
            Some(_) => return Err(ConfigError::at("$.jwk_url", "not a valid URI")),
        };
        let format = match optional(o, "claims_format") {
            None => ClaimsFormat::Json,
            Some(Value::String(s)) if s == "json" => ClaimsFormat::Json,
            Some(Value::String(s)) if s == "stringified_json" => ClaimsFormat::StringifiedJson,
            Some(Value::String(s)) => {
                return Err(ConfigError::at(
                    "$.claims_format",
                    format!(
                        "parsing Hasura.Server.Auth.JWT.JWTClaimsFormat failed, expected one of \
                         the tags [\"json\",\"stringified_json\"], but found tag \"{s}\""
                    ),
                ));
            }
            Some(v) => {
                return Err(ConfigError::at(
                    "$.claims_format",
                    expected("Hasura.Server.Auth.JWT.JWTClaimsFormat", "String", v),
                ));
            }
        };
        let claims_map = match optional(o, "claims_map") {
            None => None,
            Some(v) => Some(parse_claims_map(v).map_err(|e| ConfigError::at("$.claims_map", e))?),
        };
        let allowed_skew = match optional(o, "allowed_skew") {
            None => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(v) => {
                return Err(ConfigError::at(
                    "$.allowed_skew",
                    expected("NominalDiffTime", "Number", v),
                ));
            }
        };
        let header = match optional(o, "header") {
            None => TokenLocation::Authorization,
            Some(v) => parse_header(v).map_err(|e| ConfigError::at("$.header", e))?,
        };

        let namespace = match (claims_ns_path, claims_ns) {
            (None, None) => ClaimsNamespace::Key(DEFAULT_CLAIMS_NAMESPACE.to_string()),
            (Some(path), None) => ClaimsNamespace::Path(JsonPath::parse(&path).map_err(|e| {
                ConfigError::at(
                    "$",
                    format!("invalid JSON path claims_namespace_path error: {e}"),
                )
            })?),
            (None, Some(ns)) => ClaimsNamespace::Key(ns),
            (Some(_), Some(_)) => {
                return Err(ConfigError::at(
                    "$",
                    "claims_namespace and claims_namespace_path both cannot be set",
                ));
            }
        };

        let keys = match (raw_key, jwk_url) {
            (None, None) => {
                return Err(ConfigError::at("$", "key and jwk_url both cannot be empty"));
            }
            (Some(_), Some(_)) => {
                return Err(ConfigError::at("$", "key, jwk_url both cannot be present"));
            }
            (Some(raw), None) => {
                let key_type = match o.get("type") {
                    None => return Err(ConfigError::at("$", "key \"type\" not found")),
                    Some(Value::String(t)) => t.clone(),
                    Some(v) => {
                        return Err(ConfigError::at("$.type", expected("Text", "String", v)));
                    }
                };
                KeySource::Static(
                    parse_static_key(&key_type, &raw).map_err(|e| ConfigError::at("$", e))?,
                )
            }
            (None, Some(url)) => KeySource::JwkUrl(url),
        };

        let claims = match claims_map {
            Some(map) => ClaimsConfig::Map(map),
            None => ClaimsConfig::Namespace { namespace, format },
        };
        Ok(JwtConfig {
            keys,
            audience,
            issuer,
            claims,
            allowed_skew,
            header,
        })
    }
}

#[cfg(test)]
mod tests;
