//! The token endpoint's grants as the default tenant's clients use them, and the control API's
//! token minting.

use super::{API, M2M, M2M_SECRET, WEB, WEB_SECRET, client};
use reqwest::StatusCode;
use serde_json::Value;

/// POSTs a form to `/oauth/token`; every answer of the token endpoint, errors included, must be
/// JSON, so this checks the content type before returning status and body.
pub async fn token(base: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/oauth/token"))
        .form(form)
        .send()
        .await
        .expect("the mock answers");
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "/oauth/token answered {status} with content-type {content_type:?}"
    );
    (status, res.json().await.expect("a JSON body"))
}

/// The web app's credentials followed by `rest`, as one form.
pub fn web_form<'a>(rest: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("client_id", WEB), ("client_secret", WEB_SECRET)];
    form.extend_from_slice(rest);
    form
}

/// Password grant with the web app for the API with `openid profile email`.
pub async fn password_login(base: &str, user: &str, password: &str) -> (StatusCode, Value) {
    token(
        base,
        &web_form(&[
            ("grant_type", "password"),
            ("username", user),
            ("password", password),
            ("audience", API),
            ("scope", "openid profile email"),
        ]),
    )
    .await
}

/// Password grant for alice, the default tenant's ordinary user.
pub async fn alice_login(base: &str) -> (StatusCode, Value) {
    password_login(base, "alice@example.com", "alice-password").await
}

/// Password grant for bob, a second ordinary user.
pub async fn bob_login(base: &str) -> (StatusCode, Value) {
    password_login(base, "bob@example.com", "bob-password").await
}

/// client_credentials with the default M2M client for the API: also the cheapest proof that the
/// mock still serves after something went wrong elsewhere.
pub async fn m2m_token(base: &str) -> (StatusCode, Value) {
    token(
        base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", API),
        ],
    )
    .await
}

/// Alice's password-grant response for the API with `scope`; panics unless it is a 200.
pub async fn alice_tokens_with_scope(base: &str, scope: &str) -> Value {
    let (status, body) = token(
        base,
        &web_form(&[
            ("grant_type", "password"),
            ("username", "alice@example.com"),
            ("password", "alice-password"),
            ("audience", API),
            ("scope", scope),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// A refresh token of alice's for the web app (password grant with `offline_access`).
pub async fn web_refresh_token(base: &str) -> String {
    alice_tokens_with_scope(base, "openid offline_access").await["refresh_token"]
        .as_str()
        .expect("offline_access gives a refresh token")
        .to_string()
}

/// The refresh_token grant with the web app.
pub async fn refresh_with(base: &str, refresh_token: &str) -> (StatusCode, Value) {
    token(
        base,
        &web_form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ]),
    )
    .await
}

/// An opaque access token with `openid` and no audience, as passport-auth0's default login gets.
pub async fn opaque_access_token(base: &str) -> String {
    let (status, body) = token(
        base,
        &web_form(&[
            ("grant_type", "password"),
            ("username", "alice@example.com"),
            ("password", "alice-password"),
            ("scope", "openid profile email"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_string()
}

/// `POST /__mock/token`: a scenario or ad-hoc token.
pub async fn mint(base: &str, body: Value) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/__mock/token"))
        .json(&body)
        .send()
        .await
        .expect("the mock answers");
    (res.status(), res.json().await.expect("a JSON body"))
}

/// The access token of a scenario minted through the control API.
pub async fn scenario_token(base: &str, scenario: &str) -> String {
    let (status, body) = mint(base, serde_json::json!({ "scenario": scenario })).await;
    assert_eq!(status, StatusCode::OK, "{scenario}: {body}");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_string()
}

/// A Management API token of the default M2M client, with every scope its grant holds.
pub async fn management_token(base: &str) -> String {
    let (status, body) = token(
        base,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
            ("audience", &format!("{base}/api/v2/")),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// An HTTP client (no redirects followed) whose requests carry a Management API token: what
/// a backend calling `/api/v2` is.
pub async fn management(base: &str) -> reqwest::Client {
    let token = management_token(base).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .default_headers(headers)
        .build()
        .unwrap()
}
