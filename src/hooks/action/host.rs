//! The native functions behind `prelude.js` (`host.*`): the only way an Action's code reaches
//! outside the engine. Each call lands in the current run's [`RunState`], which the worker
//! turns into messages for the login's `Api` (claims, scopes, metadata, logs, HTTP).

use super::messages::{Msg, Op, Spec};
use super::modules::require_error;
use crate::hooks::outbound::OutboundRequest;
use rquickjs::{Ctx, Exception, Function, Object};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// How a run's code ended, as described by the prelude (`name`, `message`, `stack`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(super) struct JsFailure {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub stack: String,
}

/// What one run may do and has pending. Present only while `onExecutePostLogin` runs, so code
/// left running afterwards (a floating promise) can no longer touch the login.
pub(super) struct RunState {
    pub out: UnboundedSender<Msg>,
    pub deadline: Instant,
    pub fetch_timeout: Duration,
    pub next_fetch: u32,
    pub in_flight: usize,
    /// (when, timer id), unordered; there are few.
    pub timers: Vec<(Instant, u32)>,
    /// Set by `host.done` when the handler's promise settles.
    pub outcome: Option<Result<(), JsFailure>>,
    /// `api` calls and logs not yet sent to the login.
    pub ops: Vec<Op>,
}

impl RunState {
    pub fn new(out: UnboundedSender<Msg>, deadline: Instant, fetch_timeout: Duration) -> Self {
        Self {
            out,
            deadline,
            fetch_timeout,
            next_fetch: 0,
            in_flight: 0,
            timers: Vec::new(),
            outcome: None,
            ops: Vec::new(),
        }
    }
}

/// The run state shared by the host functions of one context.
pub(super) type Shared = Rc<RefCell<Option<RunState>>>;

/// Milliseconds from JavaScript as a duration, clamped to something sane (NaN and negatives
/// are 0, anything past a day is a day).
fn millis(ms: f64) -> Duration {
    if ms.is_finite() && ms > 0.0 {
        Duration::from_secs_f64(ms.min(86_400_000.0) / 1000.0)
    } else {
        Duration::ZERO
    }
}

/// Bounds on what one run may queue outside the engine's memory limit, so a runaway loop of
/// `console.log` or `fetch` cannot exhaust the mock's own memory or flood a server.
const MAX_OPS: usize = 10_000;
const MAX_LOG_LINE_BYTES: usize = 16 * 1024;
const MAX_FETCHES: u32 = 1_000;

fn push(state: &Shared, op: Op) {
    if let Some(run) = state.borrow_mut().as_mut() {
        match run.ops.len() {
            n if n < MAX_OPS => run.ops.push(op),
            n if n == MAX_OPS => run.ops.push(Op::Log(format!(
                "auth0-mock: more than {MAX_OPS} api calls and console lines in one run; the rest are dropped"
            ))),
            _ => {}
        }
    }
}

/// A console line cut to a sane length (on a character boundary).
fn bounded(mut line: String) -> String {
    if line.len() > MAX_LOG_LINE_BYTES {
        let mut cut = MAX_LOG_LINE_BYTES;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push_str(" … [truncated by auth0-mock]");
    }
    line
}

