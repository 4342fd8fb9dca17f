//! Tenants for the lifecycle tests: the default tenant with connection options, Actions and
//! trigger bindings added, written to a temp dir.

use crate::support::*;

/// A password the default connection's `good` policy accepts.
pub const STRONG: &str = "Str0ng-passw0rd!";

/// What to add to the default tenant.
#[derive(Default)]
pub struct Edits<'a> {
    /// YAML entries under the database connection's `options:` (`      requires_username: true\n`).
    pub db: &'a str,
    /// YAML entries under `triggers:` (`  pre-user-registration:\n    - action_name: x\n`).
    pub triggers: &'a str,
    /// Top-level YAML appended (`actions:` and the like).
    pub tail: &'a str,
    /// Files written next to tenant.yaml (Action code).
    pub files: &'a [(&'a str, &'a str)],
}

/// The default fixtures with `edits`, in a temp dir.
pub fn tenant_dir(edits: Edits<'_>) -> tempfile::TempDir {
    let dir = copy_of_shipped_fixtures("default");
    let path = dir.path().join("tenant.yaml");
    let yaml = std::fs::read_to_string(&path).expect("tenant.yaml");
    let db = "    options:\n      passwordPolicy: good\n";
    assert!(
        yaml.contains(db) && yaml.contains("\ntriggers:\n"),
        "default tenant.yaml changed shape"
    );
    let yaml = yaml.replacen(db, &format!("{db}{}", edits.db), 1).replacen(
        "\ntriggers:\n",
        &format!("\ntriggers:\n{}", edits.triggers),
        1,
    );
    std::fs::write(&path, format!("{yaml}\n{}", edits.tail)).expect("write tenant.yaml");
    for (name, text) in edits.files {
        let file = dir.path().join(name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("a directory");
        }
        std::fs::write(file, text).expect("write a fixture file");
    }
    dir
}

/// A mock on the default tenant with `edits`; the temp dir must outlive it.
pub async fn start_edited(edits: Edits<'_>) -> (auth0_mock::MockServer, tempfile::TempDir) {
    let dir = tenant_dir(edits);
    (start_with_fixtures(dir.path()).await, dir)
}

/// `POST /dbconnections/signup` with a JSON body.
pub async fn signup(
    base: &str,
    body: serde_json::Value,
) -> (reqwest::StatusCode, serde_json::Value) {
    let res = client()
        .post(format!("{base}/dbconnections/signup"))
        .json(&body)
        .send()
        .await
        .expect("the mock answers");
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// A sign-up body for the default SPA and connection.
pub fn signup_body(email: &str, password: &str) -> serde_json::Value {
    serde_json::json!({
        "client_id": SPA,
        "connection": "Username-Password-Authentication",
        "email": email,
        "password": password,
    })
}

/// A password-grant login for the default web app.
pub async fn login(
    base: &str,
    user: &str,
    password: &str,
) -> (reqwest::StatusCode, serde_json::Value) {
    password_login(base, user, password).await
}

/// `GET url`: the status and the body as text.
pub async fn get_page(url: &str) -> (reqwest::StatusCode, String) {
    let res = client().get(url).send().await.expect("the mock answers");
    (res.status(), res.text().await.expect("a text body"))
}

/// `GET url` as JSON.
pub async fn get_json(url: &str) -> serde_json::Value {
    // Every caller reads the Management API: the token comes from the mock the URL names.
    let base = url.split("/api/v2/").next().unwrap_or(url);
    management(base)
        .await
        .get(url)
        .send()
        .await
        .expect("the mock answers")
        .json()
        .await
        .expect("a JSON body")
}

/// The users `/api/v2/users-by-email` lists for `email`.
pub async fn users_by_email(base: &str, email: &str) -> serde_json::Value {
    get_json(&format!(
        "{base}/api/v2/users-by-email?email={}",
        enc(email)
    ))
    .await
}

/// A mock whose database connection has these `options` entries besides the default policy.
pub async fn start_with_db(options: &str) -> (auth0_mock::MockServer, tempfile::TempDir) {
    start_edited(Edits {
        db: options,
        ..Default::default()
    })
    .await
}

/// A mock with a post-user-registration webhook to a local upstream that answers `{}`; the
/// upstream records what it was sent.
pub async fn start_with_registration_webhook()
-> (Upstream, auth0_mock::MockServer, tempfile::TempDir) {
    let upstream = Upstream::start(|_, _| {
        Answer::Now(json_response(
            reqwest::StatusCode::OK,
            serde_json::json!({}),
        ))
    })
    .await;
    let triggers = format!(
        "  post-user-registration:\n    - hook: webhook\n      url: {}\n",
        upstream.url("/registered")
    );
    let (server, dir) = start_edited(Edits {
        triggers: &triggers,
        ..Default::default()
    })
    .await;
    (upstream, server, dir)
}

/// Follows a link a second time: Auth0's "already used" page.
pub async fn assert_link_already_used(link: &str) {
    let (status, html) = get_page(link).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    assert!(html.contains("This ticket was already used."), "{html}");
}
