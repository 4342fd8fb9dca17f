//! The running mock: tenant, keys, clock, runtime store, hook pipeline and control settings.
//! One `Arc<Mock>` is shared by every request handler and by the Rust [`crate::MockHandle`];
//! its parts are reached through methods, and the parts that change (tenant, keys, store) only
//! through operations that keep them consistent.

use crate::clock::Clock;
use crate::error::FixtureError;
use crate::faults::Faults;
use crate::hooks::{HookRecords, LocalService, Outbound, Pipeline, Pipelines, PostLoginHook};
use crate::keys::{KeyError, KeySet, SigningKey};
use crate::outbox::Outbox;
use crate::protocol::Trigger;
use crate::store::Store;
use crate::tenant::{Scenario, Tenant};
use axum::http::HeaderValue;
use parking_lot::{Mutex, RwLock};
use std::sync::{Arc, OnceLock};

/// Most logins one `next scenario` call may cover.
pub const NEXT_SCENARIO_MAX: u32 = 10_000;

/// Who may use the control API and the Management API subset.
#[derive(Debug, Clone, Default)]
pub struct ControlAccess {
    /// Accept callers from non-loopback addresses (needed inside Docker networks).
    pub allow_remote: bool,
    /// When set, callers presenting `Authorization: Bearer <token>` are accepted from anywhere.
    pub token: Option<String>,
    /// Browser origins (`https://ci.example.test`) whose pages may call these APIs besides the
    /// mock's own hosts: the guard refuses every other cross-site page.
    pub allowed_origins: Vec<String>,
    /// Host names besides loopback names and the issuer's host under which these APIs answer
    /// (a container name, say): the guard against DNS rebinding refuses every other `Host`.
    pub allowed_hosts: Vec<String>,
}

/// A scenario chosen for the next logins, with how many logins remain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NextScenario {
    /// Scenario name.
    pub scenario: String,
    /// Logins left that get it.
    pub remaining: u32,
}

/// Why scenarios could not be armed for the next logins.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NextScenarioError {
    /// No scenario of that name.
    #[error("unknown scenario '{0}'")]
    Unknown(String),
    /// A count of zero or above [`NEXT_SCENARIO_MAX`].
    #[error("count must be between 1 and {NEXT_SCENARIO_MAX}")]
    Count,
}

/// A user chosen for the next logins through the login page, with how many remain: the
/// one-click picker without the click, so an SDK's `loginWithRedirect` completes untouched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NextLogin {
    /// The user signed in.
    pub user_id: String,
    /// Logins left that sign them in.
    pub remaining: u32,
}

/// Why a user could not be chosen for the next logins (or signed in directly).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NextLoginError {
    /// No user has that id, email or username.
    #[error("no user '{0}'")]
    Unknown(String),
    /// The user is blocked and could not log in.
    #[error("user '{0}' is blocked")]
    Blocked(String),
    /// A count of zero or above [`NEXT_SCENARIO_MAX`].
    #[error("count must be between 1 and {NEXT_SCENARIO_MAX}")]
    Count,
}

/// How a mock is set up, besides its tenant.
pub(crate) struct MockOptions {
    /// The issuer, with its trailing slash. Fixed at start; never taken from `Host`.
    pub issuer: String,
    /// Whether the mock serves https (cookie attributes depend on it).
    pub https: bool,
    /// JWKS `Cache-Control: max-age`.
    pub jwks_max_age: u64,
    /// Control API: who may call it.
    pub control: ControlAccess,
    /// Hooks registered in code, run after the tenant's bindings.
    pub hooks: Vec<Arc<dyn PostLoginHook>>,
    /// `--key`: survives resets, which otherwise go back to the fixtures' key.
    pub key_override: Option<SigningKey>,
    /// `--smtp`: where the outbox's emails also go.
    pub smtp: Option<crate::mail::Smtp>,
}

