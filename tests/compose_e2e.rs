//! The end-to-end story against the real docker-compose stack (real Hasura), for a machine with
//! Docker. Opt-in: it needs the stack running and names it through the environment.
//!
//! ```sh
//! HASURA_GRAPHQL_ADMIN_SECRET=dev-admin-secret docker compose up --build -d
//! AUTH0_MOCK_COMPOSE_E2E=http://localhost:4455,http://localhost:8080 \
//!   HASURA_GRAPHQL_ADMIN_SECRET=dev-admin-secret cargo test --test compose_e2e -- --ignored
//! ```

mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::*;

fn stack() -> (String, String, String) {
    let spec = std::env::var("AUTH0_MOCK_COMPOSE_E2E")
        .expect("set AUTH0_MOCK_COMPOSE_E2E=<mock base>,<hasura base>, e.g. http://localhost:4455,http://localhost:8080");
    let (mock, hasura) = spec
        .split_once(',')
        .expect("AUTH0_MOCK_COMPOSE_E2E is '<mock base>,<hasura base>'");
    let secret =
        std::env::var("HASURA_GRAPHQL_ADMIN_SECRET").unwrap_or_else(|_| "dev-admin-secret".into());
    (
        mock.trim_end_matches('/').to_string(),
        hasura.trim_end_matches('/').to_string(),
        secret,
    )
}

/// The compose stack's control token: the host reaches the container from a Docker address.
fn control_token() -> String {
    std::env::var("AUTH0_MOCK_CONTROL_TOKEN").unwrap_or_else(|_| "dev-control-token".into())
}

async fn graphql(hasura: &str, header: Option<(&str, String)>, query: &str) -> Value {
    let mut req = reqwest::Client::new()
        .post(format!("{hasura}/v1/graphql"))
        .json(&json!({ "query": query }));
    if let Some((k, v)) = header {
        req = req.header(k, v);
    }
    req.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
#[ignore = "needs the docker compose stack; see the module docs"]
async fn story_against_real_hasura() {
    let (mock, hasura, secret) = stack();
    let reset = reqwest::Client::new()
        .post(format!("{mock}/__mock/reset"))
        .bearer_auth(control_token())
        .send()
        .await
        .unwrap();
    assert_eq!(
        reset.status(),
        StatusCode::OK,
        "the control API must answer the compose stack's control token (AUTH0_MOCK_CONTROL_TOKEN)"
    );
    for (email, password) in [
        ("alice@example.com", "alice-password"),
        ("bob@example.com", "bob-password"),
    ] {
        let (status, body) = password_login(&mock, email, password).await;
        assert_eq!(status, StatusCode::OK, "{email}: {body}");
    }
    let (_, alice) = password_login(&mock, "alice@example.com", "alice-password").await;
    let at = alice["access_token"].as_str().unwrap();
    let q = "query { users { userId userName } }";
    let mine = graphql(&hasura, Some(("authorization", format!("Bearer {at}"))), q).await;
    assert_eq!(
        mine["data"]["users"],
        json!([{ "userId": "auth0|alice", "userName": "Alice Liddell" }]),
        "{mine}"
    );
    let all = graphql(
        &hasura,
        Some(("x-hasura-admin-secret", secret)),
        "query { users { userId } }",
    )
    .await;
    let n = all["data"]["users"].as_array().map(Vec::len).unwrap_or(0);
    assert!(n >= 2, "admin sees every synced user: {all}");
    let none = graphql(&hasura, None, q).await;
    assert_eq!(none["errors"][0]["extensions"]["code"], "invalid-headers");
    let expired: Value = reqwest::Client::new()
        .post(format!("{mock}/__mock/token"))
        .bearer_auth(control_token())
        .json(&json!({ "scenario": "expired" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = graphql(
        &hasura,
        Some((
            "authorization",
            format!("Bearer {}", expired["access_token"].as_str().unwrap()),
        )),
        q,
    )
    .await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "invalid-jwt");
}
