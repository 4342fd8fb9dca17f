//! Auth0's Management API (`/api/v2`) as backends and tests drive it, one file per feature:
//! who may call it (Management API tokens, scopes, 401s, rate-limit headers), users and their
//! search, roles and permissions with their effect on the next login, clients, grants and APIs,
//! connections, import jobs, stats and organizations (members, invitations). Each test starts its own mock and calls it over HTTP
//! with a token from the mock's own `/oauth/token`.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod apps;
mod jobs;
mod organizations;
mod roles;
mod search;
mod user_factors;
mod users;

use serde_json::Value;
use support::*;

/// `GET <base><path>` with a full Management API token; the status and JSON body.
pub async fn get(base: &str, path: &str) -> (reqwest::StatusCode, Value) {
    let res = management(base)
        .await
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// `<method> <base><path>` with a JSON body and a full token; the status and JSON body.
pub async fn send(
    base: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (reqwest::StatusCode, Value) {
    let res = management(base)
        .await
        .request(method.parse().unwrap(), format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The id of the role named `name`.
pub async fn role_id(base: &str, name: &str) -> String {
    let (_, roles) = get(base, "/api/v2/roles").await;
    roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no role {name}: {roles}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}
