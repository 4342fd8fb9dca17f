//! One QuickJS engine per worker thread, running an Action's code.
//!
//! A QuickJS runtime is not `Send`, so each worker thread owns its runtime for its whole life
//! and receives jobs over a channel. Every run gets a fresh context (fresh globals, so nothing
//! leaks from one login to the next); the context for the next run is prepared while the worker
//! is idle, so a login pays only for running the Action itself. The runtime keeps a memory
//! limit, and an interrupt handler stops code past its deadline (`while (true) {}` included).
//! Promises are driven here: microtasks run until the handler settles, and while it awaits
//! `fetch` or a timer the worker blocks on the fetch replies with the deadline as timeout.

use super::host::{self, JsFailure, RunState, Shared};
use super::messages::{FetchReply, Job, Msg, Spec};
use crate::hooks::outbound::{MAX_RESPONSE_BYTES, OutboundError};
use rquickjs::{
    CatchResultExt, CaughtError, Context, Ctx, Function, Module, Object, Persistent, Runtime,
    Value, WriteOptions, context::EvalOptions,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The glue that gives an Action `console`, `fetch`, `require`, timers and `api`.
const PRELUDE: &str = include_str!("prelude.js");

/// The prelude's name in stack traces.
const PRELUDE_NAME: &str = "auth0-mock:prelude.js";
/// QuickJS's own stack limit; worker threads get a larger native stack (see `mod.rs`).
pub(super) const JS_STACK_BYTES: usize = 1024 * 1024;
/// How long code left running after the handler settled (floating promises) may go on
/// before the runtime is thrown away instead.
const DRAIN_BUDGET: Duration = Duration::from_millis(50);

/// Why a run failed.
#[derive(Debug)]
enum Failure {
    Js(JsFailure),
    Timeout,
    OutOfMemory,
    Stalled,
    Internal(String),
}

impl Failure {
    /// Engine state may be damaged (interrupted mid-way, out of memory): start a new runtime.
    fn poisons(&self) -> bool {
        !matches!(self, Failure::Js(_) | Failure::Stalled)
    }
}

/// A context ready for one run. Handles come before the context so they are released first.
pub(super) struct Prepared {
    run: Persistent<Function<'static>>,
    validate: Persistent<Function<'static>>,
    settle_fetch: Persistent<Function<'static>>,
    fire_timer: Persistent<Function<'static>>,
    state: Shared,
    ctx: Context,
}

/// A worker's runtime.
pub(super) struct Engine {
    rt: Runtime,
    deadline: Rc<Cell<Option<Instant>>>,
    spec: Arc<Spec>,
}

/// What `execute` leaves for `finish`.
pub(super) struct Ran {
    prepared: Prepared,
    poisoned: bool,
}

impl JsFailure {
    fn from_value<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Self {
        if let Some(obj) = value.as_object() {
            let get = |k: &str| obj.get::<_, Option<String>>(k).ok().flatten();
            if let Some(message) = get("message") {
                return Self {
                    name: get("name").unwrap_or_default(),
                    message,
                    stack: get("stack").unwrap_or_default(),
                };
            }
        }
        let message = match value.as_string().and_then(|s| s.to_string().ok()) {
            Some(s) => s,
            None => ctx
                .json_stringify(value)
                .ok()
                .flatten()
                .and_then(|s| s.to_string().ok())
                .unwrap_or_else(|| "the Action threw a value that is not an Error".into()),
        };
        Self {
            message,
            ..Default::default()
        }
    }

    fn from_caught<'js>(ctx: &Ctx<'js>, e: CaughtError<'js>) -> Self {
        match e {
            CaughtError::Exception(ex) => Self::from_value(ctx, ex.into_object().into_value()),
            CaughtError::Value(v) => Self::from_value(ctx, v),
            CaughtError::Error(e) => Self {
                message: e.to_string(),
                ..Default::default()
            },
        }
    }

    /// `Name: message` with the Action's file and line, for fixture errors at startup.
    pub fn located(&self, file: &str) -> String {
        let head = if self.name.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.name, self.message)
        };
        match line_in(&self.stack, file) {
            Some(line) => format!("{file}:{line}: {head}"),
            None => format!("{file}: {head}"),
        }
    }

    fn is_out_of_memory(&self) -> bool {
        self.message == "out of memory"
    }
}

