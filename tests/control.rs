//! Scenarios, the control API, the Management API subset, the Rust handle and the CLI.
//! Every shipped scenario's token is checked by independent verifiers (jsonwebtoken by `kid`,
//! and the Hasura verification) against what its description promises.

mod common;

use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::Command;

/// A strict API verifier: key by `kid` from the JWKS, RS256 only, issuer, audience, exp, nbf,
/// and no `iat` in the future.
async fn api_accepts(base: &str, jwt: &str) -> Result<Value, String> {
    let jwks: Value = reqwest::get(format!("{base}/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(jwt).map_err(|e| format!("header: {e}"))?;
    let kid = header.kid.ok_or("no kid")?;
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .ok_or("kid not in JWKS")?;
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[format!("{base}/")]);
    v.set_audience(&[API]);
    v.validate_nbf = true;
    v.leeway = 0;
    let data = jsonwebtoken::decode::<Value>(jwt, &key, &v).map_err(|e| e.to_string())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if data.claims["iat"].as_i64().is_some_and(|iat| iat > now + 5) {
        return Err("iat in the future".into());
    }
    Ok(data.claims)
}

fn hasura_secret(base: &str) -> String {
    json!({"jwk_url": format!("{base}/.well-known/jwks.json"), "issuer": format!("{base}/"), "audience": API}).to_string()
}

/// What Hasura would answer: "ok" or its error code.
async fn hasura_verdict(base: &str, jwt: &str) -> (String, String) {
    match hasura_jwt::verify_cli(&hasura_secret(base), jwt, None).await {
        Ok(out) => ("ok".into(), out),
        Err(out) => {
            let v: Value = serde_json::from_str(&out).unwrap();
            (
                v["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                out,
            )
        }
    }
}

async fn mint(base: &str, body: Value) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(format!("{base}/__mock/token"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

#[tokio::test]
async fn every_shipped_scenario_behaves_as_described() {
    let server = start().await;
    let base = server.base_url();
    let list: Value = reqwest::get(format!("{base}/__mock/scenarios"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let scenarios = list["scenarios"].as_array().unwrap();
    assert!(scenarios.len() >= 16);
    for s in scenarios {
        let name = s["name"].as_str().unwrap();
        assert!(
            !s["description"].as_str().unwrap().is_empty(),
            "{name} has a description"
        );
        let (status, body) = mint(&base, json!({"scenario": name})).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        let token = body["access_token"].as_str().unwrap();
        let api = api_accepts(&base, token).await;
        match s["expect"]["api"].as_str().unwrap() {
            "accept" => assert!(
                api.is_ok(),
                "{name}: a correct API should accept it, got {api:?}"
            ),
            _ => assert!(api.is_err(), "{name}: a correct API should reject it"),
        }
        let (verdict, out) = hasura_verdict(&base, token).await;
        assert_eq!(
            verdict,
            s["expect"]["hasura"].as_str().unwrap(),
            "{name}: Hasura said {out}"
        );
    }
    // Spot checks of what the defects mean.
    let (_, expired) = mint(&base, json!({"scenario": "expired"})).await;
    let (_, out) = hasura_verdict(&base, expired["access_token"].as_str().unwrap()).await;
    assert!(out.contains("Could not verify JWT: JWTExpired"), "{out}");
    let (_, admin) = mint(&base, json!({"scenario": "admin"})).await;
    let (_, out) = hasura_verdict(&base, admin["access_token"].as_str().unwrap()).await;
    assert!(out.contains("\"admin\""), "{out}");
    let (_, none) = mint(&base, json!({"scenario": "alg-none"})).await;
    assert!(none["access_token"].as_str().unwrap().ends_with('.'));
    server.shutdown().await;
}

#[tokio::test]
async fn ad_hoc_tokens_and_input_validation() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = mint(&base, json!({"user": "bob@example.com", "claims": {"https://example.com/tier": "gold"}, "lifetime": 60})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let c = api_accepts(&base, body["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(c["sub"], "auth0|bob");
    assert_eq!(c["https://example.com/tier"], "gold");
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 60);
    assert_eq!(
        c["https://hasura.io/jwt/claims"]["x-hasura-user-id"],
        "auth0|bob"
    );
    for (bad, needle) in [
        (json!({"scenario": "nope"}), "unknown scenario 'nope'"),
        (
            json!({"user": "ghost@example.com"}),
            "no user 'ghost@example.com'",
        ),
        (
            json!({"user": "bob@example.com", "audience": "https://nope"}),
            "no API",
        ),
        (json!({"bogus": 1}), "unknown field"),
    ] {
        let (status, body) = mint(&base, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            body["error_description"].as_str().unwrap().contains(needle),
            "{bad}: {body}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn next_login_scenario_clock_keys_and_faults() {
    let server = start().await;
    let base = server.base_url();
    let http = reqwest::Client::new();

    let res = http
        .post(format!("{base}/__mock/scenarios/next"))
        .json(&json!({"scenario": "admin", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, body) = password_login(&base, "admin@example.com", "admin-password").await;
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["https://hasura.io/jwt/claims"]["x-hasura-default-role"],
        "admin"
    );
    let (_, body) = password_login(&base, "admin@example.com", "admin-password").await;
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["https://hasura.io/jwt/claims"]["x-hasura-default-role"],
        "user",
        "count 1: only the next login"
    );

    // The clock: a token is fine now and expired a day later, without sleeping.
    let at = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        http.get(format!("{base}/userinfo"))
            .bearer_auth(&at)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let clock: Value = http
        .post(format!("{base}/__mock/clock"))
        .json(&json!({"advance": 86400 + 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["offset"], 86401);
    let res = http
        .get(format!("{base}/userinfo"))
        .bearer_auth(&at)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error_description"],
        "The access token has expired"
    );
    http.post(format!("{base}/__mock/clock"))
        .json(&json!({"reset": true}))
        .send()
        .await
        .unwrap();

    // Rotation keeps the old key published, so tokens it signed still verify.
    let old_kid = jsonwebtoken::decode_header(&at).unwrap().kid.unwrap();
    let rotated: Value = http
        .post(format!("{base}/__mock/keys/rotate"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(rotated["kid"].as_str().unwrap(), old_kid);
    let jwks: Value = http
        .get(format!("{base}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["kid"] == old_kid)
    );
    assert!(api_accepts(&base, &at).await.is_ok());
    let (_, fresh) = password_login(&base, "alice@example.com", "alice-password").await;
    let fresh_at = fresh["access_token"].as_str().unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(fresh_at).unwrap().kid.unwrap(),
        rotated["kid"].as_str().unwrap()
    );
    assert!(api_accepts(&base, fresh_at).await.is_ok());

    // Faults: the next two token requests answer 429, then service resumes.
    let res = http
        .post(format!("{base}/__mock/faults"))
        .json(&json!({"endpoint": "/oauth/token", "count": 2, "kind": "status", "status": 429}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    for _ in 0..2 {
        let (status, body) = password_login(&base, "alice@example.com", "alice-password").await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
        );
    }
    assert_eq!(
        password_login(&base, "alice@example.com", "alice-password")
            .await
            .0,
        StatusCode::OK
    );
    http.post(format!("{base}/__mock/faults")).json(&json!({"endpoint": "/.well-known/jwks.json", "count": 1, "kind": "status", "status": 503})).send().await.unwrap();
    assert_eq!(
        http.get(format!("{base}/.well-known/jwks.json"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    http.post(format!("{base}/__mock/faults"))
        .json(
            &json!({"endpoint": "/.well-known/jwks.json", "count": 1, "kind": "delay", "ms": 300}),
        )
        .send()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        http.get(format!("{base}/.well-known/jwks.json"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert!(started.elapsed().as_millis() >= 300);
    for bad in [
        json!({"endpoint": "oauth/token", "count": 1, "kind": "status", "status": 500}),
        json!({"endpoint": "/oauth/token", "count": 0, "kind": "status", "status": 500}),
        json!({"endpoint": "/oauth/token", "count": 1, "kind": "status", "status": 200}),
        json!({"endpoint": "/oauth/token", "count": 1, "kind": "explode"}),
        json!({"endpoint": "/__mock/reset", "count": 1, "kind": "delay", "ms": 1}),
    ] {
        let res = http
            .post(format!("{base}/__mock/faults"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(res.json::<Value>().await.unwrap()["error_description"].is_string());
    }
    let res = http
        .post(format!("{base}/__mock/clock"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = http
        .post(format!("{base}/__mock/scenarios/next"))
        .json(&json!({"scenario": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    server.shutdown().await;
}

#[tokio::test]
async fn management_api_users_and_reset() {
    let server = start().await;
    let base = server.base_url();
    let http = reqwest::Client::new();
    // Management API tools first get a token for <issuer>api/v2/ by client_credentials.
    let (status, mgmt) = {
        let res = http
            .post(format!("{base}/oauth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "auth0-mock-m2m"),
                ("client_secret", "auth0-mock-m2m-secret"),
                ("audience", &format!("{base}/api/v2/")),
            ])
            .send()
            .await
            .unwrap();
        (res.status(), res.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK, "{mgmt}");
    assert_eq!(
        claims(mgmt["access_token"].as_str().unwrap())["aud"],
        format!("{base}/api/v2/")
    );
    let res = http
        .post(format!("{base}/api/v2/users"))
        .json(&json!({"email": "dave@example.com", "password": "dave-password", "connection": "Username-Password-Authentication",
            "name": "Dave", "roles": ["admin"], "app_metadata": {"plan": "team"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["user_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("auth0|"));
    assert!(
        created.get("password").is_none(),
        "passwords are never returned"
    );
    let (status, body) = password_login(&base, "dave@example.com", "dave-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["https://hasura.io/jwt/claims"]["x-hasura-allowed-roles"],
        json!(["admin"])
    );
    let dup = http
        .post(format!("{base}/api/v2/users"))
        .json(&json!({"email": "dave@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let patched: Value = http
        .patch(format!("{base}/api/v2/users/{}", enc(&id)))
        .json(&json!({"app_metadata": {"plan": null, "seats": 5}, "blocked": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["app_metadata"], json!({"seats": 5}));
    assert_eq!(
        password_login(&base, "dave@example.com", "dave-password")
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "blocked"
    );
    let by_email: Value = http
        .get(format!(
            "{base}/api/v2/users-by-email?email=DAVE@example.com"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_email.as_array().unwrap().len(), 1);
    assert_eq!(
        http.delete(format!("{base}/api/v2/users/{}", enc(&id)))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let missing = http
        .get(format!("{base}/api/v2/users/{}", enc(&id)))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["errorCode"],
        "inexistent_user"
    );
    let bad = http
        .post(format!("{base}/api/v2/users"))
        .json(&json!({"email": "x@example.com", "roles": ["ghost"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    http.post(format!("{base}/api/v2/users"))
        .json(&json!({"email": "erin@example.com", "password": "p"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        http.post(format!("{base}/__mock/reset"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        password_login(&base, "erin@example.com", "p").await.0,
        StatusCode::FORBIDDEN,
        "reset forgets runtime users"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn rust_handle_mints_adds_users_and_moves_the_clock() {
    let server = start().await;
    let handle = server.handle();
    let set = handle.mint_for_user("alice@example.com").await.unwrap();
    assert!(
        api_accepts(&server.base_url(), &set.access_token)
            .await
            .is_ok()
    );
    let scenario = handle.mint_scenario("wrong-audience").await.unwrap();
    assert!(
        api_accepts(&server.base_url(), &scenario.access_token)
            .await
            .is_err()
    );
    let mut user: auth0_mock::tenant::User = serde_json::from_value(
        json!({"email": "frank@example.com", "password": "pw", "roles": ["editor"]}),
    )
    .unwrap();
    user.user_id = "frank".into();
    handle.add_user(user).unwrap();
    let (status, body) = password_login(&server.base_url(), "frank@example.com", "pw").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["sub"],
        "auth0|frank"
    );
    assert!(
        !handle.hook_records().is_empty(),
        "the claims hook ran and was recorded"
    );
    let before = handle.now();
    handle.advance_clock(600);
    assert!(handle.now() >= before + 600);
    server.shutdown().await;
}

// Multi-threaded: the CLI subprocesses call back into the in-process server while this test
// blocks waiting for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_token_check_and_hasura_config() {
    let server = start().await;
    let base = server.base_url();
    let port = server.addr().port().to_string();
    let bin = env!("CARGO_BIN_EXE_auth0-mock");
    let out = Command::new(bin)
        .args([
            "token",
            "--port",
            &port,
            "--user",
            "alice@example.com",
            "--claim",
            "https://example.com/x=1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let c = api_accepts(&base, &token)
        .await
        .expect("offline token verifies against the running server's JWKS");
    assert_eq!(c["https://example.com/x"], 1);
    let out = Command::new(bin)
        .args(["token", "--port", &port, "--scenario", "expired", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["expect"]["hasura"], "invalid-jwt");
    assert!(
        api_accepts(&base, v["access_token"].as_str().unwrap())
            .await
            .is_err()
    );
    let out = Command::new(bin)
        .args(["token", "--scenario", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario 'nope'"));

    let out = Command::new(bin)
        .args(["hasura-jwt-config", "--port", &port])
        .output()
        .unwrap();
    let cfg: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cfg["jwk_url"], format!("{base}/.well-known/jwks.json"));
    assert_eq!(cfg["issuer"], format!("{base}/"));
    let out = Command::new(bin)
        .args(["hasura-jwt-config", "--port", &port, "--key-based"])
        .output()
        .unwrap();
    let cfg: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        cfg["key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );

    let out = Command::new(bin)
        .args([
            "hasura-verify",
            "--secret",
            &hasura_secret(&base),
            "--token",
            &token,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("auth0|alice"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenant.yaml"),
        "clients:\n  - name: Web\n    app_type: regular_web\n",
    )
    .unwrap();
    let out = Command::new(bin)
        .args(["check", "--fixtures"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tenant.yaml") && err.contains("clients[0].client_secret"),
        "{err}"
    );
    let out = Command::new(bin)
        .args([
            "check",
            "--fixtures",
            concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/default"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(bin)
        .args(["healthcheck", "--port", &port])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = Command::new(bin).args(["keygen"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("-----BEGIN PRIVATE KEY-----"));
    server.shutdown().await;
}

// ---------------------------------------------------------------- one next-scenario rule

#[tokio::test]
async fn the_control_api_and_the_rust_handle_refuse_the_same_next_scenario_counts() {
    let server = start().await;
    let base = server.base_url();
    let handle = server.handle();
    for count in [0, auth0_mock::NEXT_SCENARIO_MAX + 1] {
        let res = reqwest::Client::new()
            .post(format!("{base}/__mock/scenarios/next"))
            .json(&json!({"scenario": "admin", "count": count}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::BAD_REQUEST,
            "control API, count {count}"
        );
        assert_eq!(
            handle.set_next_scenario("admin", count),
            Err(auth0_mock::NextScenarioError::Count),
            "handle, count {count}"
        );
    }
    let armed = handle
        .set_next_scenario("admin", auth0_mock::NEXT_SCENARIO_MAX)
        .unwrap();
    assert_eq!(armed.remaining, auth0_mock::NEXT_SCENARIO_MAX);
    server.shutdown().await;
}

#[tokio::test]
async fn the_rust_handle_refuses_an_unknown_next_scenario_like_the_control_api() {
    let server = start().await;
    assert_eq!(
        server.handle().set_next_scenario("nope", 1),
        Err(auth0_mock::NextScenarioError::Unknown("nope".into()))
    );
    server.shutdown().await;
}
