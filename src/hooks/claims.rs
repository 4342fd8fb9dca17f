//! Auth0's custom-claim rules: which claim names a hook may not set.

/// Registered JWT/OIDC claims and the Auth0-managed ones. Auth0 drops attempts to set these.
const RESTRICTED: &[&str] = &[
    "acr",
    "amr",
    "at_hash",
    "aud",
    "auth_time",
    "azp",
    "c_hash",
    "client_id",
    "cnf",
    "exp",
    "gty",
    "iat",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "org_id",
    "org_name",
    "permissions",
    "roles",
    "groups",
    "scope",
    "sid",
    "sub",
    "sub_jwk",
    "tfp",
    "sip_from_tag",
    "sip_date",
    "sip_callid",
    "sip_cseq_num",
    "sip_via_branch",
    "orig",
    "dest",
    "mky",
    "events",
    "toe",
    "txn",
    "rph",
    "vot",
    "vtm",
    "authorization_details",
    "act",
    "may_act",
];

/// Namespaces that belong to Auth0.
const AUTH0_NAMESPACES: &[&str] = &["auth0.com", "webtask.io", "webtask.run"];

/// Why a claim name may not be set by a hook, or `None` when it may.
pub fn restricted_reason(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("empty claim name".into());
    }
    if RESTRICTED.contains(&name) {
        return Some(format!("'{name}' is a restricted claim"));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("urn:auth0") {
        return Some("the urn:auth0 namespace is reserved by Auth0".into());
    }
    if let Ok(url) = url::Url::parse(&lower)
        && let Some(host) = url.host_str()
        && AUTH0_NAMESPACES
            .iter()
            .any(|ns| host == *ns || host.ends_with(&format!(".{ns}")))
    {
        return Some(format!("the {host} namespace is reserved by Auth0"));
    }
    None
}

/// Whether a claim name is restricted.
pub fn is_restricted_claim(name: &str) -> bool {
    restricted_reason(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_and_allowed() {
        for c in [
            "sub",
            "aud",
            "gty",
            "azp",
            "permissions",
            "https://x.auth0.com/foo",
            "urn:auth0:x",
        ] {
            assert!(is_restricted_claim(c), "{c}");
        }
        for c in [
            "https://hasura.io/jwt/claims",
            "favorite_color",
            "https://example.com/roles",
        ] {
            assert!(!is_restricted_claim(c), "{c}");
        }
    }
}
