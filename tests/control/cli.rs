//! The `auth0-mock` binary's subcommands other than `serve`: `token`, `hasura-jwt-config`,
//! `hasura-verify`, `check`, `healthcheck` and `keygen`, run against an in-process server.

use crate::support::*;
use serde_json::Value;
use std::process::Output;

/// Runs the binary; async so that the in-process server keeps serving while it runs.
async fn cli(args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_auth0-mock"))
        .args(args)
        .output()
        .await
        .expect("the binary runs")
}

/// `token --user alice@example.com --claim https://example.com/x=1` for the server on `port`.
async fn alice_token_from_cli(port: &str) -> String {
    let out = cli(&[
        "token",
        "--port",
        port,
        "--user",
        "alice@example.com",
        "--claim",
        "https://example.com/x=1",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `token --scenario expired --json` for the server on `port`.
async fn expired_scenario_from_cli(port: &str) -> Value {
    let out = cli(&["token", "--port", port, "--scenario", "expired", "--json"]).await;
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn a_user_token_from_the_cli_verifies_against_the_running_servers_jwks() {
    let server = start().await;
    let port = server.addr().port().to_string();
    let token = alice_token_from_cli(&port).await;
    let c = api_accepts(&server.base_url(), &token)
        .await
        .expect("offline token verifies against the running server's JWKS");
    assert_eq!(c["https://example.com/x"], 1);
    server.shutdown().await;
}

#[tokio::test]
async fn the_cli_prints_a_scenario_as_json_with_its_expectation() {
    let server = start().await;
    let v = expired_scenario_from_cli(&server.addr().port().to_string()).await;
    assert_eq!(v["expect"]["hasura"], "invalid-jwt");
    server.shutdown().await;
}

#[tokio::test]
async fn a_defective_scenario_token_from_the_cli_is_rejected_by_a_strict_api() {
    let server = start().await;
    let v = expired_scenario_from_cli(&server.addr().port().to_string()).await;
    assert!(
        api_accepts(&server.base_url(), v["access_token"].as_str().unwrap())
            .await
            .is_err()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_cli_refuses_an_unknown_scenario_naming_it() {
    let out = cli(&["token", "--scenario", "nope"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario 'nope'"));
}

#[tokio::test]
async fn hasura_jwt_config_points_hasura_at_the_jwks_and_the_issuer() {
    let server = start().await;
    let base = server.base_url();
    let out = cli(&[
        "hasura-jwt-config",
        "--port",
        &server.addr().port().to_string(),
    ])
    .await;
    let cfg: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cfg["jwk_url"], format!("{base}/.well-known/jwks.json"));
    assert_eq!(cfg["issuer"], format!("{base}/"));
    server.shutdown().await;
}

#[tokio::test]
async fn key_based_hasura_jwt_config_embeds_the_certificate() {
    let server = start().await;
    let out = cli(&[
        "hasura-jwt-config",
        "--port",
        &server.addr().port().to_string(),
        "--key-based",
    ])
    .await;
    let cfg: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        cfg["key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_verify_accepts_a_mock_token_and_shows_the_user() {
    let server = start().await;
    let base = server.base_url();
    let token = alice_token_from_cli(&server.addr().port().to_string()).await;
    let out = cli(&[
        "hasura-verify",
        "--secret",
        &hasura_secret(&base),
        "--token",
        &token,
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("auth0|alice"));
    server.shutdown().await;
}

#[tokio::test]
async fn check_refuses_a_bad_fixture_naming_the_file_and_the_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenant.yaml"),
        "clients:\n  - name: Web\n    app_type: regular_web\n",
    )
    .unwrap();
    let out = cli(&["check", "--fixtures", dir.path().to_str().unwrap()]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tenant.yaml") && err.contains("clients[0].client_secret"),
        "{err}"
    );
}

#[tokio::test]
async fn check_accepts_the_default_fixtures() {
    let out = cli(&[
        "check",
        "--fixtures",
        shipped_fixtures("default").to_str().unwrap(),
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn healthcheck_succeeds_against_a_running_server() {
    let server = start().await;
    let out = cli(&["healthcheck", "--port", &server.addr().port().to_string()]).await;
    assert!(out.status.success());
    server.shutdown().await;
}

#[tokio::test]
async fn keygen_prints_a_private_key() {
    let out = cli(&["keygen"]).await;
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("-----BEGIN PRIVATE KEY-----"));
}
