//! A refresh that brings a JWK Set Hasura cannot parse keeps the old keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hasura_standin::postgres::PgCluster;
use hasura_standin::{HasuraStandin, StandinOptions};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn standin_keeps_its_keys_when_a_refresh_brings_a_broken_key() {
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let private = rsa::RsaPrivateKey::from_pkcs8_der(pair.as_der().unwrap().as_ref()).unwrap();
    let public = private.to_public_key();
    let jwk = json!({"kty": "RSA", "use": "sig", "kid": "k1",
                     "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
                     "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())});
    let good = json!({"keys": [jwk.clone()]});
    let broken = json!({"keys": [jwk, {"kty": "RSA", "use": "sig", "kid": "k2", "n": "AQAB",
                                       "e": "AQAB", "x5t": "AAAA"}]});

    let broken_now = Arc::new(AtomicBool::new(false));
    let fetches = Arc::new(AtomicUsize::new(0));
    let (flag, count) = (broken_now.clone(), fetches.clone());
    let app = Router::new().route(
        "/jwks.json",
        get(move || {
            count.fetch_add(1, Ordering::SeqCst);
            let body: Value = if flag.load(Ordering::SeqCst) {
                broken.clone()
            } else {
                good.clone()
            };
            async move { ([("cache-control", "no-cache")], axum::Json(body)) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let cluster = PgCluster::start_with_hasura_migrations().await.unwrap();
    let secret = json!({"jwk_url": url}).to_string();
    let mut options = StandinOptions::new(&cluster.connection_string(), &secret, "admin");
    options.jwks_poll_interval = Duration::from_millis(50);
    let standin = HasuraStandin::start_with(options).await.unwrap();

    broken_now.store(true, Ordering::SeqCst);
    let seen = fetches.load(Ordering::SeqCst);
    while fetches.load(Ordering::SeqCst) < seen + 3 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let claims = json!({"exp": now() + 60, "https://hasura.io/jwt/claims": {
        "x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"],
        "x-hasura-user-id": "auth0|alice"}});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(json!({"alg": "RS256"}).to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = SigningKey::<Sha256>::new(private)
        .sign(input.as_bytes())
        .to_vec();
    let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature));
    let body: Value = reqwest::Client::new()
        .post(standin.graphql_url())
        .bearer_auth(token)
        .json(&json!({"query": "query { users { userId } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        body.get("data").is_some(),
        "the old key still verifies: {body}"
    );
    assert_eq!(standin.jwks_key_count(), 1);
    standin.shutdown().await;
}
