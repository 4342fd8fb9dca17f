//! Every row of hasura-jwt's case table (`tests/cases/hasura.json`, derived
//! from Hasura's and jose's source) through the stand-in's `/v1/graphql`:
//! the same rows `hasura-verify` is held to, so a verifier bug cannot hide
//! behind the stand-in using that verifier.

#[path = "../../hasura-jwt/tests/support/cases.rs"]
mod cases;

use hasura_standin::HasuraStandin;
use hasura_standin::postgres::PgCluster;
use serde_json::{Value, json};

const ADMIN: &str = "test-admin-secret";
const QUERY: &str = "query { users { userId } }";

#[tokio::test]
async fn the_standin_answers_every_case_as_hasura_does() {
    let cluster = PgCluster::start_with_hasura_migrations()
        .await
        .expect("postgres");
    let table = cases::Table::load().await;
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    for case in &table.cases {
        let standin =
            match HasuraStandin::start(&cluster.connection_string(), &case.secret, ADMIN).await {
                Ok(standin) => standin,
                Err(error) => {
                    if let Err(failure) = case.check_startup_error(&error) {
                        failures.push(failure);
                    }
                    continue;
                }
            };
        let mut request = http
            .post(standin.graphql_url())
            .bearer_auth(&case.token)
            .json(&json!({"query": QUERY}));
        if let Some(role) = &case.role {
            request = request.header("x-hasura-role", role);
        }
        let response = request.send().await.expect("the stand-in answers");
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON body");
        if status != 200 {
            failures.push(format!("{}: HTTP {status} (always 200)", case.name));
        } else if let Err(failure) = case.check_graphql(&body) {
            failures.push(failure);
        }
        standin.shutdown().await;
    }
    cases::assert_all(&failures, table.cases.len());
}
