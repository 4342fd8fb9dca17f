//! The organization prompts of a client that requires an organization and was sent none:
//! `pre_login_prompt` asks for the organization's name at `/u/organization` before the login
//! page, `post_login_prompt` lets the signed-in user pick one of their organizations at
//! `/u/organization-picker`; either way the token carries the chosen `org_id`.

use crate::support::*;
use auth0_mock::tenant::{Organization, OrganizationRequireBehavior, OrganizationUsage, Tenant};
use auth0_mock::{MockServer, ServerConfig};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

const WONDERLAND: &str = "org_wonderland0000001";
const LOOKING_GLASS: &str = "org_lookingglass00001";

fn org(id: &str, name: &str, members: Value) -> Organization {
    serde_json::from_value(json!({
        "id": id,
        "name": name,
        "display_name": format!("{name} Ltd"),
        "connections": [{"name": "Username-Password-Authentication"}],
        "members": members,
    }))
    .unwrap()
}

/// The embedded tenant whose clients require an organization and prompt for it as `behavior`:
/// alice is a member of both organizations, bob of none.
async fn serve(behavior: OrganizationRequireBehavior) -> MockServer {
    let mut t: Tenant = auth0_mock::tenant::load_embedded().unwrap();
    let alice = json!([{"user": "auth0|alice", "roles": ["admin"]}]);
    t.organizations
        .push(org(WONDERLAND, "wonderland", alice.clone()));
    t.organizations
        .push(org(LOOKING_GLASS, "looking-glass", alice));
    for c in &mut t.clients {
        c.organization_usage = OrganizationUsage::Require;
        c.organization_require_behavior = behavior;
    }
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(t);
    MockServer::start(cfg).await.unwrap()
}

fn cookie_of(res: &reqwest::Response) -> String {
    res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

async fn select(http: &reqwest::Client, screen: &str, name: &str) -> reqwest::Response {
    http.post(screen)
        .form(&[("organizationName", name), ("action", "default")])
        .send()
        .await
        .unwrap()
}

/// Logs alice in through the login page after `/authorize`'s first redirect led to `first`,
/// and returns the session cookie and where `/authorize/resume` sent the browser.
async fn sign_in(base: &str, http: &reqwest::Client, login_page: &str) -> (String, String) {
    let ok = submit_login(http, login_page, "alice@example.com", "alice-password").await;
    assert_eq!(ok.status(), StatusCode::FOUND);
    let cookie = cookie_of(&ok);
    let back = http
        .get(location(&ok, base))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::FOUND);
    (cookie, location(&back, base))
}

async fn org_of(base: &str, callback: &str) -> Value {
    let q = query_of(callback);
    let res = exchange(base, &client(), &q["code"]).await;
    assert_eq!(res.status(), StatusCode::OK, "{q:?}");
    let body: Value = res.json().await.unwrap();
    id_claims(&body)["org_id"].clone()
}

#[tokio::test]
async fn pre_login_prompt_asks_for_the_organization_name_before_the_login_page() {
    let server = serve(OrganizationRequireBehavior::PreLoginPrompt).await;
    let base = server.base_url();
    let screen = login_page_url(&base, &client(), &authorize_url(&base, "")).await;
    assert!(screen.contains("/u/organization?state="), "{screen}");
    let page = client().get(&screen).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Enter your Organization Name"), "{html}");
    assert!(html.contains("name=\"organizationName\""), "{html}");
    server.shutdown().await;
}

#[tokio::test]
async fn pre_login_prompt_logs_into_the_named_organization() {
    let server = serve(OrganizationRequireBehavior::PreLoginPrompt).await;
    let base = server.base_url();
    let http = client();
    let screen = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    let chosen = select(&http, &screen, "Looking-Glass").await;
    assert_eq!(chosen.status(), StatusCode::FOUND);
    let login_page = location(&chosen, &base);
    assert!(login_page.contains("/u/login?state="), "{login_page}");
    let (_, callback) = sign_in(&base, &http, &login_page).await;
    assert_eq!(org_of(&base, &callback).await, LOOKING_GLASS);
    server.shutdown().await;
}

