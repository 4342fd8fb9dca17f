//! Remember this device: `allowRememberBrowser` and the `auth0-mf` cookie.

use super::*;

const ENABLE_REMEMBERING: &str = r#"exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('any', { allowRememberBrowser: true });
};"#;

/// The `auth0-mf` cookie a response sets, as `name=value`.
fn remembered_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("auth0-mf="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

/// Alice's login through the challenge with the box ticked: the `auth0-mf` cookie set.
async fn remembered_login(base: &str) -> String {
    let login = to_the_screen(base, "alice@example.com", "alice-password", "").await;
    let code = code_now(ALICE_SECRET);
    let form = [
        ("code", code.as_str()),
        ("rememberBrowser", "true"),
        ("action", "default"),
    ];
    let res = post_screen(&login.callback, &login.cookie, &form).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    remembered_cookie(&res).expect("an auth0-mf cookie")
}

/// A new login of alice (a new session) from a browser holding `mf`: where `/authorize/resume`
/// sends it.
async fn login_with(base: &str, mf: &str, extra: &str) -> String {
    login_as_with(base, mf, extra, "alice@example.com", "alice-password").await
}

/// [`login_with`] for another user.
async fn login_as_with(base: &str, mf: &str, extra: &str, user: &str, password: &str) -> String {
    let http = client();
    let page = login_page_url(base, &http, &authorize_url(base, extra)).await;
    let ok = submit_login(&http, &page, user, password).await;
    let session = ok.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let back = http
        .get(location(&ok, base))
        .header(COOKIE, format!("{session}; {mf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::FOUND);
    location(&back, base)
}

async fn start_remembering() -> (MockServer, tempfile::TempDir) {
    let dir = fixture(&[Action::new("mfa", ENABLE_REMEMBERING)], &[]);
    (start_with_fixtures(dir.path()).await, dir)
}

#[tokio::test]
async fn an_action_allowing_remember_browser_offers_the_box_on_the_challenge() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let html = screen_html(&login).await;
    assert!(
        html.contains("name=\"rememberBrowser\" value=\"true\""),
        "{html}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_challenge_the_action_does_not_allow_remembering_offers_no_box() {
    let (server, _dir) = start_mfa().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let html = screen_html(&login).await;
    assert!(!html.contains("rememberBrowser"), "{html}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_browser_remembered_at_the_challenge_skips_it_at_the_next_login() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let callback = login_with(&base, &mf, "").await;
    assert!(callback.starts_with(CALLBACK), "{callback}");
    assert!(query_of(&callback).contains_key("code"), "{callback}");
    server.shutdown().await;
}

#[tokio::test]
async fn acr_values_challenge_a_remembered_browser_anyway() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let acr = format!("&acr_values={}", enc(auth0_mock::mfa::MFA_ACR));
    let callback = login_with(&base, &mf, &acr).await;
    assert!(
        callback.contains("/u/mfa-otp-challenge?state="),
        "{callback}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unticked_box_remembers_nothing() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let login = to_the_screen(&base, "alice@example.com", "alice-password", "").await;
    let code = code_now(ALICE_SECRET);
    let form = [("code", code.as_str()), ("action", "default")];
    let res = post_screen(&login.callback, &login.cookie, &form).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(remembered_cookie(&res), None);
    server.shutdown().await;
}

#[tokio::test]
async fn a_remembered_browser_is_challenged_again_after_thirty_days_even_when_used_weekly() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let advance = |secs: i64| {
        let base = base.clone();
        async move {
            client()
                .post(format!("{base}/__mock/clock"))
                .json(&serde_json::json!({ "advance": secs }))
                .send()
                .await
                .unwrap();
        }
    };
    // Back every 6 days (never idle for 7): remembered through day 24...
    for _ in 0..4 {
        advance(6 * 24 * 3600).await;
        assert!(login_with(&base, &mf, "").await.starts_with(CALLBACK));
    }
    // ...and challenged once the 30 days are over.
    advance(6 * 24 * 3600 + 1).await;
    let callback = login_with(&base, &mf, "").await;
    assert!(
        callback.contains("/u/mfa-otp-challenge?state="),
        "{callback}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn invalidate_remember_browser_makes_the_next_login_challenge_again() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let res = client()
        .post(format!(
            "{base}/api/v2/users/auth0%7Calice/multifactor/actions/invalidate-remember-browser"
        ))
        .bearer_auth(management_token(&base).await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let callback = login_with(&base, &mf, "").await;
    assert!(
        callback.contains("/u/mfa-otp-challenge?state="),
        "{callback}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_browser_remembered_for_one_user_is_challenged_for_another() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    let callback = login_as_with(&base, &mf, "", "bob@example.com", "bob-password").await;
    // Bob has no factor: the enrolment screen, not the callback.
    assert!(callback.contains("/u/mfa-"), "{callback}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_remembered_browser_away_for_more_than_seven_days_is_challenged_again() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    client()
        .post(format!("{base}/__mock/clock"))
        .json(&serde_json::json!({"advance": 7 * 24 * 3600 + 1}))
        .send()
        .await
        .unwrap();
    let callback = login_with(&base, &mf, "").await;
    assert!(
        callback.contains("/u/mfa-otp-challenge?state="),
        "{callback}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_remembered_browser_back_within_each_week_stays_remembered_past_the_first() {
    let (server, _dir) = start_remembering().await;
    let base = server.base_url();
    let mf = remembered_login(&base).await;
    for _ in 0..2 {
        client()
            .post(format!("{base}/__mock/clock"))
            .json(&serde_json::json!({"advance": 6 * 24 * 3600}))
            .send()
            .await
            .unwrap();
        let callback = login_with(&base, &mf, "").await;
        assert!(callback.starts_with(CALLBACK), "{callback}");
    }
    server.shutdown().await;
}
