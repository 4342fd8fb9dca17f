//! What a test suite drives the mock with: scenario tokens (each checked by independent
//! verifiers, a strict API and Hasura's verification, against what its description promises),
//! next-login scenarios, the clock, key rotation, injected faults, reset, the in-process Rust
//! handle and the CLI. The Management API has its own binary, `tests/management`.

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod clock;
mod dashboard;
mod deploy_cli;
mod direct_login;
mod faults;
mod handle;
mod keys;
mod next_scenario;
mod scenarios;
