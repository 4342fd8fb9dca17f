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
//! Data flows one way: request → endpoint ([`http`]) → login transaction ([`login`]) →
//! hooks ([`hooks`]) → token minting ([`token`]) → response.

pub mod clock;
pub mod commands;
pub mod error;
pub mod faults;
mod handle;
pub mod hasura;
pub mod hooks;
pub mod http;
pub mod keys;
pub mod login;
pub mod scenario;
pub mod server;
pub mod state;
pub mod store;
pub mod tenant;
pub mod tls;
pub mod token;
pub mod util;

pub use handle::MockHandle;
pub use server::{DEFAULT_PORT, MockServer, ServerConfig, StartError};
pub use state::ControlAccess;
