//! Startup to first JWKS response on the embedded tenant, for the release binary.
//! Goal: under 20 ms.
//!
//! `cargo build --release && cargo bench --bench startup`

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(47123)
}

fn jwks_ok(port: u16) -> bool {
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

fn main() {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/auth0-mock");
    if !bin.exists() {
        eprintln!("build the release binary first: cargo build --release");
        std::process::exit(1);
    }
    let mut samples = Vec::new();
    for _ in 0..15 {
        let port = free_port();
        let started = Instant::now();
        let mut child = Command::new(&bin)
            .args(["--port", &port.to_string()])
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
        samples.push(started.elapsed());
        let _ = child.kill();
        let _ = child.wait();
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "startup to first JWKS response (embedded tenant, release): min {:.1} ms, median {:.1} ms, max {:.1} ms over {} runs",
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}
