//! Applying a scenario to a token before it is signed: claim edits on either token, and on
//! access tokens the defects, each breaking exactly one thing a verifier checks.

use super::jwt::{Signature, UnsignedJwt};
use crate::protocol::HASURA_CLAIMS_NAMESPACE;
use crate::tenant::{Defect, Scenario, UNKNOWN_KID, WRONG_AUDIENCE, WRONG_ISSUER};
use serde_json::{Value, json};

/// Which token a scenario edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// The access token: edits and defects.
    Access,
    /// The ID token: edits only.
    Id,
}

/// Edits `jwt` as the scenario says and returns how it must be signed.
pub(crate) fn apply(s: &Scenario, jwt: &mut UnsignedJwt, kind: TokenKind, now: i64) -> Signature {
    let edits = match kind {
        TokenKind::Access => &s.access_token,
        TokenKind::Id => &s.id_token,
    };
    let claims = &mut jwt.claims;
    let ns = HASURA_CLAIMS_NAMESPACE;
    if let Some(h) = &edits.hasura {
        let obj = claims.entry(ns.to_string()).or_insert_with(|| json!({}));
        if let Some(map) = obj.as_object_mut() {
            if let Some(d) = &h.default_role {
                map.insert("x-hasura-default-role".into(), Value::String(d.clone()));
            }
            if let Some(a) = &h.allowed_roles {
                map.insert("x-hasura-allowed-roles".into(), json!(a));
            }
        }
    }
    for (k, v) in &edits.set {
        claims.insert(k.clone(), v.clone());
    }
    for k in &edits.remove {
        claims.remove(k);
    }
    if kind == TokenKind::Id {
        return Signature::VALID;
    }
    // Saturating: `lifetime` and claim edits come from callers of the control API.
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(now);
    if let Some(lifetime) = s.lifetime {
        claims.insert("exp".into(), json!(iat.saturating_add(lifetime)));
    }
    let lifetime = claims
        .get("exp")
        .and_then(Value::as_i64)
        .unwrap_or(iat.saturating_add(86400))
        .saturating_sub(iat);
    for d in &s.defects {
        match d {
            Defect::Expired => {
                claims.insert(
                    "iat".into(),
                    json!(iat.saturating_sub(3600).saturating_sub(lifetime)),
                );
                claims.insert("exp".into(), json!(iat.saturating_sub(3600)));
            }
            Defect::NotYetValid => {
                claims.insert("nbf".into(), json!(iat.saturating_add(3600)));
            }
            Defect::IssuedInFuture => {
                claims.insert("iat".into(), json!(iat.saturating_add(3600)));
                claims.insert(
                    "exp".into(),
                    json!(iat.saturating_add(3600).saturating_add(lifetime)),
                );
            }
            Defect::WrongIssuer => {
                claims.insert("iss".into(), json!(WRONG_ISSUER));
            }
            Defect::WrongAudience => {
                claims.insert("aud".into(), json!(WRONG_AUDIENCE));
            }
            Defect::StringifiedHasuraClaims => {
                if let Some(v) = claims.get(ns).cloned()
                    && v.is_object()
                {
                    claims.insert(ns.into(), Value::String(v.to_string()));
                }
            }
            Defect::DefaultRoleNotAllowed => {
                if let Some(map) = claims.get_mut(ns).and_then(Value::as_object_mut) {
                    let allowed: Vec<&str> = map
                        .get("x-hasura-allowed-roles")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let outside = ["admin", "superuser", "not-an-allowed-role"]
                        .into_iter()
                        .find(|r| !allowed.contains(r))
                        .unwrap_or("x");
                    map.insert("x-hasura-default-role".into(), json!(outside));
                }
            }
            Defect::NoKid => {
                jwt.header.remove("kid");
            }
            Defect::UnknownKid => {
                jwt.header.insert("kid".into(), json!(UNKNOWN_KID));
            }
            Defect::AlgNone => {
                jwt.header.insert("alg".into(), json!("none"));
                jwt.header.remove("kid");
            }
            Defect::UnknownKey | Defect::BadSignature => {}
        }
    }
    Signature {
        unsigned: s.defects.contains(&Defect::AlgNone),
        stranger_key: s.defects.contains(&Defect::UnknownKey),
        corrupted: s.defects.contains(&Defect::BadSignature),
    }
}
