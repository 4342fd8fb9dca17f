//! The user lifecycle around the login: sign-up (with the registration triggers), email
//! verification, password reset and passwordless logins, each one operation shared by every way in (Universal
//! Login pages, `/dbconnections/*`, the Management API's tickets), so a rule holds the same
//! whichever way a test takes.
//!
//! Data flows one way: endpoint → lifecycle operation → triggers (`pre-user-registration`,
//! `post-user-registration`, `post-change-password`) → store → outbox.

mod attempts;
mod email;
mod mfa_code;
mod password;
mod passwordless;
mod signup;
mod triggers;

pub(crate) use attempts::{BLOCKED_ATTEMPTS, password_login};
pub(crate) use email::{send_invitation, send_reset, send_verification, ticket_url};
pub(crate) use mfa_code::{browser_wait, send_mfa_code};
pub(crate) use password::{PasswordChangeError, change_password};
pub(crate) use passwordless::{
    PasswordlessError, Send, Start, passwordless_connection, start as start_passwordless,
    verify as verify_passwordless,
};
pub(crate) use signup::{Profile, SignUp, SignUpError, SignUpVia, sign_up, signup_connection};
