//! Token minting: access tokens, ID tokens and refresh tokens in exactly the shapes Auth0
//! issues (see `auth0-protocol.md` §2), signed RS256 with the current key.

use crate::error::OAuthError;
use crate::keys::SigningKey;
use crate::login::Grant;
use crate::state::Mock;
use crate::store::{OpaqueToken, RefreshRecord};
use crate::util::{b64url, random_id, sha256};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// A token endpoint success body.
#[derive(Debug, Clone, Serialize)]
pub struct TokenSet {
    /// JWT for an API, or an opaque token usable only at `/userinfo`.
    pub access_token: String,
    /// ID token, when `openid` was granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Refresh token, when `offline_access` was granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Granted scopes, space separated.
    pub scope: String,
    /// Seconds, a JSON number (spa-js adds it to epoch seconds).
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: &'static str,
}

/// Options of one minting.
#[derive(Debug, Default, Clone)]
pub struct MintOptions<'a> {
    /// Issue an ID token when `openid` is granted.
    pub id_token: bool,
    /// Issue a refresh token (when `offline_access` is granted), continuing this family.
    pub refresh_family: Option<String>,
    /// Issue a refresh token at all.
    pub refresh: bool,
    /// The authorization code returned alongside (for `c_hash`).
    pub code: Option<&'a str>,
    /// Put `at_hash` in the ID token (implicit/hybrid with `token`).
    pub at_hash: bool,
}

/// Encodes and signs a JWT with RS256.
pub fn sign_jwt(
    key: &SigningKey,
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
) -> Result<String, OAuthError> {
    let header = serde_json::to_vec(header).map_err(server_error)?;
    let claims = serde_json::to_vec(claims).map_err(server_error)?;
    let mut out = String::with_capacity(1024);
    out.push_str(&b64url(&header));
    out.push('.');
    out.push_str(&b64url(&claims));
    let sig = key.sign(out.as_bytes()).map_err(server_error)?;
    out.push('.');
    out.push_str(&b64url(&sig));
    Ok(out)
}

/// The standard RS256 header with the key's `kid`.
pub fn jwt_header(key: &SigningKey) -> Map<String, Value> {
    let mut h = Map::new();
    h.insert("alg".into(), json!("RS256"));
    h.insert("typ".into(), json!("JWT"));
    h.insert("kid".into(), json!(key.kid));
    h
}

fn server_error(e: impl std::fmt::Display) -> OAuthError {
    OAuthError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        e.to_string(),
    )
}

/// The profile and email claims a user's scopes release, in the ID token and at `/userinfo`.
pub fn profile_claims(user: &crate::tenant::User, scope: &[String]) -> Map<String, Value> {
    let mut c = Map::new();
    if scope.iter().any(|s| s == "profile") {
        let fields = [
            ("given_name", &user.given_name),
            ("family_name", &user.family_name),
            ("nickname", &user.nickname),
            ("name", &user.name),
            ("picture", &user.picture),
            ("updated_at", &user.updated_at),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                c.insert(k.into(), json!(v));
            }
        }
    }
    if scope.iter().any(|s| s == "email")
        && let Some(email) = &user.email
    {
        c.insert("email".into(), json!(email));
        c.insert("email_verified".into(), json!(user.email_verified));
    }
    c
}

/// Left half of SHA-256, base64url: `at_hash` / `c_hash`.
fn half_hash(value: &str) -> String {
    let digest = sha256(value.as_bytes());
    b64url(&digest[..16])
}

impl Mock {
    /// Signs claims with the current key and the standard header.
    pub fn sign(&self, claims: &Map<String, Value>) -> Result<String, OAuthError> {
        let key = self.keys.read().current.clone();
        sign_jwt(&key, &jwt_header(&key), claims)
    }

    /// Access-token claims for a user grant (before signing).
    pub fn access_claims(&self, grant: &Grant, now: i64) -> Option<(Map<String, Value>, i64)> {
        let tenant = self.tenant();
        let api = tenant.api(grant.audience.as_deref()?)?;
        let lifetime = if grant.implicit {
            api.token_lifetime_for_web
        } else {
            api.token_lifetime
        };
        let mut c = grant.access_claims.clone();
        c.insert("iss".into(), json!(self.issuer));
        c.insert("sub".into(), json!(grant.user.user_id));
        let aud = if grant.scope.iter().any(|s| s == "openid") {
            json!([api.identifier, format!("{}userinfo", self.issuer)])
        } else {
            json!(api.identifier)
        };
        c.insert("aud".into(), aud);
        c.insert("iat".into(), json!(now));
        c.insert("exp".into(), json!(now + lifetime));
        c.insert("scope".into(), json!(grant.scope.join(" ")));
        c.insert("azp".into(), json!(grant.client_id));
        if let Some(gty) = &grant.gty {
            c.insert("gty".into(), json!(gty));
        }
        if api.token_dialect.as_deref() == Some("access_token_authz") {
            c.insert("permissions".into(), json!(grant.permissions));
        }
        Some((c, lifetime))
    }

