//! Universal Login's MFA screens for a browser login that needs a second factor:
//! `/u/mfa-otp-challenge` (the user's authenticator code), `/u/mfa-recovery-code-challenge`
//! (their recovery code instead; the replacement is shown, then
//! `/u/mfa-recovery-code-challenge-new-code` goes on), and for a user with no factor `/u/mfa-otp-enrollment` (a new
//! TOTP secret, confirmed with its first code) then `/u/mfa-recovery-code-enrollment` (the new
//! recovery code, shown once). Each form posts `code` with `action=default`, as Universal Login.
//! Passing sets `amr: ["mfa"]` in the ID token and marks the session, so silent logins in it
//! are not challenged again.

use super::authorize::deliver;
use super::extract::{AppState, Body, Page, Query};
use super::pages::page;
use super::params::Params;
use super::reply::{AuthorizeRefusal, unframeable, urlencode};
use crate::error::ErrorPage;
use crate::mfa;
use crate::mock::Mock;
use crate::store::{MfaWait, SuspendedLogin, Waiting};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

/// Universal Login's text for a wrong code.
pub(super) const WRONG_CODE: &str = "The code you entered is invalid";

/// The login waiting at an MFA screen under `?state=`.
pub(super) fn waiting(
    mock: &Mock,
    params: &Params,
) -> Result<(String, SuspendedLogin, MfaWait), ErrorPage> {
    let state = super::authorize::transaction_id(params)?;
    let suspended = mock
        .store()
        .suspended_login(&state, mock.clock().now())
        .ok_or_else(super::authorize::unknown_transaction)?;
    let Waiting::Mfa(wait) = &suspended.waiting else {
        return Err(super::authorize::unknown_transaction());
    };
    let wait = (**wait).clone();
    Ok((state, suspended, wait))
}

/// The user's stored factors.
fn factors(mock: &Mock, wait: &MfaWait) -> crate::tenant::MfaFactors {
    mock.store()
        .user(&wait.grant.user.user_id)
        .and_then(|u| u.mfa)
        .unwrap_or_default()
}

/// Finishes the login: the session passed MFA, the grant says so, the application is answered;
/// with `remember` (the box was ticked where the Action allowed it), the browser is remembered.
pub(super) fn pass(mock: &Mock, state: &str, remember: bool) -> Result<Response, AuthorizeRefusal> {
    let now = mock.clock().now();
    let Some(SuspendedLogin {
        request,
        waiting: Waiting::Mfa(wait),
    }) = mock.store().take_suspended_login(state, now)
    else {
        return Err(super::authorize::unknown_transaction().into());
    };
    let remember = remember && offers_remember(&wait);
    let mut grant = wait.grant;
    grant.mfa = true;
    tracing::info!(user = %grant.user.user_id, remember, "second factor passed");
    let (sid, user_id) = (grant.sid.clone(), grant.user.user_id.clone());
    let mut answer = deliver(mock, &request, grant)?;
    // Only a login that was answered marks its session: silent logins then skip the challenge.
    if let Some(sid) = &sid {
        mock.store().mark_session_mfa(sid, now);
    }
    if remember {
        let cookie = super::session::remember_mfa(mock, &user_id);
        answer
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(answer)
}

/// Universal Login's text once a user's failed checks have used up the bucket.
const TOO_MANY_CODES: &str = "Too many failed codes. Wait for some minutes before retrying.";

/// A code typed on an MFA screen, held against the user's bucket of failed checks (Auth0's 10,
/// one back every 6 minutes): `Ok` when `right` says it passes, else the status and text the
/// screen shows again.
pub(super) fn checked(
    mock: &Mock,
    user_id: &str,
    right: impl FnOnce() -> bool,
) -> Result<(), (StatusCode, &'static str)> {
    let now = mock.clock().now();
    if !mock.store().take_mfa_attempt(user_id, now) {
        return Err((StatusCode::TOO_MANY_REQUESTS, TOO_MANY_CODES));
    }
    if right() {
        mock.store().give_back_mfa_attempt(user_id, now);
        return Ok(());
    }
    tracing::info!(user = %user_id, "MFA challenge: wrong code");
    Err((StatusCode::BAD_REQUEST, WRONG_CODE))
}

pub(super) fn code_form(
    action: &str,
    label: &str,
    error: Option<&str>,
    fields: &str,
    extra: &str,
) -> String {
    let error = error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"error-element-code\">{}</p>",
                text(e)
            )
        })
        .unwrap_or_default();
    format!(
        "<form method=\"post\" action=\"{action}\" id=\"code-form\"><label for=\"code\">{label}</label>{error}\
         <input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required autofocus>{fields}\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Continue</button></form>{extra}",
        action = attr(action),
        label = text(label),
    )
}

