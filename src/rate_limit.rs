//! The Management API's rate limit: a one-second window, counted for every call, whose state
//! each reply reports in Auth0's `x-ratelimit-*` headers (SDKs read them, and auth0-python's
//! `RateLimitError` carries `x-ratelimit-reset`).

use parking_lot::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Calls per second the mock answers before it says 429. Far above a real tenant's limit, so
/// a seeding script that copes with Auth0 never meets it; a runaway loop does.
pub const MANAGEMENT_CALLS_PER_SECOND: u32 = 1_000;

/// A window's verdict on one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// `x-ratelimit-limit`.
    pub limit: u32,
    /// `x-ratelimit-remaining` after this call.
    pub remaining: u32,
    /// `x-ratelimit-reset`: when the window ends, Unix seconds.
    pub reset: u64,
    /// Whether this call is over the limit.
    pub exceeded: bool,
}

/// Counts calls per wall-clock second. Not the mock's clock: a frozen test clock must not
/// freeze the window too.
#[derive(Debug, Default)]
pub struct RateLimit {
    window: Mutex<(u64, u32)>,
}

impl RateLimit {
    /// Counts one call now.
    pub fn count(&self) -> Window {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.count_at(now)
    }

    fn count_at(&self, second: u64) -> Window {
        let mut w = self.window.lock();
        if w.0 != second {
            *w = (second, 0);
        }
        w.1 = w.1.saturating_add(1);
        let limit = MANAGEMENT_CALLS_PER_SECOND;
        Window {
            limit,
            remaining: limit.saturating_sub(w.1),
            reset: second + 1,
            exceeded: w.1 > limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_past_the_limit_is_refused_and_the_next_second_starts_afresh() {
        let r = RateLimit::default();
        for _ in 0..MANAGEMENT_CALLS_PER_SECOND {
            assert!(!r.count_at(10).exceeded);
        }
        let over = r.count_at(10);
        assert!(over.exceeded);
        assert_eq!((over.remaining, over.reset), (0, 11));
        let next = r.count_at(11);
        assert!(!next.exceeded);
        assert_eq!(next.remaining, MANAGEMENT_CALLS_PER_SECOND - 1);
    }
}
