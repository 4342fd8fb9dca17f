//! A JWK Set as Hasura reads it: all or nothing.
//!
//! Hasura v2.48.2 and later (`parseJWKSetRobustly` in
//! `Hasura.Server.Auth.JWT`) first rewrites the document, then hands it to
//! jose's `FromJSON JWKSet`:
//! 1. entries whose `use` is not the string `"sig"` or `"enc"` are dropped,
//!    *including entries without `use`* (Hasura's filter, not jose's);
//! 2. the `e` and `n` strings of the rest are repaired: standard base64 is
//!    turned into base64url, padding is removed and leading zero bytes are
//!    stripped (AWS Cognito publishes such keys);
//! 3. every remaining entry must then be a JWK jose accepts ([`parse_jwk`]):
//!    a single bad one (an unknown `kty`, an `x5t` that is not 20 bytes, an
//!    `x5c` whose certificate holds another key…) fails the whole document.
//!
//! [`JwkSetError`] names the entry that broke it, which Hasura does not
//! (its log carries only jose's message).

use std::fmt;

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use serde_json::Value;

use crate::haskell::type_mismatch;
use crate::jwk::{KeyMaterial, parse_jwk};
use crate::signature::Verifier;

/// One public key Hasura can verify signatures with.
///
/// `kid` is kept for diagnostics only: Hasura (through jose) tries every key
/// of the set, whatever the token's `kid` says.
#[derive(Clone)]
pub struct VerificationKey {
    material: KeyMaterial,
    kid: Option<String>,
    verifier: Verifier,
}

impl VerificationKey {
    /// A key with this material (and `kid`).
    pub fn new(material: KeyMaterial, kid: Option<String>) -> Self {
        let verifier = Verifier::new(&material);
        VerificationKey {
            material,
            kid,
            verifier,
        }
    }

    /// The `kid` the JWK carried, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key's public material.
    pub fn material(&self) -> &KeyMaterial {
        &self.material
    }

    pub(crate) fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.material {
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { .. } => "EC",
            KeyMaterial::Oct(_) => "oct",
            KeyMaterial::Okp { .. } => "OKP",
        };
        f.debug_struct("VerificationKey")
            .field("kty", &kind)
            .field("kid", &self.kid)
            .finish()
    }
}

/// A set of verification keys (Hasura's `JWKSet`).
#[derive(Debug, Clone, Default)]
pub struct JwkSet {
    keys: Vec<VerificationKey>,
    ignored: usize,
}

/// Which entry of a JWK Set document broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenKey {
    /// Its position in the document's `keys` array (counting every entry).
    pub index: usize,
    /// Its `kid`, when it has a string one.
    pub kid: Option<String>,
}

/// Why Hasura refuses a JWK Set document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct JwkSetError {
    /// jose's (aeson's) message, the `error` Hasura logs.
    pub message: String,
    /// The entry at fault, when one entry is.
    pub key: Option<BrokenKey>,
}

impl fmt::Display for JwkSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            None => f.write_str(&self.message),
            Some(BrokenKey { index, kid: None }) => {
                write!(f, "keys[{index}]: {}", self.message)
            }
            Some(BrokenKey {
                index,
                kid: Some(kid),
            }) => write!(f, "keys[{index}] (kid {kid:?}): {}", self.message),
        }
    }
}

fn whole(message: String) -> JwkSetError {
    JwkSetError { message, key: None }
}

/// Hasura's `knownKeyType`: only `use: "sig"` and `use: "enc"` survive.
fn kept_by_hasura(entry: &Value) -> bool {
    matches!(entry.get("use"), Some(Value::String(u)) if u == "sig" || u == "enc")
}

/// Hasura's `canonicalizeTargets` for one base64 string: `+/` become `-_`,
/// padding goes, and leading zero bytes are dropped when it decodes.
fn canonical_base64(text: &str) -> String {
    // memory's decoder (which Hasura uses here) does not insist on zero
    // trailing bits; jose's decoder later does, on the re-encoded text.
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let trimmed = mapped.trim_end_matches('=');
    match LENIENT.decode(trimmed) {
        Ok(bytes) => {
            let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
            URL_SAFE_NO_PAD.encode(&bytes[start..])
        }
        Err(_) => trimmed.to_string(),
    }
}

fn canonicalize(entry: &Value) -> Value {
    let mut entry = entry.clone();
    if let Some(object) = entry.as_object_mut() {
        for member in ["e", "n"] {
            if let Some(Value::String(text)) = object.get_mut(member) {
                *text = canonical_base64(text);
            }
        }
    }
    entry
}

impl JwkSet {
    /// An empty set: what Hasura holds before its poller's first fetch.
    pub fn empty() -> Self {
        JwkSet::default()
    }

    /// A set holding the given keys (the `key` form of the config is one key).
    pub fn from_keys(keys: Vec<VerificationKey>) -> Self {
        JwkSet { keys, ignored: 0 }
    }

    /// Parses a JWK Set document the way Hasura does (see the module docs).
    pub fn from_json(bytes: &[u8]) -> Result<Self, JwkSetError> {
        let document: Value =
            serde_json::from_slice(bytes).map_err(|e| whole(format!("Error in $: {e}")))?;
        let Some(object) = document.as_object() else {
            return Err(whole(type_mismatch("JWKSet", "Object", &document)));
        };
        let Some(entries) = object.get("keys") else {
            return Err(whole("key \"keys\" not found".to_string()));
        };
        let Some(entries) = entries.as_array() else {
            return Err(whole(type_mismatch("[]", "Array", entries)));
        };
        let mut set = JwkSet::default();
        for (index, entry) in entries.iter().enumerate() {
            if !kept_by_hasura(entry) {
                set.ignored += 1;
                continue;
            }
            let jwk = parse_jwk(&canonicalize(entry)).map_err(|message| JwkSetError {
                message,
                key: Some(BrokenKey {
                    index,
                    kid: entry.get("kid").and_then(Value::as_str).map(str::to_string),
                }),
            })?;
            set.keys.push(VerificationKey::new(jwk.material, jwk.kid));
        }
        Ok(set)
    }

    /// The usable keys, in document order.
    pub fn keys(&self) -> &[VerificationKey] {
        &self.keys
    }

    /// Whether there is no usable key (Hasura then answers `NoUsableKeys`).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// How many usable keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// How many entries Hasura dropped for their `use` (absent, or neither
    /// `sig` nor `enc`).
    pub fn ignored(&self) -> usize {
        self.ignored
    }
}

#[cfg(test)]
mod tests;
