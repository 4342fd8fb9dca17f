//! The running mock: tenant, keys, clock, runtime store, hook pipeline and control settings.
//! One `Arc<Mock>` is shared by every request handler and by the Rust [`crate::MockHandle`].

use crate::clock::Clock;
use crate::error::FixtureError;
use crate::faults::Faults;
use crate::hooks::{HookRecords, Pipeline, PostLoginHook};
use crate::keys::{KeySet, SigningKey};
use crate::store::Store;
use crate::tenant::Tenant;
use parking_lot::{Mutex, RwLock};
use std::sync::Arc;

/// A scenario chosen for the next logins (control API), with how many logins remain.
#[derive(Debug, Clone)]
pub struct NextScenario {
    /// Scenario name.
    pub name: String,
    /// Logins left that get it.
    pub remaining: u32,
}

/// Everything the mock serves from.
pub struct Mock {
    /// The issuer, with its trailing slash. Fixed at start; never taken from `Host`.
    pub issuer: String,
    /// Tenant configuration (replaced by a reset).
    pub tenant: RwLock<Arc<Tenant>>,
    /// Post-login pipeline built from the tenant.
    pub pipeline: RwLock<Arc<Pipeline>>,
    /// Signing keys.
    pub keys: RwLock<KeySet>,
    /// Users, sessions, codes, refresh tokens.
    pub store: Mutex<Store>,
    /// Adjustable clock.
    pub clock: Clock,
    /// Hook run records.
    pub records: HookRecords,
    /// Shared outbound HTTP client: hooks reuse its connections.
    /// Built on first use (or by a warm-up after the listener is up): loading the platform's
    /// root certificates costs milliseconds that startup should not pay.
    http: std::sync::OnceLock<Result<reqwest::Client, String>>,
    /// Injected failures (control API).
    pub faults: Faults,
    /// Scenario for the next logins.
    pub next_scenario: Mutex<Option<NextScenario>>,
    /// Whether the mock serves https (cookie attributes depend on it).
    pub https: bool,
    /// JWKS `Cache-Control: max-age`.
    pub jwks_max_age: u64,
    /// Control API: who may call it.
    pub control: ControlAccess,
    extra_hooks: Vec<Arc<dyn PostLoginHook>>,
    /// `--key`: survives resets, which otherwise go back to the fixtures' key.
    key_override: Option<Arc<SigningKey>>,
}

/// Who may use the control API and the Management API subset.
#[derive(Debug, Clone, Default)]
pub struct ControlAccess {
    /// Accept callers from non-loopback addresses (needed inside Docker networks).
    pub allow_remote: bool,
    /// When set, callers presenting `Authorization: Bearer <token>` are accepted from anywhere.
    pub token: Option<String>,
}

impl Mock {
    /// Builds the mock state for a tenant.
    pub fn new(
        tenant: Tenant,
        issuer: String,
        https: bool,
        key_override: Option<SigningKey>,
        extra_hooks: Vec<Arc<dyn PostLoginHook>>,
        control: ControlAccess,
    ) -> Result<Self, FixtureError> {
        let pipeline = Pipeline::build(&tenant, &extra_hooks)?;
        let key_override = key_override.map(Arc::new);
        let keys = key_set(&tenant, key_override.clone())?;
        Ok(Self {
            issuer,
            store: Mutex::new(Store::new(tenant.users.clone())),
            tenant: RwLock::new(Arc::new(tenant)),
            pipeline: RwLock::new(Arc::new(pipeline)),
            keys: RwLock::new(keys),
            clock: Clock::default(),
            records: HookRecords::default(),
            http: std::sync::OnceLock::new(),
            faults: Faults::default(),
            next_scenario: Mutex::new(None),
            https,
            jwks_max_age: 300,
            control,
            extra_hooks,
            key_override,
        })
    }

    /// The shared outbound HTTP client (connection reuse across logins).
    pub fn http(&self) -> Result<reqwest::Client, String> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .pool_idle_timeout(std::time::Duration::from_secs(60))
                    .build()
                    .map_err(|e| format!("outbound HTTP client: {e}"))
            })
            .clone()
    }

    /// The tenant currently served.
    pub fn tenant(&self) -> Arc<Tenant> {
        self.tenant.read().clone()
    }

    /// The current pipeline.
    pub fn pipeline(&self) -> Arc<Pipeline> {
        self.pipeline.read().clone()
    }

    /// Back to the fixtures: users, sessions, tokens, records, faults, clock and keys.
    pub fn reset(&self, tenant: Option<Tenant>) -> Result<(), FixtureError> {
        let tenant = match tenant {
            Some(t) => t,
            None => (*self.tenant()).clone(),
        };
        let pipeline = Pipeline::build(&tenant, &self.extra_hooks)?;
        let keys = key_set(&tenant, self.key_override.clone())?;
        *self.store.lock() = Store::new(tenant.users.clone());
        *self.keys.write() = keys;
        *self.pipeline.write() = Arc::new(pipeline);
        *self.tenant.write() = Arc::new(tenant);
        *self.next_scenario.lock() = None;
        self.records.clear();
        self.faults.clear();
        self.clock.reset();
        Ok(())
    }

    /// Takes the scenario for this login, if one was chosen, counting it down.
    pub fn take_next_scenario(&self) -> Option<String> {
        let mut guard = self.next_scenario.lock();
        let next = guard.as_mut()?;
        let name = next.name.clone();
        next.remaining = next.remaining.saturating_sub(1);
        if next.remaining == 0 {
            *guard = None;
        }
        Some(name)
    }
}

fn key_set(tenant: &Tenant, key_override: Option<Arc<SigningKey>>) -> Result<KeySet, FixtureError> {
    let file = format!("{}/keys", tenant.source);
    let current = match key_override {
        Some(k) => k,
        None => Arc::new(
            tenant
                .signing_key
                .load()
                .map_err(|e| FixtureError::invalid(&file, "current", e.to_string()))?,
        ),
    };
    let next = match &tenant.next_key {
        Some(k) => {
            Some(Arc::new(k.load().map_err(|e| {
                FixtureError::invalid(&file, "next", e.to_string())
            })?))
        }
        None => None,
    };
    Ok(KeySet {
        current,
        next,
        previous: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_override_survives_reset_and_rotation_moves_on() {
        let tenant = crate::tenant::load_embedded().unwrap();
        let next_pem = tenant.next_key.as_ref().unwrap().key.clone();
        let override_key = SigningKey::from_pem(&next_pem).unwrap();
        let kid = override_key.kid.clone();
        let mock = Mock::new(
            tenant,
            "http://localhost/".into(),
            false,
            Some(override_key),
            Vec::new(),
            ControlAccess::default(),
        )
        .unwrap();
        assert_eq!(mock.keys.read().current.kid, kid);
        let rotated = mock.keys.write().rotate().unwrap();
        assert_ne!(rotated, kid);
        assert!(
            mock.keys.read().jwks()["keys"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kid"] == kid.as_str())
        );
        mock.reset(None).unwrap();
        assert_eq!(
            mock.keys.read().current.kid,
            kid,
            "--key is kept across resets"
        );
    }
}
