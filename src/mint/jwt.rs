//! The one place JWTs are signed, and the one place the mock's own JWTs are read back (access
//! tokens at `/userinfo`, ID tokens as logout hints).

use super::claims::Claims;
use crate::error::OAuthError;
use crate::keys::{KeySet, SigningKey};
use crate::util::b64url;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

/// A token before signing: header and claims, both still editable (scenarios edit them).
#[derive(Debug, Clone)]
pub(crate) struct UnsignedJwt {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Claims,
}

impl UnsignedJwt {
    /// An RS256 token for `key` with header `typ` (`JWT`, or `at+jwt` for RFC 9068 tokens).
    pub(crate) fn new(key: &SigningKey, typ: &str, claims: Claims) -> Self {
        let mut header = Map::new();
        header.insert("alg".into(), json!("RS256"));
        header.insert("typ".into(), json!(typ));
        header.insert("kid".into(), json!(key.kid));
        Self { header, claims }
    }
}

/// How a token is signed; anything but [`Signature::VALID`] is a scenario defect. The defects
/// combine: a stranger's key and a corrupted signature give a corrupted stranger's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Signature {
    /// `alg: none`, empty signature (wins over the others).
    pub unsigned: bool,
    /// RS256 with a key nobody published.
    pub stranger_key: bool,
    /// Some bytes of the signature flipped.
    pub corrupted: bool,
}

impl Signature {
    /// RS256 with the current key.
    pub(crate) const VALID: Signature = Signature {
        unsigned: false,
        stranger_key: false,
        corrupted: false,
    };
}

/// Encodes and signs `jwt`.
pub(crate) fn seal(
    jwt: &UnsignedJwt,
    key: &SigningKey,
    signature: Signature,
) -> Result<String, OAuthError> {
    let header = serde_json::to_vec(&jwt.header).map_err(OAuthError::server_error)?;
    let claims = serde_json::to_vec(&jwt.claims).map_err(OAuthError::server_error)?;
    let mut out = String::with_capacity(1024);
    out.push_str(&b64url(&header));
    out.push('.');
    out.push_str(&b64url(&claims));
    if signature.unsigned {
        out.push('.');
        return Ok(out);
    }
    let signer = if signature.stranger_key {
        stranger_key()?
    } else {
        key
    };
    let mut sig = signer
        .sign(out.as_bytes())
        .map_err(OAuthError::server_error)?;
    if signature.corrupted
        && let Some(b) = sig.get_mut(10)
    {
        *b ^= 0x5a;
    }
    out.push('.');
    out.push_str(&b64url(&sig));
    Ok(out)
}

/// A key no JWKS publishes, made once per process (generating one takes a while).
fn stranger_key() -> Result<&'static SigningKey, OAuthError> {
    static KEY: std::sync::OnceLock<Result<SigningKey, String>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(OAuthError::server_error)
}

/// Why one of the mock's own tokens was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// Not a JWT the mock signed for its issuer.
    Invalid,
    /// Signed by the mock, but past its `exp`.
    Expired,
}

/// Whether expiry matters: an ID token used as a logout hint may be old (OIDC says the OP
/// should accept an expired `id_token_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// Refuse a token past its `exp`.
    Enforced,
    /// Accept it anyway.
    Ignored,
}

/// Reads a JWT back if one of `keys` signed it with RS256 for `issuer`.
pub(crate) fn verify_own(
    keys: &KeySet,
    issuer: &str,
    token: &str,
    now: i64,
    expiry: Expiry,
) -> Result<Claims, Rejected> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejected::Invalid);
    };
    let decode = |x: &str| URL_SAFE_NO_PAD.decode(x).map_err(|_| Rejected::Invalid);
    let header: Map<String, Value> =
        serde_json::from_slice(&decode(h)?).map_err(|_| Rejected::Invalid)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(Rejected::Invalid);
    }
    let signature = decode(s)?;
    let signed = &token.as_bytes()[..h.len() + 1 + p.len()];
    // The key the `kid` names first; any published key otherwise (scenario tokens may carry
    // no `kid` or a wrong one over a valid signature).
    let named = header
        .get("kid")
        .and_then(Value::as_str)
        .and_then(|kid| keys.by_kid(kid));
    let verified = named.is_some_and(|k| k.verifies(signed, &signature))
        || keys.published().any(|k| k.verifies(signed, &signature));
    if !verified {
        return Err(Rejected::Invalid);
    }
    let claims: Claims = serde_json::from_slice(&decode(p)?).map_err(|_| Rejected::Invalid)?;
    if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(Rejected::Invalid);
    }
    let expired = claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp <= now);
    if expired && expiry == Expiry::Enforced {
        return Err(Rejected::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn keys() -> KeySet {
        let pem = include_str!("../../fixtures/default/keys/current.pem");
        KeySet::new(Arc::new(SigningKey::from_pem(pem).unwrap()), None)
    }

    fn token(keys: &KeySet, exp: i64, signature: Signature) -> String {
        let mut claims = Map::new();
        claims.insert("iss".into(), json!("http://mock/"));
        claims.insert("exp".into(), json!(exp));
        let key = keys.current();
        seal(&UnsignedJwt::new(key, "JWT", claims), key, signature).unwrap()
    }

    #[test]
    fn a_token_it_signed_reads_back() {
        let k = keys();
        let t = token(&k, 100, Signature::VALID);
        let claims = verify_own(&k, "http://mock/", &t, 50, Expiry::Enforced).unwrap();
        assert_eq!(claims["exp"], 100);
    }

    #[test]
    fn expiry_is_enforced_unless_ignored() {
        let k = keys();
        let t = token(&k, 100, Signature::VALID);
        assert_eq!(
            verify_own(&k, "http://mock/", &t, 100, Expiry::Enforced),
            Err(Rejected::Expired)
        );
        assert!(verify_own(&k, "http://mock/", &t, 100, Expiry::Ignored).is_ok());
    }

    #[test]
    fn defective_signatures_and_other_issuers_are_refused() {
        let k = keys();
        let unsigned = Signature {
            unsigned: true,
            ..Signature::VALID
        };
        let corrupted = Signature {
            corrupted: true,
            ..Signature::VALID
        };
        for sig in [unsigned, corrupted] {
            let t = token(&k, 100, sig);
            assert_eq!(
                verify_own(&k, "http://mock/", &t, 50, Expiry::Enforced),
                Err(Rejected::Invalid),
                "{sig:?}"
            );
        }
        let t = token(&k, 100, Signature::VALID);
        assert_eq!(
            verify_own(&k, "http://other/", &t, 50, Expiry::Enforced),
            Err(Rejected::Invalid)
        );
        assert_eq!(
            verify_own(&k, "http://mock/", "a.b", 50, Expiry::Enforced),
            Err(Rejected::Invalid)
        );
    }
}