/// Builds the `host` object for a fresh context. The closures hold only the shared run state
/// and the Action's immutable description, never engine handles, so dropping the context
/// releases everything.
pub(super) fn install<'js>(
    ctx: &Ctx<'js>,
    state: &Shared,
    spec: &Arc<Spec>,
) -> rquickjs::Result<Object<'js>> {
    let host = Object::new(ctx.clone())?;

    let st = state.clone();
    host.set(
        "op",
        Function::new(
            ctx.clone(),
            move |kind: String, name: String, json: Option<String>| {
                let value = json
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or(Value::Null);
                if let Some(op) = make_op(&kind, name, value) {
                    push(&st, op);
                }
            },
        )?,
    )?;

    let st = state.clone();
    host.set(
        "log",
        Function::new(ctx.clone(), move |line: String| {
            push(&st, Op::Log(bounded(line)));
        })?,
    )?;

    let st = state.clone();
    host.set(
        "fetch",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  method: String,
                  url: String,
                  headers: String,
                  body: Option<String>,
                  timeout_ms: f64|
                  -> rquickjs::Result<u32> {
                let mut guard = st.borrow_mut();
                let Some(run) = guard.as_mut() else {
                    return Err(Exception::throw_message(
                        &ctx,
                        "fetch is only available while onExecutePostLogin runs",
                    ));
                };
                let headers: Vec<(String, String)> =
                    serde_json::from_str(&headers).unwrap_or_default();
                let remaining = run.deadline.saturating_duration_since(Instant::now());
                let mut timeout = run.fetch_timeout.min(remaining);
                if timeout_ms > 0.0 {
                    timeout = timeout.min(millis(timeout_ms));
                }
                if run.next_fetch >= MAX_FETCHES {
                    return Err(Exception::throw_message(
                        &ctx,
                        &format!(
                            "auth0-mock allows at most {MAX_FETCHES} fetch calls per Action run"
                        ),
                    ));
                }
                run.next_fetch += 1;
                let id = run.next_fetch;
                run.in_flight += 1;
                let req = OutboundRequest {
                    method,
                    url,
                    headers,
                    body,
                    timeout,
                };
                let ops = std::mem::take(&mut run.ops);
                if !ops.is_empty() {
                    let _ = run.out.send(Msg::Ops(ops));
                }
                let _ = run.out.send(Msg::Fetch { id, req });
                Ok(id)
            },
        )?,
    )?;

    let st = state.clone();
    host.set(
        "timer",
        Function::new(ctx.clone(), move |id: u32, ms: f64| {
            if let Some(run) = st.borrow_mut().as_mut() {
                run.timers.retain(|(_, t)| *t != id);
                run.timers.push((Instant::now() + millis(ms), id));
            }
        })?,
    )?;
    let st = state.clone();
    host.set(
        "clearTimer",
        Function::new(ctx.clone(), move |id: u32| {
            if let Some(run) = st.borrow_mut().as_mut() {
                run.timers.retain(|(_, t)| *t != id);
            }
        })?,
    )?;

    let st = state.clone();
    host.set(
        "done",
        Function::new(ctx.clone(), move |described: String| {
            if let Some(run) = st.borrow_mut().as_mut() {
                run.outcome = Some(if described.is_empty() {
                    Ok(())
                } else {
                    Err(
                        serde_json::from_str(&described).unwrap_or_else(|_| JsFailure {
                            message: described,
                            ..Default::default()
                        }),
                    )
                });
            }
        })?,
    )?;

    let sp = spec.clone();
    host.set(
        "requireError",
        Function::new(ctx.clone(), move |name: String| {
            require_error(&name, &sp.dependencies)
        })?,
    )?;

    let sp = spec.clone();
    host.set(
        "cacheGet",
        Function::new(ctx.clone(), move |key: String| sp.cache.get(&key))?,
    )?;
    let sp = spec.clone();
    host.set(
        "cacheSet",
        Function::new(
            ctx.clone(),
            move |key: String, value: String, ttl: f64, expires_at: f64| {
                sp.cache.set(key, value, ttl, expires_at)
            },
        )?,
    )?;
    let sp = spec.clone();
    host.set(
        "cacheDelete",
        Function::new(ctx.clone(), move |key: String| sp.cache.delete(&key))?,
    )?;
    Ok(host)
}

/// The `api` operation the prelude names `kind` (`accessClaim`, `deny`, …).
fn make_op(kind: &str, name: String, value: Value) -> Option<Op> {
    Some(match kind {
        "accessClaim" => Op::AccessClaim(name, value),
        "idClaim" => Op::IdClaim(name, value),
        "addScope" => Op::AddScope(name),
        "removeScope" => Op::RemoveScope(name),
        "deny" => Op::Deny(name),
        "appMetadata" => Op::AppMetadata(name, value),
        "userMetadata" => Op::UserMetadata(name, value),
        _ => return None,
    })
}