/// Everything the mock serves from.
pub(crate) struct Mock {
    issuer: String,
    https: bool,
    /// The JWKS `Cache-Control` value, made once: every JWKS request sends it.
    jwks_cache_control: HeaderValue,
    control: ControlAccess,
    extra_hooks: Vec<Arc<dyn PostLoginHook>>,
    key_override: Option<Arc<SigningKey>>,
    /// The tenant served: the fixtures' one, with what the Management API changed since.
    tenant: RwLock<Arc<Tenant>>,
    /// The fixtures' tenant, which a reset goes back to.
    loaded: RwLock<Arc<Tenant>>,
    /// Serialises Management API edits of the tenant, so two never lose one another's change.
    editing: Mutex<()>,
    pipelines: RwLock<Arc<Pipelines>>,
    keys: RwLock<Arc<KeySet>>,
    /// Serialises rotations, which build the next set outside the `keys` lock.
    rotation: Mutex<()>,
    store: Store,
    clock: Clock,
    records: HookRecords,
    outbox: Outbox,
    faults: Faults,
    /// The Management API's calls per second.
    management_limit: crate::rate_limit::RateLimit,
    next_scenario: Mutex<Option<NextScenario>>,
    next_login: Mutex<Option<NextLogin>>,
    /// Shared outbound HTTP client: hooks reuse its connections. Built on first use (or by a
    /// warm-up after the listener is up): loading the platform's root certificates costs
    /// milliseconds that startup should not pay.
    http: OnceLock<Result<reqwest::Client, String>>,
    /// The mock's own endpoints for hooks' in-process calls, set when its router is built.
    local: OnceLock<Arc<dyn LocalService>>,
}

impl Mock {
    /// Builds the mock for a tenant, validating its hooks and keys.
    pub(crate) fn new(tenant: Tenant, options: MockOptions) -> Result<Self, FixtureError> {
        let pipelines = Pipelines::build(&tenant, &options.hooks)?;
        let key_override = options.key_override.map(Arc::new);
        let keys = key_set(&tenant, key_override.clone())?;
        Ok(Self {
            issuer: options.issuer,
            https: options.https,
            jwks_cache_control: HeaderValue::from_str(&format!(
                "public, max-age={}",
                options.jwks_max_age
            ))
            .unwrap_or(HeaderValue::from_static("public, max-age=300")),
            control: options.control,
            extra_hooks: options.hooks,
            key_override,
            store: Store::new(tenant.users.clone(), default_connection(&tenant)),
            loaded: RwLock::new(Arc::new(tenant.clone())),
            tenant: RwLock::new(Arc::new(tenant)),
            editing: Mutex::new(()),
            pipelines: RwLock::new(Arc::new(pipelines)),
            keys: RwLock::new(Arc::new(keys)),
            rotation: Mutex::new(()),
            clock: Clock::default(),
            records: HookRecords::default(),
            outbox: Outbox::with_relay(options.smtp.map(|smtp| {
                std::sync::Arc::new(move |m: &crate::outbox::Message| smtp.deliver(m))
                    as crate::outbox::Relay
            })),
            faults: Faults::default(),
            management_limit: Default::default(),
            next_scenario: Mutex::new(None),
            next_login: Mutex::new(None),
            http: OnceLock::new(),
            local: OnceLock::new(),
        })
    }

    /// The issuer, with its trailing slash.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Whether the mock serves https.
    pub(crate) fn https(&self) -> bool {
        self.https
    }

    /// The JWKS `Cache-Control` header (`public, max-age=<--jwks-max-age>`).
    pub(crate) fn jwks_cache_control(&self) -> HeaderValue {
        self.jwks_cache_control.clone()
    }

    /// Who may use the control API.
    pub(crate) fn control(&self) -> &ControlAccess {
        &self.control
    }

    /// The tenant currently served.
    pub(crate) fn tenant(&self) -> Arc<Tenant> {
        self.tenant.read().clone()
    }

    /// The tenant as the fixtures loaded it, before the Management API changed anything: what
    /// a reset goes back to, and what the dashboard tells runtime-made records apart from.
    pub(crate) fn loaded_tenant(&self) -> Arc<Tenant> {
        self.loaded.read().clone()
    }

    /// Changes the served tenant (roles, APIs, clients, grants made through the Management
    /// API): `edit` works on a copy, which replaces the tenant only if it succeeds, so a
    /// refused change leaves nothing half-written. Logins in flight keep the tenant they began
    /// with; the next ones see the change.
    pub(crate) fn edit_tenant<R, E>(
        &self,
        edit: impl FnOnce(&mut Tenant) -> Result<R, E>,
    ) -> Result<R, E> {
        let _one_at_a_time = self.editing.lock();
        let mut copy = (*self.tenant()).clone();
        let out = edit(&mut copy)?;
        *self.tenant.write() = Arc::new(copy);
        Ok(out)
    }

    /// The post-login pipeline currently run.
    pub(crate) fn pipeline(&self) -> Arc<Pipeline> {
        self.pipelines.read().get(Trigger::PostLogin)
    }

    /// The pipeline of any trigger.
    pub(crate) fn trigger_pipeline(&self, trigger: Trigger) -> Arc<Pipeline> {
        self.pipelines.read().get(trigger)
    }

