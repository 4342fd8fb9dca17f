//! One test per finding of issue 15 ("Hasura fidelity at the edges"), each
//! the case as the issue describes it, run through the public pipeline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

use crate::test_keys::{RSA_1024_PEM, TestRsaKey, compact};
use crate::{AuthSettings, ErrorCode, JwkSet, JwksCache, JwksError, JwtConfig, authenticate};

const NOW: u64 = 1_700_000_000;
const NS: &str = "https://hasura.io/jwt/claims";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

fn config(extra: Value) -> JwtConfig {
    let mut base = json!({"jwk_url": "http://idp.test/jwks.json"});
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    JwtConfig::from_value(&base).unwrap()
}

fn claims() -> Value {
    json!({"sub": "auth0|alice", "exp": NOW + 60, NS: {
        "x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user"],
        "x-hasura-user-id": "auth0|alice"}})
}

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    h
}

fn set_of(keys: &[&TestRsaKey]) -> JwkSet {
    let doc = json!({"keys": keys.iter().map(|k| k.jwk(None)).collect::<Vec<_>>()});
    JwkSet::from_json(doc.to_string().as_bytes()).unwrap()
}

/// Hasura's `{code, message}` for `token` under `config` and `keys`.
fn hasura_says(config: &JwtConfig, keys: &JwkSet, token: &str) -> (ErrorCode, String) {
    let err = authenticate(
        config,
        keys,
        &AuthSettings::default(),
        &bearer(token),
        now(),
    )
    .unwrap_err();
    (err.code, err.message)
}

