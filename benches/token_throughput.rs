//! Token issuance against the machine's RSA signing limit, measured side by side in one run:
//! client_credentials at 8 and 64 connections (throughput and p99) and the JWKS, served by the
//! release binary in its own process, loaded by `wrk` (Debian package), against
//! `openssl speed -multi 2 rsa2048` taken before and after (this VM's speed drifts).
//!
//! Goals (issue "Foundation…"): ≥ 0.90 of the signing limit at 8 and 64 connections, p99 ≤ 15 ms
//! at 64, JWKS ≥ 100k requests/s.
//!
//! `cargo bench --bench token_throughput [-- rounds]`

#[path = "support/mod.rs"]
mod support;

use std::process::Stdio;
use support::{Load, Mock, openssl_rate, wrk, wrk_available};

const CC: &str = "grant_type=client_credentials&client_id=auth0-mock-m2m&client_secret=auth0-mock-m2m-secret&audience=https%3A%2F%2Fapi.auth0-mock.test";

fn median(mut v: Vec<Load>) -> Load {
    v.sort_by(|a, b| a.rps.total_cmp(&b.rps));
    v[v.len() / 2]
}

fn main() {
    if !wrk_available() {
        eprintln!("this benchmark needs wrk: apt-get install wrk");
        std::process::exit(1);
    }
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3);
    let before = openssl_rate().unwrap_or(f64::NAN);
    let mock = Mock::start(&[], Stdio::null());
    let token = format!("{}/oauth/token", mock.base());
    let jwks = format!("{}/.well-known/jwks.json", mock.base());
    let mut runs: Vec<(String, Vec<Load>)> = Vec::new();
    for _ in 0..rounds {
        for (label, url, conns, form) in [
            ("client_credentials, 8 connections", &token, 8, Some(CC)),
            ("client_credentials, 64 connections", &token, 64, Some(CC)),
            ("JWKS, 4 connections", &jwks, 4, None),
            ("JWKS, 16 connections", &jwks, 16, None),
        ] {
            let load = wrk(url, conns, 8, form);
            assert!(!load.errors, "{label}: wrk saw errors");
            match runs.iter_mut().find(|(l, _)| l == label) {
                Some((_, v)) => v.push(load),
                None => runs.push((label.to_string(), vec![load])),
            }
        }
    }
    drop(mock);
    let after = openssl_rate().unwrap_or(f64::NAN);
    let limit = (before + after) / 2.0;
    println!(
        "openssl speed -multi 2 rsa2048: {before:.0} sign/s before, {after:.0} after (limit {limit:.0})"
    );
    for (label, loads) in runs {
        let m = median(loads);
        let ratio = if label.starts_with("client") {
            format!("  {:.2} of the signing limit", m.rps / limit)
        } else {
            String::new()
        };
        println!(
            "{label:<36} {:>9.0} requests/s  p99 {:>6.2} ms{ratio}   (median of {rounds})",
            m.rps, m.p99_ms
        );
    }
}
