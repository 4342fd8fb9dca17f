//! `action`: runs an Auth0 Action's JavaScript, unchanged, in an embedded QuickJS engine.
//!
//! Fixtures lay Actions out as Auth0's Deploy CLI exports them (`actions:` with `code`,
//! `secrets`, `dependencies`; `triggers: post-login: [{ action_name }]`). The code's
//! `exports.onExecutePostLogin = async (event, api) => { … }` gets the pipeline's `event` (with
//! its `secrets`) and an `api` whose calls land in the same [`Api`] native hooks use, so Auth0's
//! rules (restricted claims dropped with a warning, deny, metadata) hold for both. A login
//! paused by `api.redirect.sendUserTo` comes back through `exports.onContinuePostLogin` of the
//! same Action (optional: without it the login simply goes on).
//! `console.*` goes to the hook record, redacted and within the run's console budget (lines past
//! it are counted, never queued, and never crowd out `api` calls); `fetch` and
//! `require('node-fetch')` go through [`outbound::send`] (shared client, timeouts, replies read
//! up to 1 MiB, secrets redacted in records).
//!
//! Isolation: the engine has no file system, process or environment access (no std/os
//! modules are loaded); each runtime has a memory limit and an interrupt handler that stops code
//! at the Action's deadline (Auth0's 20 s by default). A failure denies that login only.
//!
//! Speed: each Action has a few worker threads (grown on demand), each owning one QuickJS
//! runtime for its whole life (runtimes are not `Send`); logins reach them over a channel and
//! `fetch` results come back the same way. Every run gets a fresh context (no state leaks from
//! one login to the next), prepared while the worker is idle from the prelude compiled once to
//! bytecode, so a warm login pays only for the Action's own work (about 0.1 ms for the guide's
//! claims Action; `cargo bench --bench actions`).
//!
//! Per-binding settings in the trigger entry (all optional): `timeout_ms` (20000),
//! `fetch_timeout_ms` (10000), `memory_limit_mb` (64), `workers` (4), `pure` (false: set it
//! when the Action only computes claims, so tokens minted without a login run it too).

mod bundled;
mod cache;
mod engine;
mod host;
mod messages;
mod modules;

use super::api::{Api, OutboundCall};
use super::event::Event;
use super::hook::{HookError, PostLoginHook};
use super::outbound;
use crate::tenant::{HookBinding, Tenant};
use engine::Engine;
use messages::{FetchReply, Job, Limits, Msg, Op, Spec};
use parking_lot::Mutex;
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender};
use std::time::Duration;

/// Native stack of a worker thread; QuickJS stops at its own, smaller limit first.
const WORKER_STACK_BYTES: usize = 4 * engine::JS_STACK_BYTES;
/// How much longer than the Action's timeout a login waits for a worker (queueing included)
/// before it gives up.
const QUEUE_GRACE: Duration = Duration::from_secs(5);
/// How long a worker leaves the CPU to the login it just answered (token signing) before it
/// cleans up and prepares the next context, unless another login arrives first.
const SETTLE: Duration = Duration::from_millis(2);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// The Deploy CLI binding fields; the name is already resolved by the fixture loader.
    #[serde(default)]
    #[allow(dead_code)]
    action_name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    display_name: Option<String>,
    #[serde(default = "default_timeout_ms")]
    timeout_ms: u64,
    #[serde(default = "default_fetch_timeout_ms")]
    fetch_timeout_ms: u64,
    #[serde(default = "default_memory_limit_mb")]
    memory_limit_mb: u64,
    #[serde(default = "default_workers")]
    workers: usize,
    #[serde(default)]
    pure: bool,
}

fn default_timeout_ms() -> u64 {
    20_000
}
fn default_fetch_timeout_ms() -> u64 {
    10_000
}
fn default_memory_limit_mb() -> u64 {
    64
}
fn default_workers() -> usize {
    4
}

/// An Auth0 Action bound to a trigger.
pub struct ActionHook {
    pure: bool,
    timeout: Duration,
    pool: Pool,
}

