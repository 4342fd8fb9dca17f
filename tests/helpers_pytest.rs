//! The pytest plugin in `helpers/pytest/` (pytest-auth0-mock), checked by its own pytest suite
//! against the binary this build made, with two pytest-xdist workers (each starts its own mock).
//!
//! `helpers/pytest/.venv` is made on first use (`python3 -m venv`, then
//! `pip install -r requirements-test.txt -e .`) and installed into again whenever
//! `requirements-test.txt` or `pyproject.toml` change. See `helpers/pytest/README.md`.

use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;
use tokio::sync::OnceCell;

const INSTALL_TIMEOUT: Duration = Duration::from_secs(900);
const PYTEST_TIMEOUT: Duration = Duration::from_secs(300);

fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("helpers/pytest")
}

static VENV: OnceCell<Result<PathBuf, String>> = OnceCell::const_new();

/// An exclusive `flock` on a file, held until dropped. The `OnceCell` keeps tests of this binary
/// from installing twice; this keeps two `cargo test` runs in one checkout from running pip into
/// the same venv at once.
struct InstallLock(File);

impl InstallLock {
    async fn acquire(path: PathBuf) -> Result<Self, String> {
        tokio::task::spawn_blocking(move || {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            // SAFETY: the descriptor belongs to `file`, which outlives the call.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
                return Err(format!(
                    "flock {}: {}",
                    path.display(),
                    std::io::Error::last_os_error()
                ));
            }
            Ok(InstallLock(file))
        })
        .await
        .map_err(|e| format!("lock task: {e}"))?
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        // SAFETY: as above; closing the file would release the lock as well.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// The venv's python, after making the venv and installing into it when needed.
async fn venv_python() -> PathBuf {
    let r = VENV
        .get_or_init(|| async {
            let dir = plugin_dir();
            let venv = dir.join(".venv");
            let python = venv.join("bin/python");
            let _one_at_a_time = InstallLock::acquire(dir.join(".venv.lock")).await?;
            // What the venv was installed from: pip runs again only when this changes.
            let mut wanted = Vec::new();
            for file in ["requirements-test.txt", "pyproject.toml"] {
                wanted.extend(std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?);
            }
            let stamp = venv.join("auth0-mock-installed-from.txt");
            if python.exists() && std::fs::read(&stamp).ok().as_deref() == Some(&wanted[..]) {
                return Ok(python);
            }
            if !python.exists() {
                eprintln!(
                    "helpers_pytest: creating the Python venv {}",
                    venv.display()
                );
                run_install(
                    Command::new("python3").args(["-m", "venv"]).arg(&venv),
                    "python3 -m venv",
                )
                .await?;
            }
            eprintln!(
                "helpers_pytest: pip install -r requirements-test.txt -e . into {}",
                venv.display()
            );
            run_install(
                Command::new(&python)
                    .args(["-m", "pip", "install", "--disable-pip-version-check", "-q"])
                    .args(["-r", "requirements-test.txt", "-e", "."])
                    .current_dir(&dir),
                "pip install -r requirements-test.txt -e .",
            )
            .await?;
            std::fs::write(&stamp, &wanted)
                .map_err(|e| format!("writing {}: {e}", stamp.display()))?;
            Ok(python)
        })
        .await;
    match r {
        Ok(p) => p.clone(),
        Err(e) => panic!("cannot install the pytest plugin's test dependencies: {e}"),
    }
}

async fn run_install(cmd: &mut Command, what: &str) -> Result<(), String> {
    cmd.stdin(Stdio::null()).kill_on_drop(true);
    let out = tokio::time::timeout(INSTALL_TIMEOUT, cmd.output())
        .await
        .map_err(|_| format!("`{what}` timed out after {INSTALL_TIMEOUT:?}"))?
        .map_err(|e| format!("cannot run `{what}`: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{what}` failed ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
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
