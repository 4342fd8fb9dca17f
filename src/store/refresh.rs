//! Refresh tokens, in families: every token descending from one login shares a family. Rotation
//! spends a token and issues the next one of its family; a spent token used again past the
//! leeway revokes the whole family, as Auth0 does. Like Auth0, a user holds at most
//! [`PER_USER_AND_CLIENT`] families per application: a new one revokes the oldest.

use super::expiring::Expiring;
use crate::protocol::RotationType;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// Auth0's limit of active refresh tokens per user per application ("If the limit is reached
/// and a new refresh token is created, the system revokes and deletes the oldest token"). A
/// rotating family has one active token, so the limit counts families.
pub const PER_USER_AND_CLIENT: usize = 200;

/// What a refresh token stands for, fixed by the login that started its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshGrant {
    /// Owner.
    pub user_id: String,
    /// Client it was issued to.
    pub client_id: String,
    /// API audience, if any.
    pub audience: Option<String>,
    /// Scopes granted at login (a refresh may ask for fewer, never more).
    pub scope: Vec<String>,
    /// Session id carried into new ID tokens.
    pub sid: Option<String>,
}

/// A refresh token that was accepted for an exchange.
#[derive(Debug, Clone)]
pub struct Exchanged {
    /// Its family: the next token continues it.
    pub family: u64,
    /// What it stands for.
    pub grant: Arc<RefreshGrant>,
}

/// Why a refresh token was refused. Auth0 answers both the same way; the difference is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshRefusal {
    /// Unknown, expired, revoked, or issued to another client.
    Invalid,
    /// A spent token was used again: its family is now revoked.
    Reused,
}

/// Why a revocation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeRefusal {
    /// The token belongs to another client.
    OtherClient,
}

#[derive(Debug)]
struct Token {
    family: u64,
    spent_at: Option<i64>,
}

#[derive(Debug)]
struct Family {
    grant: Arc<RefreshGrant>,
    tokens: Vec<String>,
}

/// Every live refresh token and family.
pub(crate) struct RefreshTokens {
    tokens: Expiring<String, Token>,
    families: HashMap<u64, Family>,
    /// Families per (user, client), oldest first.
    by_owner: HashMap<(String, String), VecDeque<u64>>,
    next_family: u64,
}

