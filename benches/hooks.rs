//! What the native post-login pipeline adds to a login: the default tenant's hasura-claims hook,
//! run through `Pipeline::run` exactly as a login runs it, against an empty pipeline.
//! Goal: well under a millisecond.
//!
//! `cargo bench --bench hooks`

use auth0_mock::hooks::{Event, HookRecords, Pipeline};
use serde_json::json;
use std::time::{Duration, Instant};

fn event() -> Event {
    let mut e = Event::empty();
    e.user = json!({ "user_id": "auth0|alice", "email": "alice@example.com", "name": "Alice",
        "app_metadata": { "plan": "pro", "orgs": ["a", "b"] }, "user_metadata": {} });
    e.authorization = json!({ "roles": ["user", "editor"] });
    e.client = json!({ "client_id": "auth0-mock-spa", "name": "Default SPA" });
    e.transaction =
        json!({ "id": "tx", "protocol": "oidc-basic-profile", "requested_scopes": ["openid"] });
    e
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e6
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = auth0_mock::hooks::Outbound::network(reqwest::Client::new());
    let records = HookRecords::default();
    let tenant = auth0_mock::tenant::load_embedded().expect("embedded tenant");
    let with_claims = Pipeline::build(&tenant, &[]).expect("pipeline");
    let mut bare = tenant.clone();
    bare.post_login.clear();
    let empty = Pipeline::build(&bare, &[]).expect("pipeline");
    for (label, pipeline) in [
        ("empty pipeline", &empty),
        ("hasura-claims (default tenant)", &with_claims),
    ] {
        let mut samples = Vec::with_capacity(20_000);
        for i in 0..22_000 {
            let started = Instant::now();
            let result = runtime.block_on(pipeline.run(event(), &http, &records));
            let elapsed = started.elapsed();
            assert!(result.denied.is_none());
            if i >= 2_000 {
                samples.push(elapsed);
            }
            if i % 900 == 0 {
                records.clear();
            }
        }
        println!(
            "{label:<32} p50 {:>7.1} µs   p99 {:>7.1} µs   (per login, {} runs)",
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.99),
            samples.len()
        );
    }
}
