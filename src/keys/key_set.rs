//! The keys a tenant publishes: the one that signs, an optional next key announced ahead of a
//! rotation, and previous keys kept for an overlap after a rotation (as Auth0 does).
//!
//! A set never changes: rotation builds the next set. That lets the JWKS document be serialised
//! once per set, not once per request (Hasura and every API poll it).

use super::signing_key::{KeyError, SigningKey};
use axum::body::Bytes;
use serde_json::{Value, json};
use std::sync::Arc;

/// How many retired keys stay published after rotations.
const PREVIOUS_KEPT: usize = 2;

/// The published keys and their JWKS document.
#[derive(Debug)]
pub struct KeySet {
    current: Arc<SigningKey>,
    next: Option<Arc<SigningKey>>,
    previous: Vec<Arc<SigningKey>>,
    jwks: Bytes,
}

impl KeySet {
    /// A set where `current` signs and `next` is announced.
    pub fn new(current: Arc<SigningKey>, next: Option<Arc<SigningKey>>) -> Self {
        Self::assemble(current, next, Vec::new())
    }

    fn assemble(
        current: Arc<SigningKey>,
        next: Option<Arc<SigningKey>>,
        previous: Vec<Arc<SigningKey>>,
    ) -> Self {
        let keys: Vec<Value> = std::iter::once(&current)
            .chain(next.iter())
            .chain(previous.iter())
            .map(|k| k.jwk())
            .collect();
        let jwks = Bytes::from(json!({ "keys": keys }).to_string());
        Self {
            current,
            next,
            previous,
            jwks,
        }
    }

    /// The key that signs every token.
    pub fn current(&self) -> &Arc<SigningKey> {
        &self.current
    }

    /// The JWKS document (current first, then next, then previous keys), serialised.
    pub fn jwks_bytes(&self) -> Bytes {
        self.jwks.clone()
    }

    /// The JWKS document as JSON, for control-API answers.
    pub fn jwks(&self) -> Value {
        serde_json::from_slice(&self.jwks).unwrap_or_else(|_| json!({ "keys": [] }))
    }

    /// The published key with this `kid`.
    pub fn by_kid(&self, kid: &str) -> Option<&Arc<SigningKey>> {
        self.published().find(|k| k.kid == kid)
    }

    /// Every published key.
    pub fn published(&self) -> impl Iterator<Item = &Arc<SigningKey>> {
        std::iter::once(&self.current)
            .chain(self.next.iter())
            .chain(self.previous.iter())
    }

    /// The set after a rotation: the next key (or `fresh`, when there is none or it is the
    /// current key itself, as with `--key next.pem`) signs, and the current key is kept
    /// published as previous.
    pub fn rotated(
        &self,
        fresh: impl FnOnce() -> Result<SigningKey, KeyError>,
    ) -> Result<Self, KeyError> {
        let incoming = match self.next.clone().filter(|k| k.kid != self.current.kid) {
            Some(k) => k,
            None => Arc::new(fresh()?),
        };
        let mut previous = vec![self.current.clone()];
        previous.extend(self.previous.iter().cloned());
        previous.truncate(PREVIOUS_KEPT);
        Ok(Self::assemble(incoming, None, previous))
    }

    /// Whether rotating needs a freshly generated key (slow: do it outside any lock).
    pub fn rotation_needs_fresh_key(&self) -> bool {
        self.next.as_ref().is_none_or(|k| k.kid == self.current.kid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pem: &str) -> Arc<SigningKey> {
        Arc::new(SigningKey::from_pem(pem).unwrap())
    }

    #[test]
    fn rotation_promotes_the_next_key_and_keeps_the_old_one_published() {
        let current = key(include_str!("../../fixtures/default/keys/current.pem"));
        let next = key(include_str!("../../fixtures/default/keys/next.pem"));
        let set = KeySet::new(current.clone(), Some(next.clone()));
        assert_eq!(set.jwks()["keys"].as_array().unwrap().len(), 2);
        let rotated = set.rotated(|| panic!("the next key is there")).unwrap();
        assert_eq!(rotated.current().kid, next.kid);
        assert!(rotated.by_kid(&current.kid).is_some());
        assert_eq!(rotated.jwks()["keys"][0]["kid"], next.kid.as_str());
    }

    #[test]
    fn rotation_never_rotates_to_the_key_already_signing() {
        let current = key(include_str!("../../fixtures/default/keys/current.pem"));
        let set = KeySet::new(current.clone(), Some(current.clone()));
        assert!(set.rotation_needs_fresh_key());
        let other = include_str!("../../fixtures/default/keys/next.pem");
        let rotated = set.rotated(|| SigningKey::from_pem(other)).unwrap();
        assert_ne!(rotated.current().kid, current.kid);
    }
}
