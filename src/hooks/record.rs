//! A record of every hook run, so a test in any language can assert "the sync mutation ran with
//! these variables" through the control API.
//!
//! The store is bounded in count and in bytes (each record's size as `GET /__mock/hooks` sends
//! it): three flooding logins once made that answer 468 MB. The oldest records leave first.

use super::api::{OutboundCall, Trace};
use super::console::ConsoleCut;
use super::event::Event;
use crate::protocol::Trigger;
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Records kept at most: far more than one test's logins, few enough to list quickly.
const KEEP: usize = 1000;

/// Bytes of records kept at most, as serialised JSON. A run keeps at most 64 KiB of console and
/// 256 KiB of call bodies, so this holds dozens of the largest runs and thousands of ordinary
/// ones, while listing the store (which copies it a few times over) stays under ~100 MB.
pub const MAX_STORE_BYTES: usize = 16 * 1024 * 1024;

/// How often, at most, the log repeats that the store is dropping records to stay in bounds.
const EVICTION_LOG_EVERY: Duration = Duration::from_secs(10);

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
    /// The trigger the hook ran for (`post-login`, `post-user-registration`, …).
    pub trigger: Trigger,
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
    /// `console.log` lines and warnings, within the per-run console budget.
    pub logs: Vec<String>,
    /// What the console budget cut (`null` when nothing was); `logs` then ends with a notice.
    pub console_truncated: Option<ConsoleCut>,
    /// Unix time the record was made.
    pub at: i64,
}

/// Which hook ran, for which trigger: the fixed part of a record.
pub(crate) struct HookRun<'a> {
    pub trigger: Trigger,
    pub hook: &'a str,
    pub kind: &'a str,
}

impl HookRecord {
    pub(crate) fn new(
        run: HookRun<'_>,
        event: &Event,
        outcome: HookOutcome,
        duration_ms: f64,
        error: Option<String>,
        trace: Trace,
    ) -> Self {
        Self {
            id: 0,
            trigger: run.trigger,
            hook: run.hook.to_string(),
            kind: run.kind.to_string(),
            transaction_id: event.transaction_id().to_string(),
            protocol: event.protocol().to_string(),
            user_id: event.user_id().to_string(),
            client_id: event.client_id().to_string(),
            outcome,
            error,
            duration_ms,
            calls: trace.calls,
            logs: trace.logs,
            console_truncated: trace.console_cut,
            at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
        }
    }
}

/// The most recent hook records, bounded by count and bytes.
#[derive(Debug)]
pub struct HookRecords {
    inner: Mutex<Store>,
    /// The newest record's id, for those waiting for the next one (a dashboard's timeline, a
    /// test that waits for a hook instead of sleeping).
    newest: watch::Sender<u64>,
}

impl Default for HookRecords {
    fn default() -> Self {
        Self::with_bounds(KEEP, MAX_STORE_BYTES)
    }
}

#[derive(Debug)]
struct Store {
    next_id: u64,
    /// Each record with its serialised size.
    records: VecDeque<(HookRecord, usize)>,
    bytes: usize,
    max_records: usize,
    max_bytes: usize,
    evicted: u64,
    evicted_since_log: u64,
    last_log: Option<Instant>,
    clears: u64,
}

impl Store {
    fn evict_oldest(&mut self) {
        if let Some((_, size)) = self.records.pop_front() {
            self.bytes -= size;
            self.evicted += 1;
            self.evicted_since_log += 1;
        }
    }

    /// Says, at most every [`EVICTION_LOG_EVERY`], how many records left to stay in bounds:
    /// a long load test evicts on every login and must not flood the log with it.
    fn log_evictions(&mut self) {
        let due = self
            .last_log
            .is_none_or(|at| at.elapsed() >= EVICTION_LOG_EVERY);
        if self.evicted_since_log > 0 && due {
            tracing::warn!(
                max_records = self.max_records,
                max_bytes = self.max_bytes,
                dropped = self.evicted_since_log,
                total_dropped = self.evicted,
                "hook records full: dropped the oldest records to stay within the cap"
            );
            self.last_log = Some(Instant::now());
            self.evicted_since_log = 0;
        }
    }
}

