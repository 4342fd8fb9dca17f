//! `helpers/node` (`@auth0-mock/testing`) used the way a suite uses it, against this build's
//! binary: its Playwright tests in Debian's Chromium with three workers (one mock each, found
//! through `AUTH0_MOCK_BIN`), then its `node --test` unit tests (binary discovery, process
//! lifetime, the global setup).
//!
//! `helpers/node/node_modules` is installed by `npm ci` from the committed package-lock.json
//! when missing or stale; browsers are never downloaded.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

#[path = "support/installs.rs"]
mod installs;

use serde_json::Value;
use tokio::process::Command;

const RUN_TIMEOUT: Duration = Duration::from_secs(180);

fn package_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("helpers/node")
}

// ------------------------------------------------------------------ install

/// helpers/node's npm packages, installed when missing or stale.
async fn node_deps(dir: &Path) {
    if let Err(e) = installs::npm_ci(dir).await {
        panic!("cannot install helpers/node's npm packages: {e}");
    }
}

fn chromium() -> String {
    installs::chromium()
}

// ------------------------------------------------------------------ runs

/// Runs `program args` in helpers/node with this build's binary; panics with the full output
/// unless it exits 0. Returns stdout.
async fn run(what: &str, program: &str, args: &[&str], extra_env: &[(&str, &str)]) -> String {
    let dir = package_dir();
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(&dir);
    // A developer's own AUTH0_MOCK_URL (or issuer, port, fixtures…) must not redirect these
    // tests to another mock or reshape the one they start.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AUTH0_MOCK_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("AUTH0_MOCK_BIN", env!("CARGO_BIN_EXE_auth0-mock"))
        .env("CHROMIUM_PATH", chromium())
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .env_remove("NODE_OPTIONS")
        .envs(extra_env.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let command = format!("{program} {}", args.join(" "));
    let started = Instant::now();
    let out = match tokio::time::timeout(RUN_TIMEOUT, cmd.output()).await {
        Err(_) => panic!("{what} (`{command}`) did not finish within {RUN_TIMEOUT:?}"),
        Ok(Err(e)) => panic!("cannot run `{command}` for {what}: {e}"),
        Ok(Ok(out)) => out,
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        panic!(
            "{what} failed ({}, after {:.1?})\ncommand: {command}   (in {})\n\
             --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
            out.status,
            started.elapsed(),
            dir.display(),
        );
    }
    eprintln!("helpers_node: {what} passed in {:.1?}", started.elapsed());
    // Visible with --nocapture; shows which tests ran.
    print!("{stdout}");
    stdout
}

/// Every test result of a Playwright JSON report, with the describe blocks flattened.
fn results(suite: &Value, out: &mut Vec<(String, Value)>) {
    for spec in suite["specs"].as_array().into_iter().flatten() {
        let title = spec["title"].as_str().unwrap_or("?").to_string();
        for test in spec["tests"].as_array().into_iter().flatten() {
            for result in test["results"].as_array().into_iter().flatten() {
                out.push((title.clone(), result.clone()));
            }
        }
    }
    for child in suite["suites"].as_array().into_iter().flatten() {
        results(child, out);
    }
}

/// Workers had a mock each: every test names its worker's mock (the spec's `auth0-mock`
/// annotation), one per worker, no two workers alike, and more than one worker ran.
fn check_one_mock_per_worker(report: &Value) {
    let stats = &report["stats"];
    assert!(
        stats["expected"].as_u64().unwrap_or(0) > 0
            && stats["unexpected"] == 0
            && stats["flaky"] == 0
            && stats["skipped"] == 0,
        "the Playwright run should pass every test and skip none: {stats}"
    );
    let mut all = Vec::new();
    for suite in report["suites"].as_array().into_iter().flatten() {
        results(suite, &mut all);
    }
    let mut by_worker: std::collections::BTreeMap<u64, std::collections::BTreeSet<String>> =
        Default::default();
    for (title, result) in &all {
        let worker = result["workerIndex"].as_u64().expect("workerIndex");
        let mock = result["annotations"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["type"] == "auth0-mock")
            .and_then(|a| a["description"].as_str())
            .unwrap_or_else(|| panic!("test `{title}` does not name its mock"));
        by_worker
            .entry(worker)
            .or_default()
            .insert(mock.to_string());
    }
    assert!(
        by_worker.len() >= 2,
        "the tests should have run in several workers at once: {by_worker:?}"
    );
    let mut mocks = std::collections::BTreeSet::new();
    for (worker, seen) in &by_worker {
        assert_eq!(
            seen.len(),
            1,
            "worker {worker} should use one mock: {seen:?}"
        );
        assert!(
            mocks.insert(seen.first().unwrap().clone()),
            "worker {worker} shares its mock with another worker: {by_worker:?}"
        );
    }
}

// ------------------------------------------------------------------ test

/// `@auth0-mock/testing`: Playwright tests (loginAs, nextLogin, mintToken, outbox.waitFor,
/// reset) with `--workers=3`, a mock per worker, and the node unit tests of binary discovery,
/// process lifetime and the global setup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_helpers_pass_their_playwright_and_node_tests() {
    let dir = package_dir();
    node_deps(&dir).await;

    let out = tempfile::tempdir().expect("temp dir");
    let report_path = out.path().join("report.json");
    let results_dir = out.path().join("test-results");
    let report_env = report_path.to_string_lossy().into_owned();
    let output_arg = format!("--output={}", results_dir.display());
    run(
        "the Playwright tests",
        "npx",
        &[
            "playwright",
            "test",
            "--workers=3",
            "--reporter=list,json",
            &output_arg,
        ],
        &[("PLAYWRIGHT_JSON_OUTPUT_FILE", &report_env)],
    )
    .await;
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report_path).expect("Playwright's JSON report"))
            .expect("Playwright's JSON report parses");
    check_one_mock_per_worker(&report);

    run(
        "the node unit tests",
        "node",
        &[
            "--test",
            "tests/binary.test.mjs",
            "tests/global-setup.test.mjs",
        ],
        &[],
    )
    .await;
}
