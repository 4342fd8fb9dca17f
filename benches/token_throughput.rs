//! RS256 client_credentials issuance against `openssl speed -multi 2 rsa2048`, measured in the
//! same run on the same machine. Goal: at least 70% of OpenSSL's signing rate.
//!
//! The mock runs in-process on a multi-threaded runtime; the load comes from `wrk` (Debian
//! package) in a separate process, or from an in-process client when wrk is missing.
//!
//! `cargo bench --bench token_throughput`

use std::process::Command;
use std::time::{Duration, Instant};

const BODY: &str = "grant_type=client_credentials&client_id=auth0-mock-m2m&client_secret=auth0-mock-m2m-secret&audience=https%3A%2F%2Fapi.auth0-mock.test";

fn openssl_rate() -> Option<f64> {
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

fn wrk_available() -> bool {
    Command::new("wrk").arg("--version").output().is_ok()
}

fn with_wrk(base: &str, secs: u64) -> Option<f64> {
    let script = std::env::temp_dir().join("auth0-mock-cc.lua");
    std::fs::write(
        &script,
        format!("wrk.method = \"POST\"\nwrk.body = \"{BODY}\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"),
    )
    .ok()?;
    let out = Command::new("wrk")
        .args(["-t1", "-c16", &format!("-d{secs}s"), "-s"])
        .arg(&script)
        .arg(format!("{base}/oauth/token"))
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if text.contains("Non-2xx") {
        eprintln!("wrk saw errors");
        return None;
    }
    text.lines()
        .find(|l| l.starts_with("Requests/sec:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

async fn with_reqwest(base: &str, secs: u64) -> f64 {
    let client = reqwest::Client::new();
    let url = format!("{base}/oauth/token");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let res = client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(BODY)
                    .send()
                    .await;
                if res.map(|r| r.status().is_success()).unwrap_or(false) {
                    n += 1;
                }
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap_or(0);
    }
    total as f64 / secs as f64
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime
        .block_on(auth0_mock::MockServer::start(auth0_mock::ServerConfig {
            port: 0,
            ..Default::default()
        }))
        .expect("mock starts");
    let base = server.base_url();
    let secs = 8;
    let (tool, rate) = if wrk_available() {
        ("wrk -t1 -c16", with_wrk(&base, secs).unwrap_or(0.0))
    } else {
        (
            "in-process reqwest (install wrk for a cleaner number)",
            runtime.block_on(with_reqwest(&base, secs)),
        )
    };
    runtime.block_on(server.shutdown());
    println!("client_credentials tokens/s ({tool}): {rate:.0}");
    match openssl_rate() {
        Some(ossl) => println!(
            "openssl speed -multi 2 rsa2048 sign/s: {ossl:.0}\nratio: {:.0}% (goal >= 70%)",
            rate / ossl * 100.0
        ),
        None => println!("openssl speed unavailable"),
    }
}
