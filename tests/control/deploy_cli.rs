//! Fixtures straight from the Deploy CLI (a0deploy): the shipped directory export
//! (`fixtures/deploy-cli-directory`, the twin of the default tenant with keywords and a
//! config.json) serves logins, and `auth0-mock check` lists what a tenant holds that the mock
//! does not use.

use crate::support::*;
use std::process::Output;

async fn check(dir: &std::path::Path) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_auth0-mock"))
        .args(["check", "--fixtures", dir.to_str().expect("a UTF-8 path")])
        .output()
        .await
        .expect("the binary runs")
}

#[tokio::test]
async fn a_password_login_against_the_directory_export_carries_the_hasura_claims() {
    let server = start_with_fixtures(&shipped_fixtures("deploy-cli-directory")).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let access = access_claims(&body);
    // The audience came from `##API_AUDIENCE##` in resource-servers/Hasura API.json.
    let aud = &access["aud"];
    assert!(
        aud == API || aud.as_array().is_some_and(|a| a.iter().any(|x| x == API)),
        "{access}"
    );
    assert_eq!(
        access[HASURA_NS]["x-hasura-default-role"], "user",
        "{access}"
    );
    assert_eq!(access[HASURA_NS]["x-hasura-user-id"], access["sub"]);
    server.shutdown().await;
}

#[tokio::test]
async fn check_accepts_the_shipped_directory_export_without_warnings() {
    let out = check(&shipped_fixtures("deploy-cli-directory")).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("OK (3 clients, 1 APIs"), "{stdout}");
    assert!(!stdout.contains("warning:"), "{stdout}");
}

#[tokio::test]
async fn check_prints_a_warning_naming_an_unknown_section() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenant.yaml"),
        "guardianFactors:\n  - name: otp\n    enabled: true\nclients:\n  - name: App\n    app_type: spa\n",
    )
    .unwrap();
    let out = check(dir.path()).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("warning:")
            && l.contains("tenant.yaml")
            && l.contains("sections guardianFactors")),
        "{stdout}"
    );
}

#[tokio::test]
async fn an_organization_in_the_exports_organizations_folder_logs_its_member_in() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&shipped_fixtures("deploy-cli-directory"), dir.path());
    let spa = dir.path().join("clients/Default SPA.json");
    let mut client_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&spa).unwrap()).unwrap();
    client_json["organization_usage"] = "allow".into();
    std::fs::write(&spa, client_json.to_string()).unwrap();
    std::fs::create_dir_all(dir.path().join("organizations")).unwrap();
    std::fs::write(
        dir.path().join("organizations/wonderland.json"),
        r#"{"name": "wonderland", "display_name": "Wonderland Ltd",
            "connections": [{"name": "Username-Password-Authentication"}],
            "members": [{"user": "alice@example.com", "roles": ["admin"]}]}"#,
    )
    .unwrap();
    let server = start_with_fixtures(dir.path()).await;
    let base = server.base_url();
    let orgs: serde_json::Value = management(&base)
        .await
        .get(format!("{base}/api/v2/organizations/name/wonderland"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = orgs["id"]
        .as_str()
        .expect("the organization is served")
        .to_string();
    let authorize = authorize_url(&base, &format!("&organization={id}"));
    let login = browser_login_at(
        &base,
        &client(),
        &authorize,
        "alice@example.com",
        "alice-password",
    )
    .await;
    let q = login.query();
    let body: serde_json::Value = exchange(&base, &client(), &q["code"])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id_claims(&body)["org_id"], id.as_str());
    server.shutdown().await;
}
