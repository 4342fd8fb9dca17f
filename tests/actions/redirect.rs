//! Redirect Actions: `api.redirect.sendUserTo` pauses a browser login and sends the browser to a
//! page with `state`; `/continue?state=…` resumes it with the same Action's
//! `onContinuePostLogin`, then the later Actions; `encodeToken`/`validateToken` carry signed
//! data there and back. Driven over real HTTP as a browser would (cookies, redirects).

use crate::{Action, fixture};
use auth0_mock::MockServer;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::support::*;

/// The secret the profiling Action and the "external page" of these tests share.
const SECRET: &str = "profile-page-secret";

/// Progressive profiling: asks once for a colour, signed both ways, kept in user_metadata.
const PROFILE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/can_redirect', api.redirect.canRedirect());
  if (event.user.user_metadata.colour || !api.redirect.canRedirect()) return;
  const token = api.redirect.encodeToken({
    secret: event.secrets.PROFILE_SECRET,
    payload: { ask: 'colour' },
  });
  api.redirect.sendUserTo('https://profile.test/ask', { query: { session_token: token, step: 1 } });
};
exports.onContinuePostLogin = async (event, api) => {
  const payload = api.redirect.validateToken({ secret: event.secrets.PROFILE_SECRET });
  api.user.setUserMetadata('colour', payload.colour);
  api.idToken.setCustomClaim('https://x/continued_by', event.request.method);
};"#;

/// Runs after the profiling Action: what it saw.
const LATER: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/later_saw', event.user.user_metadata.colour ?? null);
};"#;

/// Redirects on every interactive login, guarded by nothing.
const ALWAYS: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.redirect.sendUserTo('https://elsewhere.test/page');
};"#;

fn profile_action() -> Action<'static> {
    Action {
        secrets: &["{ name: PROFILE_SECRET, value: profile-page-secret }"],
        ..Action::new("profile", PROFILE)
    }
}

