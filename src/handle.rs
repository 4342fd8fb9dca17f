//! [`MockHandle`]: what the control API offers over HTTP, for Rust tests and the CLI, without
//! HTTP.

use crate::direct_login::{DirectLogin, DirectLoginError};
use crate::error::{FixtureError, OAuthError};
use crate::faults::Fault;
use crate::hooks::HookRecord;
use crate::keys::KeyError;
use crate::mock::{Mock, NextLogin, NextLoginError, NextScenario, NextScenarioError};
use crate::outbox::{Message, OutboxFilter};
use crate::scenario::{self, MintedScenario, TokenRequest};
use crate::store::{StoreCounts, UserError};
use crate::tenant::{Tenant, User};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// In-process control of a mock, serving or not.
#[derive(Clone)]
pub struct MockHandle {
    mock: Arc<Mock>,
}

impl MockHandle {
    pub(crate) fn new(mock: Arc<Mock>) -> Self {
        Self { mock }
    }

    /// The issuer tokens carry, with its trailing slash.
    pub fn issuer(&self) -> &str {
        self.mock.issuer()
    }

    /// The tenant currently served.
    pub fn tenant(&self) -> Arc<Tenant> {
        self.mock.tenant()
    }

    /// Mints tokens for a scenario, a user or a client (see [`TokenRequest`]).
    pub async fn mint(&self, req: TokenRequest) -> Result<MintedScenario, OAuthError> {
        let s =
            scenario::resolve(&self.mock.tenant(), &req).map_err(OAuthError::invalid_request)?;
        scenario::mint(&self.mock, &s).await
    }

    /// Mints a named scenario's tokens.
    pub async fn mint_scenario(&self, name: &str) -> Result<MintedScenario, OAuthError> {
        self.mint(TokenRequest {
            scenario: Some(name.to_string()),
            ..Default::default()
        })
        .await
    }

    /// Mints a user's tokens (through the claim hooks).
    pub async fn mint_for_user(&self, login: &str) -> Result<MintedScenario, OAuthError> {
        self.mint(TokenRequest {
            user: Some(login.to_string()),
            ..Default::default()
        })
        .await
    }

    /// Adds a user, or replaces the one with the same `user_id`, under the same rules as the
    /// Management API (a login name, known roles, an email no other user has).
    pub fn add_user(&self, user: User) -> Result<User, UserError> {
        let tenant = self.mock.tenant();
        self.mock
            .store()
            .upsert_user(user, |r| tenant.has_role(r), self.mock.clock().now())
    }

    /// A user as currently stored (metadata written by hooks included).
    pub fn user(&self, login: &str) -> Option<User> {
        self.mock.store().find_user(login)
    }

    /// How many sessions, codes, tokens… the mock holds (each kind is capped).
    pub fn store_counts(&self) -> StoreCounts {
        self.mock.store().counts()
    }

    /// Moves the mock's clock; returns the new offset in seconds.
    pub fn advance_clock(&self, secs: i64) -> i64 {
        self.mock.clock().advance(secs)
    }

    /// The mock's current time (Unix seconds).
    pub fn now(&self) -> i64 {
        self.mock.clock().now()
    }

    /// Hook records, oldest first.
    pub fn hook_records(&self) -> Vec<HookRecord> {
        self.mock.records().list()
    }

    /// Forgets hook records.
    pub fn clear_hook_records(&self) {
        self.mock.records().clear();
    }

    /// The messages the mock "sent" (verification and reset links, codes) that `filter` picks,
    /// oldest first.
    pub fn outbox(&self, filter: &OutboxFilter) -> Vec<Message> {
        self.mock.outbox().list(filter)
    }

    /// Like [`Self::outbox`], but waits up to `wait` (at most a minute) for the first message
    /// when none matches yet; empty if none arrived in time.
    pub async fn wait_for_messages(&self, filter: &OutboxFilter, wait: Duration) -> Vec<Message> {
        self.mock.outbox().wait_for(filter, wait).await
    }

    /// Forgets the outbox's messages.
    pub fn clear_outbox(&self) {
        self.mock.outbox().clear();
    }

    /// Rotates the signing key; returns the new `kid`.
    pub fn rotate_keys(&self) -> Result<String, KeyError> {
        self.mock.rotate_keys()
    }

    /// The current signing key id.
    pub fn current_kid(&self) -> String {
        self.mock.keys().current().kid.clone()
    }

    /// Gives the next `count` logins (1 to 10,000) the named scenario.
    pub fn set_next_scenario(
        &self,
        name: &str,
        count: u32,
    ) -> Result<NextScenario, NextScenarioError> {
        self.mock.arm_next_scenario(name, count)
    }

    /// Signs a user (id, email or username) in with no login form: the session as a cookie to
    /// add to a browser context, and a one-time link to visit (which then goes to
    /// `return_to`, when given). The app's next `loginWithRedirect` completes from it.
    pub fn sign_in(
        &self,
        login: &str,
        return_to: Option<&str>,
    ) -> Result<DirectLogin, DirectLoginError> {
        crate::direct_login::sign_in(&self.mock, login, return_to.map(str::to_string))
    }

    /// Signs `login` in at the next `count` visits of the login page (1 to 10,000), as if
    /// picked in its one-click list.
    pub fn set_next_login(&self, login: &str, count: u32) -> Result<NextLogin, NextLoginError> {
        self.mock.arm_next_login(login, count)
    }

    /// Back to the fixtures.
    pub fn reset(&self) -> Result<(), FixtureError> {
        self.mock.reset(None)
    }

    /// Serves another tenant from now on (and resets state to it). Useful when a hook's target
    /// is only known after the mock started, e.g. a Hasura that needs the mock's JWKS first.
    pub fn replace_tenant(&self, tenant: Tenant) -> Result<(), FixtureError> {
        self.mock.reset(Some(tenant))
    }

    /// Arms a fault (see [`Fault`]).
    pub fn arm_fault(&self, fault: Fault) -> Result<(), String> {
        self.mock.faults().arm(fault)
    }

    /// The `HASURA_GRAPHQL_JWT_SECRET` for this mock: its JWKS URL (or `jwk_url`, as Hasura
    /// reaches it from another container), issuer and default audience.
    pub fn hasura_jwt_secret(&self, jwk_url: Option<&str>) -> String {
        let issuer = self.issuer();
        let jwk_url = jwk_url
            .map(str::to_string)
            .unwrap_or_else(|| crate::inspect::jwks_url(issuer));
        let tenant = self.mock.tenant();
        let audience = tenant.default_api().map(|a| a.identifier.as_str());
        crate::inspect::hasura_secret(&jwk_url, issuer, audience)
    }

    /// A Hasura JWT config with the tenant's default audience, when it has an API.
    fn with_default_audience(&self, mut config: serde_json::Value) -> String {
        if let Some(api) = self.mock.tenant().default_api() {
            config["audience"] = json!(api.identifier);
        }
        config.to_string()
    }

    /// The key-based `HASURA_GRAPHQL_JWT_SECRET` (no JWKS fetch): the signing certificate, as
    /// Hasura's Auth0 configurator builds it from `/pem`.
    pub fn hasura_jwt_secret_key_based(&self) -> String {
        let cert = self.mock.keys().current().cert_pem();
        self.with_default_audience(json!({ "type": "RS256", "key": cert, "issuer": self.issuer() }))
    }
}
