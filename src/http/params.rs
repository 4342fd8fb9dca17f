//! Request parameters the way Auth0 reads them: query strings and form bodies decoded as form
//! data (spaces may arrive as `+`), JSON bodies with `null` meaning absent (auth0-python sends
//! explicit nulls), and duplicated parameters refused. The extractors in `extract` feed it.

use crate::error::OAuthError;
use serde_json::Value;
use std::collections::HashMap;

/// Decoded parameters. Empty values count as absent, as Auth0 treats them.
#[derive(Debug, Default, Clone)]
pub struct Params {
    map: HashMap<String, String>,
}

impl Params {
    /// Parses a query string or form body; a repeated name is an error naming it.
    pub fn from_form(raw: &[u8]) -> Result<Self, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(raw).map_err(|e| format!("malformed parameters: {e}"))?;
        let mut map = HashMap::new();
        for (k, v) in pairs {
            if map.contains_key(&k) {
                return Err(format!("Duplicate parameter: {k}"));
            }
            map.insert(k, v);
        }
        Ok(Self { map })
    }

    /// Parses a JSON object body. `null` members are absent; numbers and booleans become text.
    pub fn from_json(raw: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(raw)
            .map_err(|e| format!("Request body is not valid JSON: {e}"))?;
        let Value::Object(obj) = value else {
            return Err("Request body must be a JSON object".into());
        };
        let mut map = HashMap::new();
        for (k, v) in obj {
            match v {
                Value::Null => {}
                Value::String(s) => {
                    map.insert(k, s);
                }
                Value::Number(n) => {
                    map.insert(k, n.to_string());
                }
                Value::Bool(b) => {
                    map.insert(k, b.to_string());
                }
                Value::Array(_) | Value::Object(_) => {
                    return Err(format!("Parameter '{k}' must be a string"));
                }
            }
        }
        Ok(Self { map })
    }

    /// A parameter; empty counts as absent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The parameters as a JSON object of strings (`event.request.query` and `.body`).
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.map
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    }

    /// A required parameter, with Auth0's message when missing.
    pub fn require(&self, key: &str) -> Result<&str, OAuthError> {
        self.get(key).ok_or_else(|| {
            OAuthError::invalid_request(format!("Missing required parameter: {key}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_and_duplicates() {
        let p = Params::from_form(b"scope=openid+profile&state=YWJj%3D%3D&empty=").unwrap();
        assert_eq!(p.get("scope"), Some("openid profile"));
        assert_eq!(p.get("state"), Some("YWJj=="));
        assert_eq!(p.get("empty"), None);
        assert_eq!(
            Params::from_form(b"a=1&a=2").unwrap_err(),
            "Duplicate parameter: a"
        );
    }

    #[test]
    fn json_nulls_are_absent() {
        let p = Params::from_json(br#"{"realm":null,"username":"a","n":3}"#).unwrap();
        assert_eq!(p.get("realm"), None);
        assert_eq!(p.get("username"), Some("a"));
        assert_eq!(p.get("n"), Some("3"));
        assert!(Params::from_json(b"[1]").is_err());
        assert!(Params::from_json(br#"{"a":[1]}"#).is_err());
        assert!(Params::from_json(b"{").is_err());
    }
}
