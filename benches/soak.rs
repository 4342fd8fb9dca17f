//! A long load that keeps creating state: password grants with `offline_access` (each issues a
//! 30-day refresh token) at 8 connections, for 5 minutes, spread over 1,000 users so the
//! refresh-token store reaches its global cap (each user alone stops at Auth0's 200 per
//! application). Reports throughput and resident memory minute by minute, the store's counts
//! and the cap evictions the log reported.
//!
//! Goals (issue "Foundation…"): last minute ≥ 95% of the first minute's throughput; RSS at the
//! end ≤ 2× RSS after the first minute, and below the caps' arithmetic (`src/store/mod.rs`).
//!
//! `cargo bench --bench soak [-- minutes]`

#[path = "support/mod.rs"]
mod support;

use std::process::Stdio;
use support::{Mock, http, wrk_available, wrk_script};

const USERS: usize = 1000;

/// Each request logs in a random one of the soak's users.
const LUA: &str = r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  local n = math.random(0, 999)
  local body = "grant_type=password&client_id=auth0-mock-web&client_secret=auth0-mock-web-secret"
    .. "&username=soak" .. n .. "%40example.com&password=soak-password"
    .. "&audience=https%3A%2F%2Fapi.auth0-mock.test&scope=openid%20profile%20email%20offline_access"
  return wrk.format(nil, nil, nil, body)
end
"#;

fn counts(port: u16) -> serde_json::Value {
    let (_, body) = http(port, "GET", "/__mock", None);
    serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default()["store"].clone()
}

fn main() {
    if !wrk_available() {
        eprintln!("this benchmark needs wrk: apt-get install wrk");
        std::process::exit(1);
    }
    let minutes: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let log = std::env::temp_dir().join(format!("auth0-mock-soak-{}.log", std::process::id()));
    let stderr = std::fs::File::create(&log).expect("log file");
    let mock = Mock::start(&[], Stdio::from(stderr));
    for i in 0..USERS {
        let user = format!(
            r#"{{"email":"soak{i}@example.com","password":"soak-password","roles":["user"],"connection":"Username-Password-Authentication"}}"#
        );
        let (status, body) = http(mock.port, "POST", "/api/v2/users", Some(&user));
        assert_eq!(status, 201, "creating soak user {i}: {body}");
    }
    let start_rss = mock.rss_mb();
    println!("RSS with {USERS} users, before the load: {start_rss:.1} MB");
    let url = format!("{}/oauth/token", mock.base());
    let mut minute = Vec::new();
    for m in 1..=minutes {
        let load = wrk_script(&url, 8, 60, LUA);
        assert!(!load.errors, "minute {m}: wrk saw errors");
        let rss = mock.rss_mb();
        println!(
            "minute {m}: {:>7.0} logins/s  p99 {:>6.2} ms  RSS {rss:>6.1} MB  store {}",
            load.rps,
            load.p99_ms,
            counts(mock.port)
        );
        minute.push((load.rps, rss));
    }
    drop(mock);
    let evictions = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("runtime store full"))
        .count();
    let _ = std::fs::remove_file(&log);
    let (first_rps, first_rss) = minute[0];
    let (last_rps, last_rss) = minute[minute.len() - 1];
    println!(
        "last minute / first minute throughput: {:.3} (goal >= 0.95)",
        last_rps / first_rps
    );
    println!(
        "RSS at the end / after the first minute: {:.2} (goal <= 2)",
        last_rss / first_rss
    );
    println!("cap-eviction warnings in the log: {evictions}");
}
