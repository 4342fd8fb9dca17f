//! The user lifecycle over real HTTP: sign-up (API and page), the registration triggers,
//! email verification, password reset, passwordless logins and the outbox, one behaviour per
//! test.

#[path = "../support/mod.rs"]
mod support;

mod brute_force;
mod outbox;
mod passwordless;
mod registration_triggers;
mod reset;
mod signup_api;
mod signup_page;
mod tenant;
mod verification;
