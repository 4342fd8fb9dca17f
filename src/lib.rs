//! auth0-mock: an offline imitation of Auth0's Authentication API, with post-login hooks for
//! Hasura, for end-to-end tests and local development.
//!
//! Start one in-process for a test:
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = auth0_mock::MockServer::start(auth0_mock::ServerConfig::for_tests()).await?;
//! println!("point your Auth0 client at {}", server.base_url());
//! let tokens = server.handle().mint_for_user("alice@example.com").await?;
//! # let _ = tokens; server.shutdown().await; Ok(()) }
//! ```
//!
//! Data flows one way: request → endpoint (`http`) → login transaction (`login`) → hooks
//! ([`hooks`]) → token minting (`mint`) → response. The tenant model ([`tenant`]) and the
//! protocol values ([`protocol`]) sit below all of it; the runtime state (`store`) is reached
//! only through its operations.
//!
//! What a Rust test author uses is re-exported here: the server, its config and handle, the hook
//! trait with its event, api, effects, error and record types, the tenant model, token sets and
//! faults.

mod clock;
mod direct_login;
mod error;
mod faults;
mod handle;
pub mod hooks;
mod http;
mod inspect;
mod keys;
mod lifecycle;
mod login;
mod mail;
pub mod mfa;
mod mint;
mod mock;
pub mod outbox;
pub mod protocol;
mod rate_limit;
mod scenario;
mod scope;
mod serve;
mod server;
mod store;
pub mod tenant;
mod tls;
mod util;

pub use direct_login::{DirectLogin, DirectLoginError, SessionCookie};
pub use error::{FixtureError, ManagementError, OAuthError};
pub use faults::{Fault, FaultKind};
pub use handle::MockHandle;
pub use hooks::{Api, Effects, Event, HookError, HookOutcome, HookRecord, PostLoginHook};
pub use http::MANAGEMENT_ENDPOINTS;
pub use keys::{KeyError, new_signing_key_pem};
pub use mail::{Smtp, SmtpUrlError};
pub use mint::TokenSet;
pub use mock::{
    ControlAccess, NEXT_SCENARIO_MAX, NextLogin, NextLoginError, NextScenario, NextScenarioError,
};
pub use scenario::{MintedScenario, TokenRequest};
pub use serve::{DEFAULT_READ_TIMEOUT, Limits, MAX_CONNECTIONS};
pub use server::{DEFAULT_PORT, MockServer, ServerConfig, StartError, server_runtime};
pub use store::{
    AUTHORIZE_QUERY_MAX, CODES_CAP, OPAQUE_CAP, PARKED_BYTES, PARKED_CAP, REFRESH_CAP,
    SESSIONS_CAP, StoreCounts, USERS_CAP, UserError,
};
pub use tls::TlsError;
