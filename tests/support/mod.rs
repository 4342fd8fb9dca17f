//! Helpers shared by the integration test binaries: starting mocks, HTTP clients, the grants of
//! the token endpoint, the browser login, JWT decoding and verification, hook records, local
//! upstream servers and fixture directories. Every binary uses only some of them.

#![allow(dead_code, unused_imports)]

pub mod browser;
pub mod fixtures;
pub mod grants;
pub mod jwt;
pub mod outbox;
pub mod records;
pub mod upstream;

pub use browser::*;
pub use fixtures::*;
pub use grants::*;
pub use jwt::*;
pub use outbox::*;
pub use records::*;
pub use upstream::*;

use auth0_mock::tenant::HookBinding;
use auth0_mock::{MockServer, ServerConfig};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// The default tenant's API audience.
pub const API: &str = "https://api.auth0-mock.test";
/// The default tenant's public SPA client (PKCE, no secret).
pub const SPA: &str = "auth0-mock-spa";
/// The default tenant's regular web app.
pub const WEB: &str = "auth0-mock-web";
/// The regular web app's secret.
pub const WEB_SECRET: &str = "auth0-mock-web-secret";
/// The default tenant's machine-to-machine client.
pub const M2M: &str = "auth0-mock-m2m";
/// The M2M client's secret.
pub const M2M_SECRET: &str = "auth0-mock-m2m-secret";
/// A callback every default client accepts (loopback URLs are allowed).
pub const CALLBACK: &str = "http://localhost:3000/callback";
/// The namespace of Hasura's claims object.
pub const HASURA_NS: &str = "https://hasura.io/jwt/claims";

/// A mock on the embedded default tenant, loopback, free port.
pub async fn start() -> MockServer {
    MockServer::start(ServerConfig::for_tests())
        .await
        .expect("mock starts")
}

/// A mock on the embedded default tenant (which runs hasura-claims) with `extra` post-login
/// bindings after it.
pub async fn start_with_hooks(extra: Vec<HookBinding>) -> MockServer {
    let mut tenant = auth0_mock::tenant::load_embedded().expect("the embedded tenant loads");
    tenant.post_login.extend(extra);
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(tenant);
    MockServer::start(cfg).await.expect("mock starts")
}

/// A mock serving a fixtures directory, or the startup error as text.
pub async fn try_start_with_fixtures(dir: &Path) -> Result<MockServer, String> {
    let mut cfg = ServerConfig::for_tests();
    cfg.fixtures = Some(dir.to_path_buf());
    MockServer::start(cfg).await.map_err(|e| e.to_string())
}

/// A mock serving a fixtures directory; panics with the startup error.
pub async fn start_with_fixtures(dir: &Path) -> MockServer {
    try_start_with_fixtures(dir)
        .await
        .unwrap_or_else(|e| panic!("mock did not start: {e}"))
}

/// An HTTP client that shows redirects instead of following them, as the flows must be seen
/// step by step; the timeout turns a hung mock into a failure instead of a stuck suite.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

/// Form-encodes one value for a query string.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The query parameters of an absolute URL.
pub fn query_of(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .unwrap_or_else(|e| panic!("{url} is not a URL: {e}"))
        .query_pairs()
        .into_owned()
        .collect()
}

/// The fragment parameters of a URL (implicit-flow answers).
pub fn fragment_of(url: &str) -> HashMap<String, String> {
    let fragment = url
        .split_once('#')
        .unwrap_or_else(|| panic!("{url} has no fragment"))
        .1;
    url::form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect()
}

/// A response's `Location`, made absolute against `base` when the mock sent a path.
pub fn location(res: &reqwest::Response, base: &str) -> String {
    let loc = res
        .headers()
        .get(reqwest::header::LOCATION)
        .unwrap_or_else(|| panic!("{} without Location", res.status()))
        .to_str()
        .expect("an ASCII Location")
        .to_string();
    if loc.starts_with('/') {
        format!("{base}{loc}")
    } else {
        loc
    }
}

/// A loopback URL on a port that was bound and released, so nothing accepts connections there.
pub fn refused_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound port").port();
    drop(listener);
    format!("http://127.0.0.1:{port}{path}")
}