#[tokio::test]
async fn pre_login_prompt_shows_auth0s_error_for_an_unknown_organization() {
    let server = serve(OrganizationRequireBehavior::PreLoginPrompt).await;
    let base = server.base_url();
    let http = client();
    let screen = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    let res = select(&http, &screen, "atlantis").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("The organization you entered is invalid"),
        "{html}"
    );
    // The login is still waiting: the right name goes on.
    let res = select(&http, &screen, "wonderland").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    server.shutdown().await;
}

#[tokio::test]
async fn pre_login_prompt_with_a_session_goes_from_the_selection_to_the_callback() {
    let server = serve(OrganizationRequireBehavior::PreLoginPrompt).await;
    let base = server.base_url();
    let http = client();
    let screen = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    let login_page = location(&select(&http, &screen, "wonderland").await, &base);
    let (cookie, _) = sign_in(&base, &http, &login_page).await;
    // A second login with the session: the selection again, then straight back.
    let screen = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    let res = http
        .post(&screen)
        .header(COOKIE, &cookie)
        .form(&[("organizationName", "looking-glass")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let callback = location(&res, &base);
    assert!(callback.starts_with(CALLBACK), "{callback}");
    assert_eq!(org_of(&base, &callback).await, LOOKING_GLASS);
    server.shutdown().await;
}

#[tokio::test]
async fn an_organization_prompt_is_not_shown_to_a_silent_login() {
    let server = serve(OrganizationRequireBehavior::PreLoginPrompt).await;
    let base = server.base_url();
    let res = client()
        .get(authorize_url(&base, "&prompt=none"))
        .send()
        .await
        .unwrap();
    let q = query_of(&location(&res, &base));
    assert_eq!(q["error"], "invalid_request");
    assert_eq!(
        q["error_description"],
        "parameter organization is required for this client"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn post_login_prompt_lets_the_user_pick_one_of_their_organizations() {
    let server = serve(OrganizationRequireBehavior::PostLoginPrompt).await;
    let base = server.base_url();
    let http = client();
    let login_page = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    assert!(login_page.contains("/u/login?state="), "{login_page}");
    let (cookie, picker) = sign_in(&base, &http, &login_page).await;
    assert!(picker.contains("/u/organization-picker?state="), "{picker}");
    let html = http
        .get(&picker)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(WONDERLAND) && html.contains(LOOKING_GLASS),
        "{html}"
    );
    let res = http
        .post(&picker)
        .header(COOKIE, &cookie)
        .form(&[("organization", WONDERLAND), ("action", "default")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(org_of(&base, &location(&res, &base)).await, WONDERLAND);
    server.shutdown().await;
}

#[tokio::test]
async fn post_login_prompt_refuses_an_organization_the_user_is_not_in() {
    let server = serve(OrganizationRequireBehavior::PostLoginPrompt).await;
    let base = server.base_url();
    let http = client();
    let login_page = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    let (cookie, picker) = sign_in(&base, &http, &login_page).await;
    let res = http
        .post(&picker)
        .header(COOKIE, &cookie)
        .form(&[("organization", "org_somebodyelses0001")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await;
}

#[tokio::test]
async fn post_login_prompt_denies_a_user_in_no_organization() {
    let server = serve(OrganizationRequireBehavior::PostLoginPrompt).await;
    let base = server.base_url();
    let login = browser_login(&base, "bob@example.com", "bob-password").await;
    let q = login.query();
    assert_eq!(q["error"], "access_denied");
    assert!(
        q["error_description"].contains("not a member of any organization"),
        "{q:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_organization_picker_needs_the_session() {
    let server = serve(OrganizationRequireBehavior::PostLoginPrompt).await;
    let base = server.base_url();
    let http = client();
    let login_page = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    let (_, picker) = sign_in(&base, &http, &login_page).await;
    let res = http.get(&picker).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("login_required"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_login_that_skips_the_organization_selection_is_sent_back_to_it() {
    let server = serve(OrganizationRequireBehavior::PreLoginPrompt).await;
    let base = server.base_url();
    let http = client();
    let screen = login_page_url(&base, &http, &authorize_url(&base, "")).await;
    // The same parked login, signed in at the login page without choosing an organization.
    let login_page = screen.replace("/u/organization?", "/u/login?");
    let (_, next) = sign_in(&base, &http, &login_page).await;
    assert!(next.contains("/u/organization?state="), "{next}");
    server.shutdown().await;
}
