//! The ordered pipeline of one trigger built from the tenant's bindings: Auth0's Login flow for
//! `post-login`, and the registration and password-change flows for the others.

use super::action;
use super::api::{self, Api};
use super::console::cut_marked;
use super::event::Event;
use super::hasura_claims;
use super::hasura_sync;
use super::hook::{BoundHook, HookFactory, PostLoginHook};
use super::local::Outbound;
use super::outbound;
use super::record::{HookOutcome, HookRecord, HookRecords, HookRun};
use super::redirect::Redirect;
use super::webhook;
use crate::error::FixtureError;
use crate::protocol::Trigger;
use crate::tenant::Tenant;
use std::sync::Arc;
use std::time::Instant;

/// Longest denial or failure reason a login answers and a record keeps. Reasons are a
/// sentence or two; an Action can throw a message megabytes long, and that must not become a
/// megabytes-long `error_description` or record.
pub const MAX_REASON_BYTES: usize = 2 * 1024;

/// A hook's denial or failure reason as it may leave the mock (`error_description`, the hook
/// record, the log): its secrets redacted, as in console lines, then cut to [`MAX_REASON_BYTES`].
fn reason_shown(reason: &str, secrets: &[String]) -> String {
    cut_marked(outbound::redact(reason, secrets), MAX_REASON_BYTES)
}

/// The built-in hook kinds.
pub(crate) fn builtin_factory(kind: &str) -> Option<HookFactory> {
    match kind {
        "hasura-claims" => Some(hasura_claims::HasuraClaims::factory),
        "hasura-sync" => Some(hasura_sync::factory),
        "webhook" => Some(webhook::factory),
        "action" => Some(action::factory),
        _ => None,
    }
}

/// The ordered list of hooks one trigger runs: for `post-login`, after every user login.
#[derive(Default)]
pub struct Pipeline {
    trigger: Trigger,
    hooks: Vec<BoundHook>,
}

/// The pipelines of every trigger, built together so one bad binding fails the whole tenant
/// at startup (and at a reset) rather than at the first sign-up.
#[derive(Default)]
pub struct Pipelines {
    by_trigger: Vec<(Trigger, Arc<Pipeline>)>,
}

impl Pipelines {
    /// Builds every trigger's pipeline; hooks registered in code join post-login.
    pub fn build(tenant: &Tenant, extra: &[Arc<dyn PostLoginHook>]) -> Result<Self, FixtureError> {
        let mut by_trigger = Vec::new();
        for trigger in Trigger::ALL {
            let pipeline = match trigger {
                Trigger::PostLogin => Pipeline::build(tenant, extra)?,
                other => Pipeline::for_trigger(tenant, other)?,
            };
            by_trigger.push((trigger, Arc::new(pipeline)));
        }
        Ok(Self { by_trigger })
    }

    /// The pipeline of `trigger` (an empty one when nothing is bound).
    pub fn get(&self, trigger: Trigger) -> Arc<Pipeline> {
        self.by_trigger
            .iter()
            .find(|(t, _)| *t == trigger)
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    }
}

/// What the whole pipeline decided for one login.
#[derive(Debug, Default, Clone)]
pub struct PipelineResult {
    /// Combined actions of every hook that ran.
    pub api: api::Effects,
    /// The denial reason, if any hook denied or failed.
    pub denied: Option<String>,
    /// What the denying hook asked to show the user (pre-user-registration's `userMessage`).
    pub user_message: Option<String>,
    /// The denying hook's own error code (pre-user-registration's `api.validation.error`).
    pub deny_code: Option<String>,
    /// Set when a hook redirected: the login waits for the browser to come back.
    pub paused: Option<Paused>,
}

/// Where a run of the pipeline starts.
#[derive(Debug, Clone)]
pub enum Start {
    /// From the first hook. `can_redirect` is `api.redirect.canRedirect()`: true only for an
    /// interactive browser login.
    Fresh {
        /// Whether hooks may redirect.
        can_redirect: bool,
    },
    /// Back from a redirect: hook `at`'s continue entry (`onContinuePostLogin`), then the
    /// hooks after it, which may redirect again.
    Resume {
        /// The hook that redirected.
        at: usize,
        /// The `state` the browser came back with.
        state: String,
    },
}

