//! A login paused by a redirect Action: everything the login transaction needs to pick it up
//! again when the browser comes back at `/continue`, held by the store under the `state` the
//! browser was sent away with.

use super::org_login::OrgLogin;
use crate::hooks::{Effects, Event, Pipeline};
use crate::protocol::LoginFlow;
use std::sync::Arc;

/// What settling a login into a grant needs besides the hooks' effects: the owned part of
/// [`super::LoginInput`].
#[derive(Debug, Clone)]
pub(crate) struct Settle {
    pub user_id: String,
    pub client_id: String,
    pub audience: Option<String>,
    pub requested_scope: Vec<String>,
    pub flow: LoginFlow,
    pub sid: Option<String>,
    pub nonce: Option<String>,
    pub auth_time: i64,
    pub include_auth_time: bool,
    /// The request asked for a multi-factor login (`acr_values`).
    pub mfa_requested: bool,
    /// The browser is remembered for this user's second factor.
    pub mfa_remembered: bool,
    /// The organization logged into, the user's roles in it, and how they join it.
    pub organization: Option<OrgLogin>,
}

/// A login waiting at a redirect Action's page.
#[derive(Clone)]
pub(crate) struct PausedLogin {
    /// The pipeline it ran: resuming runs the rest of the same hooks, even across a tenant
    /// reset in between.
    pub pipeline: Arc<Pipeline>,
    /// The hook that redirected.
    pub at: usize,
    /// The event as the hooks left it.
    pub event: Event,
    /// What the hooks that ran asked for.
    pub effects: Effects,
    /// The rest of the login.
    pub settle: Settle,
}

impl std::fmt::Debug for PausedLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PausedLogin")
            .field("at", &self.at)
            .field("user_id", &self.settle.user_id)
            .finish_non_exhaustive()
    }
}