/// The challenge screens' "Remember this device" box, where the Action allowed it
/// (`allowRememberBrowser`); checked, the form posts `rememberBrowser=true` as Universal
/// Login's does.
pub(super) fn remember_field(wait: &MfaWait) -> &'static str {
    if offers_remember(wait) {
        "<label class=\"remember\"><input type=\"checkbox\" id=\"rememberBrowser\" name=\"rememberBrowser\" value=\"true\"> Remember this device for 30 days</label>"
    } else {
        ""
    }
}

fn offers_remember(wait: &MfaWait) -> bool {
    wait.grant
        .after_mfa
        .as_ref()
        .is_some_and(|a| a.remember_browser)
}

/// Whether a challenge form asked to remember the browser.
pub(super) fn asks_to_remember(form: &Params) -> bool {
    form.get("rememberBrowser") == Some("true")
}

pub(super) fn screen(status: StatusCode, title: &str, body: String) -> Response {
    unframeable(status, page(&format!("{title} | auth0-mock"), &body))
}

fn challenge_page(state: &str, wait: &MfaWait, error: Option<&str>) -> String {
    let s = urlencode(state);
    let other = format!(
        "<p class=\"switch\"><a id=\"use-recovery-code\" href=\"/u/mfa-recovery-code-challenge?state={}\">Use a recovery code</a></p>",
        attr(&s)
    );
    format!(
        "<div class=\"logo\">A0</div><h1>Verify Your Identity</h1><p class=\"sub\">Check your preferred one-time password application for a code.</p>{}",
        code_form(
            &format!("/u/mfa-otp-challenge?state={s}"),
            "Enter your one-time code",
            error,
            remember_field(wait),
            &other
        )
    )
}

/// `GET /u/mfa-otp-challenge?state=…`.
pub(crate) async fn show_challenge(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let (state, _, wait) = waiting(&mock, &params)?;
    Ok(screen(
        StatusCode::OK,
        "Verify",
        challenge_page(&state, &wait, None),
    ))
}

/// `POST /u/mfa-otp-challenge?state=…`: the authenticator's code.
pub(crate) async fn submit_challenge(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    let (state, _, wait) = waiting(&mock, &params)?;
    let code = form.get("code").unwrap_or("");
    let secret = factors(&mock, &wait).totp_secret;
    let now = mock.clock().now();
    let user_id = &wait.grant.user.user_id;
    match checked(&mock, user_id, || {
        secret.is_some_and(|s| mock.store().use_totp(user_id, &s, code, now))
    }) {
        Ok(()) => pass(&mock, &state, asks_to_remember(&form)),
        Err((status, text)) => Ok(screen(
            status,
            "Verify",
            challenge_page(&state, &wait, Some(text)),
        )),
    }
}

fn recovery_page(state: &str, error: Option<&str>) -> String {
    format!(
        "<div class=\"logo\">A0</div><h1>Verify Your Identity</h1><p class=\"sub\">Enter the recovery code you were provided during your initial enrollment.</p>{}",
        code_form(
            &format!("/u/mfa-recovery-code-challenge?state={}", urlencode(state)),
            "Enter your recovery code",
            error,
            "",
            ""
        )
    )
}

/// `GET /u/mfa-recovery-code-challenge?state=…`.
pub(crate) async fn show_recovery(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let (state, _, _) = waiting(&mock, &params)?;
    Ok(screen(
        StatusCode::OK,
        "Verify",
        recovery_page(&state, None),
    ))
}