/// Builds the hook from a fixture binding: checks the settings, refuses `require`s that can
/// never load, then compiles the code and runs its top-level once, so syntax errors and a
/// missing handler export (`onExecutePostLogin`, …) are reported at startup with file and line.
pub fn factory(binding: &HookBinding, _tenant: &Tenant) -> Result<Arc<dyn PostLoginHook>, String> {
    let settings: Settings = serde_json::from_value(binding.settings.clone())
        .map_err(|e| format!("action '{}' binding: {e}", binding.name))?;
    if !(1..=600_000).contains(&settings.timeout_ms) {
        return Err("timeout_ms must be between 1 and 600000".into());
    }
    if !(8..=4096).contains(&settings.memory_limit_mb) {
        return Err("memory_limit_mb must be between 8 and 4096".into());
    }
    if !(1..=64).contains(&settings.workers) {
        return Err("workers must be between 1 and 64".into());
    }
    let Some((file, code)) = &binding.code else {
        return Err(format!("action '{}' has no code", binding.name));
    };
    for (line, module) in modules::static_requires(code) {
        if let Some(problem) = modules::require_error(&module, &binding.dependencies) {
            return Err(format!("{file}:{line}: {problem}"));
        }
    }
    let dir = Path::new(file)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let spec = Arc::new(Spec {
        name: binding.name.clone(),
        trigger: binding.trigger,
        file: file.clone(),
        dir,
        // The wrapper's head shares line 1 with the code, so line numbers stay the file's.
        wrapped: format!(
            "(function (exports, require, module, __filename, __dirname) {{{code}\n}})"
        ),
        dependencies: binding.dependencies.clone(),
        limits: Limits {
            timeout: Duration::from_millis(settings.timeout_ms),
            memory_bytes: (settings.memory_limit_mb as usize) * 1024 * 1024,
            fetch_timeout: Duration::from_millis(settings.fetch_timeout_ms.max(1)),
        },
        cache: Default::default(),
    });
    let pool = Pool::start(spec, settings.workers)?;
    Ok(Arc::new(ActionHook {
        pure: settings.pure,
        timeout: Duration::from_millis(settings.timeout_ms),
        pool,
    }))
}

#[async_trait::async_trait]
impl PostLoginHook for ActionHook {
    fn kind(&self) -> &str {
        "action"
    }

    fn pure(&self) -> bool {
        self.pure
    }

    async fn on_execute_post_login(&self, event: &Event, api: &mut Api) -> Result<(), HookError> {
        let export = self.pool.shared.spec.trigger.export();
        self.run(event, api, export).await
    }

    async fn on_continue_post_login(&self, event: &Event, api: &mut Api) -> Result<(), HookError> {
        self.run(event, api, CONTINUE_EXPORT).await
    }
}

/// The handler Auth0 calls when a login an Action redirected comes back at `/continue`.
const CONTINUE_EXPORT: &str = "onContinuePostLogin";

impl ActionHook {
    /// Runs the Action's `export` handler for one login on a worker, applying its `api` calls.
    async fn run(
        &self,
        event: &Event,
        api: &mut Api,
        export: &'static str,
    ) -> Result<(), HookError> {
        let name = &self.pool.shared.spec.name;
        let event_json = serde_json::to_string(event)
            .map_err(|e| HookError::new(format!("Action \"{name}\": event: {e}")))?;
        let secrets = outbound::secret_values(&event.secrets);
        let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
        let (reply_tx, reply_rx) = std::sync::mpsc::channel();
        let redirects_json = serde_json::json!({
            "canRedirect": api.can_redirect(),
            "state": api.resumed_state(),
        })
        .to_string();
        self.pool.submit(Job {
            event_json,
            export,
            redirects_json,
            secrets: secrets.clone(),
            out: out_tx,
            replies: reply_rx,
        })?;
        let give_up = tokio::time::sleep(self.timeout + QUEUE_GRACE);
        tokio::pin!(give_up);
        let mut fetches = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                msg = out_rx.recv() => match msg {
                    Some(Msg::Ops(ops)) => {
                        for op in ops {
                            apply(api, op);
                        }
                    }
                    Some(Msg::Fetch { id, req }) => {
                        let outbound = api.outbound();
                        let secrets = secrets.clone();
                        fetches.spawn(async move {
                            let mut scratch = Api::with_outbound(&outbound);
                            let result = outbound::send(&mut scratch, req, &secrets).await;
                            let (_, trace) = scratch.into_parts();
                            (id, result, trace.calls)
                        });
                    }
                    Some(Msg::Done(ops, outcome)) => {
                        for op in ops {
                            apply(api, op);
                        }
                        return outcome.map_err(HookError);
                    }
                    None => {
                        return Err(HookError::new(format!(
                            "Action \"{name}\" stopped unexpectedly"
                        )));
                    }
                },
                Some(joined) = fetches.join_next(), if !fetches.is_empty() => {
                    if let Ok((id, result, calls)) = joined {
                        record(api, calls);
                        let _ = reply_tx.send(FetchReply { id, result });
                    }
                }
                () = &mut give_up => {
                    return Err(HookError::new(format!(
                        "Action \"{name}\" timed out after {} ms (waiting for a free worker)",
                        self.timeout.as_millis()
                    )));
                }
            }
        }
    }
}

