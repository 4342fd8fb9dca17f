//! The extension point of the post-login pipeline: what a hook is and how it fails.

use super::api::Api;
use super::event::Event;
use crate::tenant::{HookBinding, Tenant};
use std::sync::Arc;

/// Why a hook failed. Auth0 turns an uncaught exception in an Action into `access_denied` with
/// the exception's message; the pipeline does the same with this.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct HookError(pub String);

impl HookError {
    /// A failure with a message shown to the user as `error_description`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// A hook: the extension point of every trigger's pipeline (the name is post-login's, where
/// most hooks run). Built-in hooks (Hasura claims, Hasura sync, webhooks, JavaScript Actions)
/// implement it and are bound per trigger in the fixtures; a Rust user's own hook, registered
/// with [`crate::ServerConfig::hooks`], runs on post-login.
#[async_trait::async_trait]
pub trait PostLoginHook: Send + Sync {
    /// The hook kind (`hasura-claims`, …), for logs and records.
    fn kind(&self) -> &str;

    /// Runs for one login (or sign-up, or password change: the trigger it is bound to). Acts
    /// only through `api`; returning an error denies the login (or sign-up) with the error's
    /// message, as a throwing Action does in Auth0.
    async fn on_execute_post_login(&self, event: &Event, api: &mut Api) -> Result<(), HookError>;

    /// Runs when the login this hook paused (with `api.redirect.sendUserTo`) comes back at
    /// `/continue`: `onContinuePostLogin` of an Action. `event.request` is that request. A hook
    /// that never redirects has nothing to do here.
    async fn on_continue_post_login(
        &self,
        _event: &Event,
        _api: &mut Api,
    ) -> Result<(), HookError> {
        Ok(())
    }

    /// True when the hook only computes claims from the event, with no I/O. Tokens minted
    /// without a login (scenarios, `auth0-mock token`) run only pure hooks, so minting works
    /// offline even when a sync hook points at a Hasura that is not running.
    fn pure(&self) -> bool {
        false
    }
}

/// One configured pipeline entry: the hook plus its display name and secrets.
pub(crate) struct BoundHook {
    /// Display name (the binding's `name` or the Action's name).
    pub name: String,
    /// The hook.
    pub hook: Arc<dyn PostLoginHook>,
    /// Secrets exposed to this hook only, as `event.secrets`.
    pub secrets: serde_json::Map<String, serde_json::Value>,
}

/// Builds the hook for one fixture binding, validating its settings. The error is the reason,
/// shown with the binding's path by the fixture loader.
pub(crate) type HookFactory = fn(&HookBinding, &Tenant) -> Result<Arc<dyn PostLoginHook>, String>;
