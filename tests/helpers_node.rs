//! `helpers/node` (`@auth0-mock/testing`) used the way a suite uses it, against this build's
//! binary: its Playwright tests in Debian's Chromium with three workers (one mock each, found
//! through `AUTH0_MOCK_BIN`), then its `node --test` unit tests (binary discovery, process
//! lifetime, the global setup).
//!
//! `helpers/node/node_modules` is installed by `npm ci` from the committed package-lock.json
//! when missing or stale; browsers are never downloaded.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::process::Command;

const INSTALL_TIMEOUT: Duration = Duration::from_secs(900);
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

fn package_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("helpers/node")
}

// ------------------------------------------------------------------ install

/// Runs `npm ci` in helpers/node unless node_modules already matches package-lock.json. Another
/// test process (a second `cargo test`) may be installing at the same moment, and two `npm ci`
/// runs in one directory wreck each other's node_modules, so an exclusive lock on a file next to
/// the package is held across the check and the install.
async fn node_deps(dir: &Path) {
    let lock_path = dir.join(".install.lock");
    let lock = tokio::task::spawn_blocking(move || lock_exclusive(&lock_path))
        .await
        .expect("the lock task panicked")
        .unwrap_or_else(|e| panic!("cannot lock helpers/node for npm ci: {e}"));
    if !node_modules_up_to_date(dir) {
        eprintln!(
            "helpers_node: installing npm packages (npm ci) in {}",
            dir.display()
        );
        let mut cmd = Command::new("npm");
        cmd.args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if let Err(e) = run_install(&mut cmd).await {
            panic!("cannot install helpers/node's npm packages: {e}");
        }
    }
    drop(lock);
}

/// An exclusive `flock` on `path`, released when the file is closed.
fn lock_exclusive(path: &Path) -> std::io::Result<File> {
    use std::os::fd::AsRawFd;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    // SAFETY: flock only reads the descriptor, which `file` keeps open for the call.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(file)
}

/// True when every package of package-lock.json is in node_modules/.package-lock.json
/// (npm's own record of what is installed) at the same version.
fn node_modules_up_to_date(dir: &Path) -> bool {
    let read =
        |p: PathBuf| -> Option<Value> { serde_json::from_slice(&std::fs::read(p).ok()?).ok() };
    let (Some(lock), Some(installed)) = (
        read(dir.join("package-lock.json")),
        read(dir.join("node_modules/.package-lock.json")),
    ) else {
        return false;
    };
    let (Some(want), Some(have)) = (
        lock["packages"].as_object(),
        installed["packages"].as_object(),
    ) else {
        return false;
    };
    want.iter()
        .filter(|(k, _)| !k.is_empty())
        .all(|(k, v)| have.get(k).is_some_and(|h| h["version"] == v["version"]))
}

async fn run_install(cmd: &mut Command) -> Result<(), String> {
    cmd.stdin(Stdio::null()).kill_on_drop(true);
    let out = tokio::time::timeout(INSTALL_TIMEOUT, cmd.output())
        .await
        .map_err(|_| format!("`npm ci` timed out after {INSTALL_TIMEOUT:?}"))?
        .map_err(|e| format!("cannot run `npm ci`: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm ci` failed ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Debian's Chromium (or `CHROMIUM_PATH`), installed on a fresh machine by the same script CI
/// runs; never a downloaded browser.
fn chromium() -> String {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() && std::env::var_os("CHROMIUM_PATH").is_none() {
        eprintln!("helpers_node: {chromium} is missing; running .ci/install-test-deps");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/install-test-deps");
        let status = std::process::Command::new("bash").arg(&script).status();
        eprintln!("helpers_node: .ci/install-test-deps finished: {status:?}");
    }
    assert!(
        Path::new(&chromium).exists(),
        "the Playwright tests need Debian's Chromium at {chromium} \
         (apt-get install -y chromium, or set CHROMIUM_PATH); browsers are never downloaded"
    );
    chromium
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