    /// ID-token claims for a user grant (before signing).
    pub fn id_claims(
        &self,
        grant: &Grant,
        now: i64,
        access_token: Option<&str>,
        code: Option<&str>,
    ) -> Map<String, Value> {
        let tenant = self.tenant();
        let lifetime = tenant
            .client(&grant.client_id)
            .map(|c| c.jwt_configuration.lifetime_in_seconds)
            .unwrap_or(36000);
        let u = &grant.user;
        let mut c = grant.id_claims.clone();
        c.extend(profile_claims(u, &grant.scope));
        c.insert("iss".into(), json!(self.issuer));
        c.insert("aud".into(), json!(grant.client_id));
        c.insert("sub".into(), json!(u.user_id));
        c.insert("iat".into(), json!(now));
        c.insert("exp".into(), json!(now + lifetime));
        if let Some(sid) = &grant.sid {
            c.insert("sid".into(), json!(sid));
        }
        if grant.include_auth_time {
            c.insert("auth_time".into(), json!(grant.auth_time));
        }
        if let Some(nonce) = &grant.nonce {
            c.insert("nonce".into(), json!(nonce));
        }
        if let Some(at) = access_token {
            c.insert("at_hash".into(), json!(half_hash(at)));
        }
        if let Some(code) = code {
            c.insert("c_hash".into(), json!(half_hash(code)));
        }
        c
    }

    /// Mints the token set for a completed login.
    pub fn mint_user_tokens(
        &self,
        grant: &Grant,
        opts: MintOptions<'_>,
    ) -> Result<TokenSet, OAuthError> {
        let now = self.clock.now();
        let scenario = grant
            .scenario
            .as_ref()
            .and_then(|name| self.tenant().scenario(name).cloned());
        let (access_token, expires_in) = match self.access_claims(grant, now) {
            Some((mut claims, lifetime)) => {
                let mut header = None;
                if let Some(s) = &scenario {
                    header = Some(crate::scenario::edit_claims(self, s, &mut claims, true));
                }
                (self.finish(claims, header, scenario.as_ref())?, lifetime)
            }
            None => {
                let lifetime = if grant.implicit { 7200 } else { 86400 };
                let token = format!("mock-opaque.{}", random_id(32));
                let mut store = self.store.lock();
                store.prune(now);
                store.opaque.insert(
                    token.clone(),
                    OpaqueToken {
                        user_id: grant.user.user_id.clone(),
                        scope: grant.scope.clone(),
                        expires_at: now + lifetime,
                    },
                );
                (token, lifetime)
            }
        };
        let id_token = if opts.id_token && grant.scope.iter().any(|s| s == "openid") {
            let at = opts.at_hash.then_some(access_token.as_str());
            let mut claims = self.id_claims(grant, now, at, opts.code);
            let mut header = None;
            if let Some(s) = &scenario {
                header = Some(crate::scenario::edit_claims(self, s, &mut claims, false));
            }
            Some(self.finish(claims, header, None)?)
        } else {
            None
        };
        let refresh_token = if opts.refresh && grant.scope.iter().any(|s| s == "offline_access") {
            Some(self.issue_refresh(grant, opts.refresh_family, now))
        } else {
            None
        };
        Ok(TokenSet {
            access_token,
            id_token,
            refresh_token,
            scope: grant.scope.join(" "),
            expires_in,
            token_type: "Bearer",
        })
    }

    fn finish(
        &self,
        claims: Map<String, Value>,
        header: Option<Map<String, Value>>,
        scenario: Option<&crate::scenario::Scenario>,
    ) -> Result<String, OAuthError> {
        match scenario {
            Some(s) => {
                crate::scenario::sign_with_defects(self, s, header.unwrap_or_default(), &claims)
            }
            None => match header {
                Some(h) if !h.is_empty() => {
                    let key = self.keys.read().current.clone();
                    sign_jwt(&key, &h, &claims)
                }
                _ => self.sign(&claims),
            },
        }
    }

    fn issue_refresh(&self, grant: &Grant, family: Option<String>, now: i64) -> String {
        let lifetime = self
            .tenant()
            .client(&grant.client_id)
            .map(|c| c.refresh_token.token_lifetime)
            .unwrap_or(2_592_000);
        let token = format!("v1.{}", random_id(48));
        let mut store = self.store.lock();
        store.prune(now);
        store.refresh.insert(
            token.clone(),
            RefreshRecord {
                family: family.unwrap_or_else(|| random_id(12)),
                user_id: grant.user.user_id.clone(),
                client_id: grant.client_id.clone(),
                audience: grant.audience.clone(),
                scope: grant.scope.clone(),
                sid: grant.sid.clone(),
                expires_at: now + lifetime,
                spent_at: None,
            },
        );
        token
    }

    /// A client_credentials access token: `sub = <client_id>@clients`, `gty`, string `aud`.
    pub fn mint_client_token(
        &self,
        client_id: &str,
        audience: &str,
        scope: &[String],
    ) -> Result<TokenSet, OAuthError> {
        let now = self.clock.now();
        let lifetime = self
            .tenant()
            .api(audience)
            .map(|a| a.token_lifetime)
            .unwrap_or(86400);
        let mut c = Map::new();
        c.insert("iss".into(), json!(self.issuer));
        c.insert("sub".into(), json!(format!("{client_id}@clients")));
        c.insert("aud".into(), json!(audience));
        c.insert("iat".into(), json!(now));
        c.insert("exp".into(), json!(now + lifetime));
        c.insert("scope".into(), json!(scope.join(" ")));
        c.insert("gty".into(), json!("client-credentials"));
        c.insert("azp".into(), json!(client_id));
        let access_token = self.sign(&c)?;
        Ok(TokenSet {
            access_token,
            id_token: None,
            refresh_token: None,
            scope: scope.join(" "),
            expires_in: lifetime,
            token_type: "Bearer",
        })
    }
}