fn record(api: &mut Api, calls: Vec<OutboundCall>) {
    for call in calls {
        api.record_call(call);
    }
}

/// Applies one `api` call of the script to the login's `Api`, so the native rules apply.
/// Console lines arrive redacted and within the run's budget (the worker saw to both).
fn apply(api: &mut Api, op: Op) {
    match op {
        Op::AccessClaim(name, value) => api.access_token_set_custom_claim(&name, value),
        Op::IdClaim(name, value) => api.id_token_set_custom_claim(&name, value),
        Op::AddScope(scope) => api.access_token_add_scope(&scope),
        Op::RemoveScope(scope) => api.access_token_remove_scope(&scope),
        Op::Deny(reason, user_message) => api.access_deny_with(&reason, user_message),
        Op::ValidationError(code, message) => api.validation_error(&code, &message),
        Op::AppMetadata(key, value) => api.user_set_app_metadata(&key, value),
        Op::UserMetadata(key, value) => api.user_set_user_metadata(&key, value),
        Op::Redirect(url, query) => {
            api.redirect_send_user_to(crate::hooks::redirect::Redirect::new(url, &query))
        }
        Op::Mfa(provider, remember) => api.multifactor_enable(&provider, remember),
        Op::Log(line) => api.log(line),
        Op::ConsoleCut(cut) => api.note_console_cut(cut),
    }
}

/// Worker threads of one Action, grown on demand up to `max`; they share one job queue and
/// stop when the hook (and with it the queue's sender) is dropped.
struct Pool {
    tx: Sender<Job>,
    shared: Arc<PoolShared>,
}

struct PoolShared {
    rx: Mutex<Receiver<Job>>,
    /// Workers that take a job at once: waiting with a context ready, settling after a run
    /// (they then prepare inline), or just started.
    idle: AtomicUsize,
    live: AtomicUsize,
    max: usize,
    spec: Arc<Spec>,
}

impl Pool {
    /// Starts the first worker and waits until it has loaded (validated) the Action.
    fn start(spec: Arc<Spec>, max: usize) -> Result<Self, String> {
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = Arc::new(PoolShared {
            rx: Mutex::new(rx),
            idle: AtomicUsize::new(1),
            live: AtomicUsize::new(1),
            max,
            spec,
        });
        let (report_tx, report_rx) = std::sync::mpsc::sync_channel(1);
        spawn_worker(shared.clone(), Some(report_tx))?;
        match report_rx.recv() {
            Ok(Ok(())) => Ok(Self { tx, shared }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err("the Action's worker thread stopped while loading it".into()),
        }
    }

    fn submit(&self, job: Job) -> Result<(), HookError> {
        if self.shared.idle.load(Ordering::Acquire) == 0 {
            self.grow();
        }
        self.tx.send(job).map_err(|_| {
            HookError::new(format!(
                "Action \"{}\": its workers have stopped",
                self.shared.spec.name
            ))
        })
    }

    fn grow(&self) {
        let s = &self.shared;
        let live = s.live.load(Ordering::Acquire);
        if live >= s.max
            || s.live
                .compare_exchange(live, live + 1, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return;
        }
        s.idle.fetch_add(1, Ordering::AcqRel);
        if let Err(e) = spawn_worker(s.clone(), None) {
            s.live.fetch_sub(1, Ordering::AcqRel);
            s.idle.fetch_sub(1, Ordering::AcqRel);
            tracing::warn!(action = %s.spec.name, error = %e, "cannot start another Action worker");
        }
    }
}

fn spawn_worker(
    shared: Arc<PoolShared>,
    report: Option<SyncSender<Result<(), String>>>,
) -> Result<(), String> {
    std::thread::Builder::new()
        .name(format!("action {}", shared.spec.name))
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || worker(&shared, report))
        .map(|_| ())
        .map_err(|e| format!("cannot start a thread for the Action: {e}"))
}

