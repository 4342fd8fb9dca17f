//! The Hasura case table (`tests/cases/hasura.json`), made concrete.
//!
//! Each row describes a JWK Set, a `HASURA_GRAPHQL_JWT_SECRET` and a token
//! relative to fixed test keys, plus what Hasura answers, with the source
//! lines that say so. This module turns rows into real documents and tokens
//! and checks an outcome against a row; one runner feeds the rows to
//! `hasura_jwt::verify_cli` (what `hasura-verify` runs), another to the
//! stand-in's `/v1/graphql`, so a verifier bug shows up in both.
//!
//! Row vocabulary (see the table's `about` for the full list):
//! - `jwks`: entries `{"key": "a"}` (test key `a` as a JWK with `use: sig`,
//!   `alg: RS256`, `kid: "a"`), with `set`/`unset` to change members, or
//!   `{"raw": {..}}`; values may be placeholders (below);
//! - `config_patch`, `token.claims_patch`, `token.hasura_claims_patch` (inside
//!   the `https://hasura.io/jwt/claims` object), `token.header_patch`: members
//!   to set on the defaults (`null` removes one); `token.claims` replaces the
//!   claims; `token.raw` is the whole token;
//! - `sign`: a key name, `"none"` (empty signature), `{"forged": text}` (those
//!   bytes) or `{"hmac": secret}`;
//! - placeholders: `{"$now": s}` (now + s seconds), `{"$cert": k}` (base64
//!   DER of `cert-k.pem`), `{"$x5t": k}` (its SHA-1, base64url), `{"$bytes":
//!   n}` (base64url of n bytes), `{"$b64url": text}`, `{"$cognito_n": k}` (the
//!   modulus of key k in standard base64 with a leading zero byte).

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const TABLE: &str = include_str!("../cases/hasura.json");
const ISSUER: &str = "https://tenant.auth0-mock.test/";
const AUDIENCE: &str = "https://api.auth0-mock.test";
const NS: &str = "https://hasura.io/jwt/claims";

fn private_key(name: &str) -> rsa::RsaPrivateKey {
    let pem = match name {
        "a" => include_str!("../cases/keys/rsa-a.pem"),
        "b" => include_str!("../cases/keys/rsa-b.pem"),
        "1024" => include_str!("../cases/keys/rsa-1024.pem"),
        other => panic!("no test key {other:?}"),
    };
    rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("a PKCS#8 test key")
}

fn certificate_der(name: &str) -> Vec<u8> {
    let pem = match name {
        "a" => include_str!("../cases/keys/cert-a.pem"),
        "b" => include_str!("../cases/keys/cert-b.pem"),
        other => panic!("no test certificate {other:?}"),
    };
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("a PEM certificate")
}

fn public_jwk(name: &str) -> Value {
    let public = private_key(name).to_public_key();
    json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": name,
           "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
           "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())})
}

/// Replaces placeholders (see the module docs) anywhere in `value`.
fn resolve(value: &Value, now: u64) -> Value {
    match value {
        Value::Object(o) if o.len() == 1 => {
            let (k, v) = o.iter().next().expect("one member");
            let text = || v.as_str().expect("a string argument").to_string();
            match k.as_str() {
                "$now" => json!(now as i64 + v.as_i64().expect("seconds")),
                "$cert" => json!(STANDARD.encode(certificate_der(&text()))),
                "$x5t" => {
                    let digest = aws_lc_rs::digest::digest(
                        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
                        &certificate_der(&text()),
                    );
                    json!(URL_SAFE_NO_PAD.encode(digest.as_ref()))
                }
                "$bytes" => {
                    let n = usize::try_from(v.as_u64().expect("a length")).expect("small");
                    json!(URL_SAFE_NO_PAD.encode(vec![1u8; n]))
                }
                "$b64url" => json!(URL_SAFE_NO_PAD.encode(text())),
                "$cognito_n" => {
                    let mut n = vec![0u8];
                    n.extend(private_key(&text()).to_public_key().n().to_bytes_be());
                    json!(STANDARD.encode(n))
                }
                _ => Value::Object(
                    o.iter()
                        .map(|(k, v)| (k.clone(), resolve(v, now)))
                        .collect(),
                ),
            }
        }
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), resolve(v, now)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| resolve(v, now)).collect()),
        other => other.clone(),
    }
}

