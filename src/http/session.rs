//! The browser session cookie. The session itself lives server-side (random id, nothing to
//! forge); the cookie only names it. Over http it is `SameSite=Lax`, which reaches the silent-auth
//! iframe when app and mock share a site (localhost on two ports); over https it is
//! `SameSite=None; Secure`, as Auth0's own `auth0` cookie.

use super::reply::{found, urlencode};
use crate::mock::Mock;
use crate::store::Session;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Cookie name (Auth0's session cookie is also called `auth0`).
pub(crate) const COOKIE: &str = "auth0";

pub(crate) use crate::store::SESSION_SECS;

/// The cookie that remembers a browser's second factor (Auth0's name for it).
pub(crate) const MFA_COOKIE: &str = "auth0-mf";

/// How long a browser stays remembered after passing a second factor: 30 days, as Auth0.
pub(crate) const MFA_REMEMBER_SECS: i64 = 30 * 24 * 3600;

/// The session id in the request's cookie, if any.
pub(crate) fn session_id(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE)
}

/// The value of the request's cookie `wanted` (ids the mock set: short, never empty).
fn cookie_value(headers: &HeaderMap, wanted: &str) -> Option<String> {
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for part in text.split(';') {
            if let Some((name, v)) = part.trim().split_once('=')
                && name == wanted
                && !v.is_empty()
                && v.len() <= 128
            {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// Whether the request's `auth0-mf` cookie remembers a second factor `user_id` passed.
pub(crate) fn mfa_remembered(mock: &Mock, headers: &HeaderMap, user_id: &str) -> bool {
    cookie_value(headers, MFA_COOKIE).is_some_and(|id| {
        mock.store()
            .mfa_browser_remembered(&id, user_id, mock.clock().now())
    })
}

/// Remembers this browser's second factor for `user_id`: the `Set-Cookie` value.
pub(crate) fn remember_mfa(mock: &Mock, user_id: &str) -> HeaderValue {
    let id = mock
        .store()
        .remember_mfa_browser(user_id, mock.clock().now(), MFA_REMEMBER_SECS);
    named_cookie(mock, MFA_COOKIE, &id, MFA_REMEMBER_SECS)
}

/// The live session for a request, with its id.
pub(crate) fn current(mock: &Mock, headers: &HeaderMap) -> Option<(String, Session)> {
    let sid = session_id(headers)?;
    let session = mock.store().session(&sid, mock.clock().now())?;
    Some((sid, session))
}

/// Starts a session for a user and returns the `Set-Cookie` value naming it.
pub(crate) fn start(mock: &Mock, user_id: &str) -> HeaderValue {
    begin(mock, user_id).1
}

/// Starts a session for a user: its id, and the `Set-Cookie` value naming it.
pub(crate) fn begin(mock: &Mock, user_id: &str) -> (String, HeaderValue) {
    let sid = mock
        .store()
        .start_session(user_id, mock.clock().now(), SESSION_SECS);
    let cookie = cookie(mock, &sid, SESSION_SECS);
    (sid, cookie)
}

/// Signs `user_id` in (a new session) and sends the browser on to finish the parked login
/// `txid`: how every login screen (password, sign-up, passwordless) ends.
pub(crate) fn sign_in_and_resume(mock: &Mock, user_id: &str, txid: &str) -> Response {
    let cookie = start(mock, user_id);
    let location = format!("/authorize/resume?state={}", urlencode(txid));
    ([(header::SET_COOKIE, cookie)], found(&location)).into_response()
}

/// Ends the request's session and returns the clearing `Set-Cookie` value.
pub(crate) fn end(mock: &Mock, headers: &HeaderMap) -> HeaderValue {
    if let Some(sid) = session_id(headers) {
        mock.store().end_session(&sid);
    }
    cookie(mock, "", 0)
}

/// The `Set-Cookie` value naming an existing session (a one-time sign-in link's visit).
pub(crate) fn join(mock: &Mock, sid: &str) -> HeaderValue {
    cookie(mock, sid, SESSION_SECS)
}

fn cookie(mock: &Mock, value: &str, max_age: i64) -> HeaderValue {
    named_cookie(mock, COOKIE, value, max_age)
}

fn named_cookie(mock: &Mock, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let attrs = if mock.https() {
        "SameSite=None; Secure"
    } else {
        "SameSite=Lax"
    };
    let text = format!("{name}={value}; Path=/; HttpOnly; Max-Age={max_age}; {attrs}");
    // Values are ids the mock made (base64url), so this never fails; if it did, the cookie
    // is cleared rather than left half-set.
    HeaderValue::from_str(&text).unwrap_or_else(|_| match name {
        MFA_COOKIE => HeaderValue::from_static("auth0-mf=; Path=/; Max-Age=0"),
        _ => HeaderValue::from_static("auth0=; Path=/; Max-Age=0"),
    })
}
