//! `POST /api/v2/jobs/users-imports` (multipart, as the SDKs send it) and `GET
//! /api/v2/jobs/{id}[/errors]`: the bulk-import file `users.json` uses, imported at once.

use crate::get;
use crate::support::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn database_id(base: &str) -> String {
    let (_, db) = get(base, "/api/v2/connections?strategy=auth0").await;
    db[0]["id"].as_str().unwrap().to_string()
}

async fn import(base: &str, users: Value, upsert: bool) -> (StatusCode, Value) {
    let form = Form::new()
        .part(
            "users",
            Part::bytes(serde_json::to_vec(&users).unwrap())
                .file_name("users.json")
                .mime_str("application/json")
                .unwrap(),
        )
        .text("connection_id", database_id(base).await)
        .text("upsert", upsert.to_string())
        .text("external_id", "batch-7");
    let res = management(base)
        .await
        .post(format!("{base}/api/v2/jobs/users-imports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

fn three_users() -> Value {
    json!([
        {"email": "fay@example.com", "email_verified": true, "password": "fay-password", "roles": ["editor"]},
        {"user_id": "gus", "email": "gus@example.com", "app_metadata": {"plan": "team"}},
        {"email": "alice@example.com", "name": "Alice again"},
    ])
}

#[tokio::test]
async fn an_import_job_reports_what_it_inserted_and_what_failed() {
    let server = start().await;
    let base = server.base_url();
    let (status, job) = import(&base, three_users(), false).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(job["type"], "users_import");
    assert_eq!(job["status"], "completed");
    assert_eq!(job["external_id"], "batch-7");
    assert_eq!(
        job["summary"],
        json!({"failed": 1, "updated": 0, "inserted": 2, "total": 3})
    );
    let (status, polled) = get(
        &base,
        &format!("/api/v2/jobs/{}", job["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(polled, job);
    server.shutdown().await;
}

#[tokio::test]
async fn the_jobs_errors_name_the_record_and_auth0s_code() {
    let server = start().await;
    let base = server.base_url();
    let (_, job) = import(&base, three_users(), false).await;
    let (_, errors) = get(
        &base,
        &format!("/api/v2/jobs/{}/errors", job["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(errors[0]["user"]["email"], "alice@example.com");
    assert_eq!(errors[0]["errors"][0]["code"], "DUPLICATED_USER");
    server.shutdown().await;
}

#[tokio::test]
async fn an_imported_user_logs_in_with_their_roles() {
    let server = start().await;
    let base = server.base_url();
    import(&base, three_users(), false).await;
    let (status, body) = password_login(&base, "fay@example.com", "fay-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        access_claims(&body)[HASURA_NS]["x-hasura-allowed-roles"],
        json!(["editor"])
    );
    let (_, gus) = get(&base, "/api/v2/users/auth0%7Cgus").await;
    assert_eq!(gus["app_metadata"], json!({"plan": "team"}));
    server.shutdown().await;
}

#[tokio::test]
async fn an_upsert_replaces_the_existing_users_fields() {
    let server = start().await;
    let base = server.base_url();
    let (_, job) = import(
        &base,
        json!([{"email": "alice@example.com", "name": "Alice again"}]),
        true,
    )
    .await;
    assert_eq!(job["summary"]["updated"], 1, "{job}");
    let (_, alice) = get(&base, "/api/v2/users/auth0%7Calice").await;
    assert_eq!(alice["name"], "Alice again");
    assert_eq!(
        alice["app_metadata"],
        json!({}),
        "metadata is replaced, not merged"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_json_array_is_a_400() {
    let server = start().await;
    let (status, body) = import(&server.base_url(), json!({"email": "x@example.com"}), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errorCode"], "invalid_body", "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_job_is_a_404() {
    let server = start().await;
    let (status, body) = get(&server.base_url(), "/api/v2/jobs/job_nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errorCode"], "inexistent_job");
    server.shutdown().await;
}
