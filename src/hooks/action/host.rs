//! The native functions behind `prelude.js` (`host.*`): the only way an Action's code reaches
//! outside the engine. Each call lands in the current run's [`RunState`], which the worker
//! turns into messages for the login's `Api` (claims, scopes, metadata, logs, HTTP).

use super::messages::{Msg, Op, Spec};
use super::modules::require_error;
use crate::hooks::console::{Budget, bound_line};
use crate::hooks::outbound::{OutboundRequest, redact};
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

/// What one run may do and has pending. Present only while the handler runs, so code
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
    /// `api` calls made so far (console lines are budgeted apart, so they never crowd these out).
    pub api_calls: usize,
    /// The console bytes this run may still send to the login.
    pub console: Budget,
    /// `event.secrets` values, redacted from console lines.
    pub secrets: Vec<String>,
}

impl RunState {
    pub fn new(
        out: UnboundedSender<Msg>,
        deadline: Instant,
        fetch_timeout: Duration,
        secrets: Vec<String>,
    ) -> Self {
        Self {
            out,
            deadline,
            fetch_timeout,
            next_fetch: 0,
            in_flight: 0,
            timers: Vec::new(),
            outcome: None,
            ops: Vec::new(),
            api_calls: 0,
            console: Budget::default(),
            secrets,
        }
    }

    /// Queues a console line for the login if the run's console budget has room for it, else
    /// counts it. Redacted before it is cut, so a secret across the cut leaves no prefix behind.
    pub fn log(&mut self, line: &str) {
        let line = bound_line(redact(line, &self.secrets));
        if self.console.admit(line.len()) {
            self.ops.push(Op::Log(line));
        }
    }

    /// What is left to send once the run is over, with what the console budget cut.
    pub fn into_ops(self) -> Vec<Op> {
        let mut ops = self.ops;
        if let Some(cut) = self.console.cut() {
            ops.push(Op::ConsoleCut(cut));
        }
        ops
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

/// `api` calls one run may make: they are queued outside the engine's memory limit, so a
/// runaway loop of them must stop somewhere. Past it the call throws (never a silent drop): a
/// claim that did not apply must fail the login, not vanish.
const MAX_API_CALLS: usize = 10_000;
/// `fetch` calls one run may make, so a loop cannot flood a server.
const MAX_FETCHES: u32 = 1_000;

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
            move |ctx: Ctx<'js>,
                  kind: String,
                  name: String,
                  json: Option<String>|
                  -> rquickjs::Result<()> {
                let mut guard = st.borrow_mut();
                let Some(run) = guard.as_mut() else {
                    return Ok(());
                };
                if run.api_calls >= MAX_API_CALLS {
                    return Err(Exception::throw_message(
                        &ctx,
                        &format!(
                            "auth0-mock allows at most {MAX_API_CALLS} api calls per Action run"
                        ),
                    ));
                }
                let value = json
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or(Value::Null);
                if let Some(op) = make_op(&kind, name, value) {
                    run.api_calls += 1;
                    run.ops.push(op);
                }
                Ok(())
            },
        )?,
    )?;

    let st = state.clone();
    host.set(
        "log",
        Function::new(ctx.clone(), move |line: String| {
            if let Some(run) = st.borrow_mut().as_mut() {
                run.log(&line);
            }
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
                        "fetch is only available while the Action's handler runs",
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

    host.set(
        "encodeToken",
        Function::new(ctx.clone(), |secret: String, claims: String| {
            let claims: serde_json::Map<String, Value> =
                serde_json::from_str(&claims).unwrap_or_default();
            verdict(crate::hooks::redirect::encode_token(&secret, &claims).map(Value::String))
        })?,
    )?;
    host.set(
        "validateToken",
        Function::new(
            ctx.clone(),
            |secret: String, token: String, state: String| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or_default();
                verdict(
                    crate::hooks::redirect::validate_token(&secret, &token, &state, now)
                        .map(Value::Object),
                )
            },
        )?,
    )?;

    let sp = spec.clone();
    host.set(
        "requireError",
        Function::new(ctx.clone(), move |name: String| {
            require_error(&name, &sp.dependencies)
        })?,
    )?;

    host.set(
        "loadModule",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: String| -> rquickjs::Result<Function<'js>> {
                super::bundled::factory(&ctx, &name)
            },
        )?,
    )?;

    let major = super::modules::auth0_major(&spec.dependencies);
    host.set("auth0Major", Function::new(ctx.clone(), move || major)?)?;

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

/// A host result as the prelude reads it: `{"ok": value}` or `{"error": message}`, which it
/// throws as an `Error` in the Action.
fn verdict(result: Result<Value, String>) -> String {
    match result {
        Ok(v) => serde_json::json!({ "ok": v }),
        Err(e) => serde_json::json!({ "error": e }),
    }
    .to_string()
}

/// The `api` operation the prelude names `kind` (`accessClaim`, `deny`, …).
fn make_op(kind: &str, name: String, value: Value) -> Option<Op> {
    Some(match kind {
        "accessClaim" => Op::AccessClaim(name, value),
        "idClaim" => Op::IdClaim(name, value),
        "addScope" => Op::AddScope(name),
        "removeScope" => Op::RemoveScope(name),
        "deny" => Op::Deny(name, value.as_str().map(str::to_string)),
        "validationError" => Op::ValidationError(name, value.as_str().unwrap_or("").to_string()),
        "appMetadata" => Op::AppMetadata(name, value),
        "userMetadata" => Op::UserMetadata(name, value),
        "redirect" => Op::Redirect(name, value),
        "mfa" => Op::Mfa(
            name,
            value.get("allowRememberBrowser").and_then(Value::as_bool) == Some(true),
        ),
        _ => return None,
    })
}
