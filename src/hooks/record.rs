//! A record of every hook run, so a test in any language can assert "the sync mutation ran with
//! these variables" through the control API.

use super::api::OutboundCall;
use super::event::Event;
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::VecDeque;

/// How a hook run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookOutcome {
    /// Ran and let the login through.
    Ok,
    /// Called `api.access.deny`.
    Denied,
    /// Failed (threw, timed out, outbound call failed with `on_failure: deny`).
    Failed,
}

/// One hook run.
#[derive(Debug, Clone, Serialize)]
pub struct HookRecord {
    /// Monotonic id.
    pub id: u64,
    /// Hook display name.
    pub hook: String,
    /// Hook kind.
    pub kind: String,
    /// Login transaction id (`event.transaction.id`).
    pub transaction_id: String,
    /// `event.transaction.protocol`.
    pub protocol: String,
    /// The user.
    pub user_id: String,
    /// The client.
    pub client_id: String,
    /// Outcome.
    pub outcome: HookOutcome,
    /// Denial reason or failure message.
    pub error: Option<String>,
    /// Milliseconds.
    pub duration_ms: f64,
    /// Outbound calls, secrets redacted.
    pub calls: Vec<OutboundCall>,
    /// `console.log` lines and warnings.
    pub logs: Vec<String>,
    /// Unix time the record was made.
    pub at: i64,
}

impl HookRecord {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        hook: &str,
        kind: &str,
        event: &Event,
        outcome: HookOutcome,
        duration_ms: f64,
        error: Option<String>,
        calls: Vec<OutboundCall>,
        logs: Vec<String>,
    ) -> Self {
        Self {
            id: 0,
            hook: hook.to_string(),
            kind: kind.to_string(),
            transaction_id: event.transaction_id().to_string(),
            protocol: event.protocol().to_string(),
            user_id: event.user_id().to_string(),
            client_id: event.client_id().to_string(),
            outcome,
            error,
            duration_ms,
            calls,
            logs,
            at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
        }
    }
}

/// The most recent hook records (bounded).
#[derive(Debug, Default)]
pub struct HookRecords {
    inner: Mutex<(u64, VecDeque<HookRecord>)>,
}

const KEEP: usize = 1000;

impl HookRecords {
    /// Appends a record, dropping the oldest past the bound.
    pub(crate) fn push(&self, mut record: HookRecord) {
        let mut guard = self.inner.lock();
        guard.0 += 1;
        record.id = guard.0;
        guard.1.push_back(record);
        while guard.1.len() > KEEP {
            guard.1.pop_front();
        }
    }

    /// All kept records, oldest first.
    pub fn list(&self) -> Vec<HookRecord> {
        self.inner.lock().1.iter().cloned().collect()
    }

    /// Forgets every record.
    pub fn clear(&self) {
        self.inner.lock().1.clear();
    }
}
