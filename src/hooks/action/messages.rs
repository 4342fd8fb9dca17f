//! What the parts of an Action's run tell each other: its fixed description ([`Spec`]), the
//! `api` calls it makes ([`Op`]) and the messages between the worker thread and the login.

use super::cache::Cache;
use crate::hooks::console::ConsoleCut;
use crate::hooks::outbound::{OutboundError, OutboundRequest, OutboundResponse};
use serde_json::Value as Json;
use std::sync::mpsc::Receiver;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Limits of one Action, from its trigger binding.
#[derive(Debug, Clone)]
pub(super) struct Limits {
    pub timeout: Duration,
    pub memory_bytes: usize,
    pub fetch_timeout: Duration,
}

/// Everything a worker needs to know about its Action. Immutable, shared by all workers.
#[derive(Debug)]
pub(super) struct Spec {
    pub name: String,
    /// The trigger it is bound to: which export runs and which `api` it gets.
    pub trigger: crate::protocol::Trigger,
    pub file: String,
    pub dir: String,
    /// The code inside a CommonJS wrapper function (the first line stays line 1).
    pub wrapped: String,
    pub dependencies: Vec<String>,
    pub limits: Limits,
    pub cache: Cache,
}

/// What the Action asked of the `api` object, applied in order to the login's `Api`.
#[derive(Debug, Clone)]
pub(super) enum Op {
    AccessClaim(String, Json),
    IdClaim(String, Json),
    AddScope(String),
    RemoveScope(String),
    /// `api.access.deny(reason[, userMessage])`.
    Deny(String, Option<String>),
    /// `api.validation.error(code, message)` (pre-user-registration).
    ValidationError(String, String),
    AppMetadata(String, Json),
    UserMetadata(String, Json),
    /// `api.redirect.sendUserTo(url, {query})`.
    Redirect(String, Json),
    /// `api.multifactor.enable(provider, {allowRememberBrowser})`.
    Mfa(String, bool),
    Log(String),
    /// Console lines the worker did not send, past the run's console budget.
    ConsoleCut(ConsoleCut),
}

/// Worker → login messages. `api` calls are batched (one wake-up per run when the Action makes
/// no HTTP call) and flushed before each fetch, so their order with the calls is kept.
#[derive(Debug)]
pub(super) enum Msg {
    Ops(Vec<Op>),
    Fetch { id: u32, req: OutboundRequest },
    Done(Vec<Op>, Result<(), String>),
}

/// Login → worker: the answer to one `fetch`.
#[derive(Debug)]
pub(super) struct FetchReply {
    pub id: u32,
    pub result: Result<OutboundResponse, OutboundError>,
}

/// One login to run.
pub(super) struct Job {
    pub event_json: String,
    /// The handler to call: the trigger's export, or `onContinuePostLogin` on a resumed login.
    pub export: &'static str,
    /// What the run's `api.redirect` may do (`{canRedirect, state}`), as JSON for the prelude.
    pub redirects_json: String,
    /// The values of `event.secrets`, redacted from console lines before they are cut.
    pub secrets: Vec<String>,
    pub out: UnboundedSender<Msg>,
    pub replies: Receiver<FetchReply>,
}