/// `POST /u/mfa-recovery-code-challenge?state=…`: a recovery code. A right one is replaced at
/// once and the new one shown, as Universal Login's `mfa-recovery-code-challenge-new-code`
/// screen does; its Continue finishes the login.
pub(crate) async fn submit_recovery(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    let (state, _, wait) = waiting(&mock, &params)?;
    let code = form.get("code").unwrap_or("").trim().to_ascii_uppercase();
    let user_id = wait.grant.user.user_id.clone();
    if let Err((status, text)) = checked(&mock, &user_id, || {
        recovery_code_matches(&mock, &user_id, &code)
    }) {
        return Ok(screen(status, "Verify", recovery_page(&state, Some(text))));
    }
    // Taken, then put back marked: the state serves one login, and the code is checked and
    // replaced in one step, so no two logins both use it.
    let now = mock.clock().now();
    let Some(SuspendedLogin {
        request,
        waiting: Waiting::Mfa(mut wait),
    }) = mock.store().take_suspended_login(&state, now)
    else {
        return Err(super::authorize::unknown_transaction().into());
    };
    let fresh = spend_recovery_code(&mock, &user_id, &code);
    wait.recovered = fresh.is_some();
    let back = SuspendedLogin {
        request,
        waiting: Waiting::Mfa(wait),
    };
    mock.store()
        .suspend_login(state.clone(), back, now, mfa::MFA_TOKEN_SECS);
    let Some(fresh) = fresh else {
        return Ok(screen(
            StatusCode::BAD_REQUEST,
            "Verify",
            recovery_page(&state, Some(WRONG_CODE)),
        ));
    };
    Ok(screen(
        StatusCode::OK,
        "Almost There!",
        new_code_page(&fresh, "/u/mfa-recovery-code-challenge-new-code", &state),
    ))
}

/// The screen with a recovery code to keep, whose Continue posts to `next`.
fn new_code_page(code: &str, next: &str, state: &str) -> String {
    format!(
        "<div class=\"logo\">A0</div><h1>Almost There!</h1><p class=\"sub\">Copy this recovery code and keep it somewhere safe. \
         You'll need it if you ever need to log in without your device.</p><p><code id=\"recovery-code\">{}</code></p>\
         <form method=\"post\" action=\"{next}?state={}\"><button type=\"submit\" class=\"primary\" \
         name=\"action\" value=\"default\">Continue</button></form>",
        text(code),
        attr(&urlencode(state))
    )
}