impl RefreshTokens {
    /// No tokens; at most `cap` held in all.
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            tokens: Expiring::new("refresh tokens", cap),
            families: HashMap::new(),
            by_owner: HashMap::new(),
            next_family: 0,
        }
    }

    /// Issues `token`, valid until `expires_at`: the first of a new family for `grant`, or the
    /// next one of `family` (a rotation).
    pub(crate) fn issue(
        &mut self,
        token: String,
        grant: &Arc<RefreshGrant>,
        family: Option<u64>,
        expires_at: i64,
        now: i64,
    ) {
        let family = match family.filter(|f| self.families.contains_key(f)) {
            Some(f) => f,
            None => self.start_family(grant),
        };
        if let Some(f) = self.families.get_mut(&family) {
            f.tokens.push(token.clone());
        }
        let token_entry = Token {
            family,
            spent_at: None,
        };
        let dropped = self.tokens.insert(token, token_entry, expires_at, now);
        for (token, entry) in dropped {
            self.forget(&token, entry.family);
        }
    }

    fn start_family(&mut self, grant: &Arc<RefreshGrant>) -> u64 {
        let family = self.next_family;
        self.next_family += 1;
        self.families.insert(
            family,
            Family {
                grant: grant.clone(),
                tokens: Vec::new(),
            },
        );
        let owner = (grant.user_id.clone(), grant.client_id.clone());
        let owned = self.by_owner.entry(owner).or_default();
        owned.push_back(family);
        if owned.len() > PER_USER_AND_CLIENT
            && let Some(oldest) = owned.pop_front()
        {
            tracing::info!(user = %grant.user_id, client = %grant.client_id, "over {PER_USER_AND_CLIENT} refresh tokens for this user and application: revoked the oldest, as Auth0 does");
            self.revoke_family(oldest);
        }
        family
    }

    /// Accepts `token` for an exchange by `client_id`: with rotation it is spent (reusable only
    /// within `leeway` seconds); reuse past that revokes its family.
    pub(crate) fn exchange(
        &mut self,
        token: &str,
        client_id: &str,
        rotation: RotationType,
        leeway: i64,
        now: i64,
    ) -> Result<Exchanged, RefreshRefusal> {
        let entry = self
            .tokens
            .get_mut(token, now)
            .ok_or(RefreshRefusal::Invalid)?;
        let family = entry.family;
        let grant = self
            .families
            .get(&family)
            .map(|f| f.grant.clone())
            .ok_or(RefreshRefusal::Invalid)?;
        if grant.client_id != client_id {
            return Err(RefreshRefusal::Invalid);
        }
        if rotation == RotationType::Rotating {
            if let Some(spent) = entry.spent_at
                && (leeway <= 0 || now - spent > leeway)
            {
                tracing::warn!(user = %grant.user_id, client = %client_id, "refresh token reuse detected; family revoked");
                self.revoke_family(family);
                return Err(RefreshRefusal::Reused);
            }
            entry.spent_at.get_or_insert(now);
        }
        Ok(Exchanged { family, grant })
    }

    /// Revokes the family of `token` (`/oauth/revoke`). An unknown token is not an error.
    pub(crate) fn revoke(&mut self, token: &str, client_id: &str) -> Result<(), RevokeRefusal> {
        let Some(family) = self.tokens.get(token, i64::MIN).map(|t| t.family) else {
            return Ok(());
        };
        let owner = self
            .families
            .get(&family)
            .map(|f| f.grant.client_id.as_str());
        if owner.is_some_and(|c| c != client_id) {
            return Err(RevokeRefusal::OtherClient);
        }
        self.revoke_family(family);
        Ok(())
    }

    /// Revokes every family of a user (the user was deleted).
    pub(crate) fn revoke_user(&mut self, user_id: &str) {
        let families: Vec<u64> = self
            .families
            .iter()
            .filter(|(_, f)| f.grant.user_id == user_id)
            .map(|(id, _)| *id)
            .collect();
        for f in families {
            self.revoke_family(f);
        }
    }

    /// Tokens held (live, spent or not yet purged).
    pub(crate) fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Tokens dropped to respect the cap.
    pub(crate) fn evicted(&self) -> u64 {
        self.tokens.evicted()
    }

    fn revoke_family(&mut self, family: u64) {
        let Some(f) = self.families.remove(&family) else {
            return;
        };
        for token in &f.tokens {
            self.tokens.remove(token.as_str());
        }
        self.disown(&f.grant, family);
    }

    /// A token left (expired or evicted): drop it from its family, and the family once empty.
    fn forget(&mut self, token: &str, family: u64) {
        let Some(f) = self.families.get_mut(&family) else {
            return;
        };
        f.tokens.retain(|t| t != token);
        if f.tokens.is_empty()
            && let Some(f) = self.families.remove(&family)
        {
            self.disown(&f.grant, family);
        }
    }

    fn disown(&mut self, grant: &RefreshGrant, family: u64) {
        let owner = (grant.user_id.clone(), grant.client_id.clone());
        if let Some(owned) = self.by_owner.get_mut(&owner) {
            owned.retain(|f| *f != family);
            if owned.is_empty() {
                self.by_owner.remove(&owner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(user: &str) -> Arc<RefreshGrant> {
        Arc::new(RefreshGrant {
            user_id: user.into(),
            client_id: "web".into(),
            audience: None,
            scope: vec!["offline_access".into()],
            sid: None,
        })
    }

    fn store() -> RefreshTokens {
        RefreshTokens::new(1000)
    }

    #[test]
    fn a_rotated_token_used_again_revokes_its_family() {
        let mut r = store();
        let g = grant("alice");
        r.issue("t1".into(), &g, None, 100, 0);
        let first = r
            .exchange("t1", "web", RotationType::Rotating, 0, 1)
            .unwrap();
        r.issue("t2".into(), &g, Some(first.family), 100, 1);
        assert_eq!(
            r.exchange("t1", "web", RotationType::Rotating, 0, 2)
                .unwrap_err(),
            RefreshRefusal::Reused
        );
        assert_eq!(
            r.exchange("t2", "web", RotationType::Rotating, 0, 2)
                .unwrap_err(),
            RefreshRefusal::Invalid,
            "the successor died with its family"
        );
        assert_eq!(r.len(), 0);
    }

    #[test]
    fn reuse_within_the_leeway_is_allowed() {
        let mut r = store();
        r.issue("t1".into(), &grant("alice"), None, 100, 0);
        r.exchange("t1", "web", RotationType::Rotating, 30, 1)
            .unwrap();
        assert!(
            r.exchange("t1", "web", RotationType::Rotating, 30, 20)
                .is_ok()
        );
        assert!(
            r.exchange("t1", "web", RotationType::Rotating, 30, 40)
                .is_err()
        );
    }

    #[test]
    fn a_non_rotating_token_keeps_working() {
        let mut r = store();
        r.issue("t1".into(), &grant("alice"), None, 100, 0);
        for now in 1..5 {
            assert!(
                r.exchange("t1", "web", RotationType::NonRotating, 0, now)
                    .is_ok()
            );
        }
    }

    #[test]
    fn another_client_can_neither_exchange_nor_revoke() {
        let mut r = store();
        r.issue("t1".into(), &grant("alice"), None, 100, 0);
        assert!(
            r.exchange("t1", "spa", RotationType::Rotating, 0, 1)
                .is_err()
        );
        assert_eq!(r.revoke("t1", "spa"), Err(RevokeRefusal::OtherClient));
        assert_eq!(r.revoke("t1", "web"), Ok(()));
        assert!(
            r.exchange("t1", "web", RotationType::Rotating, 0, 1)
                .is_err()
        );
    }

    #[test]
    fn an_expired_token_is_refused_and_forgotten() {
        let mut r = store();
        r.issue("t1".into(), &grant("alice"), None, 10, 0);
        assert!(
            r.exchange("t1", "web", RotationType::Rotating, 0, 10)
                .is_err()
        );
        r.issue("t2".into(), &grant("bob"), None, 100, 11);
        assert_eq!(r.len(), 1);
        assert_eq!(r.families.len(), 1);
    }

    #[test]
    fn past_the_per_user_limit_the_oldest_family_is_revoked() {
        let mut r = store();
        let g = grant("alice");
        for i in 0..=PER_USER_AND_CLIENT {
            r.issue(format!("t{i}"), &g, None, 100, 0);
        }
        assert_eq!(r.len(), PER_USER_AND_CLIENT);
        assert!(
            r.exchange("t0", "web", RotationType::Rotating, 0, 1)
                .is_err()
        );
        assert!(
            r.exchange("t1", "web", RotationType::Rotating, 0, 1)
                .is_ok()
        );
        r.issue("other".into(), &grant("bob"), None, 100, 0);
        assert_eq!(r.len(), PER_USER_AND_CLIENT + 1, "bob has his own 200");
    }

    #[test]
    fn deleting_a_user_revokes_all_their_tokens() {
        let mut r = store();
        r.issue("a".into(), &grant("alice"), None, 100, 0);
        r.issue("b".into(), &grant("bob"), None, 100, 0);
        r.revoke_user("alice");
        assert!(
            r.exchange("a", "web", RotationType::Rotating, 0, 1)
                .is_err()
        );
        assert!(r.exchange("b", "web", RotationType::Rotating, 0, 1).is_ok());
    }
}
