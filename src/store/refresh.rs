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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    /// The organization of the login (`org_id`), kept by refreshes.
    pub organization: Option<String>,
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

/// A rotation found its family gone (revoked while the hooks ran): nothing was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyGone;

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
    /// Oldest first: tokens leave in about the order they came (expiry, the cap).
    tokens: VecDeque<Arc<str>>,
}

/// Every live refresh token and family. A token's text is allocated once and shared by the
/// indexes; identical grants (the same user logging in to the same client again and again, as
/// load tests do) are stored once: at the cap this keeps a token to a few hundred bytes.
pub(crate) struct RefreshTokens {
    tokens: Expiring<Arc<str>, Token>,
    families: HashMap<u64, Family>,
    /// Each distinct grant with the number of families sharing it.
    grants: HashMap<Arc<RefreshGrant>, usize>,
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
            grants: HashMap::new(),
            by_owner: HashMap::new(),
            next_family: 0,
        }
    }

    /// Issues `token`, valid until `expires_at`: the first of a new family for `grant`, or the
    /// next one of `family` (a rotation). A rotation whose family was revoked meanwhile (reuse
    /// detected, `/oauth/revoke`, the user deleted) issues nothing: the family stays dead.
    pub(crate) fn issue(
        &mut self,
        token: &str,
        grant: &RefreshGrant,
        family: Option<u64>,
        expires_at: i64,
        now: i64,
    ) -> Result<(), FamilyGone> {
        let token: Arc<str> = Arc::from(token);
        let family = match family {
            Some(f) if self.families.contains_key(&f) => f,
            Some(_) => return Err(FamilyGone),
            None => self.start_family(grant),
        };
        if let Some(f) = self.families.get_mut(&family) {
            f.tokens.push_back(token.clone());
        }
        let token_entry = Token {
            family,
            spent_at: None,
        };
        let dropped = self.tokens.insert(token, token_entry, expires_at, now);
        for (token, entry) in dropped {
            self.forget(&token, entry.family);
        }
        Ok(())
    }

    fn start_family(&mut self, grant: &RefreshGrant) -> u64 {
        let family = self.next_family;
        self.next_family += 1;
        let grant = match self.grants.get_key_value(grant) {
            Some((shared, _)) => shared.clone(),
            None => Arc::new(grant.clone()),
        };
        *self.grants.entry(grant.clone()).or_insert(0) += 1;
        self.families.insert(
            family,
            Family {
                grant: grant.clone(),
                tokens: VecDeque::new(),
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
        let Some(family) = self.tokens.get_any(token).map(|t| t.family) else {
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
            self.tokens.remove(&**token);
        }
        self.disown(&f.grant, family);
    }

    /// A token left (expired or evicted): drop it from its family, and the family once empty.
    fn forget(&mut self, token: &str, family: u64) {
        let Some(f) = self.families.get_mut(&family) else {
            return;
        };
        if f.tokens.front().is_some_and(|t| &**t == token) {
            f.tokens.pop_front();
        } else {
            f.tokens.retain(|t| &**t != token);
        }
        if f.tokens.is_empty()
            && let Some(f) = self.families.remove(&family)
        {
            self.disown(&f.grant, family);
        }
    }

    /// A family is gone: forget it under its owner, and its grant once no family shares it.
    fn disown(&mut self, grant: &Arc<RefreshGrant>, family: u64) {
        if let Some(n) = self.grants.get_mut(grant) {
            *n -= 1;
            if *n == 0 {
                self.grants.remove(grant);
            }
        }
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
mod tests;
