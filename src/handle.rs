//! [`MockHandle`]: what the control API offers over HTTP, for Rust tests, without HTTP.

use crate::error::{FixtureError, OAuthError};
use crate::hooks::HookRecord;
use crate::scenario::TokenRequest;
use crate::state::{Mock, NextScenario};
use crate::tenant::User;
use crate::token::TokenSet;
use std::sync::Arc;

/// In-process control of a running mock.
#[derive(Clone)]
pub struct MockHandle {
    mock: Arc<Mock>,
}

impl MockHandle {
    pub(crate) fn new(mock: Arc<Mock>) -> Self {
        Self { mock }
    }

    /// Mints tokens for a scenario, a user or a client (see [`TokenRequest`]).
    pub async fn mint(&self, req: TokenRequest) -> Result<TokenSet, OAuthError> {
        let scenario = crate::scenario::resolve_request(&self.mock.tenant(), &req)
            .map_err(OAuthError::invalid_request)?;
        crate::scenario::mint(&self.mock, &scenario).await
    }

    /// Mints a named scenario's tokens.
    pub async fn mint_scenario(&self, name: &str) -> Result<TokenSet, OAuthError> {
        self.mint(TokenRequest {
            scenario: Some(name.to_string()),
            ..Default::default()
        })
        .await
    }

    /// Mints a user's tokens (through the claim hooks).
    pub async fn mint_for_user(&self, login: &str) -> Result<TokenSet, OAuthError> {
        self.mint(TokenRequest {
            user: Some(login.to_string()),
            ..Default::default()
        })
        .await
    }

    /// Adds (or replaces, by `user_id`) a user.
    pub fn add_user(&self, mut user: User) {
        user.normalize(self.mock.clock.now());
        let mut store = self.mock.store.lock();
        store.users.retain(|u| u.user_id != user.user_id);
        store.users.push(user);
    }

    /// A user as currently stored (metadata written by hooks included).
    pub fn user(&self, login: &str) -> Option<User> {
        self.mock.store.lock().find_user(login).cloned()
    }

    /// Moves the mock's clock; returns the new offset in seconds.
    pub fn advance_clock(&self, secs: i64) -> i64 {
        self.mock.clock.advance(secs)
    }

    /// The mock's current time (Unix seconds).
    pub fn now(&self) -> i64 {
        self.mock.clock.now()
    }

    /// Hook records, oldest first.
    pub fn hook_records(&self) -> Vec<HookRecord> {
        self.mock.records.list()
    }

    /// Forgets hook records.
    pub fn clear_hook_records(&self) {
        self.mock.records.clear();
    }

    /// Rotates the signing key; returns the new `kid`.
    pub fn rotate_keys(&self) -> Result<String, crate::keys::KeyError> {
        self.mock.keys.write().rotate()
    }

    /// The current signing key id.
    pub fn current_kid(&self) -> String {
        self.mock.keys.read().current.kid.clone()
    }

    /// Gives the next `count` logins the named scenario.
    pub fn set_next_scenario(&self, name: &str, count: u32) -> Result<(), OAuthError> {
        if self.mock.tenant().scenario(name).is_none() {
            return Err(OAuthError::not_found(format!("unknown scenario '{name}'")));
        }
        *self.mock.next_scenario.lock() = Some(NextScenario {
            name: name.to_string(),
            remaining: count.max(1),
        });
        Ok(())
    }

    /// Back to the fixtures.
    pub fn reset(&self) -> Result<(), FixtureError> {
        self.mock.reset(None)
    }

    /// Serves another tenant from now on (and resets state to it). Useful when a hook's target
    /// is only known after the mock started, e.g. a Hasura that needs the mock's JWKS first.
    pub fn replace_tenant(&self, tenant: crate::tenant::Tenant) -> Result<(), FixtureError> {
        self.mock.reset(Some(tenant))
    }

    /// Arms a fault (see [`crate::faults::Fault`]).
    pub fn arm_fault(&self, fault: crate::faults::Fault) -> Result<(), String> {
        self.mock.faults.arm(fault)
    }
}