/// A login paused by a hook's redirect: what resuming it needs.
#[derive(Debug, Clone)]
pub struct Paused {
    /// The hook that redirected, whose continue entry runs first on resume.
    pub at: usize,
    /// The event as the later hooks would have seen it (metadata written so far applied).
    pub event: Event,
    /// Where the hook sent the browser.
    pub redirect: Redirect,
}

impl Pipeline {
    /// Builds the post-login pipeline from the tenant's bindings, plus hooks registered in code
    /// (after).
    pub fn build(tenant: &Tenant, extra: &[Arc<dyn PostLoginHook>]) -> Result<Self, FixtureError> {
        let mut pipeline = Self::for_trigger(tenant, Trigger::PostLogin)?;
        for hook in extra {
            pipeline.hooks.push(BoundHook {
                name: hook.kind().to_string(),
                hook: hook.clone(),
                secrets: Default::default(),
            });
        }
        Ok(pipeline)
    }

    /// Builds one trigger's pipeline from the tenant's bindings of it.
    pub fn for_trigger(tenant: &Tenant, trigger: Trigger) -> Result<Self, FixtureError> {
        let mut hooks = Vec::new();
        for (i, binding) in tenant.bindings(trigger).iter().enumerate() {
            let (file, path) = tenant.binding_location(trigger, i);
            let factory = builtin_factory(&binding.kind).ok_or_else(|| {
                FixtureError::invalid(
                    &file,
                    &path,
                    format!("unknown hook kind '{}' (known: hasura-claims, hasura-sync, webhook, or an Action via action_name)", binding.kind),
                )
            })?;
            let hook = factory(binding, tenant)
                .map_err(|reason| FixtureError::invalid(&file, &path, reason))?;
            hooks.push(BoundHook {
                name: binding.name.clone(),
                hook,
                secrets: binding.secrets.clone(),
            });
        }
        Ok(Self { trigger, hooks })
    }

    /// The trigger this pipeline runs for.
    pub fn trigger(&self) -> Trigger {
        self.trigger
    }

    /// Number of hooks.
    pub fn len(&self) -> usize {
        self.hooks.len()
    }

    /// Whether the pipeline has no hooks.
    pub fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }

    /// Runs the hook named `name` alone on `event` (the Action tester: no login, nothing
    /// stored): the record it would leave, not kept, and what it asked of `api`. `None` when
    /// no hook of this pipeline has that name.
    pub(crate) async fn test_one(
        &self,
        name: &str,
        mut event: Event,
        http: &Outbound,
    ) -> Option<(HookRecord, api::Effects)> {
        let bound = self.hooks.iter().find(|b| b.name == name)?;
        let fresh = Entry {
            can_redirect: false,
            resumed: None,
        };
        let ran = execute(bound, &mut event, http, fresh).await;
        let run = HookRun {
            trigger: self.trigger,
            hook: &bound.name,
            kind: bound.hook.kind(),
        };
        let record = HookRecord::new(
            run,
            &event,
            ran.outcome,
            ran.duration_ms,
            ran.error,
            ran.trace,
        );
        Some((record, ran.effects))
    }

    /// The names of the hooks, in order.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.hooks.iter().map(|b| b.name.as_str()).collect()
    }

    /// Runs only the pure (claim-computing) hooks, for tokens minted without a login.
    pub async fn run_pure(&self, mut event: Event, http: &Outbound) -> api::Effects {
        let mut effects = api::Effects::default();
        for bound in self.hooks.iter().filter(|b| b.hook.pure()) {
            event.secrets = bound.secrets.clone();
            let mut api = Api::with_outbound(http);
            if bound
                .hook
                .on_execute_post_login(&event, &mut api)
                .await
                .is_ok()
            {
                let (e, _) = api.into_parts();
                event.apply(&e);
                effects.merge(e);
            }
        }
        effects
    }

    /// Runs every hook in order. A denial or failure stops the flow, as in Auth0 (whether it
    /// also stops what triggered it is the caller's: see [`Trigger::blocks`]); metadata written
    /// by earlier hooks is visible to later ones through `event.user`.
    pub async fn run(
        &self,
        event: Event,
        http: &Outbound,
        records: &HookRecords,
    ) -> PipelineResult {
        self.run_from(
            event,
            Start::Fresh {
                can_redirect: false,
            },
            http,
            records,
        )
        .await
    }

    /// Runs the hooks from `start`: the whole pipeline, or the rest of a login paused by a
    /// redirect. A hook that redirects pauses the run once it returns (later hooks have not
    /// run), as Auth0 does; the result's `paused` says where.
    pub async fn run_from(
        &self,
        mut event: Event,
        start: Start,
        http: &Outbound,
        records: &HookRecords,
    ) -> PipelineResult {
        let mut result = PipelineResult::default();
        let (first, mut entry) = match start {
            Start::Fresh { can_redirect } => (
                0,
                Entry {
                    can_redirect,
                    resumed: None,
                },
            ),
            Start::Resume { at, state } => (
                at,
                Entry {
                    can_redirect: true,
                    resumed: Some(state),
                },
            ),
        };
        for (at, bound) in self.hooks.iter().enumerate().skip(first) {
            let ran = execute(bound, &mut event, http, entry.clone()).await;
            entry.resumed = None;
            tracing::info!(
                hook = %bound.name,
                kind = bound.hook.kind(),
                user = %event.user_id(),
                transaction = %event.transaction_id(),
                outcome = ?ran.outcome,
                duration_ms = format!("{:.2}", ran.duration_ms),
                error = ran.error.as_deref().unwrap_or(""),
                trigger = self.trigger.id(),
                "hook ran"
            );
            let run = HookRun {
                trigger: self.trigger,
                hook: &bound.name,
                kind: bound.hook.kind(),
            };
            let Executed {
                result: outcome,
                effects,
                trace,
                duration_ms,
                outcome: hook_outcome,
                error,
                secrets,
            } = ran;
            records.push(HookRecord::new(
                run,
                &event,
                hook_outcome,
                duration_ms,
                error.clone(),
                trace,
            ));
            if let Some(reason) = error {
                result.denied = Some(reason);
                if outcome.is_ok() {
                    result.user_message = effects
                        .user_message
                        .as_deref()
                        .map(|m| reason_shown(m, &secrets));
                    result.deny_code = effects.deny_code;
                }
                return result;
            }
            event.apply(&effects);
            let redirect = effects.redirect.clone();
            result.api.merge(effects);
            if let Some(redirect) = redirect {
                result.api.redirect = None;
                result.paused = Some(Paused {
                    at,
                    event,
                    redirect,
                });
                return result;
            }
        }
        result
    }
}

