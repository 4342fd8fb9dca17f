//! What the load benchmarks share: the release binary as a separate process (what users run),
//! `wrk` as the load generator, `openssl speed` as the machine's RSA signing limit, and the
//! process's resident memory.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The mock binary cargo built for this benchmark (bench profile = release).
pub const BIN: &str = env!("CARGO_BIN_EXE_auth0-mock");

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(47123)
}

/// Whether the mock on `port` answers its JWKS.
pub fn jwks_ok(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    if s.write_all(
        b"GET /.well-known/jwks.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .is_err()
    {
        return false;
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    buf.starts_with(b"HTTP/1.1 200")
}

/// A running mock process; killed on drop.
pub struct Mock {
    pub child: Child,
    pub port: u16,
}

impl Mock {
    /// Starts the binary with `args` (logging at `RUST_LOG`, default warn; stderr to `stderr`).
    pub fn start(args: &[&str], stderr: Stdio) -> Mock {
        let port = free_port();
        let child = Command::new(BIN)
            .args(["--port", &port.to_string()])
            .args(args)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("the auth0-mock binary starts");
        let started = Instant::now();
        while !jwks_ok(port) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no JWKS within 10 s"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        Mock { child, port }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Resident memory of the process, in MB (from /proc).
    pub fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `wrk` run.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub rps: f64,
    pub p99_ms: f64,
    pub errors: bool,
}

/// Whether wrk is installed (Debian package `wrk`).
pub fn wrk_available() -> bool {
    Command::new("wrk").arg("--version").output().is_ok()
}

/// Runs `wrk -t1 -c<conns> -d<secs>s --latency` against `url`, POSTing `form` when given.
pub fn wrk(url: &str, conns: u32, secs: u64, form: Option<&str>) -> Load {
    let lua = form.map(|body| {
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
        )
    });
    run_wrk(url, conns, secs, lua.as_deref())
}

/// Runs wrk with a Lua script (for requests that vary), like [`wrk`].
pub fn wrk_script(url: &str, conns: u32, secs: u64, lua: &str) -> Load {
    run_wrk(url, conns, secs, Some(lua))
}

fn run_wrk(url: &str, conns: u32, secs: u64, lua: Option<&str>) -> Load {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t1",
        &format!("-c{conns}"),
        &format!("-d{secs}s"),
        "--latency",
    ]);
    if let Some(lua) = lua {
        let script =
            std::env::temp_dir().join(format!("auth0-mock-bench-{}.lua", std::process::id()));
        std::fs::write(&script, lua).expect("wrk script written");
        cmd.arg("-s").arg(script);
    }
    let out = cmd.arg(url).output().expect("wrk runs");
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// Requests per second, p99 and whether anything failed, from wrk's `--latency` report.
fn parse(text: &str) -> Load {
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let p99_ms = text
        .lines()
        .find(|l| l.trim_start().starts_with("99%"))
        .and_then(|l| l.split_whitespace().nth(1))
        .map_or(0.0, millis);
    Load {
        rps,
        p99_ms,
        errors: text.contains("Non-2xx") || text.contains("Socket errors"),
    }
}

/// wrk's latency text (`850.00us`, `12.3ms`, `1.02s`) in milliseconds.
fn millis(v: &str) -> f64 {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (v, 1.0)
    };
    num.parse::<f64>().map_or(0.0, |x| x * scale)
}

/// `openssl speed -multi 2 rsa2048` signatures per second: the machine's RSA signing limit.
pub fn openssl_rate() -> Option<f64> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "5", "-multi", "2", "rsa2048"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("rsa 2048 bits") || l.starts_with("rsa  2048 bits"))?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    fields.get(fields.len().checked_sub(2)?)?.parse().ok()
}

/// A plain HTTP/1.1 request to the mock on `port`; returns the status and body.
pub fn http(port: u16, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let body = json.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if s.write_all(head.as_bytes())
        .and_then(|_| s.write_all(body.as_bytes()))
        .is_err()
    {
        return (0, String::new());
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// CPU time (user + system) the process `pid` has used, in seconds, from /proc.
pub fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name (field 2) may hold spaces; the fields after its ')' start at field 3,
    // so utime and stime (fields 14 and 15) are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // /proc counts in USER_HZ, which Linux fixes at 100 for user space.
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU time the whole machine has spent busy (not idle or waiting on I/O), in core-seconds,
/// from /proc/stat.
pub fn machine_busy_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal [guest guest_nice, already in user/nice]
    let busy: f64 = ticks.iter().take(8).sum::<f64>()
        - ticks.get(3).copied().unwrap_or(0.0)
        - ticks.get(4).copied().unwrap_or(0.0);
    busy / 100.0
}
