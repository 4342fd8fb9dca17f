//! Calls a hook makes to the mock itself, served in-process: `require('auth0')`'s
//! ManagementClient in an Action talks to the Management API (and `/oauth/token` for its
//! token) of the mock running it, whatever domain the Action's secrets name, since offline
//! there is no other tenant to reach. The request still goes through the mock's own router, so
//! the token, scope and body rules are the ones every other caller meets.

use super::exchange::{OutboundError, OutboundRequest, OutboundResponse};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The header the `auth0` module puts on its requests so they are served in-process; removed
/// before the mock's router sees them.
pub const IN_PROCESS_HEADER: &str = "x-auth0-mock-in-process";

/// A reply to an in-process call, once it has been served.
pub type LocalReply = Pin<Box<dyn Future<Output = Result<OutboundResponse, OutboundError>> + Send>>;

/// Serves a request inside the mock (implemented by the HTTP layer over its router).
pub trait LocalService: Send + Sync {
    /// Serves `req`, whose URL's path and query name the endpoint (its host is ignored).
    fn call(&self, req: OutboundRequest) -> LocalReply;
}

/// Where a hook's HTTP goes: the shared client for the network, and the mock itself for
/// in-process calls (absent where no server runs, as in unit tests).
#[derive(Clone)]
pub struct Outbound {
    /// The shared client (connection reuse across logins).
    pub client: reqwest::Client,
    /// The mock's own endpoints.
    pub local: Option<Arc<dyn LocalService>>,
}

impl Outbound {
    /// Network only.
    pub fn network(client: reqwest::Client) -> Self {
        Self {
            client,
            local: None,
        }
    }
}

/// Whether a request asks to be served in-process.
pub(crate) fn is_in_process(req: &OutboundRequest) -> bool {
    req.headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(IN_PROCESS_HEADER))
}