async fn start_actions(actions: &[Action<'_>]) -> (MockServer, tempfile::TempDir) {
    let dir = fixture(actions, &[]);
    (start_with_fixtures(dir.path()).await, dir)
}

/// A token the external page signs for the way back: the login's `state` plus `claims`.
fn page_token(state: &str, secret: &str, exp_in: i64, claims: Value) -> String {
    let mut body = claims;
    body["state"] = json!(state);
    body["exp"] = json!(now() + exp_in);
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &body,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Alice logs in through the login page; the login stops at the Action's page.
async fn to_the_page(base: &str) -> BrowserLogin {
    let login = alice_browser_login(base).await;
    assert!(
        login.callback.starts_with("https://profile.test/ask?"),
        "expected the Action's page, got {}",
        login.callback
    );
    login
}

/// POSTs a form to `/continue` as the external page's form would.
async fn post_continue(base: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client()
        .post(format!("{base}/continue"))
        .header(COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// The page answers with the colour; the callback URL the mock redirects to.
async fn answer_teal(base: &str, login: &BrowserLogin) -> String {
    let state = login.query()["state"].clone();
    let token = page_token(&state, SECRET, 300, json!({ "colour": "teal" }));
    let res = post_continue(
        base,
        &login.cookie,
        &[("state", &state), ("session_token", &token)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    location(&res, base)
}

#[tokio::test]
async fn send_user_to_sends_the_browser_to_the_page_with_state_and_the_query() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let login = to_the_page(&server.base_url()).await;
    let q = login.query();
    assert!(q["state"].len() >= 24, "{q:?}");
    assert_eq!(q["step"], "1");
    assert!(q.contains_key("session_token"), "{q:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn encode_token_signs_sub_iss_ip_exp_and_the_payload_with_the_secret() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let login = to_the_page(&server.base_url()).await;
    let token = &login.query()["session_token"];
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(SECRET.as_bytes()),
        &validation,
    )
    .expect("an HS256 token under the Action's secret")
    .claims;
    let host = server.base_url().split("://").nth(1).unwrap().to_string();
    assert_eq!(claims["iss"], json!(host));
    assert_eq!(claims["ask"], "colour");
    assert!(
        claims["sub"].as_str().unwrap().contains("alice"),
        "{claims}"
    );
    assert!(claims["ip"].is_string(), "{claims}");
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 900);
    server.shutdown().await;
}

#[tokio::test]
async fn continue_runs_on_continue_post_login_then_answers_the_application() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let callback = answer_teal(&base, &login).await;
    assert!(callback.starts_with(CALLBACK), "{callback}");
    assert_eq!(query_of(&callback)["state"], STATE, "the app's own state");
    let id = callback_id_token(&base, &callback).await;
    assert_eq!(id["https://x/continued_by"], "POST");
    assert_eq!(id["https://x/can_redirect"], true);
    server.shutdown().await;
}

#[tokio::test]
async fn data_collected_by_the_page_is_kept_in_user_metadata() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let callback = answer_teal(&base, &login).await;
    let sub = callback_id_token(&base, &callback).await["sub"]
        .as_str()
        .unwrap()
        .to_string();
    let user: Value = management(&base)
        .await
        .get(format!("{base}/api/v2/users/{}", enc(&sub)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(user["user_metadata"]["colour"], "teal", "{user}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_next_login_does_not_redirect_once_the_profile_is_complete() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    answer_teal(&base, &login).await;
    let again = alice_browser_login(&base).await;
    assert!(again.callback.starts_with(CALLBACK), "{}", again.callback);
    server.shutdown().await;
}

#[tokio::test]
async fn later_actions_run_after_the_continue_and_see_what_it_wrote() {
    let (server, _dir) = start_actions(&[profile_action(), Action::new("later", LATER)]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let records = records(&base).await;
    assert!(
        records.iter().all(|r| r["hook"] != "later"),
        "the later Action ran before the user came back: {records:?}"
    );
    let callback = answer_teal(&base, &login).await;
    let id = callback_id_token(&base, &callback).await;
    assert_eq!(id["https://x/later_saw"], "teal");
    server.shutdown().await;
}

#[tokio::test]
async fn continue_also_takes_the_state_and_token_in_the_query() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let state = login.query()["state"].clone();
    let token = page_token(&state, SECRET, 300, json!({ "colour": "red" }));
    let res = client()
        .get(format!(
            "{base}/continue?state={}&session_token={}",
            enc(&state),
            enc(&token)
        ))
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let id = callback_id_token(&base, &location(&res, &base)).await;
    assert_eq!(id["https://x/continued_by"], "GET");
    server.shutdown().await;
}

#[tokio::test]
async fn a_replayed_state_is_refused() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let state = login.query()["state"].clone();
    let token = page_token(&state, SECRET, 300, json!({ "colour": "teal" }));
    let form = [("state", state.as_str()), ("session_token", token.as_str())];
    let first = post_continue(&base, &login.cookie, &form).await;
    assert_eq!(first.status(), StatusCode::FOUND);
    let again = post_continue(&base, &login.cookie, &form).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.text().await.unwrap().contains("invalid_request"));
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_state_is_refused_with_invalid_request() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let res = post_continue(&base, "", &[("state", "made-up")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let page = res.text().await.unwrap();
    assert!(page.contains("invalid_request"), "{page}");
    assert!(page.contains("Invalid or expired state"), "{page}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_continue_without_state_is_refused() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let res = post_continue(&server.base_url(), "", &[("session_token", "x")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Missing required parameter: state")
    );
    server.shutdown().await;
}

/// The callback's error parameters when the page answers with `token`.
async fn continue_with_token(base: &str, login: &BrowserLogin, token: &str) -> Value {
    let state = login.query()["state"].clone();
    let res = post_continue(
        base,
        &login.cookie,
        &[("state", &state), ("session_token", token)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let q = query_of(&location(&res, base));
    json!({ "error": q.get("error"), "description": q.get("error_description") })
}

#[tokio::test]
async fn a_token_signed_for_another_login_denies_it() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let token = page_token("another-state", SECRET, 300, json!({ "colour": "x" }));
    let e = continue_with_token(&base, &login, &token).await;
    assert_eq!(e["error"], "access_denied");
    assert!(
        e["description"].as_str().unwrap().contains("state claim"),
        "{e}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_token_under_the_wrong_secret_denies_the_login() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let state = login.query()["state"].clone();
    let token = page_token(&state, "not-the-secret", 300, json!({ "colour": "x" }));
    let e = continue_with_token(&base, &login, &token).await;
    assert_eq!(e["error"], "access_denied");
    assert!(
        e["description"].as_str().unwrap().contains("invalid"),
        "{e}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_denies_the_login() {
    let (server, _dir) = start_actions(&[profile_action()]).await;
    let base = server.base_url();
    let login = to_the_page(&base).await;
    let state = login.query()["state"].clone();
    let token = page_token(&state, SECRET, -10, json!({ "colour": "x" }));
    let e = continue_with_token(&base, &login, &token).await;
    assert_eq!(e["error"], "access_denied");
    assert!(
        e["description"].as_str().unwrap().contains("expired"),
        "{e}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_redirect_under_prompt_none_answers_interaction_required() {
    let (server, _dir) = start_actions(&[Action::new("always", ALWAYS)]).await;
    let base = server.base_url();
    let login = alice_browser_login(&base).await;
    assert!(
        login
            .callback
            .starts_with("https://elsewhere.test/page?state=")
    );
    let res = client()
        .get(authorize_url(&base, "&prompt=none"))
        .header(COOKIE, &login.cookie)
        .send()
        .await
        .unwrap();
    let q = query_of(&location(&res, &base));
    assert_eq!(q["error"], "interaction_required", "{q:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_redirect_in_a_password_login_denies_it_saying_why() {
    let (server, _dir) = start_actions(&[Action::new("always", ALWAYS)]).await;
    let (status, body) = alice_login(&server.base_url()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "access_denied");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("check api.redirect.canRedirect()"),
        "{body}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn validate_token_outside_on_continue_post_login_throws() {
    const EARLY: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.redirect.validateToken({ secret: 'x' });
};"#;
    let (server, _dir) = start_actions(&[Action::new("early", EARLY)]).await;
    let q = alice_browser_login(&server.base_url()).await.query();
    assert_eq!(q["error"], "access_denied");
    assert!(
        q["error_description"].contains("onContinuePostLogin"),
        "{q:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_action_without_on_continue_post_login_lets_the_login_go_on() {
    let (server, _dir) = start_actions(&[Action::new("always", ALWAYS)]).await;
    let base = server.base_url();
    let login = alice_browser_login(&base).await;
    let state = query_of(&login.callback)["state"].clone();
    let res = post_continue(&base, &login.cookie, &[("state", &state)]).await;
    let callback = location(&res, &base);
    assert!(query_of(&callback).contains_key("code"), "{callback}");
    server.shutdown().await;
}
