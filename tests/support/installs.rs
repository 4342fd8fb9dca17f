//! Installing what the real-client and helper suites run: npm packages from a lock file, a
//! Python venv from requirements, and Debian's Chromium. Each install runs only when what is
//! there does not match what is wanted, and under an exclusive lock on a file beside the
//! directory, because a second `cargo test` (or a second test of the same binary) may reach the
//! same directory at the same moment and two installers in one directory wreck each other's
//! work. Browsers are never downloaded.

#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;

/// How long one install may take on a fresh machine.
pub const INSTALL_TIMEOUT: Duration = Duration::from_secs(900);

/// An exclusive `flock` on `path`, held until the returned file is dropped.
pub async fn lock_exclusive(path: PathBuf) -> Result<File, String> {
    tokio::task::spawn_blocking(move || {
        use std::os::fd::AsRawFd;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // SAFETY: flock only reads the descriptor, which `file` keeps open for the call.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(format!(
                "flock {}: {}",
                path.display(),
                std::io::Error::last_os_error()
            ));
        }
        Ok(file)
    })
    .await
    .map_err(|e| format!("lock task: {e}"))?
}

/// Runs an installer with [`INSTALL_TIMEOUT`]; its output in the error when it fails.
pub async fn run_install(cmd: &mut Command, what: &str) -> Result<(), String> {
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

/// `npm ci` in `dir` unless its node_modules already matches package-lock.json.
pub async fn npm_ci(dir: &Path) -> Result<(), String> {
    let _one_at_a_time = lock_exclusive(dir.join(".install.lock")).await?;
    if node_modules_up_to_date(dir) {
        return Ok(());
    }
    eprintln!("installing npm packages (npm ci) in {}", dir.display());
    run_install(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        "npm ci",
    )
    .await
}

/// True when every package of package-lock.json is in node_modules/.package-lock.json
/// (npm's own record of what is installed) at the same version.
fn node_modules_up_to_date(dir: &Path) -> bool {
    let read = |p: PathBuf| -> Option<serde_json::Value> {
        serde_json::from_slice(&std::fs::read(p).ok()?).ok()
    };
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

/// `dir/.venv` with `pip install <pip_args>` run in `dir`, again whenever one of `inputs`
/// (files of `dir`: requirements, pyproject) changes; the venv's python.
pub async fn python_venv(
    dir: &Path,
    pip_args: &[&str],
    inputs: &[&str],
) -> Result<PathBuf, String> {
    let venv = dir.join(".venv");
    let python = venv.join("bin/python");
    let _one_at_a_time = lock_exclusive(dir.join(".venv.lock")).await?;
    let mut wanted = pip_args.join(" ").into_bytes();
    for file in inputs {
        wanted.extend(std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?);
    }
    let stamp = venv.join("auth0-mock-installed-from.txt");
    if python.exists() && std::fs::read(&stamp).ok().as_deref() == Some(&wanted[..]) {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("creating the Python venv {}", venv.display());
        run_install(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )
        .await?;
    }
    let what = format!("pip install {}", pip_args.join(" "));
    eprintln!("{what} into {}", venv.display());
    run_install(
        Command::new(&python)
            .args(["-m", "pip", "install", "--disable-pip-version-check", "-q"])
            .args(pip_args)
            .current_dir(dir),
        &what,
    )
    .await?;
    std::fs::write(&stamp, &wanted).map_err(|e| format!("writing {}: {e}", stamp.display()))?;
    Ok(python)
}

/// Debian's Chromium (or `CHROMIUM_PATH`), installed on a fresh machine by the script CI runs,
/// one install at a time (apt-get runs fail on dpkg's lock otherwise).
pub fn chromium() -> String {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() && std::env::var_os("CHROMIUM_PATH").is_none() {
        eprintln!("{chromium} is missing; running .ci/install-test-deps");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/install-test-deps");
        let status = std::process::Command::new("bash").arg(&script).status();
        eprintln!(".ci/install-test-deps finished: {status:?}");
    }
    assert!(
        Path::new(&chromium).exists(),
        "browser tests need Debian's Chromium at {chromium} \
         (apt-get install -y chromium, or set CHROMIUM_PATH); browsers are never downloaded"
    );
    chromium
}