/// A worker's entry in the pool's counters, corrected however the worker ends.
struct Presence<'a> {
    shared: &'a PoolShared,
    idle: bool,
}

impl Presence<'_> {
    fn set_idle(&mut self, idle: bool) {
        if idle != self.idle {
            if idle {
                self.shared.idle.fetch_add(1, Ordering::AcqRel);
            } else {
                self.shared.idle.fetch_sub(1, Ordering::AcqRel);
            }
            self.idle = idle;
        }
    }
}

impl Drop for Presence<'_> {
    fn drop(&mut self) {
        self.set_idle(false);
        self.shared.live.fetch_sub(1, Ordering::AcqRel);
    }
}

fn worker(shared: &PoolShared, report: Option<SyncSender<Result<(), String>>>) {
    let mut presence = Presence { shared, idle: true };
    let spec = &shared.spec;
    let mut engine: Option<Engine> = None;
    if let Some(report) = report {
        match Engine::new(spec.clone()).and_then(|e| e.validate().map(|()| e)) {
            Ok(e) => {
                engine = Some(e);
                let _ = report.send(Ok(()));
            }
            Err(msg) => {
                let _ = report.send(Err(msg));
                return;
            }
        }
    }
    // Declared after `engine` so they are dropped first: their handles need the runtime.
    let mut ready = None;
    let mut leftover = None;
    loop {
        let mut next = None;
        if let Some(ran) = leftover.take() {
            // The login this run answered still has to sign its tokens: leave it the CPU for a
            // moment before tearing the old context down and preparing the next one. A job
            // arriving meanwhile is taken at once.
            presence.set_idle(true);
            let got = shared.rx.lock().recv_timeout(SETTLE);
            presence.set_idle(false);
            let stop = matches!(got, Err(RecvTimeoutError::Disconnected));
            next = got.ok();
            if let Some(e) = &engine
                && !e.finish(ran)
            {
                engine = None;
            }
            if stop {
                break;
            }
        }
        if engine.is_none() {
            engine = Engine::new(spec.clone())
                .inspect_err(|e| tracing::error!(action = %spec.name, error = %e, "Action engine"))
                .ok();
        }
        if ready.is_none()
            && let Some(e) = &engine
        {
            ready = e
                .prepare()
                .inspect_err(|e| tracing::error!(action = %spec.name, error = %e, "Action context"))
                .ok();
        }
        let job = match next {
            Some(job) => job,
            None => {
                // Idle only once ready: a login arriving while every worker is still preparing
                // makes the pool grow instead of waiting.
                presence.set_idle(true);
                let job = shared.rx.lock().recv();
                presence.set_idle(false);
                let Ok(job) = job else {
                    break;
                };
                job
            }
        };
        if job.out.is_closed() {
            continue;
        }
        let (Some(e), Some(p)) = (&engine, ready.take()) else {
            let _ = job.out.send(Msg::Done(
                Vec::new(),
                Err(format!(
                    "Action \"{}\": the JavaScript engine could not start",
                    spec.name
                )),
            ));
            continue;
        };
        leftover = Some(e.execute(p, &job));
    }
    drop(ready);
    drop(engine);
}
