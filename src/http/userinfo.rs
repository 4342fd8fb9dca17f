//! `GET|POST /userinfo`: the profile for an access token (a JWT issued here, or opaque),
//! filtered by the granted scopes. Works only if `openid` was granted.
//!
//! The token comes as Auth0 takes it: `Authorization: Bearer`, an `access_token` query parameter
//! (passport-auth0, through the `oauth` library, sends only that), or `access_token` in a form
//! or JSON body.

use super::extract::{AppState, Body, Query, bearer};
use crate::error::OAuthError;
use crate::mint::claims::profile_claims;
use crate::mint::jwt::{Expiry, Rejected, verify_own};
use crate::mock::Mock;
use crate::scope::{has, split_scope};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Map, Value, json};

/// The userinfo endpoint.
pub(crate) async fn userinfo(
    State(mock): State<AppState>,
    headers: HeaderMap,
    query: Result<Query, OAuthError>,
    body: Result<Body, OAuthError>,
) -> Result<Json<Value>, OAuthError> {
    // A Bearer header is enough: what else the request carries does not matter then.
    if let Some(token) = bearer(&headers) {
        return Ok(Json(profile(&mock, token)?));
    }
    let Query(query) = query?;
    let Body(body) = body?;
    let token = query
        .get("access_token")
        .or_else(|| body.get("access_token"))
        .ok_or_else(|| {
            OAuthError::invalid_request(
                "Missing access token: send Authorization: Bearer <token> (or access_token)",
            )
        })?;
    Ok(Json(profile(&mock, token)?))
}

fn profile(mock: &Mock, token: &str) -> Result<Value, OAuthError> {
    let now = mock.clock().now();
    let expired = || OAuthError::invalid_token("The access token has expired");
    let (user_id, scope) = match mock.store().opaque(token, now) {
        Some(Ok(opaque)) => (opaque.user_id, opaque.scope),
        Some(Err(_)) => return Err(expired()),
        None => {
            let claims = verify_own(&mock.keys(), mock.issuer(), token, now, Expiry::Enforced)
                .map_err(|r| match r {
                    Rejected::Expired => expired(),
                    Rejected::Invalid => OAuthError::invalid_token("Invalid access token"),
                })?;
            let userinfo_audience = format!("{}userinfo", mock.issuer());
            let for_userinfo = match claims.get("aud") {
                Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(&userinfo_audience)),
                _ => false,
            };
            if !for_userinfo {
                return Err(OAuthError::invalid_token(
                    "The access token was not issued for /userinfo: request the openid scope",
                ));
            }
            let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
            let scope = split_scope(claims.get("scope").and_then(Value::as_str));
            (sub.to_string(), scope)
        }
    };
    if !has(&scope, "openid") {
        return Err(OAuthError::invalid_token(
            "The access token does not grant the openid scope",
        ));
    }
    let user = mock
        .store()
        .user(&user_id)
        .ok_or_else(|| OAuthError::invalid_token("Unknown user"))?;
    let mut out = Map::new();
    out.insert("sub".into(), json!(user.user_id));
    out.extend(profile_claims(&user, &scope));
    Ok(Value::Object(out))
}
