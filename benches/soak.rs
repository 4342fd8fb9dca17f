//! Soak: mixed traffic against the release binary for a long time, to show that nothing the mock
//! keeps grows without bound and that it does not slow down as its stores fill.
//!
//! 12 connections (one HTTP/1.1 keep-alive connection per worker, each worker sending its next
//! request as soon as the last one is answered) over 1,000 users created through the Management
//! API, each worker picking its next flow at random by these weights:
//!
//! | weight | flow | requests |
//! | --- | --- | --- |
//! | 20 | password grant with `offline_access` (Default Web App), a new refresh family | 1 |
//! | 25 | refresh of one of the worker's families (the SPA's rotate: the new token replaces it) | 1 |
//! | 10 | authorization code + PKCE (Default SPA): `GET /authorize` → 302 to the login page → `POST /u/login` → 302 with the session cookie → `GET /authorize/resume` → 302 with the code → `POST /oauth/token` with the verifier | 4 |
//! | 15 | JWKS | 1 |
//! | 15 | `/userinfo` with one of the worker's recent access tokens | 1 |
//! | 15 | client_credentials (Default M2M) | 1 |
//!
//! Each code flow is a new browser (no cookie), so sessions and parked logins are created at the
//! rate real sign-ins would create them. The login page itself is not fetched: it lists every
//! user (400 KB for the soak's 1,000), which would make this a benchmark of HTML rendering; its
//! state handling is exercised by the `POST` all the same.
//!
//! Every answer other than the expected status (and body: tokens present, `state` returned) is a
//! failure, and so is every transport error or a request slower than 10 s; the first few are
//! printed. Per minute it reports requests/s (total and per kind), p50/p99 latency, the mock's
//! resident memory (from /proc, at the end of the minute and the minute's peak), the CPU the mock
//! and this load driver used, and the store's counts from `GET /__mock`.
//!
//! Goals (issue 15, "Trust…", Proof): over 10 minutes, 0 failures; throughput in the last minute
//! ≥ 90% of the first; RSS flat after warm-up (at the end ≤ 1.2× at the end of minute 2). Each is
//! printed PASS or FAIL and the process exits non-zero if any fails. The load driver runs on one
//! thread (tokio current-thread + reqwest), so its share of one core shows whether it, rather
//! than the mock, limits throughput.
//!
//! `cargo bench --bench soak [-- minutes]` (default 10; the RSS goal needs at least 3).

#[path = "support/mod.rs"]
mod support;

use base64::Engine;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{Mock, cpu_secs, http, machine_busy_secs};

const CONNECTIONS: usize = 12;
/// Enough users that the store's global refresh-token cap (100,000) binds before Auth0's 200
/// families per user and application would.
const USERS: usize = 1000;
const PASSWORD: &str = "soak-password";
const API: &str = "https://api.auth0-mock.test";
const SCOPE: &str = "openid profile email offline_access";
const WEB: &str = "auth0-mock-web";
const WEB_SECRET: &str = "auth0-mock-web-secret";
const SPA: &str = "auth0-mock-spa";
const SPA_CALLBACK: &str = "http://localhost:3000/callback";
const M2M: &str = "auth0-mock-m2m";
const M2M_SECRET: &str = "auth0-mock-m2m-secret";

/// Refresh families a worker keeps to rotate; a new one pushes out the oldest. Far fewer than
/// the store's cap, so the mock never evicts a family the soak still uses.
const FAMILIES: usize = 64;
/// Recent access tokens a worker keeps for `/userinfo`.
const ACCESS_TOKENS: usize = 16;
/// A request slower than this is a failure (and does not hang the soak).
const TIMEOUT: Duration = Duration::from_secs(10);
/// Failures printed in full.
const EXAMPLES: usize = 10;

