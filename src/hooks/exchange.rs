//! What a hook's HTTP call is and what comes back: the request, the reply and why there was
//! none, shared by the network client ([`super::outbound`]) and the mock's own endpoints
//! ([`super::local`]).

use std::time::Duration;

/// Most bytes of an upstream's reply the mock reads. Hasura mutations and webhook replies are a
/// few KB; 1 MiB leaves room for any honest reply, and the read stops there, so a runaway
/// upstream (a 50 MB reply was once read whole and kept) costs at most this per call in flight.
/// A reply over it fails the call, as a transport error would.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Why an outbound call brought back no usable reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    /// The method is not an HTTP token.
    #[error("invalid HTTP method '{0}'")]
    InvalidMethod(String),
    /// The call's timeout passed (connecting, waiting or reading).
    #[error("timed out")]
    TimedOut,
    /// No connection could be made.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The reply's body is longer than [`MAX_RESPONSE_BYTES`]; the read stopped there, or did
    /// not start when `Content-Length` said so.
    #[error(
        "HTTP {status} reply with a body over the {MAX_RESPONSE_BYTES} bytes auth0-mock reads from an upstream"
    )]
    TooLarge {
        /// The reply's status.
        status: u16,
    },
    /// Anything else the HTTP client reported, at its root cause.
    #[error("{0}")]
    Other(String),
}

/// What came back from an outbound call.
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Response body as text.
    pub body: String,
}

#[cfg(test)]
impl OutboundResponse {
    /// A reply with no headers, as the hooks' unit tests feed them.
    pub(crate) fn plain(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![],
            body: body.to_string(),
        }
    }
}

/// An outbound request.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    /// HTTP method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body, sent as-is.
    pub body: Option<String>,
    /// Hard timeout for the whole call.
    pub timeout: Duration,
}
