//! A validated `/authorize` request: what the login page parks while the user signs in and what
//! the login finishes with afterwards.

use crate::protocol::{CodeChallenge, Prompt, ResponseMode, ResponseTypes};
use serde_json::{Map, Value};

/// An `/authorize` request that passed validation.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The client.
    pub client_id: String,
    /// Where the response goes (validated against the client's callbacks).
    pub redirect_uri: String,
    /// Whether `redirect_uri` was sent (then it must be repeated at the token endpoint).
    pub redirect_uri_given: bool,
    /// Requested response types.
    pub response_types: ResponseTypes,
    /// How the response is delivered.
    pub response_mode: ResponseMode,
    /// Requested scopes.
    pub scope: Vec<String>,
    /// Requested (or default) API.
    pub audience: Option<String>,
    /// Echoed byte for byte.
    pub state: Option<String>,
    /// Copied into the ID token.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<CodeChallenge>,
    /// `prompt` values, in the order sent.
    pub prompts: Vec<Prompt>,
    /// `max_age` in seconds.
    pub max_age: Option<i64>,
    /// Pre-fills the login form.
    pub login_hint: Option<String>,
    /// `screen_hint`, `ui_locales`, `connection`… as received, for `event.transaction`.
    pub query: Map<String, Value>,
    /// The transaction id (`event.transaction.id`), also the parked login's key.
    pub transaction_id: String,
    /// The organization the request names, resolved to its id.
    pub organization: Option<String>,
    /// The ticket of the organization invitation the user accepts by logging in.
    pub invitation: Option<String>,
}

impl AuthorizeRequest {
    /// Whether the request carries `prompt=<p>`.
    pub fn prompts(&self, p: Prompt) -> bool {
        self.prompts.contains(&p)
    }

    /// Roughly the bytes this request holds, to count it against the parked-login budget
    /// (its strings plus a fixed overhead; close enough to bound memory, cheap to compute).
    pub fn approx_bytes(&self) -> usize {
        let strings = [
            Some(self.client_id.as_str()),
            Some(self.redirect_uri.as_str()),
            self.audience.as_deref(),
            self.state.as_deref(),
            self.nonce.as_deref(),
            self.login_hint.as_deref(),
            self.organization.as_deref(),
            self.invitation.as_deref(),
            Some(self.transaction_id.as_str()),
        ];
        let query: usize = self
            .query
            .iter()
            .map(|(k, v)| k.len() + v.as_str().map_or(16, str::len) + 64)
            .sum();
        512 + strings.iter().flatten().map(|s| s.len()).sum::<usize>()
            + self.scope.iter().map(|s| s.len() + 24).sum::<usize>()
            + query
    }

    /// The connection the request names (`connection=`), if any.
    pub fn connection(&self) -> Option<&str> {
        self.query.get("connection").and_then(Value::as_str)
    }
}
