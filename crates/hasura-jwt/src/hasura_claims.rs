//! Hasura's `parseClaimsMap`: where the Hasura claims are in a verified token.
//!
//! With `claims_namespace`/`claims_namespace_path` the claims object is
//! looked up among jose's *unregistered* claims; with `claims_map` each path
//! is followed in jose's `ToJSON` of the claims set (so `$.aud` of a token
//! with `aud: ["x"]` is the string `"x"`). Messages are Hasura's.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::claims_set::ClaimsSet;
use crate::error::{ErrorCode, HasuraError};
use crate::jwt_config::{
    ClaimsConfig, ClaimsFormat, ClaimsMapValue, ClaimsNamespace, parse_role_list, parse_single_role,
};
use crate::verify::invalid_claims;

const ALLOWED_ROLES: &str = "x-hasura-allowed-roles";
const DEFAULT_ROLE: &str = "x-hasura-default-role";

/// Hasura's `parseClaimsMap`: the `x-hasura-*` claims by lower-cased name.
pub(crate) fn extract_claims(
    config: &ClaimsConfig,
    token: &ClaimsSet,
) -> Result<BTreeMap<String, Value>, HasuraError> {
    match config {
        ClaimsConfig::Namespace { namespace, format } => {
            let unregistered = Value::Object(token.unregistered.clone());
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
            // Hasura reads the paths in jose's re-encoding of the claims
            // set (`J.toJSON claimsSet`), not in the token's own JSON.
            let whole = token.to_json();
            let missing = |name: &str| {
                HasuraError::bad_request(
                    ErrorCode::JwtMissingRoleClaims,
                    format!("JWT claim does not contain \"{name}\""),
                )
            };
            let allowed = match &map.allowed_roles {
                ClaimsMapValue::Static(roles) => roles.clone(),
                ClaimsMapValue::Path { path, default } => match path.lookup(&whole) {
                    Some(v) => parse_role_list(v).map_err(|e| {
                        invalid_claims(format!(
                            "invalid \"{ALLOWED_ROLES}\"; should be a list of roles: {e}"
                        ))
                    })?,
                    None => default.clone().ok_or_else(|| missing(ALLOWED_ROLES))?,
                },
            };
            let default_role = match &map.default_role {
                ClaimsMapValue::Static(role) => role.clone(),
                ClaimsMapValue::Path { path, default } => match path.lookup(&whole) {
                    Some(v) => parse_single_role(v).map_err(|e| {
                        invalid_claims(format!("invalid \"{DEFAULT_ROLE}\"; should be a role: {e}"))
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
                                    "JWT claim from claims_map, \"{name}\" not found"
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
