//! Signing a test user in without the login form. Most tests of an app are not about its login,
//! so suites sign in with one request and let the app's own SDK find the session: its
//! `loginWithRedirect` (or `/auth/login`) goes to `/authorize`, which answers from the session
//! at once. The session is handed over as a cookie (for a browser context to add) and as a
//! one-time link (for a browser to visit).

use crate::mock::{Mock, NextLoginError};
use crate::store::{SESSION_SECS, SessionLink};
use serde::Serialize;

/// How long a sign-in link can be visited: long enough for the test's next step.
pub const LINK_LIFETIME: i64 = 300;

/// The session cookie, in the shape browser automation takes it (Playwright's
/// `context.addCookies`, Puppeteer's `page.setCookie`): for the mock's origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionCookie {
    /// `auth0`, as Auth0's own session cookie.
    pub name: String,
    /// The session id.
    pub value: String,
    /// The mock's origin (the issuer), which scopes the cookie to the whole site (path `/`);
    /// Playwright takes either this or a domain and path, not both.
    pub url: String,
    /// Always true: pages never read it.
    pub http_only: bool,
    /// Over https, as the mock sets it.
    pub secure: bool,
    /// `Lax` over http, `None` over https (as the mock sets it, so silent auth still works).
    pub same_site: &'static str,
    /// When it ends, Unix seconds.
    pub expires: i64,
}

/// A user signed in directly: the session as a cookie and as a one-time link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectLogin {
    /// The user.
    pub user_id: String,
    /// The session cookie to add to a browser.
    pub cookie: SessionCookie,
    /// A link that puts the visiting browser into the session (once, within
    /// [`LINK_LIFETIME`]), then goes on to `return_to` if one was given.
    pub url: String,
}

/// Starts a session for `login` (id, email or username). `return_to` must be an absolute
/// http(s) URL: it is where the link sends the browser after setting the cookie.
pub(crate) fn sign_in(
    mock: &Mock,
    login: &str,
    return_to: Option<String>,
) -> Result<DirectLogin, DirectLoginError> {
    if let Some(url) = &return_to {
        let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !ok {
            return Err(DirectLoginError::ReturnTo(url.clone()));
        }
    }
    let user = mock.user_who_may_log_in(login)?;
    let now = mock.clock().now();
    let sid = mock.store().start_session(&user.user_id, now, SESSION_SECS);
    let link = mock.store().issue_session_link(
        SessionLink {
            sid: sid.clone(),
            return_to,
        },
        now,
        LINK_LIFETIME,
    );
    tracing::info!(user = %user.user_id, "signed in directly (no login form)");
    Ok(DirectLogin {
        user_id: user.user_id,
        cookie: SessionCookie {
            name: "auth0".into(),
            value: sid,
            url: mock.issuer().trim_end_matches('/').to_string(),
            http_only: true,
            secure: mock.https(),
            same_site: if mock.https() { "None" } else { "Lax" },
            expires: now + SESSION_SECS,
        },
        url: format!("{}__mock/login/{link}", mock.issuer()),
    })
}

/// Why a user could not be signed in directly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectLoginError {
    /// Unknown or blocked user.
    #[error(transparent)]
    User(#[from] NextLoginError),
    /// `return_to` is not an absolute http(s) URL.
    #[error("return_to must be an absolute http(s) URL, not '{0}'")]
    ReturnTo(String),
}
