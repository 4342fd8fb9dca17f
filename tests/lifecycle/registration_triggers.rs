//! The registration triggers: pre-user-registration Actions deny or set metadata,
//! post-user-registration hooks sync the new user and cannot undo it, and every run is
//! recorded with its trigger.

use crate::support::*;
use crate::tenant::*;
use reqwest::StatusCode;

/// An Action named `name` bound to `trigger`, with its code at `actions/<name>.js`.
fn action_yaml(name: &str, trigger: &str) -> (String, String) {
    (
        format!("  {trigger}:\n    - action_name: {name}\n"),
        format!(
            "actions:\n  - name: {name}\n    code: ./actions/{name}.js\n    supported_triggers: [{{ id: {trigger}, version: v2 }}]\n"
        ),
    )
}

const DENY_EXAMPLE_ORG: &str = r#"
exports.onExecutePreUserRegistration = async (event, api) => {
  if (event.user.email.endsWith('@blocked.example')) {
    api.access.deny('domain blocked for ' + event.user.email, 'Sign-ups from this domain are not allowed.');
  }
  api.user.setAppMetadata('plan', 'trial');
  api.user.setUserMetadata('source', event.transaction ? 'universal-login' : 'api');
};
"#;

async fn with_pre_registration() -> (auth0_mock::MockServer, tempfile::TempDir) {
    let (triggers, tail) = action_yaml("gate", "pre-user-registration");
    start_edited(Edits {
        triggers: &triggers,
        tail: &tail,
        files: &[("actions/gate.js", DENY_EXAMPLE_ORG)],
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn a_pre_registration_denial_is_auth0s_extensibility_error_and_creates_no_user() {
    let (server, _dir) = with_pre_registration().await;
    let base = server.base_url();
    let (status, body) = signup(&base, signup_body("eve@blocked.example", STRONG)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["name"], "InternalExtensibilityError");
    assert_eq!(body["code"], "extensibility_error");
    assert_eq!(
        body["description"],
        "domain blocked for eve@blocked.example"
    );
    assert_eq!(
        body["friendly_message"],
        "Sign-ups from this domain are not allowed."
    );
    let (status, _) = login(&base, "eve@blocked.example", STRONG).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no user was created");
    server.shutdown().await;
}

#[tokio::test]
async fn a_pre_registration_denial_shows_the_user_message_on_the_page() {
    let (server, _dir) = with_pre_registration().await;
    let base = server.base_url();
    let page = login_page_url(
        &base,
        &client(),
        &authorize_url(&base, "&screen_hint=signup"),
    )
    .await;
    let res = client()
        .post(&page)
        .form(&[
            ("email", "eve@blocked.example"),
            ("password", STRONG),
            ("action", "default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Sign-ups from this domain are not allowed.")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn metadata_set_before_registration_is_on_the_new_user() {
    let (server, _dir) = with_pre_registration().await;
    let base = server.base_url();
    let (status, body) = signup(&base, signup_body("meta@ok.example", STRONG)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let users = users_by_email(&base, "meta@ok.example").await;
    assert_eq!(users[0]["app_metadata"]["plan"], "trial");
    assert_eq!(
        users[0]["user_metadata"]["source"], "api",
        "an API sign-up has no event.transaction"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_pre_registration_run_is_recorded_with_its_trigger() {
    let (server, _dir) = with_pre_registration().await;
    let base = server.base_url();
    signup(&base, signup_body("rec@ok.example", STRONG)).await;
    let runs = records_of(&base, "action").await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["trigger"], "pre-user-registration");
    assert_eq!(runs[0]["outcome"], "ok");
    server.shutdown().await;
}

#[tokio::test]
async fn a_post_registration_webhook_gets_the_new_user() {
    let (upstream, server, _dir) = start_with_registration_webhook().await;
    let base = server.base_url();
    let (_, body) = signup(&base, signup_body("hooked@example.com", STRONG)).await;
    let seen = upstream.seen();
    assert_eq!(seen.len(), 1, "the webhook ran once, before the answer");
    let event = &seen[0].body;
    assert_eq!(
        event["user"]["user_id"],
        format!("auth0|{}", body["_id"].as_str().unwrap())
    );
    assert_eq!(event["user"]["email"], "hooked@example.com");
    assert!(
        event.get("client").is_none(),
        "post-user-registration has no event.client"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_failing_post_registration_hook_keeps_the_user_and_is_recorded() {
    let triggers = format!(
        "  post-user-registration:\n    - hook: hasura-sync\n      url: {}\n",
        refused_url("/v1/graphql")
    );
    let (server, _dir) = start_edited(Edits {
        triggers: &triggers,
        ..Default::default()
    })
    .await;
    let base = server.base_url();
    let (status, body) = signup(&base, signup_body("kept@example.com", STRONG)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let runs = records_of(&base, "hasura-sync").await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["trigger"], "post-user-registration");
    assert_eq!(runs[0]["outcome"], "failed");
    let (status, _) = login(&base, "kept@example.com", STRONG).await;
    assert_eq!(status, StatusCode::OK, "the user stays");
    server.shutdown().await;
}

#[tokio::test]
async fn hasura_claims_bound_to_a_registration_trigger_is_refused_at_startup() {
    let dir = tenant_dir(Edits {
        triggers: "  post-user-registration:\n    - hook: hasura-claims\n",
        ..Default::default()
    });
    let err = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("startup fails");
    assert!(err.contains("triggers.post-user-registration[0]"), "{err}");
    assert!(
        err.contains("runs on post-login and credentials-exchange only"),
        "{err}"
    );
}

#[tokio::test]
async fn an_action_without_its_triggers_export_is_refused_at_startup() {
    let (triggers, tail) = action_yaml("wrong", "post-user-registration");
    let dir = tenant_dir(Edits {
        triggers: &triggers,
        tail: &tail,
        files: &[(
            "actions/wrong.js",
            "exports.onExecutePostLogin = async () => {};\n",
        )],
        ..Default::default()
    });
    let err = try_start_with_fixtures(dir.path())
        .await
        .err()
        .expect("startup fails");
    assert!(err.contains("onExecutePostUserRegistration"), "{err}");
}

#[tokio::test]
async fn a_post_registration_action_has_no_deny() {
    let (triggers, tail) = action_yaml("after", "post-user-registration");
    let (server, _dir) = start_edited(Edits {
        triggers: &triggers,
        tail: &tail,
        files: &[(
            "actions/after.js",
            "exports.onExecutePostUserRegistration = async (event, api) => { console.log(typeof api.access); api.access.deny('no'); };\n",
        )],
        ..Default::default()
    })
    .await;
    let base = server.base_url();
    let (status, _) = signup(&base, signup_body("after@example.com", STRONG)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "post-registration cannot stop a sign-up"
    );
    let run = last_record(&base).await;
    assert_eq!(run["outcome"], "failed");
    assert_eq!(
        logs(&run)[0],
        "undefined",
        "as in Auth0, the api has no access object"
    );
    server.shutdown().await;
}
