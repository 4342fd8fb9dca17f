//! The pytest plugin in `helpers/pytest/` (pytest-auth0-mock), checked by its own pytest suite
//! against the binary this build made, with two pytest-xdist workers (each starts its own mock).
//!
//! `helpers/pytest/.venv` is made on first use (`python3 -m venv`, then
//! `pip install -r requirements-test.txt -e .`) and installed into again whenever
//! `requirements-test.txt` or `pyproject.toml` change. See `helpers/pytest/README.md`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

#[path = "support/installs.rs"]
mod installs;

use tokio::process::Command;
use tokio::sync::OnceCell;

const PYTEST_TIMEOUT: Duration = Duration::from_secs(300);

fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("helpers/pytest")
}

static VENV: OnceCell<Result<PathBuf, String>> = OnceCell::const_new();

/// helpers/pytest/.venv with the plugin (editable) and its test requirements; its python.
async fn venv_python() -> PathBuf {
    let r = VENV
        .get_or_init(|| async {
            installs::python_venv(
                &plugin_dir(),
                &["-r", "requirements-test.txt", "-e", "."],
                &["requirements-test.txt", "pyproject.toml"],
            )
            .await
        })
        .await;
    match r {
        Ok(p) => p.clone(),
        Err(e) => panic!("cannot install the pytest plugin's test dependencies: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pytest_plugin_suite_passes_with_two_xdist_workers() {
    let python = venv_python().await;
    let mut cmd = Command::new(&python);
    cmd.args(["-m", "pytest", "-n", "2", "-p", "no:cacheprovider"])
        .arg("helpers/pytest/tests")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("AUTH0_MOCK_BIN", env!("CARGO_BIN_EXE_auth0-mock"))
        // A developer's own settings would make the suite attach to, or serve, something else.
        .env_remove("AUTH0_MOCK_URL")
        .env_remove("AUTH0_MOCK_FIXTURES")
        .env_remove("PYTEST_ADDOPTS")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(PYTEST_TIMEOUT, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("pytest did not finish within {PYTEST_TIMEOUT:?}"))
        .expect("run the venv's python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pytest -n 2 helpers/pytest/tests failed ({})\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "helpers_pytest: {}",
        stdout.lines().last().unwrap_or_default()
    );
}
