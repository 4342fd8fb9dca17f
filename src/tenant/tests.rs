//! Fixture loading: the embedded tenant, and precise errors for bad fixtures.

use super::*;
use std::fs;

fn dir_with(tenant_yaml: &str, users: Option<&str>) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("tenant.yaml"), tenant_yaml).unwrap();
    if let Some(u) = users {
        fs::write(d.path().join("users.json"), u).unwrap();
    }
    d
}

#[test]
fn embedded_tenant_loads() {
    let t = load_embedded().unwrap();
    assert!(t.client("auth0-mock-spa").unwrap().is_public());
    assert!(!t.client("auth0-mock-web").unwrap().is_public());
    assert!(
        t.client_grant("auth0-mock-m2m", "https://api.auth0-mock.test")
            .is_some()
    );
    assert_eq!(t.users.len(), 5);
    assert!(t.users.iter().all(|u| u.user_id.starts_with("auth0|")));
    assert!(t.scenarios.len() >= 12);
    assert!(t.next_key.is_some() && t.signing_key.cert.is_some());
    assert_eq!(t.post_login.len(), 1);
    let spa = t.client("auth0-mock-spa").unwrap();
    assert!(spa.accepts_callback("http://localhost:5173/callback"));
    assert!(spa.accepts_callback("http://127.0.0.1:9999"));
    assert!(!spa.accepts_callback("http://evil.example/callback"));
    assert!(spa.accepts_origin("http://localhost:8123"));
}

#[test]
fn minimal_dir_gets_defaults_but_no_silent_key_errors() {
    let d = dir_with(
        "clients:\n  - name: My App\n    app_type: spa\n    callbacks: [http://localhost:3000]\n",
        None,
    );
    let t = load_dir(d.path()).unwrap();
    assert_eq!(t.clients[0].client_id, "my-app");
    assert_eq!(t.connections[0].name, "Username-Password-Authentication");
}

