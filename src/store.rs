//! Runtime state that changes while the mock serves: users (metadata written by hooks and the
//! control API), browser sessions, logins waiting at the login page, authorization codes,
//! refresh-token families and opaque access tokens.
//!
//! Everything is in memory and bounded by expiry: a long test run does not grow it without end.

use crate::tenant::User;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// A browser session, created by a successful login and named by the `auth0` cookie.
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in user.
    pub user_id: String,
    /// When the user last authenticated (for `max_age` / `auth_time`).
    pub auth_time: i64,
    /// Idle/absolute expiry.
    pub expires_at: i64,
}

/// An `/authorize` request parked while the user is at the login page.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    /// The validated request.
    pub request: crate::login::AuthorizeRequest,
    /// A wrong-password retry shows this again.
    pub expires_at: i64,
}

/// What an authorization code stands for, minted into tokens at `/oauth/token`.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    /// The login result.
    pub grant: crate::login::Grant,
    /// `redirect_uri` sent to `/authorize` (must be repeated at the token endpoint).
    pub redirect_uri: Option<String>,
    /// PKCE challenge and method.
    pub code_challenge: Option<(String, String)>,
    /// Codes are short-lived.
    pub expires_at: i64,
}

/// One refresh token. Rotation spends it; a spent token used again revokes its family.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    /// All tokens descending from one login share a family.
    pub family: String,
    /// Owner.
    pub user_id: String,
    /// Client it was issued to.
    pub client_id: String,
    /// API audience, if any.
    pub audience: Option<String>,
    /// Scopes granted at login.
    pub scope: Vec<String>,
    /// Session id carried into new ID tokens.
    pub sid: Option<String>,
    /// Absolute expiry.
    pub expires_at: i64,
    /// When it was exchanged (rotation).
    pub spent_at: Option<i64>,
}

/// An opaque access token (issued when no audience is requested), usable at `/userinfo` only.
#[derive(Debug, Clone)]
pub struct OpaqueToken {
    /// Owner.
    pub user_id: String,
    /// Granted scopes.
    pub scope: Vec<String>,
    /// Expiry.
    pub expires_at: i64,
}

/// All mutable state, behind one lock: operations are tiny and never await while holding it.
#[derive(Debug, Default)]
pub struct Store {
    /// Users by id, in fixture order.
    pub users: Vec<User>,
    /// `stats.logins_count` per user.
    pub logins_count: HashMap<String, u64>,
    /// Sessions by id.
    pub sessions: HashMap<String, Session>,
    /// Logins parked at the login page, by transaction id.
    pub pending: HashMap<String, PendingLogin>,
    /// Authorization codes.
    pub codes: HashMap<String, IssuedCode>,
    /// Refresh tokens.
    pub refresh: HashMap<String, RefreshRecord>,
    /// Revoked refresh-token families.
    pub revoked_families: HashSet<String>,
    /// Opaque access tokens.
    pub opaque: HashMap<String, OpaqueToken>,
}

impl Store {
    /// A store holding the tenant's users.
    pub fn new(users: Vec<User>) -> Self {
        Self {
            users,
            ..Self::default()
        }
    }

    /// A user by id.
    pub fn user(&self, user_id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.user_id == user_id)
    }

    /// A user by email, username or id.
    pub fn find_user(&self, login: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.user_id == login || u.matches_login(login))
    }

    /// Applies metadata changes made by hooks (`null` deletes a key, as in Auth0).
    pub fn apply_metadata(
        &mut self,
        user_id: &str,
        app: &Map<String, Value>,
        user_meta: &Map<String, Value>,
        now: i64,
    ) {
        if let Some(u) = self.users.iter_mut().find(|u| u.user_id == user_id) {
            for (target, changes) in [
                (&mut u.app_metadata, app),
                (&mut u.user_metadata, user_meta),
            ] {
                for (k, v) in changes {
                    if v.is_null() {
                        target.remove(k);
                    } else {
                        target.insert(k.clone(), v.clone());
                    }
                }
            }
            if !app.is_empty() || !user_meta.is_empty() {
                u.updated_at = Some(crate::clock::rfc3339(now));
            }
        }
    }

    /// Drops everything expired. Called on writes so memory stays bounded.
    pub fn prune(&mut self, now: i64) {
        self.sessions.retain(|_, s| s.expires_at > now);
        self.pending.retain(|_, p| p.expires_at > now);
        self.codes.retain(|_, c| c.expires_at > now);
        self.opaque.retain(|_, o| o.expires_at > now);
        // Spent refresh tokens are kept until expiry: reuse detection needs them.
        self.refresh.retain(|_, r| r.expires_at > now);
    }

    /// Revokes every refresh token of a family (reuse detection, `/oauth/revoke`).
    pub fn revoke_family(&mut self, family: &str) {
        self.revoked_families.insert(family.to_string());
        self.refresh.retain(|_, r| r.family != family);
    }
}
