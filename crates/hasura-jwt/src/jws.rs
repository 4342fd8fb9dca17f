//! jose's `decodeCompact` + `verifyClaimsAt`, in jose's order.
//!
//! Hasura's `verifyJwt` runs, and jose 0.11 does, in this order:
//! 1. `decodeCompact`: three `.`-separated parts; the payload, then the
//!    protected header (base64url, a JSON object, `alg` and the other
//!    registered parameters), then the signature (`JSONDecodeError`);
//! 2. the payload is decoded as a claims set *before* any signature is
//!    looked at (`verifyJWSWithPayload` runs the payload decoder first), so a
//!    forged token with a malformed claim gets `JWTClaimsSetDecodeError`;
//! 3. signatures whose `alg` is outside the accepted set are dropped; jose's
//!    default set has everything but `none`, so `alg: none` leaves no
//!    signature: `JWSNoSignatures`;
//! 4. an empty key set is `NoUsableKeys`; otherwise any key verifying is
//!    enough, else `JWSInvalidSignature`;
//! 5. the claims are validated ([`ClaimsSet::validate`]).
//!
//! [`JwtError`]'s `Display` is Haskell's `show` of jose's `JWTError`, which
//! Hasura puts after "Could not verify JWT: ".

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::claims_set::{ClaimError, ClaimsSet, Validation};
use crate::haskell::{show_string, type_mismatch};
use crate::jwk::{JWS_ALGS, certificate_chain, parse_jwk, thumbprint};
use crate::jwk_set::JwkSet;
use crate::signature::Alg;
use crate::uri::is_uri;

/// jose's `Error` (the cases Hasura can meet while verifying).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwsError {
    /// `CompactDecodeError`, already rendered (its `Show` is custom).
    CompactDecode(String),
    /// `JSONDecodeError`: aeson's message for the header, payload or
    /// signature part.
    JsonDecode(String),
    /// The key set is empty.
    NoUsableKeys,
    /// No key verified the signature.
    InvalidSignature,
    /// No signature with an accepted algorithm (`alg: none`).
    NoSignatures,
}

/// jose's `JWTError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// A JOSE-level failure.
    Jws(JwsError),
    /// The payload is not a claims set (aeson's message).
    ClaimsSetDecode(String),
    /// A claim check failed.
    Claim(ClaimError),
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Jws(JwsError::CompactDecode(m)) => {
                write!(f, "JWSError (CompactDecodeError {m})")
            }
            JwtError::Jws(JwsError::JsonDecode(m)) => {
                write!(f, "JWSError (JSONDecodeError {})", show_string(m))
            }
            JwtError::Jws(JwsError::NoUsableKeys) => f.write_str("JWSError NoUsableKeys"),
            JwtError::Jws(JwsError::InvalidSignature) => {
                f.write_str("JWSError JWSInvalidSignature")
            }
            JwtError::Jws(JwsError::NoSignatures) => f.write_str("JWSError JWSNoSignatures"),
            JwtError::ClaimsSetDecode(m) => {
                write!(f, "JWTClaimsSetDecodeError {}", show_string(m))
            }
            JwtError::Claim(claim) => f.write_str(match claim {
                ClaimError::Expired => "JWTExpired",
                ClaimError::IssuedAtFuture => "JWTIssuedAtFuture",
                ClaimError::NotYetValid => "JWTNotYetValid",
                ClaimError::NotInIssuer => "JWTNotInIssuer",
                ClaimError::NotInAudience => "JWTNotInAudience",
            }),
        }
    }
}

fn json(message: impl Into<String>) -> JwtError {
    JwtError::Jws(JwsError::JsonDecode(message.into()))
}

fn base64url(part: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| json("Not valid base64url"))
}

fn text<'a>(value: &'a Value, context: &str) -> Result<&'a str, JwtError> {
    value
        .as_str()
        .ok_or_else(|| json(type_mismatch(context, "String", value)))
}

/// jose's `parseParamsFor JWSHeader`, in its order. Only `alg` is needed
/// afterwards; the others are checked because a bad one fails the token.
fn header_alg(header: &Map<String, Value>) -> Result<Alg, JwtError> {
    let alg = header
        .get("alg")
        .ok_or_else(|| json("missing required header \"alg\""))?;
    let alg = alg.as_str().and_then(Alg::from_name).ok_or_else(|| {
        let list: Vec<String> = JWS_ALGS.iter().map(|a| show_string(a)).collect();
        json(format!(
            "unrecognised value; expected: [{}]",
            list.join(",")
        ))
    })?;
    if let Some(v) = header.get("jku")
        && !is_uri(text(v, "URI")?)
    {
        return Err(json("not a URI"));
    }
    if let Some(jwk) = header.get("jwk") {
        parse_jwk(jwk).map_err(json)?;
    }
    if let Some(kid) = header.get("kid") {
        text(kid, "Text")?;
    }
    if let Some(v) = header.get("x5u")
        && !is_uri(text(v, "URI")?)
    {
        return Err(json("not a URI"));
    }
    if let Some(chain) = header.get("x5c") {
        certificate_chain(chain).map_err(json)?;
    }
    if let Some(x5t) = header.get("x5t") {
        thumbprint(x5t, "base64url SHA-1", 20).map_err(json)?;
    }
    if let Some(x5t) = header.get("x5t#S256") {
        thumbprint(x5t, "base64url SHA-256", 32).map_err(json)?;
    }
    for name in ["typ", "cty"] {
        if let Some(v) = header.get(name) {
            text(v, "Text")?;
        }
    }
    Ok(alg)
}

/// Verifies `token` against `keys` and `settings` at `now` (seconds since
/// the epoch), returning its claims set.
pub fn verify_claims_at(
    token: &str,
    keys: &JwkSet,
    settings: &Validation<'_>,
    now: f64,
) -> Result<ClaimsSet, JwtError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err(JwtError::Jws(JwsError::CompactDecode(format!(
            "Invalid number of parts: Expected 3 parts; got {}",
            parts.len()
        ))));
    };
    let payload = base64url(payload_b64)?;
    let header_bytes = base64url(header_b64)?;
    let header: Map<String, Value> = serde_json::from_slice(&header_bytes)
        .map_err(|_| json("protected header contains invalid JSON"))?;
    let alg = header_alg(&header)?;
    let signature = base64url(signature_b64)?;

    let claims = ClaimsSet::decode(&payload).map_err(JwtError::ClaimsSetDecode)?;

    if alg == Alg::None {
        return Err(JwtError::Jws(JwsError::NoSignatures));
    }
    if keys.is_empty() {
        return Err(JwtError::Jws(JwsError::NoUsableKeys));
    }
    let message = format!("{header_b64}.{payload_b64}");
    let verified = keys
        .keys()
        .iter()
        .any(|key| key.verifier().verify(alg, message.as_bytes(), &signature));
    if !verified {
        return Err(JwtError::Jws(JwsError::InvalidSignature));
    }
    claims.validate(settings, now).map_err(JwtError::Claim)?;
    Ok(claims)
}

#[cfg(test)]
mod tests;
