//! The Auth0 protocol surface over real HTTP, one file per endpoint or feature: the browser code
//! flow with PKCE by raw requests (login page included), every grant, refresh rotation and reuse
//! detection, revocation, userinfo, logout, discovery and keys, CORS, the error paths, TLS and
//! the fixed issuer. Tokens are checked with a verifier that shares no code with the mock,
//! against the JWKS the mock serves.

#[path = "../support/mod.rs"]
mod support;

mod authorize;
mod client_credentials;
mod code_exchange;
mod cors;
mod cross_origin;
mod discovery_and_keys;
mod implicit;
mod issuer;
mod login_page;
mod logout;
mod malformed_input;
mod organization_prompts;
mod organizations;
mod password;
mod refresh;
mod revoke;
mod silent_auth;
mod social;
mod tls;
mod token_errors;
mod userinfo;
