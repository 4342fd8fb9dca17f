//! `api.cache`: what an Action keeps between its runs.

use parking_lot::Mutex;
use serde_json::json;
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// `api.cache`: kept per Action for as long as the fixtures are loaded, like Auth0's cache
/// persists across executions.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    entries: Mutex<HashMap<String, (String, i64)>>,
}

/// Auth0's default cache lifetime when neither `ttl` nor `expires_at` is given.
const CACHE_DEFAULT_TTL_MS: i64 = 15 * 60 * 1000;
/// Auth0's longest cache lifetime.
const CACHE_MAX_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// A bound so a looping Action cannot grow the mock's memory without end.
const CACHE_MAX_ENTRIES: usize = 10_000;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Cache {
    pub(super) fn get(&self, key: &str) -> Option<String> {
        let mut entries = self.entries.lock();
        let now = now_ms();
        match entries.get(key) {
            Some((_, expires)) if *expires <= now => {
                entries.remove(key);
                None
            }
            Some((value, expires)) => {
                Some(json!({ "value": value, "expires_at": expires }).to_string())
            }
            None => None,
        }
    }

    pub(super) fn set(&self, key: String, value: String, ttl_ms: f64, expires_at: f64) -> String {
        let now = now_ms();
        let mut expiry = now + CACHE_DEFAULT_TTL_MS;
        let by_ttl = (ttl_ms > 0.0).then(|| now.saturating_add(ttl_ms as i64));
        let by_date = (expires_at > 0.0).then_some(expires_at as i64);
        if let Some(t) = [by_ttl, by_date].into_iter().flatten().min() {
            expiry = t;
        }
        expiry = expiry.min(now + CACHE_MAX_TTL_MS);
        let mut entries = self.entries.lock();
        if entries.len() >= CACHE_MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, (_, e)| *e > now);
            if entries.len() >= CACHE_MAX_ENTRIES {
                return json!({ "type": "error", "code": "CACHE_FULL" }).to_string();
            }
        }
        entries.insert(key, (value.clone(), expiry));
        json!({ "type": "success", "record": { "value": value, "expires_at": expiry } }).to_string()
    }

    pub(super) fn delete(&self, key: &str) -> String {
        self.entries.lock().remove(key);
        json!({ "type": "success" }).to_string()
    }
}
