//! Claim scenarios as fixtures define them: named token situations (an admin, an expired token,
//! a wrong audience, a bad signature…) in `scenarios/*.yaml`, checked against the tenant at load.
//! Checking them is the tenant's job (`Tenant::check_scenario`); minting applies them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A token defect a scenario can ask for. Each one breaks exactly one thing a verifier checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    /// `exp` one hour ago.
    Expired,
    /// `nbf` one hour ahead.
    NotYetValid,
    /// `iat` one hour ahead.
    IssuedInFuture,
    /// `iss` of another tenant.
    WrongIssuer,
    /// `aud` of another API.
    WrongAudience,
    /// Signed by a key that is not published (with the real `kid`).
    UnknownKey,
    /// Signature bytes corrupted.
    BadSignature,
    /// Correct signature, `kid` not in the JWKS.
    UnknownKid,
    /// No `kid` header.
    NoKid,
    /// `alg: none`, no signature.
    AlgNone,
    /// Hasura claims as a JSON string.
    StringifiedHasuraClaims,
    /// Hasura default role outside the allowed roles.
    DefaultRoleNotAllowed,
}

/// What an API verifying signature (by `kid`), issuer, audience and time does with a token.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ApiVerdict {
    /// It accepts the token.
    Accept,
    /// It answers 401.
    Reject,
}

/// What a correct verifier does with the scenario's token.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Expectation {
    /// What a strict API does.
    #[serde(default)]
    pub api: Option<ApiVerdict>,
    /// `ok`, or the Hasura error code (`invalid-jwt`, `jwt-invalid-claims`, `access-denied`…).
    #[serde(default)]
    pub hasura: Option<String>,
}

/// Changes to one token's claims.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClaimEdits {
    /// Claims added or overridden.
    #[serde(default)]
    pub set: Map<String, Value>,
    /// Claims removed.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Overrides of the Hasura session (`default_role`, `allowed_roles`, other `x-hasura-*`).
    #[serde(default)]
    pub hasura: Option<HasuraOverride>,
}

/// Override of Hasura's claims in a scenario.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HasuraOverride {
    /// `x-hasura-default-role`.
    #[serde(default)]
    pub default_role: Option<String>,
    /// `x-hasura-allowed-roles`.
    #[serde(default)]
    pub allowed_roles: Option<Vec<String>>,
}

/// One named situation.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name (the file stem unless given).
    #[serde(default)]
    pub name: String,
    /// One line: the situation and what a correct API does with it.
    pub description: String,
    /// The user (email, username or user_id) the token is for.
    #[serde(default)]
    pub user: Option<String>,
    /// A client, for a client_credentials token instead of a user token.
    #[serde(default)]
    pub client: Option<String>,
    /// The client a user token is issued to (default: the first SPA).
    #[serde(default)]
    pub client_id: Option<String>,
    /// Audience (default: the tenant's default audience, else its first API).
    #[serde(default)]
    pub audience: Option<String>,
    /// Scope (default `openid profile email`).
    #[serde(default)]
    pub scope: Option<String>,
    /// Access token lifetime in seconds.
    #[serde(default)]
    pub lifetime: Option<i64>,
    /// Defects to apply.
    #[serde(default)]
    pub defects: Vec<Defect>,
    /// Access token edits.
    #[serde(default)]
    pub access_token: ClaimEdits,
    /// ID token edits.
    #[serde(default)]
    pub id_token: ClaimEdits,
    /// What a correct verifier does.
    #[serde(default)]
    pub expect: Expectation,
    /// The file it was loaded from, for error messages (empty for ad-hoc scenarios).
    #[serde(skip)]
    pub file: String,
}

/// Issuer used by the `wrong_issuer` defect.
pub const WRONG_ISSUER: &str = "https://another-tenant.auth0-mock.test/";
/// Audience used by the `wrong_audience` defect.
pub const WRONG_AUDIENCE: &str = "https://another-api.auth0-mock.test";
/// `kid` used by the `unknown_kid` defect.
pub const UNKNOWN_KID: &str = "unknown-kid-not-in-jwks";