    /// The published keys.
    pub(crate) fn keys(&self) -> Arc<KeySet> {
        self.keys.read().clone()
    }

    /// The runtime store.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The mock's clock.
    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Hook run records.
    pub(crate) fn records(&self) -> &HookRecords {
        &self.records
    }

    /// The messages Auth0 would have sent.
    pub(crate) fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The Management API's rate limit.
    pub(crate) fn management_limit(&self) -> &crate::rate_limit::RateLimit {
        &self.management_limit
    }

    /// Injected failures.
    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The shared outbound HTTP client (connection reuse across logins).
    pub(crate) fn http(&self) -> Result<reqwest::Client, String> {
        self.http
            .get_or_init(|| {
                reqwest::Client::builder()
                    .pool_idle_timeout(std::time::Duration::from_secs(60))
                    .build()
                    .map_err(|e| format!("outbound HTTP client: {e}"))
            })
            .clone()
    }

    /// Where hooks' HTTP goes: the shared client, and the mock itself for in-process calls.
    pub(crate) fn outbound(&self) -> Result<Outbound, String> {
        Ok(Outbound {
            client: self.http()?,
            local: self.local.get().cloned(),
        })
    }

    /// Lets hooks call the mock's own endpoints in-process (the first router built sets it).
    pub(crate) fn serve_locally(&self, local: Arc<dyn LocalService>) {
        let _ = self.local.set(local);
    }

    /// Rotates the signing key: the next key (or a fresh one) signs, the old one stays
    /// published. Returns the new current key id.
    pub(crate) fn rotate_keys(&self) -> Result<String, KeyError> {
        let _one_at_a_time = self.rotation.lock();
        let current = self.keys();
        // Generating a key takes tens of milliseconds: never while signers wait on the lock.
        let fresh = if current.rotation_needs_fresh_key() {
            Some(SigningKey::generate()?)
        } else {
            None
        };
        let rotated = current.rotated(|| fresh.ok_or(KeyError::Backend("no key".into())))?;
        let kid = rotated.current().kid.clone();
        *self.keys.write() = Arc::new(rotated);
        Ok(kid)
    }

    /// Back to the fixtures (or to `tenant`): users, sessions, tokens, records, outbox, faults,
    /// clock, keys and next-login scenarios.
    pub(crate) fn reset(&self, tenant: Option<Tenant>) -> Result<(), FixtureError> {
        let tenant = match tenant {
            Some(t) => t,
            None => (**self.loaded.read()).clone(),
        };
        let pipelines = Pipelines::build(&tenant, &self.extra_hooks)?;
        let keys = key_set(&tenant, self.key_override.clone())?;
        // A rotation finishing after this would bring back the replaced key set, and an edit
        // finishing after it the replaced tenant.
        let _no_rotation = self.rotation.lock();
        let _no_edit = self.editing.lock();
        self.store
            .reset(tenant.users.clone(), default_connection(&tenant));
        *self.keys.write() = Arc::new(keys);
        *self.pipelines.write() = Arc::new(pipelines);
        *self.loaded.write() = Arc::new(tenant.clone());
        *self.tenant.write() = Arc::new(tenant);
        *self.next_scenario.lock() = None;
        *self.next_login.lock() = None;
        self.records.clear();
        self.outbox.clear();
        self.faults.clear();
        self.clock.reset();
        Ok(())
    }

    /// Gives the next `count` logins the scenario `name` (the one rule for the control API and
    /// the Rust handle).
    pub(crate) fn arm_next_scenario(
        &self,
        name: &str,
        count: u32,
    ) -> Result<NextScenario, NextScenarioError> {
        if self.tenant().scenario(name).is_none() {
            return Err(NextScenarioError::Unknown(name.to_string()));
        }
        if count == 0 || count > NEXT_SCENARIO_MAX {
            return Err(NextScenarioError::Count);
        }
        let next = NextScenario {
            scenario: name.to_string(),
            remaining: count,
        };
        *self.next_scenario.lock() = Some(next.clone());
        Ok(next)
    }

    /// A user who may log in now, by id, email or username: the one rule for direct sign-ins
    /// and next-login users.
    pub(crate) fn user_who_may_log_in(
        &self,
        login: &str,
    ) -> Result<crate::tenant::User, NextLoginError> {
        let user = self
            .store
            .find_user(login)
            .ok_or_else(|| NextLoginError::Unknown(login.to_string()))?;
        if user.blocked {
            return Err(NextLoginError::Blocked(login.to_string()));
        }
        Ok(user)
    }

