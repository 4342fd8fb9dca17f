//! Social connections: `/authorize?connection=google-oauth2` and the login page's "Continue
//! with Google" lead to the mock's stand-in provider page; a first login creates the user in
//! Auth0's shape (`google-oauth2|<21 digits>`, a social identity), later logins reuse it, and
//! Actions see `event.connection`.

use crate::support::*;
use auth0_mock::tenant::{Connection, HookBinding, Tenant};
use auth0_mock::{MockServer, ServerConfig};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

fn tenant() -> Tenant {
    let mut t = auth0_mock::tenant::load_embedded().unwrap();
    let google: Connection =
        serde_json::from_value(json!({"name": "google-oauth2", "strategy": "google-oauth2"}))
            .unwrap();
    let github: Connection = serde_json::from_value(
        json!({"name": "github", "strategy": "github", "enabled_clients": ["Default Web App"]}),
    )
    .unwrap();
    t.connections.push(google);
    t.connections.push(github);
    t
}

async fn serve(t: Tenant) -> MockServer {
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(t);
    MockServer::start(cfg).await.unwrap()
}

/// The provider page `/authorize?connection=…` leads to, as an absolute URL.
async fn provider_page(base: &str, connection: &str) -> String {
    let res = client()
        .get(authorize_url(base, &format!("&connection={connection}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    location(&res, base)
}

/// Signs in at the provider page with `email`/`name`; the callback URL.
async fn provider_login(base: &str, email: &str, name: &str) -> String {
    let page = provider_page(base, "google-oauth2").await;
    let http = client();
    let signed = http
        .post(&page)
        .form(&[("email", email), ("name", name), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::FOUND);
    let cookie = signed.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let back = http
        .get(location(&signed, base))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    location(&back, base)
}

#[tokio::test]
async fn authorize_with_a_social_connection_goes_to_the_provider_page() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    let page = provider_page(&base, "google-oauth2").await;
    assert!(
        page.starts_with(&format!("{base}/mock-provider/google-oauth2?state=")),
        "{page}"
    );
    let html = client()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in with Google") && html.contains("id=\"email\""));
    server.shutdown().await;
}

#[tokio::test]
async fn the_login_page_offers_only_the_social_connections_enabled_for_the_client() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    let page = login_page_url(&base, &client(), &authorize_url(&base, "")).await;
    let html = client()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"social-google-oauth2\""), "{html}");
    assert!(
        !html.contains("id=\"social-github\""),
        "github is for the web app only"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_organization_login_page_offers_only_the_organizations_social_connections() {
    let mut t = tenant();
    t.connections.push(
        serde_json::from_value(json!({"name": "windowslive", "strategy": "windowslive"})).unwrap(),
    );
    t.organizations.push(
        serde_json::from_value(json!({
            "id": "org_wonderland0000001", "name": "wonderland",
            "connections": [{"name": "Username-Password-Authentication"}, {"name": "windowslive"}],
        }))
        .unwrap(),
    );
    for c in &mut t.clients {
        c.organization_usage = auth0_mock::tenant::OrganizationUsage::Allow;
    }
    let server = serve(t).await;
    let base = server.base_url();
    let page = login_page_url(
        &base,
        &client(),
        &authorize_url(&base, "&organization=org_wonderland0000001"),
    )
    .await;
    let html = client()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"social-windowslive\""), "{html}");
    assert!(
        !html.contains("id=\"social-google-oauth2\""),
        "google is not enabled for the organization"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_first_social_login_creates_a_user_in_auth0s_shape() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    let callback = provider_login(&base, "dana@gmail.test", "Dana Scully").await;
    let id = callback_id_token(&base, &callback).await;
    let sub = id["sub"].as_str().unwrap();
    let digits = sub.strip_prefix("google-oauth2|").expect("google-oauth2|…");
    assert!(
        digits.len() == 21 && digits.chars().all(|c| c.is_ascii_digit()),
        "{sub}"
    );
    assert_eq!(id["email_verified"], true);
    let user: Value = management(&base)
        .await
        .get(format!("{base}/api/v2/users/{}", enc(sub)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        user["identities"][0],
        json!({"provider": "google-oauth2", "user_id": digits, "connection": "google-oauth2", "isSocial": true})
    );
    assert_eq!(
        (user["given_name"].as_str(), user["family_name"].as_str()),
        (Some("Dana"), Some("Scully"))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_later_social_login_reuses_the_user() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    let first = callback_id_token(
        &base,
        &provider_login(&base, "dana@gmail.test", "Dana").await,
    )
    .await;
    let second =
        callback_id_token(&base, &provider_login(&base, "Dana@Gmail.test", "").await).await;
    assert_eq!(first["sub"], second["sub"]);
    server.shutdown().await;
}

#[tokio::test]
async fn the_provider_page_lists_the_connections_existing_accounts() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    provider_login(&base, "dana@gmail.test", "Dana").await;
    let page = provider_page(&base, "google-oauth2").await;
    let html = client()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-email=\"dana@gmail.test\""), "{html}");
    assert!(
        !html.contains("alice@example.com"),
        "database users are not Google's"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn actions_see_the_social_connection() {
    const PROBE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/connection', event.connection);
  api.idToken.setCustomClaim('https://x/social', event.user.identities[0].isSocial);
};"#;
    let mut t = tenant();
    let mut probe = HookBinding::native("action", "probe", json!({}));
    probe.code = Some(("probe.js".into(), PROBE.into()));
    t.post_login.push(probe);
    let server = serve(t).await;
    let base = server.base_url();
    let id = callback_id_token(
        &base,
        &provider_login(&base, "dana@gmail.test", "Dana").await,
    )
    .await;
    assert_eq!(id["https://x/connection"]["strategy"], "google-oauth2");
    assert_eq!(id["https://x/connection"]["name"], "google-oauth2");
    assert_eq!(id["https://x/social"], true);
    server.shutdown().await;
}

