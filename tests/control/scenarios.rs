//! Scenario tokens from `POST /__mock/token`: the shipped scenarios do what their descriptions
//! say, and ad-hoc tokens carry what was asked for.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The scenarios the mock lists.
async fn shipped_scenarios(base: &str) -> Vec<Value> {
    let list: Value = reqwest::get(format!("{base}/__mock/scenarios"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["scenarios"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_default_tenant_ships_at_least_sixteen_described_scenarios() {
    let server = start().await;
    let scenarios = shipped_scenarios(&server.base_url()).await;
    assert!(scenarios.len() >= 16);
    for s in &scenarios {
        assert!(
            !s["description"].as_str().unwrap().is_empty(),
            "{} has a description",
            s["name"]
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn every_shipped_scenario_is_accepted_or_rejected_by_a_strict_api_as_promised() {
    let server = start().await;
    let base = server.base_url();
    for s in shipped_scenarios(&base).await {
        let name = s["name"].as_str().unwrap();
        let (status, body) = mint(&base, json!({"scenario": name})).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        let api = api_accepts(&base, body["access_token"].as_str().unwrap()).await;
        match s["expect"]["api"].as_str().unwrap() {
            "accept" => assert!(
                api.is_ok(),
                "{name}: a correct API should accept it, got {api:?}"
            ),
            _ => assert!(api.is_err(), "{name}: a correct API should reject it"),
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn every_shipped_scenario_gets_the_promised_hasura_verdict() {
    let server = start().await;
    let base = server.base_url();
    for s in shipped_scenarios(&base).await {
        let name = s["name"].as_str().unwrap();
        let token = scenario_token(&base, name).await;
        let (verdict, out) = hasura_verdict(&base, &token).await;
        assert_eq!(
            verdict,
            s["expect"]["hasura"].as_str().unwrap(),
            "{name}: Hasura said {out}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_refuses_the_expired_scenario_as_jwt_expired() {
    let server = start().await;
    let base = server.base_url();
    let (_, out) = hasura_verdict(&base, &scenario_token(&base, "expired").await).await;
    assert!(out.contains("Could not verify JWT: JWTExpired"), "{out}");
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_runs_the_admin_scenario_as_admin() {
    let server = start().await;
    let base = server.base_url();
    let (_, out) = hasura_verdict(&base, &scenario_token(&base, "admin").await).await;
    assert!(out.contains("\"admin\""), "{out}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_alg_none_scenario_has_an_empty_signature() {
    let server = start().await;
    let token = scenario_token(&server.base_url(), "alg-none").await;
    assert!(token.ends_with('.'));
    server.shutdown().await;
}

/// An ad-hoc token for bob with one extra claim and a 60 s lifetime, as a strict API sees it.
async fn bobs_ad_hoc_token(base: &str) -> Value {
    let (status, body) = mint(base, json!({"user": "bob@example.com", "claims": {"https://example.com/tier": "gold"}, "lifetime": 60})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    api_accepts(base, body["access_token"].as_str().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_ad_hoc_token_names_the_user_and_carries_the_extra_claims() {
    let server = start().await;
    let c = bobs_ad_hoc_token(&server.base_url()).await;
    assert_eq!(c["sub"], "auth0|bob");
    assert_eq!(c["https://example.com/tier"], "gold");
    server.shutdown().await;
}

#[tokio::test]
async fn an_ad_hoc_token_has_the_requested_lifetime() {
    let server = start().await;
    let c = bobs_ad_hoc_token(&server.base_url()).await;
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 60);
    server.shutdown().await;
}

#[tokio::test]
async fn an_ad_hoc_token_gets_the_users_hasura_claims() {
    let server = start().await;
    let c = bobs_ad_hoc_token(&server.base_url()).await;
    assert_eq!(c[HASURA_NS]["x-hasura-user-id"], "auth0|bob");
    server.shutdown().await;
}

#[tokio::test]
async fn an_impossible_mint_request_is_a_bad_request_saying_why() {
    let server = start().await;
    let base = server.base_url();
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
async fn a_lifetime_past_a_century_is_refused_instead_of_overflowing() {
    let server = start().await;
    let (status, body) = mint(
        &server.base_url(),
        json!({"user": "bob@example.com", "lifetime": i64::MAX}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("lifetime"),
        "{body}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_user_token_without_openid_still_comes_with_an_id_token() {
    let server = start().await;
    let (status, body) = mint(
        &server.base_url(),
        json!({"user": "alice@example.com", "scope": "read:own"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["id_token"].is_string(), "{body}");
    server.shutdown().await;
}
