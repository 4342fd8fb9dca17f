//! `fixtures/actions-example/`: the Auth0 + Hasura guide's two Actions, as shipped, run.

use crate::support::*;
use crate::{echoed, local_server, tokens};
use serde_json::Value;

/// What one login through a copy of the example leaves, its Hasura URL and admin secret
/// pointed at a local server: the access-token payload, the requests the server got at /echo,
/// and the hook records.
async fn example_login() -> (Value, Vec<Seen>, Vec<Value>) {
    let local = local_server().await;
    let dir = copy_of_shipped_fixtures("actions-example");
    // The example reads the Hasura URL and admin secret through ${…}; fill in those two.
    let tenant = std::fs::read_to_string(dir.path().join("tenant.yaml"))
        .unwrap()
        .replace(
            "${HASURA_GRAPHQL_URL:-http://localhost:8080/v1/graphql}",
            &local.url("/echo"),
        )
        .replace(
            "${HASURA_GRAPHQL_ADMIN_SECRET:-myadminsecretkey}",
            "example-admin-secret",
        );
    std::fs::write(dir.path().join("tenant.yaml"), tenant).unwrap();
    let server = start_with_fixtures(dir.path()).await;
    let (access, _) = tokens(&server.base_url()).await;
    let recs = records(&server.base_url()).await;
    server.shutdown().await;
    (access, echoed(&local), recs)
}

#[tokio::test]
async fn the_examples_claims_action_names_the_user_in_the_hasura_claims() {
    let (access, _, _) = example_login().await;
    assert_eq!(access[HASURA_NS]["x-hasura-user-id"], access["sub"]);
}

#[tokio::test]
async fn the_examples_sync_action_posts_the_user_with_the_admin_secret() {
    let (access, received, _) = example_login().await;
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("x-hasura-admin-secret"),
        "example-admin-secret"
    );
    let sent: Value = serde_json::from_str(&received[0].text).unwrap();
    assert_eq!(sent["variables"]["userId"], access["sub"]);
    assert_eq!(sent["variables"]["userName"], "Alice Liddell");
}

#[tokio::test]
async fn the_examples_sync_action_logs_the_synced_user() {
    let (access, _, recs) = example_login().await;
    assert_eq!(recs.len(), 2);
    assert_eq!(
        logs(&recs[1]),
        vec![format!("synced {}", access["sub"].as_str().unwrap())]
    );
}
