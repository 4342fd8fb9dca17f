//! The tenant: clients, APIs, roles, connections, users, scenarios and the post-login bindings,
//! in the shape of Auth0's own export formats (Deploy CLI `tenant.yaml`, bulk user-import JSON)
//! so a real tenant export can be dropped into a fixtures directory.
//!
//! Field names follow the Management API. Fields Auth0 has and the mock ignores are accepted
//! (exports carry dozens) and listed once at load ([`Tenant::load_warnings`]); mock-only fields
//! are documented where they appear. Both Deploy CLI formats load, with its keyword
//! replacement. Nothing here depends on the running mock: the tenant is data, read by
//! everything above it.

mod directory;
mod fixtures;
mod keywords;
mod model;
mod organization;
mod parse;
mod password_policy;
mod scenario;
mod source;
mod unused;

pub use fixtures::{load_dir, load_dir_with_env, load_embedded};
pub use keywords::{LoadEnv, MAPPINGS_KEY};
pub use model::*;
pub use organization::*;
pub use parse::parse_yaml;
pub use password_policy::{PasswordPolicy, PolicyFailure, PolicyHint, PolicyLevel};
pub use scenario::*;
pub use source::{EMBEDDED_SOURCE, FixtureSource};

#[cfg(test)]
mod tests;