    /// Signs `login` in at the next `count` visits of the login page.
    pub(crate) fn arm_next_login(
        &self,
        login: &str,
        count: u32,
    ) -> Result<NextLogin, NextLoginError> {
        let user = self.user_who_may_log_in(login)?;
        if count == 0 || count > NEXT_SCENARIO_MAX {
            return Err(NextLoginError::Count);
        }
        let next = NextLogin {
            user_id: user.user_id,
            remaining: count,
        };
        *self.next_login.lock() = Some(next.clone());
        Ok(next)
    }

    /// Forgets the user armed for the next logins.
    pub(crate) fn disarm_next_login(&self) {
        *self.next_login.lock() = None;
    }

    /// Takes the user for this login page visit, if one was armed, counting it down.
    pub(crate) fn take_next_login(&self) -> Option<String> {
        let mut guard = self.next_login.lock();
        let next = guard.as_mut()?;
        let user_id = next.user_id.clone();
        next.remaining = next.remaining.saturating_sub(1);
        if next.remaining == 0 {
            *guard = None;
        }
        Some(user_id)
    }

    /// The scenario armed for the next logins, if any, with how many are left.
    pub(crate) fn next_scenario(&self) -> Option<NextScenario> {
        self.next_scenario.lock().clone()
    }

    /// Puts back what [`Mock::next_scenario`] returned (or nothing), after a login that had
    /// to arm its own.
    pub(crate) fn restore_next_scenario(&self, next: Option<NextScenario>) {
        *self.next_scenario.lock() = next;
    }

    /// Forgets the scenario armed for the next logins.
    pub(crate) fn disarm_next_scenario(&self) {
        *self.next_scenario.lock() = None;
    }

    /// Takes the scenario for this login, if one was armed, counting it down.
    pub(crate) fn take_next_scenario(&self) -> Option<Arc<Scenario>> {
        let name = {
            let mut guard = self.next_scenario.lock();
            let next = guard.as_mut()?;
            let name = next.scenario.clone();
            next.remaining = next.remaining.saturating_sub(1);
            if next.remaining == 0 {
                *guard = None;
            }
            name
        };
        self.tenant().scenario(&name).cloned().map(Arc::new)
    }
}

/// The connection of users that name none: the tenant's default database connection.
fn default_connection(tenant: &Tenant) -> String {
    tenant
        .default_connection()
        .map(|c| c.name.clone())
        .unwrap_or_default()
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
    Ok(KeySet::new(current, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn options(key_override: Option<SigningKey>) -> MockOptions {
        MockOptions {
            issuer: "http://localhost/".into(),
            https: false,
            jwks_max_age: 300,
            control: ControlAccess::default(),
            hooks: Vec::new(),
            key_override,
            smtp: None,
        }
    }

    fn mock() -> Mock {
        Mock::new(crate::tenant::load_embedded().unwrap(), options(None)).unwrap()
    }

    #[test]
    fn a_key_override_survives_reset_and_rotation_moves_on() {
        let tenant = crate::tenant::load_embedded().unwrap();
        let next_pem = tenant.next_key.as_ref().unwrap().key.clone();
        let override_key = SigningKey::from_pem(&next_pem).unwrap();
        let kid = override_key.kid.clone();
        let mock = Mock::new(tenant, options(Some(override_key))).unwrap();
        assert_eq!(mock.keys().current().kid, kid);
        let rotated = mock.rotate_keys().unwrap();
        assert_ne!(rotated, kid);
        assert!(mock.keys().by_kid(&kid).is_some());
        mock.reset(None).unwrap();
        assert_eq!(
            mock.keys().current().kid,
            kid,
            "--key is kept across resets"
        );
    }

    #[test]
    fn next_scenario_counts_down_and_disarms() {
        let m = mock();
        m.arm_next_scenario("admin", 2).unwrap();
        assert!(m.take_next_scenario().is_some());
        assert!(m.take_next_scenario().is_some());
        assert!(m.take_next_scenario().is_none());
    }

    #[test]
    fn next_scenario_refuses_unknown_names_and_bad_counts() {
        let m = mock();
        assert_eq!(
            m.arm_next_scenario("nope", 1),
            Err(NextScenarioError::Unknown("nope".into()))
        );
        assert_eq!(
            m.arm_next_scenario("admin", 0),
            Err(NextScenarioError::Count)
        );
        assert_eq!(
            m.arm_next_scenario("admin", NEXT_SCENARIO_MAX + 1),
            Err(NextScenarioError::Count)
        );
    }
}
