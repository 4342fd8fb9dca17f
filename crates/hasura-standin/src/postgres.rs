//! Test harness: a throwaway PostgreSQL cluster for tests that need a real
//! database (the Hasura stand-in executes its SQL there).
//!
//! [`PgCluster::start`] runs `initdb` into a temporary directory, starts the
//! server with `pg_ctl` on a free 127.0.0.1 port (Unix socket inside the temp
//! dir), and waits until it accepts connections. Dropping the value stops the
//! server (`pg_ctl stop -m immediate`) and removes the directory. PostgreSQL
//! refuses to run as root, so when the tests run as root the cluster is owned
//! by and run as the `postgres` OS user (via `runuser`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The directory holding the Hasura migrations this repository ships.
pub fn hasura_migrations_dir() -> PathBuf {
    crate::repo_root().join("fixtures/hasura/migrations/default")
}

/// A running throwaway PostgreSQL cluster.
pub struct PgCluster {
    dir: Option<tempfile::TempDir>,
    data_dir: PathBuf,
    port: u16,
    bin_dir: PathBuf,
    as_postgres: bool,
    stopped: bool,
}

fn find_bin_dir() -> Result<PathBuf, String> {
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join("pg_ctl");
            if candidate.is_file() {
                // Resolve symlinks so `postgres` is found beside pg_ctl.
                let real = std::fs::canonicalize(&candidate).unwrap_or(candidate);
                if let Some(parent) = real.parent()
                    && parent.join("initdb").is_file()
                {
                    return Ok(parent.to_path_buf());
                }
            }
        }
    }
    for version in ["17", "16", "15", "14", "13"] {
        let dir = PathBuf::from(format!("/usr/lib/postgresql/{version}/bin"));
        if dir.join("pg_ctl").is_file() && dir.join("initdb").is_file() {
            return Ok(dir);
        }
    }
    Err(
        "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin"
            .into(),
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn postgres_ids() -> Result<(u32, u32), String> {
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .map_err(|e| format!("running `id {flag} postgres`: {e}"))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| {
                "there is no `postgres` OS user to run PostgreSQL as (we are root)".to_string()
            })
    };
    Ok((id("-u")?, id("-g")?))
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("finding a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

impl PgCluster {
    /// Creates and starts a cluster; see the module docs.
    pub async fn start() -> Result<PgCluster, String> {
        tokio::task::spawn_blocking(Self::start_blocking)
            .await
            .map_err(|e| format!("PostgreSQL start task failed: {e}"))?
    }

    /// Starts a cluster and applies this repository's Hasura migrations.
    pub async fn start_with_hasura_migrations() -> Result<PgCluster, String> {
        let cluster = Self::start().await?;
        cluster.apply_migrations(&hasura_migrations_dir()).await?;
        Ok(cluster)
    }

    fn command(&self, program: &str) -> Command {
        let binary = self.bin_dir.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(binary);
            c
        } else {
            Command::new(binary)
        };
        if let Some(dir) = &self.dir {
            command.current_dir(dir.path());
        }
        command
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let output = self
            .command(program)
            .args(args)
            .output()
            .map_err(|e| format!("running {program}: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} {} failed ({}):\n{}{}",
                args.join(" "),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }

    fn start_blocking() -> Result<PgCluster, String> {
        let bin_dir = match find_bin_dir() {
            Ok(dir) => dir,
            Err(_) => {
                // A fresh machine: the same script CI runs installs Debian's PostgreSQL (as root).
                let script = crate::repo_root().join(".ci/install-test-deps");
                let status = Command::new("bash").arg(&script).status();
                eprintln!("postgres: ran .ci/install-test-deps: {status:?}");
                find_bin_dir()?
            }
        };
        let as_postgres = is_root();
        let dir = tempfile::Builder::new()
            .prefix("auth0-mock-pg-")
            .tempdir()
            .map_err(|e| format!("creating a temp dir: {e}"))?;
        let data_dir = dir.path().join("data");
        let socket_dir = dir.path().join("sock");
        std::fs::create_dir(&socket_dir)
            .map_err(|e| format!("creating {}: {e}", socket_dir.display()))?;
        if as_postgres {
            let (uid, gid) = postgres_ids()?;
            for path in [dir.path(), socket_dir.as_path()] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))
                    .map_err(|e| format!("chown {}: {e}", path.display()))?;
            }
        }
        let mut cluster = PgCluster {
            dir: Some(dir),
            data_dir,
            port: 0,
            bin_dir,
            as_postgres,
            stopped: true,
        };
        let data = cluster.data_dir.to_string_lossy().into_owned();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
        )?;
        let log = cluster.log_path().to_string_lossy().into_owned();
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let options = format!(
                "-k {} -h 127.0.0.1 -p {port} -F -c full_page_writes=off -c synchronous_commit=off",
                socket_dir.display()
            );
            match cluster.run(
                "pg_ctl",
                &[
                    "-D", &data, "-l", &log, "-w", "-t", "60", "-o", &options, "start",
                ],
            ) {
                Ok(()) => {
                    cluster.port = port;
                    cluster.stopped = false;
                    return Ok(cluster);
                }
                Err(e) => {
                    let server_log =
                        std::fs::read_to_string(cluster.log_path()).unwrap_or_default();
                    last_error = format!("{e}\nserver log:\n{server_log}");
                    // A port taken between probing and binding: try another one.
                    let _ = cluster.run("pg_ctl", &["-D", &data, "stop", "-m", "immediate"]);
                }
            }
        }
        Err(format!("could not start PostgreSQL: {last_error}"))
    }

    fn log_path(&self) -> PathBuf {
        match &self.dir {
            Some(dir) => dir.path().join("postgres.log"),
            None => PathBuf::from("postgres.log"),
        }
    }

    /// The TCP port the server listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A libpq/tokio-postgres URL for the `postgres` database as superuser
    /// `postgres` (trust auth, no password), e.g. for `PG_DATABASE_URL`.
    pub fn connection_string(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Connects with tokio-postgres (the connection task is spawned).
    pub async fn connect(&self) -> Result<tokio_postgres::Client, String> {
        let mut last_error = String::new();
        for _ in 0..50 {
            match tokio_postgres::connect(&self.connection_string(), tokio_postgres::NoTls).await {
                Ok((client, connection)) => {
                    tokio::spawn(async move {
                        let _ = connection.await;
                    });
                    return Ok(client);
                }
                Err(e) => {
                    last_error = e.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        Err(format!(
            "connecting to {}: {last_error}",
            self.connection_string()
        ))
    }

    /// Applies every `<dir>/*/up.sql` in name order (Hasura's migration
    /// layout: `<unix-ms>_<name>/up.sql`); returns the applied names.
    pub async fn apply_migrations(&self, dir: &Path) -> Result<Vec<String>, String> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("reading {}: {e}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.join("up.sql").is_file())
            .collect();
        entries.sort();
        let client = self.connect().await?;
        let mut applied = Vec::new();
        for entry in entries {
            let file = entry.join("up.sql");
            let sql = std::fs::read_to_string(&file)
                .map_err(|e| format!("reading {}: {e}", file.display()))?;
            client
                .batch_execute(&sql)
                .await
                .map_err(|e| format!("applying {}: {e}", file.display()))?;
            applied.push(
                entry
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
        Ok(applied)
    }

    /// Stops the server now (also done on drop).
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let data = self.data_dir.to_string_lossy().into_owned();
        let _ = self.run("pg_ctl", &["-D", &data, "stop", "-m", "immediate", "-w"]);
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
        if let Some(dir) = self.dir.take() {
            let _ = dir.close();
        }
    }
}
