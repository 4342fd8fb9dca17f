//! jose's `ClaimsSet` (`Crypto.JWT`): how a payload is decoded, checked and
//! written back.
//!
//! - Decoding ([`ClaimsSet::decode`]) reads `iss`, `sub`, `aud`, `exp`,
//!   `nbf`, `iat`, `jti` in that order with aeson; `null` counts as absent.
//!   `iss`, `sub` and each `aud` are `StringOrURI`s ([`crate::uri`]).
//! - Validation ([`ClaimsSet::validate`]) checks `exp`, `iat`, `nbf`, `iss`,
//!   `aud` in that order; a missing claim passes.
//! - [`ClaimsSet::to_json`] is jose's `ToJSON`, which Hasura applies before
//!   following a `claims_map` path: a one-element `aud` list comes back as a
//!   string, and a null registered claim disappears.

use serde_json::{Map, Value};

use crate::haskell::{PathStep, format_error, type_mismatch};
use crate::uri::{parse_audience, parse_string_or_uri, show_string_or_uri};

const REGISTERED: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// A decoded claims set.
#[derive(Debug, Clone)]
pub struct ClaimsSet {
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`, a single string read as a one-element list.
    pub aud: Option<Vec<String>>,
    /// `exp` in seconds since the epoch, and its JSON number.
    pub exp: Option<(f64, Value)>,
    /// `nbf`.
    pub nbf: Option<(f64, Value)>,
    /// `iat`.
    pub iat: Option<(f64, Value)>,
    /// `jti`.
    pub jti: Option<String>,
    /// Every other member, as jose's `unregisteredClaims`.
    pub unregistered: Map<String, Value>,
}

/// What jose's `validateClaimsSet` refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimError {
    /// `now >= exp + skew`.
    Expired,
    /// `iat > now + skew`.
    IssuedAtFuture,
    /// `now < nbf - skew`.
    NotYetValid,
    /// `iss` differs from the configured issuer.
    NotInIssuer,
    /// No `aud` value is among the configured audiences.
    NotInAudience,
}

/// The settings Hasura passes to jose (`verifyJwt`).
#[derive(Debug, Clone, Default)]
pub struct Validation<'a> {
    /// `allowed_skew` (jose uses its absolute value).
    pub skew: f64,
    /// `issuer`: when set, a present `iss` must equal it.
    pub issuer: Option<&'a str>,
    /// `audience`: when set, a present `aud` must name one of these.
    pub audience: Option<&'a [String]>,
}

fn at(key: &str, message: String) -> String {
    format_error(&[PathStep::Key(key.to_string())], &message)
}

impl ClaimsSet {
    /// jose's decoder (`eitherDecode`); the error is aeson's full message.
    pub fn decode(bytes: &[u8]) -> Result<ClaimsSet, String> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| format_error(&[], &e.to_string()))?;
        let Value::Object(payload) = value else {
            return Err(format_error(
                &[],
                &type_mismatch("JWT Claims Set", "Object", &value),
            ));
        };
        let field = |name: &str| payload.get(name).filter(|v| !v.is_null());
        let string_or_uri = |name: &str| {
            field(name)
                .map(|v| parse_string_or_uri(v).map_err(|e| at(name, e)))
                .transpose()
        };
        let numeric_date = |name: &str| match field(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some((n.as_f64().unwrap_or(f64::NAN), field_value(n)))),
            Some(other) => Err(at(name, type_mismatch("NumericDate", "Number", other))),
        };
        let iss = string_or_uri("iss")?;
        let sub = string_or_uri("sub")?;
        let aud = field("aud")
            .map(|v| parse_audience(v).map_err(|e| at("aud", e)))
            .transpose()?;
        let exp = numeric_date("exp")?;
        let nbf = numeric_date("nbf")?;
        let iat = numeric_date("iat")?;
        let jti = match field("jti") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => return Err(at("jti", type_mismatch("Text", "String", other))),
        };
        let unregistered = payload
            .iter()
            .filter(|(k, _)| !REGISTERED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(ClaimsSet {
            iss,
            sub,
            aud,
            exp,
            nbf,
            iat,
            jti,
            unregistered,
        })
    }

    /// jose's `validateClaimsSet` at `now` (seconds since the epoch).
    pub fn validate(&self, settings: &Validation<'_>, now: f64) -> Result<(), ClaimError> {
        let skew = settings.skew.abs();
        if self.exp.as_ref().is_some_and(|(exp, _)| now >= exp + skew) {
            return Err(ClaimError::Expired);
        }
        if self.iat.as_ref().is_some_and(|(iat, _)| *iat > now + skew) {
            return Err(ClaimError::IssuedAtFuture);
        }
        if self.nbf.as_ref().is_some_and(|(nbf, _)| now < nbf - skew) {
            return Err(ClaimError::NotYetValid);
        }
        if let (Some(expected), Some(actual)) = (settings.issuer, &self.iss)
            && expected != actual
        {
            return Err(ClaimError::NotInIssuer);
        }
        if let Some(audiences) = &self.aud {
            let accepted = audiences.iter().any(|aud| match settings.audience {
                None => true,
                Some(configured) => configured.contains(aud),
            });
            if !accepted {
                return Err(ClaimError::NotInAudience);
            }
        }
        Ok(())
    }

    /// `exp` in seconds, when the token has one.
    pub fn expiry(&self) -> Option<f64> {
        self.exp.as_ref().map(|(exp, _)| *exp)
    }

    /// jose's `ToJSON ClaimsSet`: what Hasura's `claims_map` paths read.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(aud) = &self.aud {
            out.insert(
                "aud".into(),
                match aud.as_slice() {
                    [one] => Value::String(show_string_or_uri(one)),
                    many => Value::Array(
                        many.iter()
                            .map(|a| Value::String(show_string_or_uri(a)))
                            .collect(),
                    ),
                },
            );
        }
        for (name, date) in [("exp", &self.exp), ("iat", &self.iat)] {
            if let Some((_, number)) = date {
                out.insert(name.into(), number.clone());
            }
        }
        if let Some(iss) = &self.iss {
            out.insert("iss".into(), Value::String(show_string_or_uri(iss)));
        }
        if let Some(jti) = &self.jti {
            out.insert("jti".into(), Value::String(jti.clone()));
        }
        if let Some((_, number)) = &self.nbf {
            out.insert("nbf".into(), number.clone());
        }
        if let Some(sub) = &self.sub {
            out.insert("sub".into(), Value::String(show_string_or_uri(sub)));
        }
        for (k, v) in &self.unregistered {
            out.insert(k.clone(), v.clone());
        }
        Value::Object(out)
    }
}

fn field_value(n: &serde_json::Number) -> Value {
    Value::Number(n.clone())
}

#[cfg(test)]
mod tests;
