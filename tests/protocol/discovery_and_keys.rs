//! OpenID discovery and the signing keys: `/.well-known/openid-configuration`,
//! `/.well-known/jwks.json`, `/pem` and `/cer`.

use crate::support::*;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

async fn discovery(base: &str) -> Value {
    client()
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn discovery_names_the_issuer_the_jwks_uri_and_rs256() {
    let server = start().await;
    let base = server.base_url();
    let d = discovery(&base).await;
    assert_eq!(d["issuer"], format!("{base}/"));
    assert!(
        d["id_token_signing_alg_values_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("RS256"))
    );
    assert_eq!(d["jwks_uri"], format!("{base}/.well-known/jwks.json"));
    server.shutdown().await;
}

#[tokio::test]
async fn discovery_does_not_announce_the_iss_authorization_response_parameter() {
    let server = start().await;
    let d = discovery(&server.base_url()).await;
    assert!(
        d.get("authorization_response_iss_parameter_supported")
            .is_none()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_jwks_has_a_max_age_so_hasura_refreshes_it() {
    let server = start().await;
    let res = client()
        .get(format!("{}/.well-known/jwks.json", server.base_url()))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age="),
        "Hasura refreshes only with max-age"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_jwks_publishes_the_current_and_the_next_key() {
    let server = start().await;
    let jwks = jwks(&server.base_url()).await;
    assert_eq!(
        jwks["keys"].as_array().unwrap().len(),
        2,
        "current and next"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn every_jwk_has_auth0s_members_and_an_x5t_of_its_certificate() {
    let server = start().await;
    let jwks = jwks(&server.base_url()).await;
    for k in jwks["keys"].as_array().unwrap() {
        for m in ["kty", "use", "alg", "kid", "n", "e", "x5c", "x5t"] {
            assert!(k.get(m).is_some(), "{m}");
        }
        let der = STANDARD.decode(k["x5c"][0].as_str().unwrap()).unwrap();
        let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
        assert_eq!(
            k["x5t"].as_str().unwrap(),
            URL_SAFE_NO_PAD.encode(sha1.as_ref())
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn pem_serves_the_signing_certificate() {
    let server = start().await;
    let pem = client()
        .get(format!("{}/pem", server.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    server.shutdown().await;
}

#[tokio::test]
async fn cer_serves_the_signing_certificate_as_der() {
    let server = start().await;
    let base = server.base_url();
    let jwks = jwks(&base).await;
    let cer = client()
        .get(format!("{base}/cer"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        cer.len(),
        STANDARD
            .decode(jwks["keys"][0]["x5c"][0].as_str().unwrap())
            .unwrap()
            .len()
    );
    server.shutdown().await;
}
