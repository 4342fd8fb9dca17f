//! Who may call the Management API: a Management API token of the mock's, for a client whose
//! grant holds the scope each endpoint requires. Everything else is Auth0's 401 or 403, and a
//! refused call changes nothing.

use crate::get;
use crate::support::*;
use auth0_mock::MANAGEMENT_ENDPOINTS;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A token of the default M2M client holding only `scope`.
async fn token_with(base: &str, scope: &str) -> String {
    let (status, body) = token(
        base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", &format!("{base}/api/v2/")),
            ("scope", scope),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// `method path` with `token` (and an empty JSON object as body where one goes).
async fn call(base: &str, method: &str, path: &str, token: Option<&str>) -> reqwest::Response {
    let url = format!("{base}{}", path.replace("{id}", "auth0%7Calice"));
    let mut req = client().request(method.parse().unwrap(), url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if method != "GET" {
        req = req.json(&json!({}));
    }
    req.send().await.unwrap()
}

/// What the API holds, read with a full token: a refused call must leave all of it as it was.
async fn everything(base: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        "/api/v2/users",
        "/api/v2/roles",
        "/api/v2/clients",
        "/api/v2/client-grants",
        "/api/v2/resource-servers",
        "/api/v2/users/auth0%7Calice/roles",
        "/api/v2/users/auth0%7Calice/permissions",
    ] {
        out.push(get(base, path).await.1);
    }
    out
}

#[tokio::test]
async fn every_endpoint_refuses_a_token_without_its_scope_and_changes_nothing() {
    let server = start().await;
    let base = server.base_url();
    let before = everything(&base).await;
    for (method, path, scopes) in MANAGEMENT_ENDPOINTS {
        let other = if scopes.contains(&"read:stats") {
            "read:connections"
        } else {
            "read:stats"
        };
        let token = token_with(&base, other).await;
        let res = call(&base, method, path, Some(&token)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["errorCode"], "insufficient_scope",
            "{method} {path}: {body}"
        );
        assert_eq!(
            body["message"],
            format!("Insufficient scope, expected any of: {}", scopes.join(",")),
            "{method} {path}"
        );
    }
    assert_eq!(everything(&base).await, before);
    server.shutdown().await;
}

#[tokio::test]
async fn every_endpoint_lets_a_token_with_one_of_its_scopes_through() {
    let server = start().await;
    let base = server.base_url();
    for (method, path, scopes) in MANAGEMENT_ENDPOINTS {
        // The last scope listed, to prove that any one of them is enough.
        let token = token_with(&base, scopes.last().unwrap()).await;
        let status = call(&base, method, path, Some(&token)).await.status();
        assert!(
            status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
            "{method} {path}: {status}"
        );
    }
    server.shutdown().await;
}

async fn assert_unauthorized(res: reqwest::Response, message: &str) {
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"statusCode": 401, "error": "Unauthorized", "message": message})
    );
}

#[tokio::test]
async fn a_call_without_a_token_is_401_missing_authentication() {
    let server = start().await;
    let res = call(&server.base_url(), "GET", "/api/v2/users", None).await;
    assert_unauthorized(res, "Missing authentication").await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_garbage_token_is_401_invalid_token() {
    let server = start().await;
    let res = call(
        &server.base_url(),
        "GET",
        "/api/v2/users",
        Some("not.a.jwt"),
    )
    .await;
    assert_unauthorized(res, "Invalid token").await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_token_for_another_api_is_401_bad_audience() {
    let server = start().await;
    let base = server.base_url();
    let (_, m2m) = m2m_token(&base).await;
    let res = call(&base, "GET", "/api/v2/users", m2m["access_token"].as_str()).await;
    assert_unauthorized(res, &format!("Bad audience: {API}")).await;
    server.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_401_and_deletes_nobody() {
    let server = start().await;
    let base = server.base_url();
    let token = management_token(&base).await;
    client()
        .post(format!("{base}/__mock/clock"))
        .json(&json!({"advance": 86400 + 1}))
        .send()
        .await
        .unwrap();
    let res = call(&base, "DELETE", "/api/v2/users/{id}", Some(&token)).await;
    assert_unauthorized(res, "Expired token received for JSON Web Token validation").await;
    assert_eq!(
        get(&base, "/api/v2/users/auth0%7Calice").await.0,
        StatusCode::OK
    );
    server.shutdown().await;
}

#[tokio::test]
async fn every_reply_carries_auth0s_rate_limit_headers() {
    let server = start().await;
    let base = server.base_url();
    let token = management_token(&base).await;
    for res in [
        call(&base, "GET", "/api/v2/users", Some(&token)).await,
        call(&base, "GET", "/api/v2/users", None).await,
    ] {
        let h = res.headers();
        let limit: u64 = h["x-ratelimit-limit"].to_str().unwrap().parse().unwrap();
        let remaining: u64 = h["x-ratelimit-remaining"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let reset: u64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
        assert!(remaining < limit);
        assert!(reset > 1_700_000_000, "epoch seconds: {reset}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_scope_outside_the_clients_grant_gets_no_token() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = token(
        &base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", &format!("{base}/api/v2/")),
            ("scope", "read:users delete:tenant"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        body["error_description"],
        "Client has not been granted scopes: delete:tenant"
    );
    server.shutdown().await;
}

/// A Deploy CLI export names the real tenant's domain in its Management API grant.
#[tokio::test]
async fn an_exported_grant_to_the_real_tenants_api_v2_gives_a_management_token() {
    let dir = copy_of_shipped_fixtures("default");
    let path = dir.path().join("tenant.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let yaml = yaml.replace(
        "https://auth0-mock.local/api/v2/",
        "https://dev-abc123.us.auth0.com/api/v2/",
    );
    std::fs::write(&path, yaml).unwrap();
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let token = management_token(&base).await;
    let res = call(&base, "GET", "/api/v2/users", Some(&token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_without_a_management_grant_gets_access_denied() {
    let server = start().await;
    let base = server.base_url();
    let (status, created) = crate::send(
        &base,
        "POST",
        "/api/v2/clients",
        json!({"name": "Reporting job", "app_type": "non_interactive"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, body) = token(
        &base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", created["client_id"].as_str().unwrap()),
            ("client_secret", created["client_secret"].as_str().unwrap()),
            ("audience", &format!("{base}/api/v2/")),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("Client is not authorized to access"),
        "{body}"
    );
    server.shutdown().await;
}