/// Sets (or, for `null`, removes) each member of `patch` on `base`.
fn patch(base: &mut Value, patch: Option<&Value>, now: u64) {
    let (Some(target), Some(Value::Object(changes))) = (base.as_object_mut(), patch) else {
        return;
    };
    for (k, v) in changes {
        if v.is_null() {
            target.remove(k);
        } else {
            target.insert(k.clone(), resolve(v, now));
        }
    }
}

fn jwks_document(row: &Value, now: u64) -> Value {
    let entries = row["jwks"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![json!({"key": "a"})]);
    let keys: Vec<Value> = entries
        .iter()
        .map(|entry| {
            if let Some(raw) = entry.get("raw") {
                return resolve(raw, now);
            }
            let mut jwk = public_jwk(entry["key"].as_str().expect("a key name"));
            patch(&mut jwk, entry.get("set"), now);
            for member in entry["unset"].as_array().into_iter().flatten() {
                jwk.as_object_mut()
                    .expect("a JWK object")
                    .remove(member.as_str().expect("a member name"));
            }
            jwk
        })
        .collect();
    json!({"keys": keys})
}

fn token(row: &Value, now: u64) -> String {
    if let Some(raw) = row["token"]["raw"].as_str() {
        return raw.to_string();
    }
    let spec = &row["token"];
    let mut header = json!({"alg": "RS256", "typ": "JWT"});
    patch(&mut header, spec.get("header_patch"), now);
    let mut claims = match spec.get("claims") {
        Some(claims) => resolve(claims, now),
        None => json!({
            "iss": ISSUER, "aud": [AUDIENCE, format!("{ISSUER}userinfo")], "sub": "auth0|alice",
            "iat": now - 5, "exp": now + 600,
            NS: {"x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user", "editor"],
                 "x-hasura-user-id": "auth0|alice"}
        }),
    };
    patch(&mut claims, spec.get("claims_patch"), now);
    if let Some(hasura) = spec.get("hasura_claims_patch") {
        patch(&mut claims[NS], Some(hasura), now);
    }
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = match spec.get("sign").cloned().unwrap_or(json!("a")) {
        Value::String(s) if s == "none" => Vec::new(),
        Value::String(name) => SigningKey::<Sha256>::new(private_key(&name))
            .sign(input.as_bytes())
            .to_vec(),
        Value::Object(o) if o.contains_key("forged") => {
            o["forged"].as_str().expect("text").as_bytes().to_vec()
        }
        Value::Object(o) if o.contains_key("hmac") => {
            let secret = o["hmac"].as_str().expect("a secret");
            let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret.as_bytes());
            aws_lc_rs::hmac::sign(&key, input.as_bytes())
                .as_ref()
                .to_vec()
        }
        other => panic!("unknown sign {other}"),
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// What Hasura does with a row.
#[derive(Debug, Clone)]
pub enum Expect {
    /// `/v1/graphql` answers this body (HTTP 200).
    Error(Value),
    /// The request is admitted as `{"role":..,"session_variables":{..}}`.
    Session(Value),
    /// Hasura refuses to start: its message, jose's error (what Hasura logs)
    /// and the index of the entry at fault.
    Startup {
        /// Hasura's fatal message.
        message: String,
        /// jose's message.
        jose_error: String,
        /// The entry at fault.
        key_index: u64,
    },
}

/// One row, made concrete.
#[derive(Debug, Clone)]
pub struct Case {
    /// The row's `name`.
    pub name: String,
    /// `HASURA_GRAPHQL_JWT_SECRET`.
    pub secret: String,
    /// The bearer token.
    pub token: String,
    /// `x-hasura-role`, when the row sends one.
    pub role: Option<String>,
    /// Hasura's outcome.
    pub expect: Expect,
}

struct Served {
    documents: Vec<Value>,
}

