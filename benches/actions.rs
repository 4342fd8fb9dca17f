//! What a JavaScript Action costs a login, against the native hook doing the same work.
//!
//! `cargo bench --bench actions [-- iterations]`
//!
//! 1. Pipeline: warm runs of the Auth0 + Hasura guide's claims Action (QuickJS) vs. the native
//!    `hasura-claims` hook, each alone in a pipeline, same event: p50/p99 per run.
//! 2. Login: password-grant logins (HTTP, token signing included) against two mocks that differ
//!    only in that hook, interleaved so machine noise hits both alike: p50/p99 and the
//!    difference of the p50s, which is what the Action adds to a login.

use auth0_mock::hooks::{Event, HookRecords, Pipeline};
use auth0_mock::tenant::{HookBinding, Tenant};
use auth0_mock::{MockServer, ServerConfig};
use serde_json::json;
use std::error::Error;
use std::path::Path;
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn Error>>;

/// The example tenant with only the guide's claims Action bound.
fn action_tenant() -> Res<Tenant> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/actions-example");
    let mut tenant = auth0_mock::tenant::load_dir(&dir)?;
    tenant.post_login.retain(|b| b.name == "hasura-jwt-claims");
    Ok(tenant)
}

/// The same tenant with the native hook producing the same claims instead.
fn native_tenant() -> Res<Tenant> {
    let mut tenant = action_tenant()?;
    tenant.post_login = vec![HookBinding::native(
        "hasura-claims",
        "hasura-claims",
        json!({ "default_role": "user", "allowed_roles": ["user"] }),
    )];
    Ok(tenant)
}

fn event() -> Event {
    let mut e = Event::empty();
    e.user = json!({
        "user_id": "auth0|alice", "email": "alice@example.com", "email_verified": true,
        "name": "Alice Liddell", "nickname": "alice",
        "app_metadata": { "plan": "pro", "org_id": "org-wonderland" },
        "user_metadata": { "theme": "dark" }
    });
    e.authorization = json!({ "roles": ["user"] });
    e.client = json!({ "client_id": "auth0-mock-web", "name": "Default Web App", "metadata": {} });
    e.transaction =
        json!({ "id": "tx", "protocol": "oauth2-password", "requested_scopes": ["openid"] });
    e
}

/// (p50, p99) in microseconds.
fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99))
}

async fn bench_pipeline(tenant: &Tenant, iterations: usize, gap: Duration) -> Res<(f64, f64)> {
    let pipeline = Pipeline::build(tenant, &[])?;
    let http = auth0_mock::hooks::Outbound::network(reqwest::Client::new());
    let records = HookRecords::default();
    let event = event();
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..iterations + iterations / 10 {
        if !gap.is_zero() {
            tokio::time::sleep(gap).await;
        }
        let started = Instant::now();
        let result = pipeline.run(event.clone(), &http, &records).await;
        let took = started.elapsed().as_secs_f64() * 1e6;
        if let Some(denied) = result.denied {
            return Err(format!("the hook denied: {denied}").into());
        }
        if !result
            .api
            .access_claims
            .contains_key("https://hasura.io/jwt/claims")
        {
            return Err("no Hasura claims were set".into());
        }
        if i >= iterations / 10 {
            samples.push(took);
        }
    }
    Ok(percentiles(samples))
}

async fn login(http: &reqwest::Client, base: &str) -> Res<f64> {
    let started = Instant::now();
    let res = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "auth0-mock-web"),
            ("client_secret", "auth0-mock-web-secret"),
            ("username", "alice@example.com"),
            ("password", "alice-password"),
            ("audience", "https://api.auth0-mock.test"),
            ("scope", "openid profile email"),
        ])
        .send()
        .await?;
    let status = res.status();
    let _ = res.bytes().await?;
    if !status.is_success() {
        return Err(format!("login failed with {status}").into());
    }
    Ok(started.elapsed().as_secs_f64() * 1e6)
}

async fn bench_logins(iterations: usize) -> Res<((f64, f64), (f64, f64))> {
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(native_tenant()?);
    let native = MockServer::start(cfg).await?;
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(action_tenant()?);
    let action = MockServer::start(cfg).await?;
    let http = reqwest::Client::new();
    let (mut n, mut a) = (Vec::new(), Vec::new());
    for i in 0..iterations + iterations / 10 {
        let tn = login(&http, &native.base_url()).await?;
        let ta = login(&http, &action.base_url()).await?;
        if i >= iterations / 10 {
            n.push(tn);
            a.push(ta);
        }
    }
    Ok((percentiles(n), percentiles(a)))
}

#[tokio::main]
async fn main() -> Res<()> {
    // `cargo bench` passes `--bench`; the optional iteration count is the first other argument.
    let iterations: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(2000);
    let (np50, np99) = bench_pipeline(&native_tenant()?, iterations, Duration::ZERO).await?;
    let (ap50, ap99) = bench_pipeline(&action_tenant()?, iterations, Duration::ZERO).await?;
    let spaced = (iterations / 4).max(50);
    let gap = Duration::from_millis(10);
    let (sp50, sp99) = bench_pipeline(&action_tenant()?, spaced, gap).await?;
    println!("pipeline run (µs):");
    println!(
        "  native hasura-claims, back to back      p50 {np50:8.1}  p99 {np99:8.1}  ({iterations} runs)"
    );
    println!(
        "  claims Action (JS), back to back        p50 {ap50:8.1}  p99 {ap99:8.1}  ({iterations} runs)"
    );
    println!(
        "  claims Action (JS), 10 ms between runs  p50 {sp50:8.1}  p99 {sp99:8.1}  ({spaced} runs)"
    );
    let logins = (iterations / 4).max(50);
    let ((lnp50, lnp99), (lap50, lap99)) = bench_logins(logins).await?;
    println!("password-grant login, {logins} each, interleaved (µs):");
    println!("  with native hook       p50 {lnp50:8.1}  p99 {lnp99:8.1}");
    println!("  with claims Action     p50 {lap50:8.1}  p99 {lap99:8.1}");
    println!("  the Action adds        p50 {:8.1}", lap50 - lnp50);
    Ok(())
}
