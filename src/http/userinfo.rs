//! `GET|POST /userinfo`: the profile for a bearer access token (JWT issued here, or opaque),
//! filtered by the granted scopes. Works only if `openid` was granted.

use super::AppState;
use crate::error::OAuthError;
use crate::state::Mock;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Map, Value, json};

/// The userinfo endpoint.
pub async fn userinfo(State(mock): State<AppState>, headers: HeaderMap) -> Response {
    match lookup(&mock, &headers) {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    }
}

fn lookup(mock: &Mock, headers: &HeaderMap) -> Result<Value, OAuthError> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            OAuthError::invalid_request("Missing access token: send Authorization: Bearer <token>")
        })?;
    let now = mock.clock.now();
    let (user_id, scope) = if let Some(opaque) = mock.store.lock().opaque.get(token).cloned() {
        if opaque.expires_at <= now {
            return Err(OAuthError::invalid_token("The access token has expired"));
        }
        (opaque.user_id, opaque.scope)
    } else {
        let claims = verify_own_jwt(mock, token, now)?;
        let aud_ok = match claims.get("aud") {
            Some(Value::Array(a)) => a
                .iter()
                .any(|v| v.as_str() == Some(&format!("{}userinfo", mock.issuer))),
            _ => false,
        };
        if !aud_ok {
            return Err(OAuthError::invalid_token(
                "The access token was not issued for /userinfo: request the openid scope",
            ));
        }
        let sub = claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let scope = crate::login::split_scope(claims.get("scope").and_then(Value::as_str));
        (sub, scope)
    };
    if !scope.iter().any(|s| s == "openid") {
        return Err(OAuthError::invalid_token(
            "The access token does not grant the openid scope",
        ));
    }
    let user = mock
        .store
        .lock()
        .user(&user_id)
        .cloned()
        .ok_or_else(|| OAuthError::invalid_token("Unknown user"))?;
    let mut out = Map::new();
    out.insert("sub".into(), json!(user.user_id));
    out.extend(crate::token::profile_claims(&user, &scope));
    Ok(Value::Object(out))
}

/// Verifies a JWT signed by one of this mock's published keys and not expired.
pub fn verify_own_jwt(
    mock: &Mock,
    token: &str,
    now: i64,
) -> Result<Map<String, Value>, OAuthError> {
    let bad = || OAuthError::invalid_token("Invalid access token");
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let dec = |x: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(x)
            .map_err(|_| bad())
    };
    let header: Value = serde_json::from_slice(&dec(h)?).map_err(|_| bad())?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(bad());
    }
    let sig = dec(s)?;
    let signed = &token[..h.len() + 1 + p.len()];
    let verified = {
        let keys = mock.keys.read();
        let mut all = vec![keys.current.clone()];
        all.extend(keys.next.clone());
        all.extend(keys.previous.iter().cloned());
        all.iter().any(|k| {
            let n = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k.n())
                .unwrap_or_default();
            let e = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k.e())
                .unwrap_or_default();
            aws_lc_rs::signature::RsaPublicKeyComponents { n: &n, e: &e }
                .verify(
                    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                    signed.as_bytes(),
                    &sig,
                )
                .is_ok()
        })
    };
    if !verified {
        return Err(bad());
    }
    let claims: Map<String, Value> = serde_json::from_slice(&dec(p)?).map_err(|_| bad())?;
    if claims.get("iss").and_then(Value::as_str) != Some(mock.issuer.as_str()) {
        return Err(bad());
    }
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp <= now)
    {
        return Err(OAuthError::invalid_token("The access token has expired"));
    }
    Ok(claims)
}
