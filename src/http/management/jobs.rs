//! `POST /api/v2/jobs/users-imports` (multipart, as the SDKs send it: the `users` file with
//! `connection_id`, `upsert`, `external_id`) and `GET /api/v2/jobs/{id}[/errors]`. The file is
//! the bulk-import JSON array `users.json` uses; the mock imports it at once, so the job is
//! already `completed` when it is created and a client's poll ends at the first look.

use crate::error::ManagementError;
use crate::http::extract::{AppState, ManagementPath};
use crate::store::{ImportSummary, Job, JobError};
use crate::tenant::{Connection, User};
use axum::Json;
use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};

/// Auth0's limit on an import file.
const MAX_FILE: usize = 500 * 1024;

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/jobs/users-imports",
            post(import).layer(DefaultBodyLimit::max(MAX_FILE + 16 * 1024)),
        )
        .route("/api/v2/jobs/{id}", get(read))
        .route("/api/v2/jobs/{id}/errors", get(errors))
}

/// The form's fields.
#[derive(Default)]
struct ImportForm {
    users: Option<Vec<u8>>,
    connection_id: Option<String>,
    upsert: bool,
    external_id: Option<String>,
}

fn bad(message: impl Into<String>) -> ManagementError {
    ManagementError::new(StatusCode::BAD_REQUEST, message, "invalid_body")
}

async fn read_form(mut form: Multipart) -> Result<ImportForm, ManagementError> {
    let mut out = ImportForm::default();
    while let Some(field) = form.next_field().await.map_err(|e| {
        bad(format!(
            "Payload validation error: the multipart body is malformed ({e})"
        ))
    })? {
        let name = field.name().unwrap_or_default().to_string();
        let data = field
            .bytes()
            .await
            .map_err(|e| bad(format!("Payload validation error: {name}: {e}")))?;
        let text = || String::from_utf8_lossy(&data).trim().to_string();
        match name.as_str() {
            "users" => out.users = Some(data.to_vec()),
            "connection_id" => out.connection_id = Some(text()),
            "upsert" => out.upsert = text() == "true",
            "external_id" => out.external_id = Some(text()).filter(|s| !s.is_empty()),
            // `send_completion_email`: there is no one to send it to.
            _ => {}
        }
    }
    Ok(out)
}

async fn import(
    State(mock): State<AppState>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let form = form.map_err(|e| {
        ManagementError::new(
            StatusCode::BAD_REQUEST,
            format!("Payload validation error: send multipart/form-data with a users file ({e})"),
            "invalid_body",
        )
    })?;
    let form = read_form(form).await?;
    let connection_id = form.connection_id.ok_or_else(|| {
        bad("Payload validation error: 'Missing required property: connection_id'")
    })?;
    let tenant = mock.tenant();
    let connection = tenant
        .connection_by_id(&connection_id)
        .filter(|c| c.is_database())
        .ok_or_else(|| {
            ManagementError::new(
                StatusCode::BAD_REQUEST,
                "The connection does not exist or is not a database connection.",
                "inexistent_connection",
            )
        })?;
    let file = form
        .users
        .ok_or_else(|| bad("Payload validation error: 'Missing required property: users'"))?;
    if file.len() > MAX_FILE {
        return Err(ManagementError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The users file is larger than 500KB.",
            "invalid_body",
        ));
    }
    let records: Vec<Value> = serde_json::from_slice(&file).map_err(|e| {
        bad(format!(
            "Users file must be a JSON array of users (the bulk-import format): {e}"
        ))
    })?;
    let now = mock.clock().now();
    let (summary, errors) = run_import(&mock, connection, records, form.upsert, now);
    let job = Job {
        id: format!("job_{}", crate::util::random_alnum(16)),
        status: if summary.total > 0 && summary.failed == summary.total {
            "failed"
        } else {
            "completed"
        },
        kind: "users_import",
        created_at: crate::clock::rfc3339(now),
        connection_id,
        connection: connection.name.clone(),
        external_id: form.external_id,
        summary,
        percentage_done: 100,
        time_left_seconds: 0,
        errors,
    };
    tracing::info!(job = %job.id, inserted = summary.inserted, updated = summary.updated, failed = summary.failed, "users import");
    let body = serde_json::to_value(&job).unwrap_or(Value::Null);
    mock.store().add_job(job, now);
    Ok((StatusCode::CREATED, Json(body)))
}

fn record_error(user: Value, code: &str, message: impl Into<String>, path: &str) -> JobError {
    JobError {
        user,
        errors: vec![json!({"code": code, "message": message.into(), "path": path})],
    }
}

/// Imports each record as Auth0 does: a new user, or with `upsert` an update of the user with
/// that email in the connection (metadata replaced, not merged); anything else is a per-record
/// error and the rest goes on.
fn run_import(
    mock: &AppState,
    connection: &Connection,
    records: Vec<Value>,
    upsert: bool,
    now: i64,
) -> (ImportSummary, Vec<JobError>) {
    let tenant = mock.tenant();
    let store = mock.store();
    let is_default = tenant
        .default_connection()
        .is_some_and(|d| d.name == connection.name);
    let mut summary = ImportSummary {
        total: records.len(),
        ..Default::default()
    };
    let mut errors = Vec::new();
    for record in records {
        let mut user: User = match serde_json::from_value(record.clone()) {
            Ok(u) => u,
            Err(e) => {
                errors.push(record_error(record, "INVALID_TYPE", e.to_string(), ""));
                continue;
            }
        };
        if record.get("password_hash").is_some() || record.get("custom_password_hash").is_some() {
            tracing::warn!(user = %user.login_name(), "imported user has a password hash, which auth0-mock cannot check: give them a mock-only `password` to log in with one");
        }
        user.connection = (!is_default).then(|| connection.name.clone());
        user.mfa = None;
        let existing = user
            .email
            .as_deref()
            .and_then(|e| store.find_user_in(e, &connection.name));
        let outcome = match existing {
            Some(_) if !upsert => Err((
                "DUPLICATED_USER",
                "The user already exist and upsert parameter is false".to_string(),
            )),
            Some(old) => {
                user.user_id = old.user_id;
                user.created_at = old.created_at;
                // Enrolments are not import fields: an upsert keeps the user's own.
                user.mfa = old.mfa;
                store
                    .upsert_user(user, |r| tenant.has_role(r), now)
                    .map(|_| true)
                    .map_err(|e| ("CONFLICT", e.to_string()))
            }
            None => store
                .create_user(user, |r| tenant.has_role(r), now)
                .map(|_| false)
                .map_err(|e| ("CONFLICT", e.to_string())),
        };
        match outcome {
            Ok(true) => summary.updated += 1,
            Ok(false) => summary.inserted += 1,
            Err((code, message)) => errors.push(record_error(record, code, message, "")),
        }
    }
    summary.failed = errors.len();
    (summary, errors)
}

fn no_job() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "The job does not exist.",
        "inexistent_job",
    )
}

async fn read(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let job = mock
        .store()
        .job(&id, mock.clock().now())
        .ok_or_else(no_job)?;
    Ok(Json(serde_json::to_value(&job).unwrap_or(Value::Null)))
}

/// The records that failed; Auth0 answers 204 when there are none.
async fn errors(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<axum::response::Response, ManagementError> {
    use axum::response::IntoResponse;
    let job = mock
        .store()
        .job(&id, mock.clock().now())
        .ok_or_else(no_job)?;
    if job.errors.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(Json(serde_json::to_value(&job.errors).unwrap_or(Value::Null)).into_response())
}
