//! Redirect Actions: where `api.redirect.sendUserTo` sends the browser, and the HS256 session
//! tokens of `api.redirect.encodeToken` / `validateToken` that carry data to that page and back.
//!
//! Auth0 suspends the login after the Action that redirected, sends the browser to
//! `url?state=…&<query>`, and resumes at `/continue?state=…` with the same Action's
//! `onContinuePostLogin`. The tokens are plain HS256 JWTs under the Action's own secret, so the
//! external page can be any code that signs one (`jsonwebtoken`, `jose`, PyJWT). The prelude
//! adds Auth0's defaults: a 900 s lifetime, and `session_token` as the parameter
//! `validateToken` reads (Auth0's examples send it under that name).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value};

/// What `api.redirect.sendUserTo(url, {query})` asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The page to send the browser to.
    pub url: String,
    /// The parameters added to it besides `state`, in the Action's order.
    pub query: Vec<(String, String)>,
}

impl Redirect {
    /// A redirect from the Action's `options.query` object: strings as they are, numbers and
    /// booleans as their text, as Node's `querystring` writes them.
    pub fn new(url: String, query: &Value) -> Self {
        let query = match query {
            Value::Object(map) => map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect(),
            _ => Vec::new(),
        };
        Self { url, query }
    }

    /// The browser's next stop: the URL with `state` and the query added. Only an absolute
    /// http(s) URL is a place a browser can be sent.
    pub fn location(&self, state: &str) -> Result<String, String> {
        let mut url = url::Url::parse(&self.url).map_err(|_| {
            format!(
                "api.redirect.sendUserTo: '{}' is not an absolute URL",
                self.url
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "api.redirect.sendUserTo: '{}' is not an http(s) URL",
                self.url
            ));
        }
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("state", state);
            for (k, v) in &self.query {
                if k != "state" {
                    pairs.append_pair(k, v);
                }
            }
        }
        Ok(url.to_string())
    }
}

/// Signs `claims` as an HS256 JWT under `secret` (`encodeToken`).
pub fn encode_token(secret: &str, claims: &Map<String, Value>) -> Result<String, String> {
    if secret.is_empty() {
        return Err("api.redirect.encodeToken: options.secret is required".into());
    }
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| format!("api.redirect.encodeToken: {e}"))
}

/// Checks an HS256 token from the page the user was sent to (`validateToken`): its signature
/// under `secret`, its `exp`, and that its `state` claim is this login's `state`. Returns its
/// claims.
pub fn validate_token(
    secret: &str,
    token: &str,
    state: &str,
    now: i64,
) -> Result<Map<String, Value>, String> {
    if secret.is_empty() {
        return Err("api.redirect.validateToken: options.secret is required".into());
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let data = jsonwebtoken::decode::<Map<String, Value>>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map_err(|e| format!("The session token is invalid: {e}"))?;
    let claims = data.claims;
    match claims.get("exp").and_then(Value::as_f64) {
        Some(exp) if exp > now as f64 => {}
        Some(_) => return Err("The session token has expired".into()),
        None => return Err("The session token has no exp claim".into()),
    }
    if claims.get("state").and_then(Value::as_str) != Some(state) {
        return Err(
            "The session token's state claim does not match the state of this login".into(),
        );
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_location_carries_state_then_the_actions_query() {
        let r = Redirect::new(
            "https://app.test/profile?step=1".into(),
            &json!({"session_token": "t", "n": 2}),
        );
        assert_eq!(
            r.location("abc").unwrap(),
            "https://app.test/profile?step=1&state=abc&session_token=t&n=2"
        );
    }

    #[test]
    fn a_query_cannot_replace_the_state() {
        let r = Redirect::new("https://app.test/".into(), &json!({"state": "forged"}));
        assert_eq!(r.location("real").unwrap(), "https://app.test/?state=real");
    }

    #[test]
    fn a_relative_url_is_refused() {
        let r = Redirect::new("/profile".into(), &Value::Null);
        assert!(r.location("s").unwrap_err().contains("not an absolute URL"));
    }

    #[test]
    fn a_script_url_is_refused() {
        let r = Redirect::new("javascript:alert(1)".into(), &Value::Null);
        assert!(r.location("s").unwrap_err().contains("not an http(s) URL"));
    }

    #[test]
    fn a_token_with_the_logins_state_validates() {
        let t = encode_token("k", &claims(json!({"state": "s1", "exp": 2000, "a": 1}))).unwrap();
        let got = validate_token("k", &t, "s1", 1000).unwrap();
        assert_eq!(got.get("a"), Some(&json!(1)));
    }

    #[test]
    fn a_token_for_another_login_is_refused() {
        let t = encode_token("k", &claims(json!({"state": "s1", "exp": 2000}))).unwrap();
        assert!(
            validate_token("k", &t, "s2", 1000)
                .unwrap_err()
                .contains("state")
        );
    }

    #[test]
    fn an_expired_token_is_refused() {
        let t = encode_token("k", &claims(json!({"state": "s", "exp": 999}))).unwrap();
        assert!(
            validate_token("k", &t, "s", 1000)
                .unwrap_err()
                .contains("expired")
        );
    }

    #[test]
    fn a_token_under_another_secret_is_refused() {
        let t = encode_token("k", &claims(json!({"state": "s", "exp": 2000}))).unwrap();
        assert!(
            validate_token("other", &t, "s", 1000)
                .unwrap_err()
                .contains("invalid")
        );
    }
}
