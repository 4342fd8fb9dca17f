//! The outbound post-login hooks (`hasura-sync`, `webhook`) against real local HTTP servers.
//!
//! Each test starts a small upstream server on 127.0.0.1:0 that answers correctly, stalls
//! (holds its answer past the hook's timeout), answers 500, a GraphQL `errors` body under HTTP
//! 200 or garbage, or is not there at all (a port that was bound and released); then it starts
//! the mock in-process with a tenant whose post-login trigger has the hook configured, and logs
//! in through the password grant or the browser flow. Each test checks one thing: that a login
//! is denied or continued as configured with a clear `error_description`, that the mock keeps
//! serving, or what `/__mock/hooks` shows of the call (secrets redacted).

#[path = "../support/mod.rs"]
mod support;

mod client_credentials;
mod credentials_exchange;
mod failures;
mod fixtures;
mod hasura_sync;
mod oversized;
mod records;
mod waiting;
mod webhook;

/// The admin secret the hasura-sync hooks of these tests send.
pub const ADMIN_SECRET: &str = "hasura-admin-secret-for-tests";
