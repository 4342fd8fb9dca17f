//! The login transaction: from an authenticated user and a validated request to a [`Grant`]
//! (what the tokens will say), through the post-login hooks.
//!
//! Every login goes through [`transaction::run`]: the browser login (any response type, silent
//! auth included), the password grants, and refresh-token exchanges, each with its
//! [`crate::protocol::LoginFlow`]. Client credentials never do; scenario tokens, minted without a
//! login, build their grant in `scenario` and run only the claim-only hooks.

pub(crate) mod after_mfa;
pub(crate) mod event;
pub(crate) mod grant;
pub(crate) mod membership;
pub(crate) mod org_login;
pub(crate) mod paused;
pub(crate) mod request;
pub(crate) mod transaction;

pub(crate) use transaction::{Login, LoginInput, Redirects, resume, start};
