//! The issuer is fixed by configuration and never taken from the `Host` header: in Docker the
//! browser says localhost:4455, containers say auth0-mock:4455, and both must see one `iss`.

use crate::support::*;
use auth0_mock::{MockServer, ServerConfig};
use serde_json::Value;

/// A mock configured with the issuer `http://localhost:4455` (without the slash).
async fn mock_with_issuer() -> MockServer {
    let mut cfg = ServerConfig::for_tests();
    cfg.issuer = Some("http://localhost:4455".into());
    MockServer::start(cfg).await.unwrap()
}

#[tokio::test]
async fn the_configured_issuer_gets_its_trailing_slash() {
    let server = mock_with_issuer().await;
    assert_eq!(server.issuer(), "http://localhost:4455/");
    server.shutdown().await;
}

#[tokio::test]
async fn discovery_names_the_configured_issuer_whatever_the_host_header_says() {
    let server = mock_with_issuer().await;
    let port = server.addr().port();
    let d: Value = client()
        .get(format!(
            "http://127.0.0.1:{port}/.well-known/openid-configuration"
        ))
        .header("host", "auth0-mock:4455")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], "http://localhost:4455/");
    assert_eq!(d["jwks_uri"], "http://localhost:4455/.well-known/jwks.json");
    server.shutdown().await;
}

#[tokio::test]
async fn tokens_carry_the_configured_issuer_whatever_the_host_header_says() {
    let server = mock_with_issuer().await;
    let port = server.addr().port();
    let res = client()
        .post(format!("http://127.0.0.1:{port}/oauth/token"))
        .header("host", "auth0-mock:4455")
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", API),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(access_claims(&body)["iss"], "http://localhost:4455/");
    server.shutdown().await;
}
