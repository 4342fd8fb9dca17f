//! A post-login hook or Action bound to the Login trigger.

use crate::protocol::Trigger;
use serde_json::{Map, Value};

/// One entry of a trigger: an Auth0 Action (by `action_name`) or a native hook
/// (by `hook`), with its settings as written in the fixture.
#[derive(Debug, Clone)]
pub struct HookBinding {
    /// The trigger it is bound to.
    pub trigger: Trigger,
    /// `hasura-claims`, `hasura-sync`, `webhook`, `action`, …
    pub kind: String,
    /// Display name used in logs and records.
    pub name: String,
    /// The entry's settings (everything but `hook`/`name`).
    pub settings: Value,
    /// Secrets, with `${ENV}` references already resolved.
    pub secrets: Map<String, Value>,
    /// The Action's code and the file it came from, for `action` bindings.
    pub code: Option<(String, String)>,
    /// Declared npm dependencies of an Action.
    pub dependencies: Vec<String>,
}

impl HookBinding {
    /// A native hook binding without secrets, as a `hook:` entry of `triggers.post-login`
    /// would load: what Rust callers and tests push into [`Tenant::post_login`].
    pub fn native(kind: &str, name: &str, settings: Value) -> Self {
        Self {
            trigger: Trigger::PostLogin,
            kind: kind.to_string(),
            name: name.to_string(),
            settings,
            secrets: Map::new(),
            code: None,
            dependencies: Vec::new(),
        }
    }
}
