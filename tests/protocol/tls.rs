//! `--tls`: https on localhost with a local CA that clients can be told to trust.

use crate::support::*;
use auth0_mock::{MockServer, ServerConfig};
use serde_json::Value;

/// A TLS mock whose CA lives in its own temp dir (kept alive as long as the mock).
async fn tls_mock() -> (MockServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = ServerConfig::for_tests();
    cfg.tls = true;
    cfg.tls_dir = Some(dir.path().to_path_buf());
    (MockServer::start(cfg).await.unwrap(), dir)
}

#[tokio::test]
async fn tls_serves_https_on_localhost() {
    let (server, _dir) = tls_mock().await;
    assert!(server.base_url().starts_with("https://localhost:"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_trusting_the_ca_gets_discovery_with_the_https_issuer() {
    let (server, _dir) = tls_mock().await;
    let ca = std::fs::read(server.ca_cert_path().unwrap()).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    let d: Value = http
        .get(format!(
            "{}/.well-known/openid-configuration",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], format!("{}/", server.base_url()));
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_refuses_the_certificate() {
    let (server, _dir) = tls_mock().await;
    let res = client()
        .get(format!("{}/healthz", server.base_url()))
        .send()
        .await;
    assert!(
        res.is_err(),
        "an untrusting client must refuse the certificate"
    );
    server.shutdown().await;
}
