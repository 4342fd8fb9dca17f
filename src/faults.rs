//! Injected failures: "the next N requests to this endpoint fail this way", so test suites can
//! check how their app copes with a 429 from `/oauth/token` or a slow or failing JWKS.

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};

/// How a faulty request fails.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status and an Auth0-shaped JSON error.
    Status {
        /// HTTP status (400–599).
        status: u16,
        /// `error` member; defaults by status (`too_many_attempts` for 429, `server_error`…).
        #[serde(default)]
        error: Option<String>,
        /// `error_description` member.
        #[serde(default)]
        error_description: Option<String>,
    },
    /// Wait this long, then serve normally.
    Delay {
        /// Milliseconds (at most 60000).
        ms: u64,
    },
}

/// One armed fault.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    /// Request path it applies to (`/oauth/token`, `/.well-known/jwks.json`…).
    pub endpoint: String,
    /// How many requests it still affects.
    pub count: u32,
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
}

/// The armed faults.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Mutex<Vec<Fault>>,
    /// Whether anything is armed: every request asks, and almost always nothing is.
    any: AtomicBool,
}

impl Faults {
    /// Arms a fault after checking it is sensible.
    pub fn arm(&self, fault: Fault) -> Result<(), String> {
        if !fault.endpoint.starts_with('/') {
            return Err(format!(
                "endpoint '{}' must be a path starting with /",
                fault.endpoint
            ));
        }
        if fault.endpoint.starts_with("/__mock") {
            return Err("the control API cannot be made to fail".into());
        }
        if fault.count == 0 || fault.count > 10_000 {
            return Err("count must be between 1 and 10000".into());
        }
        match &fault.kind {
            FaultKind::Status { status, .. } if !(400..=599).contains(status) => {
                return Err(format!("status {status} is not an error status (400-599)"));
            }
            FaultKind::Delay { ms } if *ms > 60_000 => {
                return Err("delay ms must be at most 60000".into());
            }
            _ => {}
        }
        self.armed.lock().push(fault);
        self.any.store(true, Ordering::Release);
        Ok(())
    }

    /// Takes one use of the first fault armed for `path`, if any.
    pub fn take(&self, path: &str) -> Option<FaultKind> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let mut armed = self.armed.lock();
        let idx = armed.iter().position(|f| f.endpoint == path)?;
        let kind = armed[idx].kind.clone();
        armed[idx].count -= 1;
        if armed[idx].count == 0 {
            armed.remove(idx);
            self.any.store(!armed.is_empty(), Ordering::Release);
        }
        Some(kind)
    }

    /// The armed faults.
    pub fn list(&self) -> Vec<Fault> {
        self.armed.lock().clone()
    }

    /// Disarms everything.
    pub fn clear(&self) {
        let mut armed = self.armed.lock();
        armed.clear();
        self.any.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down() {
        let f = Faults::default();
        f.arm(Fault {
            endpoint: "/oauth/token".into(),
            count: 2,
            kind: FaultKind::Status {
                status: 429,
                error: None,
                error_description: None,
            },
        })
        .unwrap();
        assert!(f.take("/oauth/token").is_some());
        assert!(f.take("/userinfo").is_none());
        assert!(f.take("/oauth/token").is_some());
        assert!(f.take("/oauth/token").is_none());
    }

    #[test]
    fn validates() {
        let f = Faults::default();
        assert!(
            f.arm(Fault {
                endpoint: "oauth".into(),
                count: 1,
                kind: FaultKind::Delay { ms: 1 }
            })
            .is_err()
        );
        assert!(
            f.arm(Fault {
                endpoint: "/x".into(),
                count: 0,
                kind: FaultKind::Delay { ms: 1 }
            })
            .is_err()
        );
        assert!(
            f.arm(Fault {
                endpoint: "/x".into(),
                count: 1,
                kind: FaultKind::Status {
                    status: 200,
                    error: None,
                    error_description: None
                }
            })
            .is_err()
        );
    }
}
