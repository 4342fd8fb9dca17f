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
    /// The organization the user joins once their second factor passes (membership waits for
    /// it, as every other change of a login that is not finished yet should).
    pub(crate) joining: Option<super::org_login::OrgLogin>,
}

/// What tokens say about an organization login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgClaims {
    /// `org_id`.
    pub id: String,
    /// `org_name`, when the tenant allows organization names in the authentication API.
    pub name: Option<String>,
}
