//! Outbound hooks configured in `tenant.yaml`: a valid binding works with `${ENV:-default}`
//! secrets, and bad settings stop the mock at startup with the entry and the reason.

use crate::ADMIN_SECRET;
use crate::support::*;
use auth0_mock::MockServer;
use reqwest::StatusCode;

/// A mock on fixtures whose first post-login binding is a hasura-sync "Sync from fixtures"
/// against `hasura`, its admin secret from an unset variable's default; alice has logged in.
async fn fixtures_sync_after_alice(hasura: &Upstream) -> (MockServer, tempfile::TempDir) {
    let dir = default_fixtures_with_post_login(&format!(
        "    - hook: hasura-sync\n      name: Sync from fixtures\n      url: {}\n      timeout_ms: 2000\n      on_failure: deny\n      secrets:\n        admin_secret: ${{AUTH0_MOCK_HOOKS_TEST_SURELY_UNSET:-{ADMIN_SECRET}}}\n",
        hasura.url("/v1/graphql")
    ));
    let server = start_with_fixtures(dir.path()).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (server, dir)
}

#[tokio::test]
async fn a_secret_from_an_unset_variable_takes_its_default() {
    let hasura = Upstream::start(|request, _| Answer::Now(hasura_upsert_ok(request))).await;
    let (server, _dir) = fixtures_sync_after_alice(&hasura).await;
    assert_eq!(
        hasura.seen()[0].header("x-hasura-admin-secret"),
        ADMIN_SECRET
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_binding_from_tenant_yaml_is_recorded_under_its_name() {
    let hasura = Upstream::start(|request, _| Answer::Now(hasura_upsert_ok(request))).await;
    let (server, _dir) = fixtures_sync_after_alice(&hasura).await;
    let recs = records_of(&server.base_url(), "hasura-sync").await;
    assert_eq!(recs[0]["hook"], "Sync from fixtures");
    server.shutdown().await;
}

#[tokio::test]
async fn bad_hook_settings_are_refused_at_startup_naming_the_entry_and_the_reason() {
    for (entry, needle) in [
        (
            "    - hook: hasura-sync\n      url: not a url\n",
            "absolute http(s) URL",
        ),
        (
            "    - hook: hasura-sync\n      url: http://h/v1/graphql\n      on_failure: ignore\n",
            "unknown variant `ignore`",
        ),
        (
            "    - hook: hasura-sync\n      url: http://h/v1/graphql\n      timeout_ms: 60000\n",
            "timeout_ms must be between 1 and 20000",
        ),
        (
            "    - hook: webhook\n      url: http://h/hook\n      secrte: x\n",
            "unknown field `secrte`",
        ),
    ] {
        let dir = default_fixtures_with_post_login(entry);
        let err = match try_start_with_fixtures(dir.path()).await {
            Ok(s) => {
                s.shutdown().await;
                panic!("fixtures with {entry:?} should be refused");
            }
            Err(e) => e,
        };
        assert!(err.contains("triggers.post-login[0]"), "{err}");
        assert!(err.contains(needle), "{err}");
    }
}
