//! APIs (resource servers), their scopes, client grants, roles and permissions.

use super::client::default_alg;

use crate::protocol::TokenDialect;
use serde::{Deserialize, Serialize};

/// An API (Auth0 "resource server").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceServer {
    /// The Management API's id for it (24 hex digits; derived from the identifier at load
    /// when the fixture has none, so it is the same at every start).
    #[serde(default)]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The audience value.
    pub identifier: String,
    /// Only RS256 is supported.
    #[serde(default = "default_alg")]
    pub signing_alg: String,
    /// Access token lifetime (Auth0 default 86400).
    #[serde(default = "default_at_lifetime")]
    pub token_lifetime: i64,
    /// Lifetime for implicit-flow tokens (Auth0 default 7200).
    #[serde(default = "default_web_lifetime")]
    pub token_lifetime_for_web: i64,
    /// Scopes defined on the API.
    #[serde(default)]
    pub scopes: Vec<ScopeDef>,
    /// RBAC: user tokens only get scopes their roles grant.
    #[serde(default)]
    pub enforce_policies: bool,
    /// The access-token profile (`access_token` when absent).
    #[serde(default)]
    pub token_dialect: Option<TokenDialect>,
    /// Whether refresh tokens may be issued for this API.
    #[serde(default = "yes")]
    pub allow_offline_access: bool,
}

fn default_at_lifetime() -> i64 {
    86400
}
fn default_web_lifetime() -> i64 {
    7200
}
pub(super) fn yes() -> bool {
    true
}

impl ResourceServer {
    /// The access-token profile.
    pub fn dialect(&self) -> TokenDialect {
        self.token_dialect.unwrap_or(TokenDialect::AccessToken)
    }

    /// Whether the API defines `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s.value == scope)
    }
}

/// A scope defined on an API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScopeDef {
    /// The scope string.
    pub value: String,
    /// What it allows.
    #[serde(default)]
    pub description: String,
}

/// Authorization of a client for client_credentials on one API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientGrant {
    /// The Management API's id for it (`cgr_…`; derived at load when absent).
    #[serde(default)]
    pub id: String,
    /// The client (id, or name as the Deploy CLI writes it; resolved at load).
    pub client_id: String,
    /// The API identifier.
    pub audience: String,
    /// Scopes the client may get.
    #[serde(default)]
    pub scope: Vec<String>,
}

/// A role with API permissions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    /// The Management API's id for it (`rol_…`; derived from the name at load when absent, so
    /// a test can rely on it across starts).
    #[serde(default)]
    pub id: String,
    /// Role name, as users reference it.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Permissions on APIs.
    #[serde(default)]
    pub permissions: Vec<Permission>,
}

/// One API permission of a role or a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Permission {
    /// The scope granted.
    pub permission_name: String,
    /// The API it applies to.
    pub resource_server_identifier: String,
}
