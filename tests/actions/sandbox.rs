//! The sandbox each Action run gets: fresh globals per login, working timers, and no Node or
//! QuickJS host objects to reach the machine.

use crate::{Action, start_with, tokens};
use serde_json::{Value, json};

#[tokio::test]
async fn globals_are_fresh_for_every_login() {
    let code = r#"
let moduleCounter = 0;
exports.onExecutePostLogin = async (event, api) => {
  moduleCounter += 1;
  globalThis.counter = (globalThis.counter ?? 0) + 1;
  const polluted = typeof Array.prototype.evil === 'function';
  Array.prototype.evil = () => 'evil';
  api.idToken.setCustomClaim('https://x/state', [moduleCounter, globalThis.counter, polluted]);
};"#;
    let (server, _dir) = start_with(Action::new("stateful", code)).await;
    for _ in 0..3 {
        let (_, id) = tokens(&server.base_url()).await;
        assert_eq!(id["https://x/state"], json!([1, 1, false]));
    }
    server.shutdown().await;
}

const SANDBOXED: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  const order = [];
  await new Promise((resolve) => setTimeout(() => { order.push('timeout'); resolve(); }, 20));
  let ticks = 0;
  await new Promise((resolve) => { const t = setInterval(() => { if (++ticks === 3) { clearInterval(t); resolve(); } }, 5); });
  const cancelled = setTimeout(() => order.push('cancelled'), 1);
  clearTimeout(cancelled);
  await new Promise((resolve) => setTimeout(resolve, 10));
  let fsError = null;
  try { require(['f', 's'].join('')); } catch (e) { fsError = e.message; }
  api.idToken.setCustomClaim('https://x/env', {
    order, ticks,
    process: typeof process, std: typeof std, os: typeof os, deno: typeof Deno,
    fsError,
  });
};"#;

/// What [`SANDBOXED`] found out about its environment.
async fn sandboxed_env() -> Value {
    let (server, _dir) = start_with(Action::new("sandboxed", SANDBOXED)).await;
    let (_, id) = tokens(&server.base_url()).await;
    server.shutdown().await;
    id["https://x/env"].clone()
}

#[tokio::test]
async fn set_timeout_set_interval_and_their_clear_functions_work() {
    let env = sandboxed_env().await;
    assert_eq!(env["order"], json!(["timeout"]));
    assert_eq!(env["ticks"], 3);
}

#[tokio::test]
async fn no_process_std_or_os_object_is_reachable() {
    let env = sandboxed_env().await;
    assert_eq!(env["process"], "undefined");
    assert_eq!(env["std"], "undefined");
    assert_eq!(env["os"], "undefined");
}

#[tokio::test]
async fn a_runtime_require_of_fs_is_refused() {
    let env = sandboxed_env().await;
    assert!(
        env["fsError"]
            .as_str()
            .unwrap()
            .starts_with("auth0-mock cannot load Node.js built-in module 'fs'"),
        "{env}"
    );
}