/// `POST /u/mfa-recovery-code-challenge-new-code?state=…`: the user saw the new recovery code;
/// the login goes on. Only a login whose recovery code passed gets here.
pub(crate) async fn confirm_new_code(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, AuthorizeRefusal> {
    let (state, _, wait) = waiting(&mock, &params)?;
    if !wait.recovered {
        return Err(ErrorPage::new("invalid_request", "Enter your recovery code first").into());
    }
    pass(&mock, &state, false)
}

/// Whether `code` is the user's recovery code.
pub(crate) fn recovery_code_matches(mock: &Mock, user_id: &str, code: &str) -> bool {
    // A recovery code stands in for a factor the user has: with none left, it passes nothing.
    let current = mock
        .store()
        .user(user_id)
        .and_then(|u| u.mfa)
        .filter(|f| f.enrolled())
        .and_then(|f| f.recovery_code);
    current.is_some_and(|c| !code.is_empty() && crate::util::constant_time_eq(&c, code))
}

/// Puts `old` back as the user's recovery code if `fresh` (its replacement) is still the one
/// stored: a login that spent the code and then failed must not cost the user their code.
pub(crate) fn restore_recovery_code(mock: &Mock, user_id: &str, fresh: &str, old: &str) {
    let _ = mock.store().change_mfa(user_id, |f| {
        if f.recovery_code.as_deref() == Some(fresh) {
            f.recovery_code = Some(old.to_string());
        }
    });
}

/// Spends `code` if it is the user's recovery code, replacing it with a new one in the same
/// step, as Auth0 replaces a used one (two logins cannot both use it); the new code.
pub(crate) fn spend_recovery_code(mock: &Mock, user_id: &str, code: &str) -> Option<String> {
    let fresh = mfa::new_recovery_code();
    let mut spent = false;
    mock.store()
        .change_mfa(user_id, |f| {
            let current = f.recovery_code.as_deref().filter(|_| f.enrolled());
            if !code.is_empty() && current.is_some_and(|c| crate::util::constant_time_eq(c, code)) {
                f.recovery_code = Some(fresh.clone());
                spent = true;
            }
        })
        .ok()?;
    spent.then_some(fresh)
}

fn enrollment_page(mock: &Mock, state: &str, wait: &MfaWait, error: Option<&str>) -> String {
    let secret = wait.new_secret.as_deref().unwrap_or_default();
    let uri = mfa::barcode_uri(mock.issuer(), wait.grant.user.login_name(), secret);
    let how = format!(
        "<p class=\"sub\">Scan the code below with your one-time password app, or enter this secret: \
         <code id=\"totp-secret\">{}</code></p><p class=\"sub\"><code id=\"totp-uri\">{}</code></p>",
        text(secret),
        text(&uri)
    );
    format!(
        "<div class=\"logo\">A0</div><h1>Secure Your Account</h1>{how}{}",
        code_form(
            &format!("/u/mfa-otp-enrollment?state={}", urlencode(state)),
            "Enter your one-time code",
            error,
            "",
            ""
        )
    )
}

/// `GET /u/mfa-otp-enrollment?state=…`: the new TOTP secret.
pub(crate) async fn show_enrollment(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let (state, _, wait) = waiting(&mock, &params)?;
    if wait.new_secret.is_none() {
        return Err(super::authorize::unknown_transaction());
    }
    Ok(screen(
        StatusCode::OK,
        "Secure Your Account",
        enrollment_page(&mock, &state, &wait, None),
    ))
}

/// `POST /u/mfa-otp-enrollment?state=…`: the new authenticator's first code enrols it; the
/// recovery code screen follows.
pub(crate) async fn submit_enrollment(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    let (state, _, wait) = waiting(&mock, &params)?;
    let Some(secret) = wait.new_secret.clone() else {
        return Err(super::authorize::unknown_transaction().into());
    };
    // Enrolled meanwhile (another login, /mfa/associate): challenge, never overwrite.
    if factors(&mock, &wait).enrolled() {
        return Ok(super::reply::found(&format!(
            "/u/mfa-otp-challenge?state={}",
            urlencode(&state)
        )));
    }
    let code = form.get("code").unwrap_or("");
    let (user_id, now) = (&wait.grant.user.user_id, mock.clock().now());
    if !mock.store().use_totp(user_id, &secret, code, now) {
        return Ok(screen(
            StatusCode::BAD_REQUEST,
            "Secure Your Account",
            enrollment_page(&mock, &state, &wait, Some(WRONG_CODE)),
        ));
    }
    let recovery = mfa::new_recovery_code();
    let kept = recovery.clone();
    mock.store()
        .change_mfa(&wait.grant.user.user_id, |f| {
            f.totp_secret = Some(secret);
            f.recovery_code = Some(kept);
        })
        .map_err(|_| super::authorize::unknown_transaction())?;
    let body = new_code_page(&recovery, "/u/mfa-recovery-code-enrollment", &state);
    Ok(screen(StatusCode::OK, "Almost There!", body))
}

/// `POST /u/mfa-recovery-code-enrollment?state=…`: the user saw the recovery code; the login
/// goes on. Only a login whose own new secret was confirmed gets here.
pub(crate) async fn confirm_enrollment(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, AuthorizeRefusal> {
    let (state, _, wait) = waiting(&mock, &params)?;
    if wait.new_secret.is_none() || factors(&mock, &wait).totp_secret != wait.new_secret {
        return Err(ErrorPage::new(
            "invalid_request",
            "Enter the code of the new authenticator first",
        )
        .into());
    }
    pass(&mock, &state, false)
}