/// Bytes `value` takes as JSON, without building the text.
fn json_size(value: &impl Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // A record is plain data: serialising it cannot fail, and a failure would only
    // under-count one record.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

impl HookRecords {
    /// A store keeping at most `max_records` records and `max_bytes` of them as JSON (the
    /// newest record is kept even when it alone is larger).
    pub(crate) fn with_bounds(max_records: usize, max_bytes: usize) -> Self {
        Self {
            inner: Mutex::new(Store {
                next_id: 0,
                records: VecDeque::new(),
                bytes: 0,
                max_records: max_records.max(1),
                max_bytes,
                evicted: 0,
                evicted_since_log: 0,
                last_log: None,
                clears: 0,
            }),
            newest: watch::Sender::new(0),
        }
    }

    /// Appends a record, dropping the oldest past either bound.
    pub(crate) fn push(&self, mut record: HookRecord) {
        let size = json_size(&record);
        let mut store = self.inner.lock();
        store.next_id += 1;
        record.id = store.next_id;
        store.bytes += size;
        store.records.push_back((record, size));
        while store.records.len() > 1
            && (store.records.len() > store.max_records || store.bytes > store.max_bytes)
        {
            store.evict_oldest();
        }
        store.log_evictions();
        let id = store.next_id;
        drop(store);
        // Two pushes may announce out of order; the newest id only ever grows.
        self.newest.send_modify(|n| *n = (*n).max(id));
    }

    /// All kept records, oldest first.
    pub fn list(&self) -> Vec<HookRecord> {
        self.inner
            .lock()
            .records
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// Kept records newer than `after` (an id a previous answer ended with), oldest first.
    pub fn list_after(&self, after: u64) -> Vec<HookRecord> {
        self.inner
            .lock()
            .records
            .iter()
            .filter(|(r, _)| r.id > after)
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// Records newer than `after`, waiting up to `wait` for the first one when there is none
    /// yet: a long poll, so a live view or a test learns of a run as it is recorded.
    pub async fn wait_after(&self, after: u64, wait: Duration) -> Vec<HookRecord> {
        let mut newest = self.newest.subscribe();
        let arrived = newest.wait_for(|id| *id > after);
        // Either way the answer is what is kept now; a timeout just means "nothing yet".
        let _ = tokio::time::timeout(wait, arrived).await;
        self.list_after(after)
    }

    /// The id the newest record got (0 before any): a reader that has seen up to here need
    /// not ask again for what a clear took away, and one that has seen more knows the mock
    /// restarted.
    pub fn newest_id(&self) -> u64 {
        *self.newest.borrow()
    }

    /// How many times the records were cleared, so a live view knows to start over.
    pub fn clears(&self) -> u64 {
        self.inner.lock().clears
    }

    /// How many records are kept.
    pub fn len(&self) -> usize {
        self.inner.lock().records.len()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every record.
    pub fn clear(&self) {
        let mut store = self.inner.lock();
        store.records.clear();
        store.bytes = 0;
        store.clears += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(log: &str) -> HookRecord {
        let trace = Trace {
            logs: vec![log.to_string()],
            ..Default::default()
        };
        HookRecord::new(
            HookRun {
                trigger: Trigger::PostLogin,
                hook: "h",
                kind: "action",
            },
            &Event::empty(),
            HookOutcome::Ok,
            0.0,
            None,
            trace,
        )
    }

    fn kept_logs(records: &HookRecords) -> Vec<String> {
        records.list().iter().map(|r| r.logs[0].clone()).collect()
    }

    #[test]
    fn past_the_byte_cap_the_oldest_records_leave_first() {
        let one = json_size(&record(&"x".repeat(1000)));
        let records = HookRecords::with_bounds(100, 2 * one);
        for n in 0..4 {
            records.push(record(&format!("{n}{}", "x".repeat(999))));
        }
        let kept: Vec<char> = kept_logs(&records)
            .iter()
            .filter_map(|l| l.chars().next())
            .collect();
        assert_eq!(kept, vec!['2', '3']);
    }

    #[test]
    fn past_the_count_cap_the_oldest_records_leave_first() {
        let records = HookRecords::with_bounds(2, usize::MAX);
        for n in ["a", "b", "c"] {
            records.push(record(n));
        }
        assert_eq!(kept_logs(&records), vec!["b", "c"]);
    }

    #[test]
    fn the_newest_record_is_kept_even_when_larger_than_the_cap() {
        let records = HookRecords::with_bounds(100, 10);
        records.push(record("larger than ten bytes"));
        assert_eq!(records.list().len(), 1);
    }

    #[test]
    fn the_store_stays_within_its_bytes_as_listed() {
        let records = HookRecords::with_bounds(1000, 50_000);
        for _ in 0..200 {
            records.push(record(&"y".repeat(2000)));
        }
        let listed = json_size(&records.list());
        assert!(listed <= 50_000, "{listed}");
    }

    #[test]
    fn evictions_are_counted() {
        let records = HookRecords::with_bounds(1, usize::MAX);
        for n in ["a", "b", "c"] {
            records.push(record(n));
        }
        assert_eq!(records.inner.lock().evicted, 2);
    }

    #[test]
    fn listing_after_an_id_gives_only_newer_records() {
        let records = HookRecords::default();
        for n in ["a", "b", "c"] {
            records.push(record(n));
        }
        let logs: Vec<String> = records
            .list_after(1)
            .iter()
            .map(|r| r.logs[0].clone())
            .collect();
        assert_eq!(logs, vec!["b", "c"]);
    }

    #[tokio::test]
    async fn a_waiting_listing_returns_when_a_record_arrives() {
        let records = std::sync::Arc::new(HookRecords::default());
        let waiter = tokio::spawn({
            let records = records.clone();
            async move { records.wait_after(0, Duration::from_secs(30)).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "nothing to answer with yet");
        records.push(record("late"));
        let got = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("the wait ended with the record, not at its timeout")
            .expect("the waiter ran");
        assert_eq!(got.len(), 1);
    }

    #[tokio::test]
    async fn a_waiting_listing_with_nothing_new_ends_empty_at_its_timeout() {
        let records = HookRecords::default();
        records.push(record("old"));
        assert!(
            records
                .wait_after(1, Duration::from_millis(20))
                .await
                .is_empty()
        );
    }

    #[test]
    fn the_newest_id_survives_a_clear() {
        let records = HookRecords::default();
        records.push(record("a"));
        records.clear();
        assert_eq!((records.newest_id(), records.clears()), (1, 1));
    }

    #[test]
    fn ids_go_on_after_a_clear() {
        let records = HookRecords::default();
        records.push(record("a"));
        records.clear();
        records.push(record("b"));
        assert_eq!(records.list()[0].id, 2);
    }

    #[test]
    fn clearing_forgets_the_bytes_too() {
        let records = HookRecords::with_bounds(100, 10_000);
        records.push(record(&"z".repeat(5000)));
        records.clear();
        assert_eq!(records.inner.lock().bytes, 0);
    }
}
