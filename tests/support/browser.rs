//! The browser's side of the code flow by raw requests: `/authorize` → the login page → the
//! credentials → `/authorize/resume` → the callback, then the code exchange with PKCE.

use super::{API, CALLBACK, SPA, client, enc, location, query_of};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::Value;
use std::collections::HashMap;

/// The PKCE verifier of RFC 7636 appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// The S256 challenge of [`VERIFIER`].
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
/// spa-js's state is btoa() of random text: it contains '=' and must come back byte for byte.
pub const STATE: &str = "YWJjLmRlZn5naGk9PQ==";
/// The nonce every [`authorize_url`] sends.
pub const NONCE: &str = "n-0S6_WzA2Mj";

/// `/authorize` for the SPA: code, query mode, PKCE S256, the API, `offline_access`, plus
/// `extra` (`&prompt=none`, …).
pub fn authorize_url(base: &str, extra: &str) -> String {
    format!(
        "{base}/authorize?client_id={SPA}&redirect_uri={}&response_type=code&response_mode=query&scope=openid+profile+email+offline_access\
         &audience={}&state={}&nonce={NONCE}&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        enc(CALLBACK),
        enc(API),
        enc(STATE)
    )
}

/// Where the login page sent the browser back.
#[derive(Debug, Clone)]
pub struct BrowserLogin {
    /// The session cookie (`name=value`) the login page set.
    pub cookie: String,
    /// The callback URL `/authorize/resume` redirected to.
    pub callback: String,
}

impl BrowserLogin {
    /// The callback's query parameters.
    pub fn query(&self) -> HashMap<String, String> {
        query_of(&self.callback)
    }

    /// The authorization code, when the login was not denied.
    pub fn code(&self) -> Option<String> {
        self.query().get("code").cloned()
    }
}

/// The login page `/authorize` sends a browser without a session to, as an absolute URL.
pub async fn login_page_url(base: &str, http: &reqwest::Client, authorize: &str) -> String {
    let res = http.get(authorize).send().await.expect("the mock answers");
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "/authorize should send the browser to the login page"
    );
    location(&res, base)
}

/// Submits the login page's form.
pub async fn submit_login(
    http: &reqwest::Client,
    login_page: &str,
    user: &str,
    password: &str,
) -> reqwest::Response {
    http.post(login_page)
        .form(&[
            ("username", user),
            ("password", password),
            ("action", "default"),
        ])
        .send()
        .await
        .expect("the mock answers")
}

/// Logs `user` in through the login page, starting at `authorize`, up to the callback redirect.
pub async fn browser_login_at(
    base: &str,
    http: &reqwest::Client,
    authorize: &str,
    user: &str,
    password: &str,
) -> BrowserLogin {
    let login_page = login_page_url(base, http, authorize).await;
    let ok = submit_login(http, &login_page, user, password).await;
    assert_eq!(
        ok.status(),
        StatusCode::FOUND,
        "the login form should redirect to /authorize/resume"
    );
    let cookie = ok.headers()[SET_COOKIE]
        .to_str()
        .expect("an ASCII cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_string();
    let resume = location(&ok, base);
    let back = http
        .get(&resume)
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(
        back.status(),
        StatusCode::FOUND,
        "/authorize/resume should redirect to the callback"
    );
    BrowserLogin {
        cookie,
        callback: location(&back, base),
    }
}

/// Logs `user` in with [`authorize_url`] and no extras.
pub async fn browser_login(base: &str, user: &str, password: &str) -> BrowserLogin {
    browser_login_at(base, &client(), &authorize_url(base, ""), user, password).await
}

/// Logs alice in with [`authorize_url`] and no extras.
pub async fn alice_browser_login(base: &str) -> BrowserLogin {
    browser_login(base, "alice@example.com", "alice-password").await
}

/// Exchanges a code of [`authorize_url`] (SPA, PKCE verifier, callback).
pub async fn exchange(base: &str, http: &reqwest::Client, code: &str) -> reqwest::Response {
    http.post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .expect("the mock answers")
}

/// A browser login followed by the code exchange: the token response, or the callback's
/// parameters when no code came back (a denied login).
pub async fn browser_tokens(
    base: &str,
    user: &str,
    password: &str,
) -> Result<Value, HashMap<String, String>> {
    let login = browser_login(base, user, password).await;
    let Some(code) = login.code() else {
        return Err(login.query());
    };
    let res = exchange(base, &client(), &code).await;
    assert_eq!(res.status(), StatusCode::OK, "code exchange");
    Ok(res.json().await.expect("a JSON token response"))
}

/// Exchanges the code of a callback URL of [`authorize_url`] and decodes the ID token; panics
/// when the callback has no code or the exchange fails.
pub async fn callback_id_token(base: &str, callback: &str) -> Value {
    let code = query_of(callback)
        .get("code")
        .cloned()
        .unwrap_or_else(|| panic!("no code in {callback}"));
    let res = exchange(base, &client(), &code).await;
    assert_eq!(res.status(), StatusCode::OK, "code exchange");
    super::id_claims(&res.json().await.expect("a JSON token response"))
}
