//! The claims of each token Auth0 issues, in its shapes (Auth0's "Access Token Profiles" and
//! "ID Token Structure" docs): user access tokens, ID tokens and client-credentials tokens, for
//! each access-token dialect.

use crate::login::grant::Grant;
use crate::protocol::TokenDialect;
use crate::scope;
use crate::tenant::{ResourceServer, User};
use crate::util::{b64url, random_id, sha256};
use serde_json::{Map, Value, json};

/// A token's claims, in the order they are written.
pub(crate) type Claims = Map<String, Value>;

/// The profile and email claims a user's scopes release, in the ID token and at `/userinfo`.
pub(crate) fn profile_claims(user: &User, scopes: &[String]) -> Claims {
    let mut c = Map::new();
    if scope::has(scopes, "profile") {
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
    if scope::has(scopes, "email")
        && let Some(email) = &user.email
    {
        c.insert("email".into(), json!(email));
        c.insert("email_verified".into(), json!(user.email_verified));
    }
    c
}

/// Claims that name the client: Auth0's `azp` (and `gty` for the grants it marks), or RFC 9068's
/// `client_id` and `jti`.
fn client_claims(c: &mut Claims, dialect: TokenDialect, client_id: &str, gty: Option<&str>) {
    if dialect.is_rfc9068() {
        c.insert("client_id".into(), json!(client_id));
        c.insert("jti".into(), json!(random_id(16)));
    } else {
        c.insert("azp".into(), json!(client_id));
        if let Some(gty) = gty {
            c.insert("gty".into(), json!(gty));
        }
    }
}

/// A user's access token for `api`, issued at `now`; returns the claims and the lifetime.
pub(crate) fn user_access(
    issuer: &str,
    api: &ResourceServer,
    grant: &Grant,
    now: i64,
) -> (Claims, i64) {
    let lifetime = if grant.flow.is_implicit() {
        api.token_lifetime_for_web
    } else {
        api.token_lifetime
    };
    let mut c = grant.access_claims.clone();
    c.insert("iss".into(), json!(issuer));
    c.insert("sub".into(), json!(grant.user.user_id));
    let aud = if scope::has(&grant.scope, "openid") {
        json!([api.identifier, format!("{issuer}userinfo")])
    } else {
        json!(api.identifier)
    };
    c.insert("aud".into(), aud);
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + lifetime));
    c.insert("scope".into(), json!(grant.scope.join(" ")));
    let dialect = api.dialect();
    client_claims(&mut c, dialect, &grant.client_id, grant.flow.gty());
    if dialect.has_permissions() {
        c.insert("permissions".into(), json!(grant.permissions));
    }
    org_claims(&mut c, grant);
    (c, lifetime)
}

/// `org_id` (and `org_name`) of an organization login, in both tokens as Auth0 puts them.
fn org_claims(c: &mut Claims, grant: &Grant) {
    if let Some(org) = &grant.organization {
        c.insert("org_id".into(), json!(org.id));
        if let Some(name) = &org.name {
            c.insert("org_name".into(), json!(name));
        }
    }
}

/// An ID token for a user grant, issued at `now`, living `lifetime` seconds. `access_token` and
/// `code` are the values returned alongside it from `/authorize` (for `at_hash` / `c_hash`).
pub(crate) fn id_token(
    issuer: &str,
    grant: &Grant,
    now: i64,
    lifetime: i64,
    access_token: Option<&str>,
    code: Option<&str>,
) -> Claims {
    let u = &grant.user;
    let mut c = grant.id_claims.clone();
    c.extend(profile_claims(u, &grant.scope));
    c.insert("iss".into(), json!(issuer));
    c.insert("aud".into(), json!(grant.client_id));
    c.insert("sub".into(), json!(u.user_id));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + lifetime));
    if let Some(sid) = &grant.sid {
        c.insert("sid".into(), json!(sid));
    }
    if grant.mfa {
        c.insert("amr".into(), json!(["mfa"]));
        c.insert("acr".into(), json!(crate::mfa::MFA_ACR));
    }
    org_claims(&mut c, grant);
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

/// A client_credentials access token: `sub = <client_id>@clients`, string `aud`.
pub(crate) fn client_access(
    issuer: &str,
    dialect: TokenDialect,
    client_id: &str,
    audience: &str,
    scope: &[String],
    now: i64,
    lifetime: i64,
) -> Claims {
    let mut c = Map::new();
    c.insert("iss".into(), json!(issuer));
    c.insert("sub".into(), json!(format!("{client_id}@clients")));
    c.insert("aud".into(), json!(audience));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + lifetime));
    c.insert("scope".into(), json!(scope.join(" ")));
    if dialect.is_rfc9068() {
        client_claims(&mut c, dialect, client_id, None);
    } else {
        c.insert("gty".into(), json!("client-credentials"));
        c.insert("azp".into(), json!(client_id));
    }
    c
}

/// Left half of SHA-256, base64url: `at_hash` / `c_hash`.
fn half_hash(value: &str) -> String {
    let digest = sha256(value.as_bytes());
    b64url(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::LoginFlow;

    fn api(dialect: TokenDialect) -> ResourceServer {
        serde_json::from_value(json!({
            "identifier": "https://api",
            "token_dialect": dialect.as_str(),
        }))
        .unwrap()
    }

    fn grant() -> Grant {
        Grant {
            user: serde_json::from_value(json!({"user_id": "auth0|a", "email": "a@x.test"}))
                .unwrap(),
            client_id: "web".into(),
            audience: Some("https://api".into()),
            scope: vec!["read:x".into()],
            nonce: None,
            sid: None,
            auth_time: 0,
            include_auth_time: false,
            access_claims: Map::new(),
            id_claims: Map::new(),
            flow: LoginFlow::Password,
            scenario: None,
            permissions: vec!["read:x".into()],
            mfa: false,
            organization: None,
            after_mfa: None,
        }
    }

    #[test]
    fn auth0_dialects_name_the_client_in_azp_with_gty() {
        let (c, _) = user_access("https://t/", &api(TokenDialect::AccessToken), &grant(), 0);
        assert_eq!(
            (c["azp"].as_str(), c["gty"].as_str()),
            (Some("web"), Some("password"))
        );
        assert!(c.get("client_id").is_none() && c.get("jti").is_none());
        assert!(c.get("permissions").is_none());
        let (c, _) = user_access(
            "https://t/",
            &api(TokenDialect::AccessTokenAuthz),
            &grant(),
            0,
        );
        assert_eq!(c["permissions"], json!(["read:x"]));
    }

    #[test]
    fn rfc9068_dialects_use_client_id_and_jti_and_no_gty() {
        for dialect in [
            TokenDialect::Rfc9068Profile,
            TokenDialect::Rfc9068ProfileAuthz,
        ] {
            let (c, _) = user_access("https://t/", &api(dialect), &grant(), 0);
            assert_eq!(c["client_id"], "web", "{dialect}");
            assert!(c["jti"].as_str().is_some_and(|j| !j.is_empty()));
            assert!(c.get("azp").is_none() && c.get("gty").is_none());
            assert_eq!(c.get("permissions").is_some(), dialect.has_permissions());
            let m2m = client_access("https://t/", dialect, "m2m", "https://api", &[], 0, 60);
            assert!(
                m2m.get("permissions").is_none(),
                "client tokens never had permissions"
            );
            assert_eq!(m2m["client_id"], "m2m");
            assert!(m2m.get("gty").is_none() && m2m.get("azp").is_none());
        }
    }
}