/// A JWKS endpoint that serves `first`, then `later` once switched.
async fn jwks_server(first: Value, later: Value) -> (url::Url, Arc<AtomicBool>) {
    let switched = Arc::new(AtomicBool::new(false));
    let flag = switched.clone();
    let app = Router::new().route(
        "/jwks.json",
        get(move || {
            let body = if flag.load(Ordering::SeqCst) {
                later.clone()
            } else {
                first.clone()
            };
            async move { axum::Json(body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = url::Url::parse(&format!(
        "http://{}/jwks.json",
        listener.local_addr().unwrap()
    ))
    .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, switched)
}

async fn startup_error(doc: Value) -> (String, String) {
    let (url, _) = jwks_server(doc.clone(), doc).await;
    let err = JwksCache::start(url.clone()).await.unwrap_err();
    assert!(matches!(err, JwksError::Parse { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!("Error parsing JWK from url: {url}")
    );
    (err.to_string(), err.diagnostic())
}

#[tokio::test]
async fn a_jwks_with_an_unknown_kty_fails_at_startup_naming_the_key() {
    let good = TestRsaKey::generate().jwk(Some("good"));
    let odd = json!({"kty": "XYZ", "use": "sig", "kid": "odd"});
    let (_, diagnostic) = startup_error(json!({"keys": [good, odd]})).await;
    assert!(
        diagnostic.ends_with(r#"(keys[1] (kid "odd"): unsupported "kty": String "XYZ")"#),
        "{diagnostic}"
    );
}

#[tokio::test]
async fn a_jwks_with_an_x5t_that_is_not_20_bytes_fails_at_startup() {
    let mut key = TestRsaKey::generate().jwk(Some("k1"));
    key["x5t"] = json!(URL_SAFE_NO_PAD.encode([1u8; 30]));
    let (_, diagnostic) = startup_error(json!({"keys": [key]})).await;
    assert!(
        diagnostic.ends_with(r#"(keys[0] (kid "k1"): incorrect number of bytes)"#),
        "{diagnostic}"
    );
}

#[tokio::test]
async fn a_jwks_with_an_x5c_for_another_key_fails_at_startup() {
    let mut key = TestRsaKey::generate().jwk(Some("k1"));
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["other.test".to_string()])
        .unwrap()
        .self_signed(&pair)
        .unwrap();
    key["x5c"] = json!([base64::engine::general_purpose::STANDARD.encode(cert.der())]);
    let (_, diagnostic) = startup_error(json!({"keys": [key]})).await;
    assert!(
        diagnostic.ends_with(r#"X.509 cert in "x5c" param does not match key)"#),
        "{diagnostic}"
    );
}

#[tokio::test]
async fn a_refresh_with_a_broken_key_keeps_the_old_keys() {
    let key = TestRsaKey::generate();
    let good = json!({"keys": [key.jwk(Some("k1"))]});
    let broken = json!({"keys": [key.jwk(Some("k1")), {"kty": "XYZ", "use": "sig"}]});
    let (url, switched) = jwks_server(good, broken).await;
    let cache = JwksCache::start(url).await.unwrap();
    cache.refresh().await;
    assert_eq!(cache.keys().len(), 1);
    switched.store(true, Ordering::SeqCst);
    cache.refresh().await;
    assert_eq!(cache.keys().len(), 1, "the old keys stay in force");
    assert!(cache.last_error().unwrap().contains("keys[1]: unsupported"));
}

#[test]
fn keys_without_use_are_dropped_as_hasura_does_since_2_48_2() {
    let mut key = TestRsaKey::generate().jwk(None);
    key.as_object_mut().unwrap().remove("use");
    let set = JwkSet::from_json(json!({"keys": [key]}).to_string().as_bytes()).unwrap();
    assert_eq!((set.len(), set.ignored()), (0, 1));
}

#[test]
fn a_forged_token_with_a_malformed_exp_is_a_claims_decode_error() {
    let stranger = TestRsaKey::generate();
    let forged = stranger.sign(&json!({"exp": "soon"}), None);
    let keys = set_of(&[&TestRsaKey::generate()]);
    assert_eq!(
        hasura_says(&config(json!({})), &keys, &forged),
        (
            ErrorCode::InvalidJwt,
            r#"Could not verify JWT: JWTClaimsSetDecodeError "Error in $.exp: parsing NumericDate failed, expected Number, but encountered String""#
                .to_string()
        )
    );
}

#[test]
fn alg_none_is_jws_no_signatures() {
    let token = compact(&json!({"alg": "none"}), &claims(), |_| Vec::new());
    let keys = set_of(&[&TestRsaKey::generate()]);
    assert_eq!(
        hasura_says(&config(json!({})), &keys, &token).1,
        "Could not verify JWT: JWSError JWSNoSignatures"
    );
}

#[test]
fn a_sub_with_a_colon_and_a_space_is_not_a_string_or_uri() {
    let key = TestRsaKey::generate();
    let mut c = claims();
    c["sub"] = json!("auth0|alice smith:1");
    assert_eq!(
        hasura_says(&config(json!({})), &set_of(&[&key]), &key.sign(&c, None)).1,
        r#"Could not verify JWT: JWTClaimsSetDecodeError "Error in $.sub: failed to parse StringOrURI""#
    );
}

#[test]
fn an_iss_with_a_non_ascii_host_is_not_a_string_or_uri() {
    let key = TestRsaKey::generate();
    let mut c = claims();
    c["iss"] = json!("https://tenänt.test/");
    assert_eq!(
        hasura_says(&config(json!({})), &set_of(&[&key]), &key.sign(&c, None)).1,
        r#"Could not verify JWT: JWTClaimsSetDecodeError "Error in $.iss: failed to parse StringOrURI""#
    );
}

#[test]
fn an_rsa_key_under_2048_bits_verifies() {
    let small = TestRsaKey::from_pem(RSA_1024_PEM);
    let session = authenticate(
        &config(json!({})),
        &set_of(&[&small]),
        &AuthSettings::default(),
        &bearer(&small.sign(&claims(), None)),
        now(),
    )
    .unwrap();
    assert_eq!(session.role, "user");
}

#[test]
fn a_claims_map_path_reads_a_one_element_aud_as_a_string() {
    let key = TestRsaKey::generate();
    let c = config(json!({"claims_map": {
        "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user",
        "x-hasura-tenant": {"path": "$.aud"}}}));
    let mut one = claims();
    one["aud"] = json!(["tenant-1"]);
    let session = authenticate(
        &c,
        &set_of(&[&key]),
        &AuthSettings::default(),
        &bearer(&key.sign(&one, None)),
        now(),
    )
    .unwrap();
    assert_eq!(session.variable("x-hasura-tenant"), Some("tenant-1"));
}

#[test]
fn role_claim_messages_quote_the_claim_name_since_2_43() {
    let key = TestRsaKey::generate();
    let mut c = claims();
    c[NS]
        .as_object_mut()
        .unwrap()
        .remove("x-hasura-allowed-roles");
    assert_eq!(
        hasura_says(&config(json!({})), &set_of(&[&key]), &key.sign(&c, None)),
        (
            ErrorCode::JwtMissingRoleClaims,
            r#"JWT claim does not contain "x-hasura-allowed-roles""#.to_string()
        )
    );
}