#[test]
fn errors_name_file_path_and_reason() {
    let d = dir_with("clients:\n  - name: Web\n    app_type: regular_web\n", None);
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(
        e.contains("tenant.yaml")
            && e.contains("clients[0].client_secret")
            && e.contains("needs a client_secret"),
        "{e}"
    );

    let d = dir_with("clients:\n  - name: X\n    callbacks: 5\n", None);
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(
        e.contains("tenant.yaml") && e.contains("clients[0].callbacks"),
        "{e}"
    );

    let d = dir_with(
        "roles: []\n",
        Some(r#"[{"email":"a@b.c","roles":["ghost"]}]"#),
    );
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(
        e.contains("users.json") && e.contains("[0].roles") && e.contains("ghost"),
        "{e}"
    );

    let d = dir_with(
        "resourceServers:\n  - identifier: https://a\n    signing_alg: HS256\n",
        None,
    );
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(e.contains("resourceServers[0].signing_alg"), "{e}");

    let d = dir_with(
        "triggers:\n  post-login:\n    - action_name: Missing\n",
        None,
    );
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(
        e.contains("triggers.post-login[0]") && e.contains("Missing"),
        "{e}"
    );

    let d = dir_with("keys:\n  current: nope.pem\n", None);
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(e.contains("keys.current"), "{e}");

    let e = load_dir(std::path::Path::new("/definitely/not/here"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("tenant.yaml"), "{e}");
}

#[test]
fn env_references_resolve_or_fail_clearly() {
    // SAFETY: tests in this module do not read this variable concurrently.
    unsafe { std::env::set_var("AUTH0_MOCK_TEST_SECRET", "s3cret") };
    let d = dir_with(
        "triggers:\n  post-login:\n    - hook: hasura-claims\n      default_role: user\n      secrets:\n        a: ${AUTH0_MOCK_TEST_SECRET}\n        b: ${AUTH0_MOCK_UNSET_VAR:-fallback}\n",
        None,
    );
    let t = load_dir(d.path()).unwrap();
    assert_eq!(t.post_login[0].secrets["a"], "s3cret");
    assert_eq!(t.post_login[0].secrets["b"], "fallback");
    let d = dir_with(
        "triggers:\n  post-login:\n    - hook: hasura-claims\n      default_role: ${AUTH0_MOCK_UNSET_VAR}\n",
        None,
    );
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(
        e.contains("AUTH0_MOCK_UNSET_VAR") && e.contains("triggers.post-login[0].default_role"),
        "{e}"
    );
}

// ---- Deploy CLI parity: keywords, the directory format, unused sections and fields ----

fn shipped(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn no_env() -> LoadEnv {
    LoadEnv::default()
}

/// A temp fixtures directory with these files (relative path, text).
fn dir_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = d.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    d
}

/// Entities as JSON, sorted by their JSON text, so two loads compare regardless of order.
fn sorted_json<T: serde::Serialize>(items: &[T]) -> Vec<String> {
    let mut out: Vec<String> = items
        .iter()
        .map(|i| serde_json::to_string(i).unwrap())
        .collect();
    out.sort();
    out
}

fn bindings_of(t: &Tenant) -> Vec<String> {
    crate::protocol::Trigger::ALL
        .iter()
        .flat_map(|tr| t.bindings(*tr))
        .map(|b| {
            format!(
                "{} {} {} {} {:?} {:?} {:?}",
                b.trigger, b.kind, b.name, b.settings, b.secrets, b.code, b.dependencies
            )
        })
        .collect()
}

#[test]
fn the_directory_export_twin_loads_into_the_same_tenant_as_the_default_yaml() {
    let yaml = load_dir_with_env(&shipped("default"), &no_env()).unwrap();
    let dir = load_dir_with_env(&shipped("deploy-cli-directory"), &no_env()).unwrap();
    assert_eq!(sorted_json(&dir.clients), sorted_json(&yaml.clients));
    assert_eq!(sorted_json(&dir.apis), sorted_json(&yaml.apis));
    assert_eq!(
        sorted_json(&dir.client_grants),
        sorted_json(&yaml.client_grants)
    );
    assert_eq!(sorted_json(&dir.roles), sorted_json(&yaml.roles));
    assert_eq!(
        serde_json::to_value(&dir.connections).unwrap(),
        serde_json::to_value(&yaml.connections).unwrap()
    );
    assert_eq!(bindings_of(&dir), bindings_of(&yaml));
    assert_eq!(
        (
            &dir.friendly_name,
            &dir.default_audience,
            &dir.allowed_logout_urls
        ),
        (
            &yaml.friendly_name,
            &yaml.default_audience,
            &yaml.allowed_logout_urls
        )
    );
    // Users come from the same users.json; their timestamps are the load's own.
    let ids = |t: &Tenant| {
        t.users
            .iter()
            .map(|u| u.user_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&dir), ids(&yaml));
}

#[test]
fn the_default_tenant_in_either_format_loads_without_warnings() {
    for name in ["default", "deploy-cli-directory"] {
        let t = load_dir_with_env(&shipped(name), &no_env()).unwrap();
        assert!(t.load_warnings.is_empty(), "{name}: {:?}", t.load_warnings);
    }
    assert!(load_embedded().unwrap().load_warnings.is_empty());
}

#[test]
fn the_actions_example_is_told_which_action_fields_the_mock_ignores() {
    let t = load_dir_with_env(&shipped("actions-example"), &no_env()).unwrap();
    assert_eq!(t.load_warnings.len(), 1, "{:?}", t.load_warnings);
    assert!(
        t.load_warnings[0].ends_with(
            "tenant.yaml: not used by auth0-mock (accepted, ignored): fields actions[].runtime, actions[].status, actions[].deployed"
        ),
        "{}",
        t.load_warnings[0]
    );
}

#[test]
fn unknown_sections_and_fields_get_one_warning_line_naming_the_file() {
    let d = dir_with(
        "pages:\n  - name: login\nprompts: {}\nclients:\n  - name: A\n    app_type: spa\n    logo_uri: x\n  - name: B\n    app_type: spa\n    logo_uri: y\n    oidc_conformant: true\n",
        None,
    );
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert_eq!(t.load_warnings.len(), 1, "{:?}", t.load_warnings);
    let w = &t.load_warnings[0];
    assert!(
        w.contains("tenant.yaml")
            && w.contains("sections pages, prompts")
            && w.contains("fields clients[].logo_uri, clients[].oidc_conformant"),
        "{w}"
    );
}

#[test]
fn a_trigger_the_mock_does_not_run_is_listed_as_unused() {
    let d = dir_with(
        "triggers:\n  send-phone-message:\n    - action_name: sms\n",
        None,
    );
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert!(
        t.load_warnings[0].contains("triggers.send-phone-message"),
        "{:?}",
        t.load_warnings
    );
}

#[test]
fn unused_user_fields_are_listed_for_users_json() {
    let d = dir_with(
        "roles: []\n",
        Some(r#"[{"email":"a@b.c","custom_password_hash":{"algorithm":"bcrypt"}}]"#),
    );
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert!(
        t.load_warnings
            .iter()
            .any(|w| w.contains("users.json") && w.contains("[].custom_password_hash")),
        "{:?}",
        t.load_warnings
    );
}

#[test]
fn a_quoted_at_keyword_in_tenant_yaml_becomes_a_real_list() {
    let d = dir_of(&[
        (
            "config.json",
            r#"{"AUTH0_KEYWORD_REPLACE_MAPPINGS": {"ORIGINS": ["http://a.test", "http://b.test"]}}"#,
        ),
        (
            "tenant.yaml",
            "clients:\n  - name: App\n    app_type: spa\n    web_origins: '@@ORIGINS@@'\n",
        ),
    ]);
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert_eq!(t.clients[0].web_origins, ["http://a.test", "http://b.test"]);
}

#[test]
fn an_environment_variable_fills_a_hash_keyword_in_tenant_yaml() {
    let d = dir_with("tenant:\n  friendly_name: '##STAGE## tenant'\n", None);
    let t = load_dir_with_env(d.path(), &LoadEnv::from_pairs([("STAGE", "dev")])).unwrap();
    assert_eq!(t.friendly_name, "dev tenant");
}

#[test]
fn an_unmapped_keyword_is_left_as_written_and_warned() {
    let d = dir_with("tenant:\n  friendly_name: '##NOT_MAPPED## tenant'\n", None);
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert_eq!(t.friendly_name, "##NOT_MAPPED## tenant");
    assert!(
        t.load_warnings
            .iter()
            .any(|w| w.contains("##NOT_MAPPED## (in ") && w.contains("tenant.yaml")),
        "{:?}",
        t.load_warnings
    );
}

#[test]
fn env_references_resolve_from_the_given_environment() {
    let d = dir_with(
        "triggers:\n  post-login:\n    - hook: hasura-claims\n      default_role: user\n      secrets:\n        a: ${GIVEN_SECRET}\n",
        None,
    );
    let t = load_dir_with_env(d.path(), &LoadEnv::from_pairs([("GIVEN_SECRET", "x")])).unwrap();
    assert_eq!(t.post_login[0].secrets["a"], "x");
}

/// A directory export with one post-login Action whose code greets with a keyword.
fn export_with_action() -> tempfile::TempDir {
    dir_of(&[
        ("tenant.json", r###"{"friendly_name": "##STAGE##"}"###),
        (
            "actions/greet.json",
            r#"{"name": "greet", "code": "./actions/greet/code.js", "runtime": "node18", "supported_triggers": [{"id": "post-login", "version": "v3"}]}"#,
        ),
        (
            "actions/greet/code.js",
            "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://x/hi', '##STAGE##'); };",
        ),
        (
            "triggers/triggers.json",
            r#"{"post-login": [{"action_name": "greet", "display_name": "greet"}]}"#,
        ),
    ])
}

#[test]
fn directory_action_code_is_read_from_the_root_relative_path_with_keywords_replaced() {
    let d = export_with_action();
    let t = load_dir_with_env(d.path(), &LoadEnv::from_pairs([("STAGE", "dev")])).unwrap();
    let (file, code) = t.post_login[0].code.clone().unwrap();
    assert!(file.ends_with("actions/greet/code.js"), "{file}");
    assert!(code.contains("'dev'"), "{code}");
    assert_eq!(t.friendly_name, "dev");
}

#[test]
fn unused_fields_of_a_directory_export_are_listed_under_their_own_file() {
    let d = export_with_action();
    let t = load_dir_with_env(d.path(), &LoadEnv::from_pairs([("STAGE", "dev")])).unwrap();
    assert!(
        t.load_warnings
            .iter()
            .any(|w| w.contains("actions/greet.json: not used") && w.ends_with("ignored): runtime")),
        "{:?}",
        t.load_warnings
    );
}

#[test]
fn a_directory_export_error_names_the_entry_file_and_the_path_in_it() {
    let d = dir_of(&[(
        "clients/Web.json",
        r#"{"name": "Web", "app_type": "regular_web"}"#,
    )]);
    let e = load_dir_with_env(d.path(), &no_env())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("clients/Web.json: at client_secret: client 'Web'"),
        "{e}"
    );
}

#[test]
fn a_directory_export_type_error_names_the_entry_file_and_the_field() {
    let d = dir_of(&[
        ("clients/A.json", r#"{"name": "A"}"#),
        ("clients/B.json", r#"{"name": "B", "callbacks": 5}"#),
    ]);
    let e = load_dir_with_env(d.path(), &no_env())
        .unwrap_err()
        .to_string();
    assert!(e.contains("clients/B.json: at callbacks:"), "{e}");
}

#[test]
fn a_directory_connection_error_names_the_database_json() {
    let d = dir_of(&[(
        "database-connections/db/database.json",
        r#"{"name": "db", "strategy": "auth0", "options": {"password_complexity_options": {"min_length": 0}}}"#,
    )]);
    let e = load_dir_with_env(d.path(), &no_env())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("database-connections/db/database.json: at options.password_complexity_options.min_length"),
        "{e}"
    );
}

#[test]
fn tenant_yaml_wins_over_directory_files_beside_it() {
    let d = dir_of(&[
        ("tenant.yaml", "tenant:\n  friendly_name: from yaml\n"),
        ("tenant.json", r#"{"friendly_name": "from json"}"#),
    ]);
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert_eq!(t.friendly_name, "from yaml");
}

#[test]
fn a_binding_is_located_in_the_file_it_was_written_in_either_format() {
    let yaml = load_dir_with_env(&shipped("default"), &no_env()).unwrap();
    let (file, path) = yaml.binding_location(crate::protocol::Trigger::PostLogin, 0);
    assert!(file.ends_with("default/tenant.yaml") && path == "triggers.post-login[0]");
    let dir = load_dir_with_env(&shipped("deploy-cli-directory"), &no_env()).unwrap();
    let (file, path) = dir.binding_location(crate::protocol::Trigger::PostLogin, 0);
    assert!(file.ends_with("triggers/triggers.json") && path == "post-login[0]");
}

#[test]
fn a_social_connections_email_permission_flag_loads_and_is_listed_as_unused() {
    let d = dir_with(
        "connections:\n  - name: facebook\n    strategy: facebook\n    options:\n      email: true\n",
        None,
    );
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert!(
        t.load_warnings[0].contains("connections[].options.email"),
        "{:?}",
        t.load_warnings
    );
}

#[test]
fn a_resource_server_client_from_an_export_is_machine_to_machine() {
    let d = dir_with(
        "clients:\n  - name: API client\n    app_type: resource_server\n    client_secret: s\n",
        None,
    );
    let t = load_dir_with_env(d.path(), &no_env()).unwrap();
    assert_eq!(
        t.clients[0].grants(),
        [crate::protocol::GrantType::ClientCredentials]
    );
}

const ORG_YAML: &str = "roles:\n  - name: admin\norganizations:\n  - name: acme\n    display_name: Acme\n    members:\n      - user: a@b.c\n        roles: [admin]\n";

#[test]
fn an_organizations_member_given_by_email_is_resolved_to_the_user_id() {
    let d = dir_with(ORG_YAML, Some(r#"[{"user_id":"a1","email":"a@b.c"}]"#));
    let t = load_dir(d.path()).unwrap();
    let org = &t.organizations[0];
    assert!(org.id.starts_with("org_"), "{}", org.id);
    assert_eq!(org.members[0].user, "auth0|a1");
    assert_eq!(
        t.organization(&org.id).map(|o| o.name.as_str()),
        Some("acme")
    );
    assert_eq!(
        t.organization("ACME").map(|o| o.id.as_str()),
        Some(org.id.as_str())
    );
}

#[test]
fn an_organization_member_who_is_not_a_user_is_refused() {
    let d = dir_with(ORG_YAML, Some(r#"[{"email":"z@b.c"}]"#));
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(
        e.contains("organizations[0].members[0].user") && e.contains("a@b.c"),
        "{e}"
    );
}

#[test]
fn an_organization_name_in_upper_case_is_refused() {
    let d = dir_with("organizations:\n  - name: Acme\n", None);
    let e = load_dir(d.path()).unwrap_err().to_string();
    assert!(e.contains("organizations[0].name"), "{e}");
}

#[test]
fn an_organization_prompt_loads_without_a_warning() {
    let d = dir_with(
        "clients:\n  - name: App\n    organization_usage: require\n    organization_require_behavior: post_login_prompt\n",
        None,
    );
    let t = load_dir(d.path()).unwrap();
    assert!(
        !t.load_warnings
            .iter()
            .any(|w| w.contains("post_login_prompt")),
        "{:?}",
        t.load_warnings
    );
}

#[test]
fn a_bulk_import_user_with_a_social_identity_takes_its_id_and_connection() {
    let d = dir_with(
        "connections:\n  - name: google-oauth2\n    strategy: google-oauth2\n",
        Some(
            r#"[{"email":"g@x.test","identities":[{"provider":"google-oauth2","user_id":"104","connection":"google-oauth2","isSocial":true}]}]"#,
        ),
    );
    let t = load_dir(d.path()).unwrap();
    let u = &t.users[0];
    assert_eq!(u.user_id, "google-oauth2|104");
    assert_eq!(u.connection.as_deref(), Some("google-oauth2"));
    assert_eq!(u.to_auth0_json()["identities"][0]["isSocial"], true);
}
