//! Scopes: parsing the space-separated list, and which of the requested scopes a login grants.

use crate::protocol::GrantType;
use crate::tenant::{Client, Tenant, User};
use std::collections::HashSet;

/// OIDC scopes a user token may carry without an API defining them.
pub const OIDC_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// Splits a space-separated scope string, dropping repeats (in one pass: a request may carry
/// thousands of values).
pub fn split_scope(scope: Option<&str>) -> Vec<String> {
    let mut seen = HashSet::new();
    scope
        .unwrap_or("")
        .split(' ')
        .filter(|s| !s.is_empty() && seen.insert(*s))
        .map(str::to_string)
        .collect()
}

/// Whether a list of scopes holds `scope`.
pub fn has(scopes: &[String], scope: &str) -> bool {
    scopes.iter().any(|s| s == scope)
}

/// The scopes granted for a request: OIDC scopes as requested (`offline_access` only where a
/// refresh token may be issued), API scopes the API defines, and under RBAC only those the
/// user's roles permit.
pub fn granted_scopes(
    tenant: &Tenant,
    client: &Client,
    user: &User,
    audience: Option<&str>,
    requested: &[String],
) -> Vec<String> {
    let api = audience.and_then(|a| tenant.api(a));
    let permitted: HashSet<String> = match api {
        Some(api) if api.enforce_policies => tenant
            .permissions_for(user, &api.identifier)
            .into_iter()
            .collect(),
        _ => HashSet::new(),
    };
    let mut seen = HashSet::new();
    let mut out: Vec<String> = Vec::new();
    for s in requested {
        let keep = if OIDC_SCOPES.contains(&s.as_str()) {
            s != "offline_access"
                || (client.allows_grant(GrantType::RefreshToken)
                    && api.is_none_or(|a| a.allow_offline_access))
        } else if let Some(api) = api {
            if api.enforce_policies {
                permitted.contains(s)
            } else {
                api.has_scope(s)
            }
        } else {
            false
        };
        if keep && seen.insert(s.as_str()) {
            out.push(s.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_scopes_need_the_api_and_offline_access_needs_refresh() {
        let t = crate::tenant::load_embedded().unwrap();
        let spa = t.client("auth0-mock-spa").unwrap();
        let req = split_scope(Some("openid profile offline_access read:own bogus"));
        let user = User {
            roles: vec!["user".into()],
            ..Default::default()
        };
        let nobody = User::default();
        let s = granted_scopes(&t, spa, &user, Some("https://api.auth0-mock.test"), &req);
        assert_eq!(s, vec!["openid", "profile", "offline_access", "read:own"]);
        let s = granted_scopes(&t, spa, &nobody, None, &req);
        assert_eq!(s, vec!["openid", "profile", "offline_access"]);
        let m2m = t.client("auth0-mock-m2m").unwrap();
        let s = granted_scopes(
            &t,
            m2m,
            &nobody,
            None,
            &split_scope(Some("openid offline_access")),
        );
        assert_eq!(s, vec!["openid"]);
    }

    #[test]
    fn split_scope_drops_repeats_and_blanks() {
        assert_eq!(
            split_scope(Some("openid  openid profile")),
            vec!["openid", "profile"]
        );
        assert!(split_scope(None).is_empty());
    }
}
