//! What a completed login grants: everything minting needs, now (implicit, password grants) or
//! later (the code exchange, refreshes).

use crate::protocol::LoginFlow;
use crate::tenant::{Scenario, User};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The result of a login transaction.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The user, as the hooks left them.
    pub user: User,
    /// The client.
    pub client_id: String,
    /// The API, if any (no API: an opaque access token for `/userinfo`).
    pub audience: Option<String>,
    /// Granted scopes.
    pub scope: Vec<String>,
    /// Nonce from `/authorize` (only then in the ID token).
    pub nonce: Option<String>,
    /// Session id (`sid`).
    pub sid: Option<String>,
    /// Authentication time.
    pub auth_time: i64,
    /// `auth_time` goes into the ID token when `max_age` was requested.
    pub include_auth_time: bool,
    /// Custom access-token claims from hooks.
    pub access_claims: Map<String, Value>,
    /// Custom ID-token claims from hooks.
    pub id_claims: Map<String, Value>,
    /// How the user got here (`gty`, lifetimes).
    pub flow: LoginFlow,
    /// Scenario applied to the minted tokens.
    pub scenario: Option<Arc<Scenario>>,
    /// Permissions for APIs whose dialect carries them.
    pub permissions: Vec<String>,
    /// The user passed a second-factor challenge in this login: the ID token says
    /// `amr: ["mfa"]`.
    pub mfa: bool,
    /// The organization the user logged into: `org_id` (and `org_name`) in both tokens.
    pub organization: Option<OrgClaims>,
    /// What waits for the second factor, when one is due: a login stopped at the challenge
    /// changes nothing about the user.
    pub(crate) after_mfa: Option<Box<AfterMfa>>,
}

/// The changes of a login that wait for its second factor.
#[derive(Debug, Clone, Default)]
pub(crate) struct AfterMfa {
    /// The organization the user joins (an invitation, `assign_membership_on_login`).
    pub joining: Option<super::org_login::OrgLogin>,
    /// What the Actions set with `api.user.setAppMetadata`.
    pub app_metadata: Map<String, Value>,
    /// What the Actions set with `api.user.setUserMetadata`.
    pub user_metadata: Map<String, Value>,
    /// The Action allowed remembering the browser (`allowRememberBrowser`): the challenge
    /// screens offer it.
    pub remember_browser: bool,
}

/// What tokens say about an organization login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgClaims {
    /// `org_id`.
    pub id: String,
    /// `org_name`, when the tenant allows organization names in the authentication API.
    pub name: Option<String>,
}
