//! Every row of `tests/cases/hasura.json` through `verify_cli`, the function
//! behind `auth0-mock hasura-verify`: its output must be Hasura's answer.

#[path = "support/cases.rs"]
mod cases;

#[tokio::test]
async fn hasura_verify_answers_every_case_as_hasura_does() {
    let table = cases::Table::load().await;
    let mut failures = Vec::new();
    for case in &table.cases {
        let outcome = hasura_jwt::verify_cli(&case.secret, &case.token, case.role.as_deref()).await;
        if let Err(failure) = case.check_cli(&outcome) {
            failures.push(failure);
        }
    }
    cases::assert_all(&failures, table.cases.len());
}
