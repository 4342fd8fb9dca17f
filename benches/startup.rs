//! Process start to the first JWKS 200, for the release binary: with the embedded tenant (its
//! keys ship their certificates) and with a user's own key (`--key`, whose certificate the mock
//! makes at startup). Goal: ≤ 10 ms for both.
//!
//! `cargo bench --bench startup`

#[path = "support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{BIN, free_port, jwks_ok};

fn sample(args: &[String]) -> Duration {
    let port = free_port();
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["--port", &port.to_string()])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn auth0-mock");
    while !jwks_ok(port) {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("no JWKS within 10 s");
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn main() {
    let key = std::env::temp_dir().join(format!("auth0-mock-bench-key-{}.pem", std::process::id()));
    let made = Command::new(BIN)
        .args(["keygen", "--out"])
        .arg(&key)
        .status()
        .expect("auth0-mock keygen runs");
    assert!(made.success(), "auth0-mock keygen failed");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (label, args) in [
        ("embedded tenant", vec![]),
        (
            "--key (a user's own key)",
            vec!["--key".to_string(), key.display().to_string()],
        ),
    ] {
        let mut samples: Vec<Duration> = (0..21).map(|_| sample(&args)).collect();
        samples.sort();
        println!(
            "startup to first JWKS response, {label}: min {:.1} ms, median {:.1} ms, max {:.1} ms over {} runs",
            ms(samples[0]),
            ms(samples[samples.len() / 2]),
            ms(samples[samples.len() - 1]),
            samples.len()
        );
    }
    let _ = std::fs::remove_file(key);
}