/// Which entry of a hook runs, and what its `api.redirect` may do.
#[derive(Debug, Clone)]
struct Entry {
    can_redirect: bool,
    /// The `state` of a resumed login: the continue entry runs.
    resumed: Option<String>,
}

/// What running one hook gave.
struct Executed {
    result: Result<(), super::hook::HookError>,
    effects: api::Effects,
    trace: api::Trace,
    duration_ms: f64,
    outcome: HookOutcome,
    /// The failure or denial reason, redacted of the hook's secrets and cut to size.
    error: Option<String>,
    secrets: Vec<String>,
}

/// Runs one hook on `event` (whose `secrets` become the hook's own).
async fn execute(bound: &BoundHook, event: &mut Event, http: &Outbound, entry: Entry) -> Executed {
    event.secrets = bound.secrets.clone();
    let mut api = Api::with_outbound(http);
    let resumed = entry.resumed.is_some();
    api.set_redirects(entry.can_redirect, entry.resumed);
    let started = Instant::now();
    let result = if resumed {
        bound.hook.on_continue_post_login(event, &mut api).await
    } else {
        bound.hook.on_execute_post_login(event, &mut api).await
    };
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (effects, trace) = api.into_parts();
    let (outcome, error) = match (&result, &effects.deny) {
        (Err(e), _) => (HookOutcome::Failed, Some(e.0.as_str())),
        (Ok(()), Some(reason)) => (HookOutcome::Denied, Some(reason.as_str())),
        (Ok(()), None) => (HookOutcome::Ok, None),
    };
    let secrets = outbound::secret_values(&event.secrets);
    let error = error.map(|e| reason_shown(e, &secrets));
    Executed {
        result,
        effects,
        trace,
        duration_ms,
        outcome,
        error,
        secrets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_shown_has_its_secrets_redacted() {
        let shown = reason_shown("token hunter2 rejected", &["hunter2".into()]);
        assert_eq!(shown, "token [REDACTED] rejected");
    }

    #[test]
    fn a_long_reason_is_cut_with_a_marker() {
        let shown = reason_shown(&"x".repeat(10 * MAX_REASON_BYTES), &[]);
        assert!(shown.len() < MAX_REASON_BYTES + 64, "{}", shown.len());
        assert!(shown.ends_with("[truncated by auth0-mock]"));
    }
}
