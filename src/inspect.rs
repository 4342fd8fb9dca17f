//! What a token is, as the dashboard's debugger shows it: its decoded header and claims, which
//! published key signed it, and what Hasura would make of it with the `HASURA_GRAPHQL_JWT_SECRET`
//! the mock suggests: the role and session variables, or Hasura's own error.
//!
//! The Hasura verdict comes from the same emulation `auth0-mock hasura-verify` runs, on the
//! mock's JWKS as Hasura would fetch it, so the two always agree on a token.

use crate::keys::KeySet;
use crate::util::b64url_decode;
use axum::http::{self, HeaderMap, HeaderValue};
use hasura_jwt::{AuthSettings, JwkSet, JwtConfig, authenticate};
use serde_json::{Value, json};
use std::time::SystemTime;

/// The JWKS URL of a mock reached at `base` (its issuer, or its address as Hasura reaches it).
pub(crate) fn jwks_url(base: &str) -> String {
    format!("{}/.well-known/jwks.json", base.trim_end_matches('/'))
}

/// The `HASURA_GRAPHQL_JWT_SECRET` for tokens of `audience`: Hasura fetching the JWKS at
/// `jwk_url` and checking `issuer`.
pub(crate) fn hasura_secret(jwk_url: &str, issuer: &str, audience: Option<&str>) -> String {
    let mut config = json!({ "jwk_url": jwk_url, "issuer": issuer });
    if let Some(aud) = audience {
        config["audience"] = json!(aud);
    }
    config.to_string()
}

/// The whole report on one token.
pub(crate) fn inspect(token: &str, keys: &KeySet, secret: &str, role: Option<&str>) -> Value {
    let Some(parts) = Parts::split(token) else {
        return json!({
            "jwt": false,
            "note": "not a JWT: Auth0 issues an opaque access token when no audience (API) is asked for; only /userinfo accepts it",
        });
    };
    json!({
        "jwt": true,
        "header": parts.header,
        "payload": parts.payload,
        "signature": signature(&parts, keys),
        "hasura": hasura_verdict(token, keys, secret, role),
    })
}

/// A compact JWS, decoded.
struct Parts<'a> {
    header: Value,
    payload: Value,
    signed: &'a [u8],
    signature: Vec<u8>,
}

impl<'a> Parts<'a> {
    fn split(token: &'a str) -> Option<Self> {
        let mut it = token.split('.');
        let (h, p, s) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() {
            return None;
        }
        let json = |part: &str| -> Option<Value> {
            serde_json::from_slice(&b64url_decode(part)?)
                .ok()
                .filter(Value::is_object)
        };
        Some(Self {
            header: json(h)?,
            payload: json(p)?,
            signed: &token.as_bytes()[..h.len() + 1 + p.len()],
            signature: b64url_decode(s)?,
        })
    }
}

/// Which published key verifies the signature: the one `kid` names, another one (a scenario
/// token with a wrong `kid`), or none.
fn signature(parts: &Parts<'_>, keys: &KeySet) -> Value {
    let alg = parts.header.get("alg").and_then(Value::as_str);
    let kid = parts.header.get("kid").and_then(Value::as_str);
    if alg != Some("RS256") {
        return json!({"valid": false, "alg": alg, "kid": kid,
            "detail": format!("alg {} is not RS256: no Auth0 API or Hasura config here accepts it", alg.unwrap_or("(none)"))});
    }
    let verifies = |k: &crate::keys::SigningKey| k.verifies(parts.signed, &parts.signature);
    let named = kid.and_then(|k| keys.by_kid(k));
    if named.is_some_and(|k| verifies(k)) {
        let current = kid == Some(keys.current().kid.as_str());
        return json!({"valid": true, "alg": alg, "kid": kid, "current_key": current,
            "detail": if current { "signed by the current key of the JWKS" } else { "signed by a key the JWKS still publishes (not the current one)" }});
    }
    if let Some(other) = keys.published().find(|k| verifies(k)) {
        return json!({"valid": true, "alg": alg, "kid": kid, "current_key": false,
            "detail": format!("the signature is valid with key {}, but the header's kid does not name it: clients that look keys up by kid refuse it", other.kid)});
    }
    json!({"valid": false, "alg": alg, "kid": kid,
        "detail": "no key of the JWKS verifies this signature"})
}

/// What Hasura answers a request carrying `token` (and `x-hasura-role: role`).
fn hasura_verdict(token: &str, keys: &KeySet, secret: &str, role: Option<&str>) -> Value {
    let config = match JwtConfig::parse(secret) {
        Ok(c) => c,
        Err(e) => return json!({"ok": false, "error": e.startup_message()}),
    };
    let set = match JwkSet::from_json(&keys.jwks_bytes()) {
        Ok(s) => s,
        Err(e) => return json!({"ok": false, "error": e.to_string()}),
    };
    let mut headers = HeaderMap::new();
    let (Ok(bearer), Ok(role)) = (
        HeaderValue::from_str(&format!("Bearer {token}")),
        role.map(HeaderValue::from_str).transpose(),
    ) else {
        return json!({"ok": false, "error": "the token or role is not a valid HTTP header value"});
    };
    headers.insert(http::header::AUTHORIZATION, bearer);
    if let Some(role) = role {
        headers.insert("x-hasura-role", role);
    }
    match authenticate(
        &config,
        &set,
        &AuthSettings::default(),
        &headers,
        SystemTime::now(),
    ) {
        Ok(session) => json!({"ok": true, "session": session.to_json()}),
        Err(e) => json!({"ok": false, "response": e.to_graphql_response()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn keys() -> KeySet {
        let pem = include_str!("../fixtures/default/keys/current.pem");
        KeySet::new(
            Arc::new(crate::keys::SigningKey::from_pem(pem).unwrap()),
            None,
        )
    }

    #[test]
    fn an_opaque_token_is_reported_as_not_a_jwt() {
        let report = inspect("abc123", &keys(), "{}", None);
        assert_eq!(report["jwt"], false);
    }

    #[test]
    fn a_token_with_a_forged_signature_is_invalid() {
        let h = crate::util::b64url(br#"{"alg":"RS256","kid":"x"}"#);
        let p = crate::util::b64url(br#"{"sub":"u"}"#);
        let token = format!("{h}.{p}.{}", crate::util::b64url(b"nope"));
        let report = inspect(&token, &keys(), "{}", None);
        assert_eq!(report["signature"]["valid"], false);
        assert_eq!(report["payload"]["sub"], "u");
    }

    #[test]
    fn the_secret_names_the_jwks_where_hasura_reaches_the_mock() {
        let secret = hasura_secret(
            &jwks_url("http://auth0-mock:4455"),
            "http://localhost:4455/",
            Some("https://api"),
        );
        let v: Value = serde_json::from_str(&secret).unwrap();
        assert_eq!(v["jwk_url"], "http://auth0-mock:4455/.well-known/jwks.json");
        assert_eq!(v["issuer"], "http://localhost:4455/");
        assert_eq!(v["audience"], "https://api");
    }
}