/// The table, with a JWKS server that serves each row's document.
pub struct Table {
    /// The rows.
    pub cases: Vec<Case>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Table {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Table {
    /// Loads the table and starts its JWKS server on 127.0.0.1.
    pub async fn load() -> Table {
        let table: Value = serde_json::from_str(TABLE).expect("hasura.json is JSON");
        let rows = table["cases"].as_array().expect("a cases array").clone();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let documents: Vec<Value> = rows.iter().map(|row| jwks_document(row, now)).collect();
        let served = Arc::new(Served { documents });
        let app = Router::new()
            .route(
                "/cases/{index}/jwks.json",
                get(
                    |State(served): State<Arc<Served>>, Path(index): Path<usize>| async move {
                        axum::Json(served.documents[index].clone())
                    },
                ),
            )
            .with_state(served);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let cases = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let url = format!("{base}/cases/{i}/jwks.json");
                let mut config = json!({"jwk_url": url, "issuer": ISSUER, "audience": AUDIENCE});
                patch(&mut config, row.get("config_patch"), now);
                let expected = &row["expect"];
                let fill = |v: &Value| v.as_str().unwrap_or_default().replace("{jwk_url}", &url);
                let expect = if expected.get("startup").is_some() {
                    Expect::Startup {
                        message: fill(&expected["startup"]),
                        jose_error: fill(&expected["jose_error"]),
                        key_index: expected["key_index"].as_u64().expect("key_index"),
                    }
                } else if let Some(session) = expected.get("session") {
                    Expect::Session(session.clone())
                } else {
                    Expect::Error(json!({"errors": [{"message": fill(&expected["error"]),
                        "extensions": {"path": "$", "code": fill(&expected["code"])}}]}))
                };
                Case {
                    name: row["name"].as_str().expect("a name").to_string(),
                    secret: config.to_string(),
                    token: token(row, now),
                    role: row["role"].as_str().map(str::to_string),
                    expect,
                }
            })
            .collect();
        Table { cases, server }
    }
}

impl Case {
    /// Checks what `hasura_jwt::verify_cli` returned against the row.
    pub fn check_cli(&self, outcome: &Result<String, String>) -> Result<(), String> {
        let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::String(s.into()));
        match (&self.expect, outcome) {
            (Expect::Session(want), Ok(got)) if parse(got) == *want => Ok(()),
            (Expect::Error(want), Err(got)) if parse(got) == *want => Ok(()),
            (
                Expect::Startup {
                    message,
                    jose_error,
                    key_index,
                },
                Err(got),
            ) => {
                let got = parse(got);
                let error = &got["errors"][0];
                let ok = error["message"] == json!(message)
                    && error["extensions"]["code"] == "jwks-fetch-failed"
                    && error["extensions"]["internal"]["error"] == json!(jose_error)
                    && error["extensions"]["internal"]["key_index"] == json!(key_index);
                if ok {
                    Ok(())
                } else {
                    Err(format!(
                        "{}: expected {:?}, got {got}",
                        self.name, self.expect
                    ))
                }
            }
            (want, got) => Err(format!("{}: expected {want:?}, got {got:?}", self.name)),
        }
    }

    /// Checks the stand-in's startup error against a `Startup` row.
    pub fn check_startup_error(&self, got: &str) -> Result<(), String> {
        match &self.expect {
            Expect::Startup {
                message,
                jose_error,
                key_index,
            } if got.starts_with(message.as_str())
                && got.contains(&format!("keys[{key_index}]"))
                && got.ends_with(&format!("{jose_error})")) =>
            {
                Ok(())
            }
            want => Err(format!(
                "{}: expected {want:?}, the stand-in failed to start: {got}",
                self.name
            )),
        }
    }

    /// Checks a `/v1/graphql` answer: Hasura's exact error body, or data.
    pub fn check_graphql(&self, body: &Value) -> Result<(), String> {
        match &self.expect {
            Expect::Error(want) if body == want => Ok(()),
            Expect::Session(_) if body.get("data").is_some() && body.get("errors").is_none() => {
                Ok(())
            }
            want => Err(format!("{}: expected {want:?}, got {body}", self.name)),
        }
    }
}

/// Asserts that no row failed, listing every failure.
pub fn assert_all(failures: &[String], total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {total} cases disagree with Hasura:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
