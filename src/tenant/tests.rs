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