/// What one HTTP request was, for the per-kind figures.
#[derive(Clone, Copy)]
enum Kind {
    Password,
    Refresh,
    Authorize,
    Login,
    Resume,
    Code,
    Jwks,
    Userinfo,
    ClientCredentials,
}

const KINDS: [Kind; 9] = [
    Kind::Password,
    Kind::Refresh,
    Kind::Authorize,
    Kind::Login,
    Kind::Resume,
    Kind::Code,
    Kind::Jwks,
    Kind::Userinfo,
    Kind::ClientCredentials,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Password => "password",
            Kind::Refresh => "refresh",
            Kind::Authorize => "authorize",
            Kind::Login => "login",
            Kind::Resume => "resume",
            Kind::Code => "code",
            Kind::Jwks => "jwks",
            Kind::Userinfo => "userinfo",
            Kind::ClientCredentials => "m2m",
        }
    }
}

#[derive(Clone, Copy)]
enum Flow {
    Password,
    Refresh,
    CodePkce,
    Jwks,
    Userinfo,
    ClientCredentials,
}

const MIX: [(Flow, u32); 6] = [
    (Flow::Password, 20),
    (Flow::Refresh, 25),
    (Flow::CodePkce, 10),
    (Flow::Jwks, 15),
    (Flow::Userinfo, 15),
    (Flow::ClientCredentials, 15),
];

/// What the workers measured since the last report: latencies in µs per kind, and failures.
#[derive(Default)]
struct Bucket {
    micros: [Vec<u32>; KINDS.len()],
    failures: u64,
}

#[derive(Default)]
struct Stats {
    bucket: Mutex<Bucket>,
    examples: Mutex<Vec<String>>,
}

impl Stats {
    fn record(&self, kind: Kind, micros: u32) {
        self.bucket.lock().unwrap().micros[kind as usize].push(micros);
    }

    fn fail(&self, what: String) {
        self.bucket.lock().unwrap().failures += 1;
        let mut examples = self.examples.lock().unwrap();
        if examples.len() < EXAMPLES {
            examples.push(what);
        }
    }

    fn take(&self) -> Bucket {
        std::mem::take(&mut *self.bucket.lock().unwrap())
    }
}

/// The parts of an answer the flows read.
struct Answer {
    status: u16,
    location: Option<String>,
    cookie: Option<String>,
    body: String,
}

/// Where a browser step sent the browser, and the cookie it set.
struct Redirect {
    location: String,
    cookie: Option<String>,
}

/// Tokens from a token-endpoint answer.
struct Tokens {
    access: String,
    refresh: Option<String>,
}

/// A refresh family the worker holds: its client (the SPA's rotate) and its current token.
struct Family {
    spa: bool,
    token: String,
}

/// One connection's worth of load.
struct Worker {
    http: reqwest::Client,
    base: String,
    rng: SmallRng,
    families: VecDeque<Family>,
    access: VecDeque<String>,
    stats: Arc<Stats>,
}

fn snippet(body: &str) -> String {
    body.chars().take(300).collect()
}