/// The first line number the stack trace gives for `file` (`… (file:12:3)` or `at file:12:3`).
fn line_in(stack: &str, file: &str) -> Option<usize> {
    stack.lines().find_map(|l| {
        let at = l.find(file)? + file.len();
        let rest = l[at..].strip_prefix(':')?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

fn eval_options(filename: &str, strict: bool) -> EvalOptions {
    let mut o = EvalOptions::default();
    o.strict = strict;
    o.filename = Some(filename.to_string());
    o
}

/// node-fetch's `FetchError.type` for an outbound failure, which the prelude turns into the
/// error node-fetch would throw.
fn fetch_error_type(e: &OutboundError) -> &'static str {
    match e {
        OutboundError::TimedOut => "request-timeout",
        OutboundError::TooLarge { .. } => "max-size",
        OutboundError::InvalidMethod(_) | OutboundError::Connect(_) | OutboundError::Other(_) => {
            "system"
        }
    }
}

/// The prelude compiled once per process: parsing its source costs most of a context's setup
/// (about 1 ms), loading bytecode a small fraction of that.
static PRELUDE_BYTECODE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

/// The prelude's bytecode, compiled (as an ES module exporting the prelude function) in a
/// scratch context of `rt` the first time.
fn prelude_bytecode(rt: &Runtime) -> Result<&'static [u8], String> {
    PRELUDE_BYTECODE
        .get_or_init(|| {
            let ctx = Context::full(rt).map_err(|e| format!("cannot create a context: {e}"))?;
            ctx.with(|ctx| {
                let source = format!("export default {PRELUDE}");
                Module::declare(ctx.clone(), PRELUDE_NAME, source)
                    .and_then(|m| m.write(WriteOptions::default()))
                    .catch(&ctx)
                    .map_err(|e| format!("auth0-mock prelude: {e}"))
            })
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// Instantiates the prelude module in `ctx` and returns its default export.
fn load_prelude<'js>(ctx: &Ctx<'js>, bytecode: &'static [u8]) -> rquickjs::Result<Function<'js>> {
    // SAFETY: the bytes were produced by `Module::write` of this very QuickJS build in this
    // process, and they are `'static`, as `JS_READ_OBJ_ROM_DATA` (used by `load`) requires:
    // the loaded functions keep pointing into the buffer.
    let module = unsafe { Module::load(ctx.clone(), bytecode) }?;
    let (module, evaluated) = module.eval()?;
    evaluated.finish::<()>()?;
    module.get("default")
}

impl Engine {
    /// A runtime with the Action's memory limit and a deadline-checking interrupt handler.
    pub fn new(spec: Arc<Spec>) -> Result<Self, String> {
        let rt = Runtime::new().map_err(|e| format!("cannot start the JavaScript engine: {e}"))?;
        rt.set_memory_limit(spec.limits.memory_bytes);
        rt.set_max_stack_size(JS_STACK_BYTES);
        let deadline: Rc<Cell<Option<Instant>>> = Rc::new(Cell::new(None));
        let d = deadline.clone();
        rt.set_interrupt_handler(Some(Box::new(move || {
            d.get().is_some_and(|t| Instant::now() >= t)
        })));
        Ok(Self { rt, deadline, spec })
    }

    /// A fresh context with the prelude evaluated and the Action's code compiled (not run).
    pub fn prepare(&self) -> Result<Prepared, String> {
        let bytecode = prelude_bytecode(&self.rt)?;
        super::bundled::compile(&self.rt)?;
        let ctx = Context::full(&self.rt).map_err(|e| format!("cannot create a context: {e}"))?;
        let state: Shared = Rc::new(RefCell::new(None));
        let spec = &self.spec;
        let handles = ctx.with(|ctx| -> Result<_, String> {
            let host = host::install(&ctx, &state, spec)
                .catch(&ctx)
                .map_err(|e| format!("cannot set up the Action runtime: {e}"))?;
            let wrapper: Function = ctx
                .eval_with_options(spec.wrapped.as_bytes(), eval_options(&spec.file, false))
                .catch(&ctx)
                .map_err(|e| JsFailure::from_caught(&ctx, e).located(&spec.file))?;
            let prelude = load_prelude(&ctx, bytecode)
                .catch(&ctx)
                .map_err(|e| format!("auth0-mock prelude: {e}"))?;
            let glue: Object = prelude
                .call((
                    host,
                    wrapper,
                    spec.file.as_str(),
                    spec.dir.as_str(),
                    spec.trigger.id(),
                    spec.trigger.export(),
                ))
                .catch(&ctx)
                .map_err(|e| format!("auth0-mock prelude: {e}"))?;
            let get = |name: &str| -> Result<Persistent<Function<'static>>, String> {
                let f: Function = glue
                    .get(name)
                    .catch(&ctx)
                    .map_err(|e| format!("auth0-mock prelude: {name}: {e}"))?;
                Ok(Persistent::save(&ctx, f))
            };
            Ok((
                get("run")?,
                get("validate")?,
                get("settleFetch")?,
                get("fireTimer")?,
            ))
        });
        let (run, validate, settle_fetch, fire_timer) = handles?;
        Ok(Prepared {
            run,
            validate,
            settle_fetch,
            fire_timer,
            state,
            ctx,
        })
    }

    /// Loads the Action once as at startup: compiles it, runs its top-level code and checks
    /// that it exports its trigger's handler (`onExecutePostLogin`, …). Errors name the file
    /// and line.
    pub fn validate(&self) -> Result<(), String> {
        let file = &self.spec.file;
        let prepared = self.prepare()?;
        self.deadline
            .set(Some(Instant::now() + self.spec.limits.timeout));
        let verdict = prepared.ctx.with(|ctx| -> Result<String, JsFailure> {
            let f = prepared
                .validate
                .clone()
                .restore(&ctx)
                .map_err(|e| JsFailure {
                    message: e.to_string(),
                    ..Default::default()
                })?;
            f.call::<_, String>(())
                .catch(&ctx)
                .map_err(|e| JsFailure::from_caught(&ctx, e))
        });
        let timed_out = self.deadline.get().is_some_and(|d| Instant::now() >= d);
        self.deadline.set(None);
        drop(prepared);
        let verdict = match verdict {
            Ok(v) => v,
            Err(_) if timed_out => {
                return Err(format!(
                    "{file}: its top-level code did not finish within {} ms",
                    self.spec.limits.timeout.as_millis()
                ));
            }
            Err(f) => return Err(f.located(file)),
        };
        #[derive(serde::Deserialize)]
        struct Verdict {
            #[serde(default)]
            missing: bool,
            #[serde(default)]
            error: Option<JsFailure>,
        }
        let v: Verdict = serde_json::from_str(&verdict).map_err(|e| format!("{file}: {e}"))?;
        if let Some(f) = v.error {
            return Err(f.located(file));
        }
        if v.missing {
            let export = self.spec.trigger.export();
            return Err(format!(
                "{file}: no {export} export (write exports.{export} = async (event, api) => {{ … }})"
            ));
        }
        Ok(())
    }

    /// Runs one login and sends `Done`; returns what `finish` needs to clean up afterwards,
    /// so the login is answered before the cleanup happens.
    pub fn execute(&self, prepared: Prepared, job: &Job) -> Ran {
        let deadline = Instant::now() + self.spec.limits.timeout;
        *prepared.state.borrow_mut() = Some(RunState::new(
            job.out.clone(),
            deadline,
            self.spec.limits.fetch_timeout,
            job.secrets.clone(),
        ));
        self.deadline.set(Some(deadline));
        let result = self.drive(&prepared, job, deadline);
        self.deadline.set(None);
        let mut run = prepared.state.borrow_mut().take();
        let poisoned = result.as_ref().err().is_some_and(Failure::poisons);
        let outcome = result.map_err(|f| self.describe(f, run.as_mut()));
        let ops = run.map(RunState::into_ops).unwrap_or_default();
        let _ = job.out.send(Msg::Done(ops, outcome));
        Ran { prepared, poisoned }
    }

    /// After the login was answered: lets leftover promise jobs run briefly, releases the
    /// context and collects garbage. Returns whether the runtime can serve another run.
    pub fn finish(&self, ran: Ran) -> bool {
        let Ran { prepared, poisoned } = ran;
        let mut usable = !poisoned;
        if usable {
            self.deadline.set(Some(Instant::now() + DRAIN_BUDGET));
            usable = loop {
                match self.rt.execute_pending_job() {
                    Ok(true) => continue,
                    Ok(false) => break true,
                    Err(_) => break false,
                }
            };
            self.deadline.set(None);
        }
        drop(prepared);
        if usable {
            self.rt.run_gc();
        }
        usable
    }

    /// The failure's message for the login; a JavaScript error's trace also goes to the
    /// run's console (redacted and budgeted like any line).
    fn describe(&self, failure: Failure, run: Option<&mut RunState>) -> String {
        let name = &self.spec.name;
        match failure {
            Failure::Js(f) => {
                let head = if f.name.is_empty() {
                    f.message.clone()
                } else {
                    format!("{}: {}", f.name, f.message)
                };
                let trace = if f.stack.is_empty() {
                    head
                } else {
                    format!("{head}\n{}", f.stack.trim_end())
                };
                if let Some(run) = run {
                    run.log(&format!("uncaught {trace}"));
                }
                if f.message.is_empty() {
                    format!("Action \"{name}\" failed")
                } else {
                    f.message
                }
            }
            Failure::Timeout => format!(
                "Action \"{name}\" timed out after {} ms",
                self.spec.limits.timeout.as_millis()
            ),
            Failure::OutOfMemory => format!(
                "Action \"{name}\" ran out of memory (limit {} MB)",
                self.spec.limits.memory_bytes / (1024 * 1024)
            ),
            Failure::Stalled => format!(
                "Action \"{name}\" never finished: {} awaits a promise that nothing settles",
                self.spec.trigger.export()
            ),
            Failure::Internal(m) => format!("Action \"{name}\": {m}"),
        }
    }

    /// Classifies an error that escaped JavaScript or rejected the handler's promise.
    fn classify(&self, f: JsFailure, deadline: Instant) -> Failure {
        if Instant::now() >= deadline || (f.name == "InternalError" && f.message == "interrupted") {
            Failure::Timeout
        } else if f.is_out_of_memory() {
            Failure::OutOfMemory
        } else {
            Failure::Js(f)
        }
    }

    /// Calls a prepared function with the deadline armed, classifying what escapes.
    fn call<A>(
        &self,
        p: &Prepared,
        f: &Persistent<Function<'static>>,
        args: A,
        deadline: Instant,
    ) -> Result<(), Failure>
    where
        A: for<'js> rquickjs::function::IntoArgs<'js>,
    {
        p.ctx
            .with(|ctx| {
                let f = f
                    .clone()
                    .restore(&ctx)
                    .map_err(|e| Failure::Internal(e.to_string()))?;
                f.call::<_, ()>(args)
                    .catch(&ctx)
                    .map_err(|e| Failure::Js(JsFailure::from_caught(&ctx, e)))
            })
            .map_err(|f| match f {
                Failure::Js(j) => self.classify(j, deadline),
                other => other,
            })
    }

    fn run_jobs(&self, deadline: Instant) -> Result<(), Failure> {
        loop {
            match self.rt.execute_pending_job() {
                Ok(true) => continue,
                Ok(false) => return Ok(()),
                Err(e) => {
                    let f = e.0.with(|ctx| {
                        let v = ctx.catch();
                        JsFailure::from_value(&ctx, v)
                    });
                    return Err(self.classify(f, deadline));
                }
            }
        }
    }

    fn drive(&self, p: &Prepared, job: &Job, deadline: Instant) -> Result<(), Failure> {
        let args = (
            job.event_json.as_str(),
            job.export,
            job.redirects_json.as_str(),
        );
        self.call(p, &p.run, args, deadline)?;
        loop {
            self.run_jobs(deadline)?;
            let (outcome, in_flight, next_timer) = {
                let mut guard = p.state.borrow_mut();
                let run = guard
                    .as_mut()
                    .ok_or_else(|| Failure::Internal("run state vanished".into()))?;
                (
                    run.outcome.take(),
                    run.in_flight,
                    run.timers.iter().map(|(t, _)| *t).min(),
                )
            };
            match outcome {
                Some(Ok(())) => return Ok(()),
                Some(Err(f)) => return Err(self.classify(f, deadline)),
                None => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Failure::Timeout);
            }
            if in_flight == 0 && next_timer.is_none() {
                return Err(Failure::Stalled);
            }
            let until = next_timer.map_or(deadline, |t| t.min(deadline));
            if in_flight > 0 {
                match job
                    .replies
                    .recv_timeout(until.saturating_duration_since(now))
                {
                    Ok(reply) => self.settle(p, reply, deadline)?,
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(Failure::Internal("the login was abandoned".into()));
                    }
                }
            } else {
                std::thread::sleep(until.saturating_duration_since(now));
            }
            self.fire_due_timers(p, deadline)?;
        }
    }

    fn settle(&self, p: &Prepared, reply: FetchReply, deadline: Instant) -> Result<(), Failure> {
        if let Some(run) = p.state.borrow_mut().as_mut() {
            run.in_flight = run.in_flight.saturating_sub(1);
        }
        let outcome = match reply.result {
            Ok(r) => {
                let status_text = reqwest::StatusCode::from_u16(r.status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                serde_json::json!({
                    "status": r.status,
                    "statusText": status_text,
                    "headers": r.headers,
                    "body": r.body,
                })
            }
            Err(e) => serde_json::json!({
                "error": e.to_string(),
                "type": fetch_error_type(&e),
                "limit": MAX_RESPONSE_BYTES,
            }),
        };
        self.call(
            p,
            &p.settle_fetch,
            (reply.id, outcome.to_string()),
            deadline,
        )
    }

    fn fire_due_timers(&self, p: &Prepared, deadline: Instant) -> Result<(), Failure> {
        loop {
            let due = {
                let mut guard = p.state.borrow_mut();
                let Some(run) = guard.as_mut() else {
                    return Ok(());
                };
                let now = Instant::now();
                let next = run
                    .timers
                    .iter()
                    .enumerate()
                    .filter(|(_, (t, _))| *t <= now)
                    .min_by_key(|(_, (t, _))| *t)
                    .map(|(i, _)| i);
                next.map(|i| run.timers.swap_remove(i).1)
            };
            let Some(id) = due else {
                return Ok(());
            };
            self.call(p, &p.fire_timer, (id,), deadline)?;
            self.run_jobs(deadline)?;
        }
    }
}
