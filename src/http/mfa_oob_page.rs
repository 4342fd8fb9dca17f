//! Universal Login's challenge screens for a user whose second factor is a phone or an email
//! address: `/u/mfa-sms-challenge` and `/u/mfa-email-challenge`. The code was sent (to the
//! outbox) when the login stopped for MFA; the form posts it as `code` with `action=default`,
//! and a recovery code works instead, as on the TOTP screen.

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
const EXPIRED_CODE: &str = "The code has expired. Log in again to get a new one.";

fn path(channel: OobChannel) -> &'static str {
    match channel {
        OobChannel::Sms => "/u/mfa-sms-challenge",
        OobChannel::Email => "/u/mfa-email-challenge",
    }
}

fn challenge_page(state: &str, channel: OobChannel, to: &str, error: Option<&str>) -> String {
    let s = urlencode(state);
    let sent = match channel {
        OobChannel::Sms => "We've sent a text message to:",
        OobChannel::Email => "We've sent an email with your code to:",
    };
    let other = format!(
        "<p class=\"switch\"><a id=\"use-recovery-code\" href=\"/u/mfa-recovery-code-challenge?state={}\">Use a recovery code</a></p>",
        attr(&s)
    );
    format!(
        "<div class=\"logo\">A0</div><h1>Verify Your Identity</h1><p class=\"sub\">{sent} <strong id=\"sent-to\">{}</strong></p>{}",
        text(to),
        code_form(
            &format!("{}?state={s}", path(channel)),
            "Enter the 6-digit code",
            error,
            &other
        )
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
        challenge_page(&state, channel, &to, Some(refused.1)),
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
