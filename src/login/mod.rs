//! The login transaction: from an authenticated user and a validated request to a [`Grant`]
//! (what the tokens will say), through the post-login hooks.
//!
//! Every way a user gets tokens goes through [`transaction::run`]: the browser login (any
//! response type, silent auth included), the password grants, and refresh-token exchanges, each
//! with its [`crate::protocol::LoginFlow`]. Client credentials never do.

pub(crate) mod event;
pub(crate) mod grant;
pub(crate) mod request;
pub(crate) mod transaction;

pub(crate) use transaction::{LoginInput, run};
