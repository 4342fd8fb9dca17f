//! Management API jobs (`POST /jobs/users-imports`): the mock runs an import at once, so a job
//! is stored already finished, with its summary and per-user errors, for clients that poll
//! `GET /jobs/{id}` and read `GET /jobs/{id}/errors` as they would against Auth0.

use serde::Serialize;
use serde_json::Value;

/// A finished job in Auth0's shape.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Job {
    /// `job_…`.
    pub id: String,
    /// `completed`, or `failed` when no record could be imported at all.
    pub status: &'static str,
    /// `users_import`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// RFC 3339.
    pub created_at: String,
    /// The connection imported into (`con_…`).
    pub connection_id: String,
    /// The connection's name.
    pub connection: String,
    /// The caller's `external_id`, echoed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `{failed, updated, inserted, total}`.
    pub summary: ImportSummary,
    /// Always 100: the import is done when the job is created.
    pub percentage_done: u8,
    /// Always 0.
    pub time_left_seconds: u32,
    /// Per-record errors (served by `/jobs/{id}/errors`, not in the job itself).
    #[serde(skip)]
    pub errors: Vec<JobError>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct ImportSummary {
    pub failed: usize,
    pub updated: usize,
    pub inserted: usize,
    pub total: usize,
}

/// One record that was not imported: the record and why, as `/jobs/{id}/errors` lists it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct JobError {
    /// The record as given.
    pub user: Value,
    /// `[{code, message, path}]` with Auth0's codes (`CONFLICT`, `INVALID_TYPE`, …).
    pub errors: Vec<Value>,
}