#[tokio::test]
async fn actions_see_a_social_login_as_the_federated_method() {
    const PROBE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/method', event.authentication.methods[0].name);
};"#;
    let mut t = tenant();
    let mut probe = HookBinding::native("action", "probe", json!({}));
    probe.code = Some(("probe.js".into(), PROBE.into()));
    t.post_login.push(probe);
    let server = serve(t).await;
    let base = server.base_url();
    let id = callback_id_token(
        &base,
        &provider_login(&base, "erin@gmail.test", "Erin").await,
    )
    .await;
    assert_eq!(id["https://x/method"], "federated");
    server.shutdown().await;
}

#[tokio::test]
async fn a_bad_email_shows_the_provider_page_again() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    let page = provider_page(&base, "google-oauth2").await;
    let res = client()
        .post(&page)
        .form(&[("email", "not-an-email")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Enter a valid email address.")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_connection_not_enabled_for_the_client_is_refused() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    let page = provider_page(&base, "github").await;
    let res = client().get(&page).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("not enabled for the application")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_database_users_email_typed_at_google_makes_a_separate_google_user() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    let id = callback_id_token(
        &base,
        &provider_login(&base, "alice@example.com", "Alice").await,
    )
    .await;
    assert!(
        id["sub"].as_str().unwrap().starts_with("google-oauth2|"),
        "never auth0|alice: {}",
        id["sub"]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_later_social_login_with_a_new_name_syncs_the_users_profile() {
    let server = serve(tenant()).await;
    let base = server.base_url();
    provider_login(&base, "dodo@gmail.com", "Dodo Bird").await;
    let callback = provider_login(&base, "dodo@gmail.com", "Dodo Extinct").await;
    let id = callback_id_token(&base, &callback).await;
    assert_eq!(id["name"], "Dodo Extinct", "{id}");
    assert_eq!(id["family_name"], "Extinct");
    server.shutdown().await;
}

#[tokio::test]
async fn a_connection_syncing_on_first_login_only_keeps_the_first_name() {
    let mut t = tenant();
    for c in &mut t.connections {
        if c.name == "google-oauth2" {
            c.options.set_user_root_attributes = auth0_mock::tenant::RootAttributes::OnFirstLogin;
        }
    }
    let server = serve(t).await;
    let base = server.base_url();
    provider_login(&base, "dodo@gmail.com", "Dodo Bird").await;
    let callback = provider_login(&base, "dodo@gmail.com", "Dodo Extinct").await;
    let id = callback_id_token(&base, &callback).await;
    assert_eq!(id["name"], "Dodo Bird", "{id}");
    server.shutdown().await;
}
