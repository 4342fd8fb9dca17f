//! Universal Login's challenge screens for a user whose second factor is a phone or an email
//! address: `/u/mfa-sms-challenge` and `/u/mfa-email-challenge`. The code was sent (to the
//! outbox) when the login stopped for MFA; the form posts it as `code` with `action=default`,
//! and a recovery code works instead, as on the TOTP screen. `action=resend-code` (the
//! screen's Resend, as Universal Login posts it) sends a new code, which voids the last.

use super::extract::{AppState, Body, Page, Query};
use super::mfa_page::{checked, code_form, pass, screen, waiting};
use super::reply::{AuthorizeRefusal, urlencode};
use crate::error::ErrorPage;
use crate::protocol::OobChannel;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

/// The screen's text once the code's five minutes are over.
const EXPIRED_CODE: &str = "The code has expired. Resend it to get a new one.";

/// The screen's text after a Resend.
const RESENT: &str = "We've sent you a new code.";

/// The screen's text once the user's sends are used up.
const TOO_MANY_SENDS: &str =
    "You have exceeded the amount of codes sent. Wait for some minutes before retrying.";

fn path(channel: OobChannel) -> &'static str {
    match channel {
        OobChannel::Sms => "/u/mfa-sms-challenge",
        OobChannel::Email => "/u/mfa-email-challenge",
    }
}

/// What the screen says above the form: a refusal (shown as the code's error) or a notice.
enum Note<'a> {
    Error(&'a str),
    Notice(&'a str),
}

fn challenge_page(state: &str, channel: OobChannel, to: &str, note: Option<Note>) -> String {
    let s = urlencode(state);
    let sent = match channel {
        OobChannel::Sms => "We've sent a text message to:",
        OobChannel::Email => "We've sent an email with your code to:",
    };
    let action = format!("{}?state={s}", path(channel));
    // A form of its own: the code field is required, and a Resend must not need one.
    let other = format!(
        "<form method=\"post\" action=\"{}\" id=\"resend-form\"><p class=\"switch\">Didn't receive a code? <button type=\"submit\" id=\"resend\" class=\"link\" name=\"action\" value=\"resend-code\">Resend</button></p></form>\
         <p class=\"switch\"><a id=\"use-recovery-code\" href=\"/u/mfa-recovery-code-challenge?state={}\">Use a recovery code</a></p>",
        attr(&action),
        attr(&s)
    );
    let (error, notice) = match note {
        Some(Note::Error(e)) => (Some(e), String::new()),
        Some(Note::Notice(n)) => (
            None,
            format!("<p class=\"notice\" id=\"notice\">{}</p>", text(n)),
        ),
        None => (None, String::new()),
    };
    format!(
        "<div class=\"logo\">A0</div><h1>Verify Your Identity</h1><p class=\"sub\">{sent} <strong id=\"sent-to\">{}</strong></p>{notice}{}",
        text(to),
        code_form(&action, "Enter the 6-digit code", error, &other)
    )
}

/// The login waiting at this screen, with the challenge it was sent; a login waiting for
/// another factor is not served here.
fn challenged(
    mock: &crate::mock::Mock,
    params: &super::params::Params,
    channel: OobChannel,
) -> Result<(String, crate::mfa::OobChallenge, String, String), ErrorPage> {
    let (state, _, wait) = waiting(mock, params)?;
    let challenge = wait
        .oob
        .filter(|c| c.channel == channel)
        .ok_or_else(super::authorize::unknown_transaction)?;
    let to = mock
        .store()
        .user(&wait.grant.user.user_id)
        .and_then(|u| u.mfa)
        .and_then(|f| f.oob_address(channel).map(str::to_string))
        .unwrap_or_default();
    Ok((state, challenge, to, wait.grant.user.user_id))
}

fn show(
    mock: &crate::mock::Mock,
    params: &super::params::Params,
    channel: OobChannel,
) -> Result<Response, ErrorPage> {
    let (state, _, to, _) = challenged(mock, params, channel)?;
    Ok(screen(
        StatusCode::OK,
        "Verify",
        challenge_page(&state, channel, &to, None),
    ))
}

fn submit(
    mock: &crate::mock::Mock,
    params: &super::params::Params,
    form: &super::params::Params,
    channel: OobChannel,
) -> Result<Response, AuthorizeRefusal> {
    let (state, challenge, to, user_id) = challenged(mock, params, channel)?;
    if form.get("action") == Some("resend-code") {
        return resend(mock, &state, channel, &to, &user_id).map_err(Into::into);
    }
    let code = form.get("code").unwrap_or("");
    let refused = if !challenge.live(mock.clock().now()) {
        (StatusCode::BAD_REQUEST, EXPIRED_CODE)
    } else {
        match checked(mock, &user_id, || challenge.matches(code)) {
            Ok(()) => return pass(mock, &state),
            Err(refused) => refused,
        }
    };
    tracing::info!(channel = %channel, reason = refused.1, "MFA challenge: code refused");
    Ok(screen(
        refused.0,
        "Verify",
        challenge_page(&state, channel, &to, Some(Note::Error(refused.1))),
    ))
}

/// Sends a new code in place of the last, unless the user's sends are used up.
fn resend(
    mock: &crate::mock::Mock,
    state: &str,
    channel: OobChannel,
    to: &str,
    user_id: &str,
) -> Result<Response, ErrorPage> {
    let now = mock.clock().now();
    if !mock.store().take_mfa_resend(user_id, now) {
        tracing::info!(user = %user_id, "MFA challenge: resend refused, sends used up");
        let page = challenge_page(state, channel, to, Some(Note::Error(TOO_MANY_SENDS)));
        return Ok(screen(StatusCode::TOO_MANY_REQUESTS, "Verify", page));
    }
    let challenge = crate::lifecycle::send_mfa_code(mock, user_id, channel, to);
    // The login may have gone on meanwhile (another tab): the new code then serves nothing.
    if !mock.store().set_mfa_wait_oob(state, challenge, now) {
        return Err(super::authorize::unknown_transaction());
    }
    Ok(screen(
        StatusCode::OK,
        "Verify",
        challenge_page(state, channel, to, Some(Note::Notice(RESENT))),
    ))
}

/// `GET /u/mfa-sms-challenge?state=…`.
pub(crate) async fn show_sms(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    show(&mock, &params, OobChannel::Sms)
}

/// `POST /u/mfa-sms-challenge?state=…`: the code of the text message.
pub(crate) async fn submit_sms(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    submit(&mock, &params, &form, OobChannel::Sms)
}

/// `GET /u/mfa-email-challenge?state=…`.
pub(crate) async fn show_email(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    show(&mock, &params, OobChannel::Email)
}

/// `POST /u/mfa-email-challenge?state=…`: the code of the email.
pub(crate) async fn submit_email(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    submit(&mock, &params, &form, OobChannel::Email)
}
