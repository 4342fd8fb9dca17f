//! The credentials-exchange trigger: Actions and the native hasura-claims hook run before a
//! client_credentials token is issued, add claims to it (Hasura's, for backends), or deny it
//! with the Action's code; each run is recorded.

use crate::support::*;
use reqwest::StatusCode;

/// The default tenant with `entries` under `triggers.credentials-exchange`, the M2M client's
/// `client_metadata` set, and `files` (Action code) beside it.
fn tenant_with_exchange(entries: &str, tail: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = copy_of_shipped_fixtures("default");
    let path = dir.path().join("tenant.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let m2m = "    client_id: auth0-mock-m2m                    # mock-only\n";
    assert!(
        yaml.contains(m2m) && yaml.contains("\ntriggers:\n"),
        "default tenant.yaml changed shape"
    );
    let yaml = yaml
        .replacen(
            m2m,
            &format!("{m2m}    client_metadata: {{ hasura_role: backend, team: billing }}\n"),
            1,
        )
        .replacen(
            "\ntriggers:\n",
            &format!("\ntriggers:\n  credentials-exchange:\n{entries}"),
            1,
        );
    std::fs::write(&path, format!("{yaml}\n{tail}")).unwrap();
    for (name, text) in files {
        let file = dir.path().join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    dir
}

const ACTION_TAIL: &str = "actions:\n  - name: m2m-claims\n    code: ./actions/m2m-claims.js\n    supported_triggers: [{ id: credentials-exchange, version: v2 }]\n";
const ACTION_ENTRY: &str = "    - action_name: m2m-claims\n";

async fn with_action(code: &str) -> (auth0_mock::MockServer, tempfile::TempDir) {
    let dir = tenant_with_exchange(
        ACTION_ENTRY,
        ACTION_TAIL,
        &[("actions/m2m-claims.js", code)],
    );
    (start_with_fixtures(dir.path()).await, dir)
}

#[tokio::test]
async fn an_action_puts_claims_from_the_clients_metadata_into_the_token() {
    let (server, _dir) = with_action(
        "exports.onExecuteCredentialsExchange = async (event, api) => {\n  api.accessToken.setCustomClaim('https://example.com/team', event.client.metadata.team);\n  api.accessToken.setCustomClaim('https://example.com/api', event.resource_server.identifier);\n};\n",
    )
    .await;
    let (status, body) = m2m_token(&server.base_url()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = access_claims(&body);
    assert_eq!(claims["https://example.com/team"], "billing");
    assert_eq!(claims["https://example.com/api"], API);
    assert_eq!(
        claims["sub"],
        format!("{M2M}@clients"),
        "the subject is untouched"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_denial_answers_the_actions_code_and_reason_and_no_token() {
    let (server, _dir) = with_action(
        "exports.onExecuteCredentialsExchange = async (event, api) => { api.access.deny('invalid_request', 'backend is paused'); };\n",
    )
    .await;
    let (status, body) = m2m_token(&server.base_url()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        serde_json::json!({"error": "invalid_request", "error_description": "backend is paused"})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_restricted_claim_is_dropped_with_a_warning_in_the_record() {
    let (server, _dir) = with_action(
        "exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim('sub', 'someone-else'); };\n",
    )
    .await;
    let base = server.base_url();
    let (_, body) = m2m_token(&base).await;
    assert_eq!(access_claims(&body)["sub"], format!("{M2M}@clients"));
    let run = last_record(&base).await;
    assert_eq!(run["trigger"], "credentials-exchange");
    assert_eq!(run["client_id"], M2M);
    assert!(
        logs(&run)
            .iter()
            .any(|l| l.contains("setCustomClaim('sub') ignored")),
        "{run}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_claims_give_a_backend_its_role_from_client_metadata() {
    let dir = tenant_with_exchange(
        "    - hook: hasura-claims\n      default_role_from: client.metadata.hasura_role\n",
        "",
        &[],
    );
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let (status, body) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let hasura = &claims(token)[HASURA_NS];
    assert_eq!(hasura["x-hasura-default-role"], "backend");
    assert_eq!(
        hasura["x-hasura-allowed-roles"],
        serde_json::json!(["backend"])
    );
    assert_eq!(hasura["x-hasura-user-id"], format!("{M2M}@clients"));
    let (verdict, detail) = hasura_verdict(&base, token).await;
    assert_eq!(
        verdict, "ok",
        "Hasura accepts the backend's token: {detail}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_action_without_the_credentials_exchange_export_is_refused_at_startup() {
    let dir = tenant_with_exchange(
        ACTION_ENTRY,
        ACTION_TAIL,
        &[(
            "actions/m2m-claims.js",
            "exports.onExecutePostLogin = async () => {};\n",
        )],
    );
    let err = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("startup fails");
    assert!(err.contains("onExecuteCredentialsExchange"), "{err}");
}