/// A query parameter of a (possibly relative) URL.
fn param(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse("http://mock.invalid/")
        .ok()?
        .join(location)
        .ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

impl Worker {
    fn new(base: String, seed: u64, stats: Arc<Stats>) -> Worker {
        let http = reqwest::Client::builder()
            // Redirects are steps of the flows, each measured and checked on its own.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .pool_max_idle_per_host(1)
            .timeout(TIMEOUT)
            .build()
            .expect("reqwest client");
        Worker {
            http,
            base,
            rng: SmallRng::seed_from_u64(seed),
            families: VecDeque::new(),
            access: VecDeque::new(),
            stats,
        }
    }

    /// A flow at random, by the weights of [`MIX`].
    fn pick(&mut self) -> Flow {
        let total: u32 = MIX.iter().map(|(_, w)| w).sum();
        let mut n = self.rng.random_range(0..total);
        for (flow, weight) in MIX {
            if n < weight {
                return flow;
            }
            n -= weight;
        }
        MIX[0].0
    }

    async fn run(mut self, stop: Arc<AtomicBool>) {
        while !stop.load(Ordering::Relaxed) {
            let flow = self.pick();
            match flow {
                Flow::Password => self.password().await,
                Flow::Refresh => self.refresh().await,
                Flow::CodePkce => self.code_pkce().await,
                Flow::Jwks => self.jwks().await,
                Flow::Userinfo => self.userinfo().await,
                Flow::ClientCredentials => self.client_credentials().await,
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn user(&mut self) -> String {
        format!("soak{}@example.com", self.rng.random_range(0..USERS))
    }

    /// Sends one request, records its latency, and returns the answer if it has `expect`ed
    /// status; anything else is a failure.
    async fn send(
        &mut self,
        kind: Kind,
        req: reqwest::RequestBuilder,
        expect: u16,
    ) -> Option<Answer> {
        let started = Instant::now();
        let answer = match req.send().await {
            Ok(resp) => {
                let header = |name| {
                    resp.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                let location = header(reqwest::header::LOCATION);
                let cookie = header(reqwest::header::SET_COOKIE);
                let status = resp.status().as_u16();
                resp.text()
                    .await
                    .map(|body| Answer {
                        status,
                        location,
                        cookie,
                        body,
                    })
                    .map_err(|e| format!("reading the body: {e}"))
            }
            Err(e) => Err(e.to_string()),
        };
        let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
        self.stats.record(kind, micros);
        match answer {
            Ok(a) if a.status == expect => Some(a),
            Ok(a) => {
                self.stats.fail(format!(
                    "{}: {} (expected {expect}) {}",
                    kind.name(),
                    a.status,
                    snippet(&a.body)
                ));
                None
            }
            Err(e) => {
                self.stats.fail(format!("{}: {e}", kind.name()));
                None
            }
        }
    }

    /// A token-endpoint request that must answer 200 with an access token (and a refresh
    /// token if `refresh`).
    async fn tokens(&mut self, kind: Kind, form: &[(&str, &str)], refresh: bool) -> Option<Tokens> {
        let req = self.http.post(self.url("/oauth/token")).form(form);
        let answer = self.send(kind, req, 200).await?;
        let json: Value = serde_json::from_str(&answer.body).unwrap_or_default();
        let field = |name: &str| json.get(name).and_then(Value::as_str).map(str::to_string);
        let tokens = Tokens {
            access: field("access_token").unwrap_or_default(),
            refresh: field("refresh_token"),
        };
        if tokens.access.is_empty() || (refresh && tokens.refresh.is_none()) {
            self.stats.fail(format!(
                "{}: 200 without the tokens: {}",
                kind.name(),
                snippet(&answer.body)
            ));
            return None;
        }
        Some(tokens)
    }

    /// Keeps a login's tokens for later refreshes and `/userinfo` calls.
    fn keep(&mut self, spa: bool, tokens: Tokens) {
        if self.access.len() == ACCESS_TOKENS {
            self.access.pop_front();
        }
        self.access.push_back(tokens.access);
        if let Some(token) = tokens.refresh {
            if self.families.len() == FAMILIES {
                self.families.pop_front();
            }
            self.families.push_back(Family { spa, token });
        }
    }

    async fn password(&mut self) {
        let user = self.user();
        let form = [
            ("grant_type", "password"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
            ("username", &user),
            ("password", PASSWORD),
            ("audience", API),
            ("scope", SCOPE),
        ];
        if let Some(tokens) = self.tokens(Kind::Password, &form, true).await {
            self.keep(false, tokens);
        }
    }

    async fn refresh(&mut self) {
        if self.families.is_empty() {
            return self.password().await;
        }
        let i = self.rng.random_range(0..self.families.len());
        let Some(family) = self.families.swap_remove_back(i) else {
            return;
        };
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", family.token.as_str()),
        ];
        if family.spa {
            form.push(("client_id", SPA));
        } else {
            form.extend([("client_id", WEB), ("client_secret", WEB_SECRET)]);
        }
        // The SPA rotates (a new token, the old one spent); the web app keeps its token.
        if let Some(tokens) = self.tokens(Kind::Refresh, &form, family.spa).await {
            let token = tokens.refresh.unwrap_or(family.token);
            self.families.push_back(Family {
                spa: family.spa,
                token,
            });
        }
    }

    async fn code_pkce(&mut self) {
        let verifier: String = (0..43)
            .map(|_| char::from(self.rng.sample(rand::distr::Alphanumeric)))
            .collect();
        let challenge =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&verifier));
        let state = format!("{:016x}", self.rng.random::<u64>());
        let authorize = self.http.get(self.url("/authorize")).query(&[
            ("client_id", SPA),
            ("response_type", "code"),
            ("redirect_uri", SPA_CALLBACK),
            ("scope", SCOPE),
            ("audience", API),
            ("state", &state),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ]);
        let Some(login) = self.step(Kind::Authorize, authorize, None).await else {
            return;
        };
        let user = self.user();
        let submit = self.http.post(self.url(&login.location)).form(&[
            ("username", user.as_str()),
            ("password", PASSWORD),
            ("action", "default"),
        ]);
        let Some(resume) = self.step(Kind::Login, submit, None).await else {
            return;
        };
        let Some(cookie) = resume.cookie else {
            return self
                .stats
                .fail("login: 302 without a session cookie".to_string());
        };
        let back = self.http.get(self.url(&resume.location)).header(
            reqwest::header::COOKIE,
            cookie.split(';').next().unwrap_or(""),
        );
        let Some(callback) = self.step(Kind::Resume, back, Some(SPA_CALLBACK)).await else {
            return;
        };
        let (Some(code), returned) = (
            param(&callback.location, "code"),
            param(&callback.location, "state"),
        ) else {
            return self.stats.fail(format!(
                "resume: no code in {}",
                snippet(&callback.location)
            ));
        };
        if returned.as_deref() != Some(state.as_str()) {
            return self
                .stats
                .fail(format!("resume: state {returned:?}, sent {state}"));
        }
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("code_verifier", &verifier),
            ("redirect_uri", SPA_CALLBACK),
        ];
        if let Some(tokens) = self.tokens(Kind::Code, &form, true).await {
            self.keep(true, tokens);
        }
    }

    /// A browser step that must answer 302; with `to`, the `Location` must start with it.
    async fn step(
        &mut self,
        kind: Kind,
        req: reqwest::RequestBuilder,
        to: Option<&str>,
    ) -> Option<Redirect> {
        let answer = self.send(kind, req, 302).await?;
        match answer.location {
            Some(location) if to.is_none_or(|t| location.starts_with(t)) => Some(Redirect {
                location,
                cookie: answer.cookie,
            }),
            other => {
                self.stats.fail(format!(
                    "{}: 302 to {other:?}, expected {to:?}",
                    kind.name()
                ));
                None
            }
        }
    }

    async fn jwks(&mut self) {
        let req = self.http.get(self.url("/.well-known/jwks.json"));
        if let Some(answer) = self.send(Kind::Jwks, req, 200).await
            && !answer.body.contains("\"keys\"")
        {
            self.stats
                .fail(format!("jwks: 200 without keys: {}", snippet(&answer.body)));
        }
    }

    async fn userinfo(&mut self) {
        if self.access.is_empty() {
            return self.password().await;
        }
        let i = self.rng.random_range(0..self.access.len());
        let req = self
            .http
            .get(self.url("/userinfo"))
            .bearer_auth(&self.access[i]);
        if let Some(answer) = self.send(Kind::Userinfo, req, 200).await
            && !answer.body.contains("\"sub\"")
        {
            self.stats.fail(format!(
                "userinfo: 200 without sub: {}",
                snippet(&answer.body)
            ));
        }
    }

    async fn client_credentials(&mut self) {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", API),
        ];
        self.tokens(Kind::ClientCredentials, &form, false).await;
    }
}

/// p50 and p99 of a set of latencies, in ms.
fn percentiles(micros: &mut [u32]) -> (f64, f64) {
    if micros.is_empty() {
        return (0.0, 0.0);
    }
    micros.sort_unstable();
    let at = |q: usize| f64::from(micros[(micros.len() * q / 100).min(micros.len() - 1)]) / 1000.0;
    (at(50), at(99))
}

/// The store's counts from `GET /__mock`, as `name value` pairs (whatever kinds it reports).
fn store_counts(port: u16) -> String {
    let (_, body) = http(port, "GET", "/__mock", None);
    let json: Value = serde_json::from_str(&body).unwrap_or_default();
    match json.get("store") {
        Some(Value::Object(counts)) => counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => format!("unreadable: {}", snippet(&body)),
    }
}

/// One minute's figures, kept for the verdicts.
struct Minute {
    rps: f64,
    rss: f64,
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

fn main() {
    let minutes: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10)
        .max(1);
    let log = std::env::temp_dir().join(format!("auth0-mock-soak-{}.log", std::process::id()));
    let stderr = std::fs::File::create(&log).expect("log file");
    let mock = Mock::start(&[], Stdio::from(stderr));
    for i in 0..USERS {
        let user = format!(
            r#"{{"email":"soak{i}@example.com","password":"{PASSWORD}","roles":["user"],"connection":"Username-Password-Authentication"}}"#
        );
        let (status, body) = http(mock.port, "POST", "/api/v2/users", Some(&user));
        assert_eq!(status, 201, "creating soak user {i}: {body}");
    }
    println!(
        "soak: {minutes} min, {CONNECTIONS} connections, {USERS} users; RSS before the load {:.1} MB",
        mock.rss_mb()
    );
    println!("store before the load: {}", store_counts(mock.port));

    let stats = Arc::new(Stats::default());
    let stop = Arc::new(AtomicBool::new(false));
    // The driver gets a thread of its own, so the reporting below never delays a request; this
    // process's CPU time is then the driver's (the reporting thread mostly sleeps).
    let driver = {
        let (stats, stop, base) = (stats.clone(), stop.clone(), mock.base());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let workers: Vec<_> = (0..CONNECTIONS)
                    .map(|i| {
                        let worker = Worker::new(base.clone(), i as u64, stats.clone());
                        tokio::spawn(worker.run(stop.clone()))
                    })
                    .collect();
                for w in workers {
                    let _ = w.await;
                }
            });
        })
    };

    let start = Instant::now();
    let mut figures: Vec<Minute> = Vec::new();
    let mut total_failures = 0;
    let mut by_kind: [Vec<u32>; KINDS.len()] = Default::default();
    let cpu_now = |pid| {
        (
            cpu_secs(pid),
            cpu_secs(std::process::id()),
            machine_busy_secs(),
        )
    };
    let mut last_cpu = cpu_now(mock.child.id());
    let mut last_at = Instant::now();
    for m in 1..=minutes {
        let end = start + Duration::from_secs(60 * m);
        let mut peak = 0.0_f64;
        while Instant::now() < end {
            std::thread::sleep((end - Instant::now()).min(Duration::from_secs(1)));
            peak = peak.max(mock.rss_mb());
        }
        let mut bucket = stats.take();
        let rss = mock.rss_mb();
        let cpu = cpu_now(mock.child.id());
        let wall = last_at.elapsed().as_secs_f64();
        last_at = Instant::now();
        let share = |now: f64, then: f64| (now - then) / wall * 100.0;
        let (mock_cpu, driver_cpu) = (share(cpu.0, last_cpu.0), share(cpu.1, last_cpu.1));
        let others = share(cpu.2, last_cpu.2) - mock_cpu - driver_cpu;
        last_cpu = cpu;
        let mut all: Vec<u32> = bucket.micros.iter().flatten().copied().collect();
        let rps = all.len() as f64 / wall;
        let (p50, p99) = percentiles(&mut all);
        total_failures += bucket.failures;
        println!(
            "minute {m:>2}: {rps:>6.0} req/s  p50 {p50:>5.2} ms  p99 {p99:>6.2} ms  failures {}  RSS {rss:>6.1} MB (peak {peak:.1})",
            bucket.failures,
        );
        // The driver shares the machine with the mock: its share, and that of anything else
        // running, say how much of the machine the mock had.
        println!(
            "           CPU, % of one core: mock {mock_cpu:.0}, driver {driver_cpu:.0}, other processes {:.0} (machine: {})",
            others.max(0.0),
            std::thread::available_parallelism().map_or(0, |n| n.get() * 100)
        );
        let kinds: Vec<String> = KINDS
            .iter()
            .map(|k| {
                format!(
                    "{} {:.0}",
                    k.name(),
                    bucket.micros[*k as usize].len() as f64 / wall
                )
            })
            .collect();
        println!("           req/s: {}", kinds.join(", "));
        println!("           store: {}", store_counts(mock.port));
        for (all, minute) in by_kind.iter_mut().zip(bucket.micros.iter_mut()) {
            all.append(minute);
        }
        figures.push(Minute { rps, rss });
    }
    stop.store(true, Ordering::Relaxed);
    let _ = driver.join();
    // Requests that were in flight at the end still count if they failed.
    total_failures += stats.take().failures;
    drop(mock);

    println!("latency over the whole run (p50 / p99 ms):");
    for k in KINDS {
        let (p50, p99) = percentiles(&mut by_kind[k as usize]);
        println!(
            "  {:<10} {p50:>6.2} / {p99:>6.2}  ({} requests)",
            k.name(),
            by_kind[k as usize].len()
        );
    }
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    // The store's and the hook records' rate-limited "full" lines are expected at the caps.
    let is_eviction =
        |l: &&str| l.contains("runtime store full") || l.contains("hook records full");
    let evictions = text.lines().filter(is_eviction).count();
    let others: Vec<&str> = text.lines().filter(|l| !is_eviction(l)).collect();
    println!(
        "mock log: {evictions} cap-eviction warnings, {} other lines",
        others.len()
    );
    for line in others.iter().take(5) {
        println!("  {}", snippet(line));
    }
    let examples = stats.examples.lock().unwrap();
    for e in examples.iter() {
        println!("failure: {e}");
    }

    let mut ok = true;
    let failures_ok = total_failures == 0;
    ok &= failures_ok;
    println!(
        "{}  failures: {total_failures} (goal 0)",
        verdict(failures_ok)
    );
    let (first, last) = (&figures[0], &figures[figures.len() - 1]);
    let ratio = last.rps / first.rps;
    let throughput_ok = ratio >= 0.90;
    ok &= throughput_ok;
    println!(
        "{}  throughput last/first minute: {:.0} / {:.0} = {ratio:.3} (goal >= 0.90)",
        verdict(throughput_ok),
        last.rps,
        first.rps
    );
    match figures.get(1) {
        Some(second) if figures.len() >= 3 => {
            let growth = last.rss / second.rss;
            let rss_ok = growth <= 1.2;
            ok &= rss_ok;
            println!(
                "{}  RSS at the end / at minute 2: {:.1} / {:.1} MB = {growth:.2} (goal <= 1.2)",
                verdict(rss_ok),
                last.rss,
                second.rss
            );
        }
        _ => println!("SKIP  RSS at the end / at minute 2: needs at least 3 minutes"),
    }
    if !ok {
        std::process::exit(1);
    }
}
