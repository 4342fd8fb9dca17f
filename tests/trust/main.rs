//! The mock under hostile or careless use, one finding per test: forged browser requests to the
//! control and Management APIs, fixture files outside their directory, slow and idle clients,
//! oversized or malformed input, and the bounds on what such input may make the mock keep.

#[path = "../support/mod.rs"]
mod support;

mod compose;
mod cross_site;
mod fixture_files;
mod inputs;
mod parked;
mod slow_clients;
