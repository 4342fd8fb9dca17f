//! Universal Login's challenge screens for a user whose second factor is a phone or an email
//! address: `/u/mfa-sms-challenge` and `/u/mfa-email-challenge`. The code was sent (to the
//! outbox) when the login stopped for MFA; the form posts it as `code` with `action=default`,
//! and a recovery code works instead, as on the TOTP screen. `action=resend-code` (the
//! screen's Resend, as Universal Login posts it) sends a new code, which voids the last.

use super::extract::{AppState, Body, Page, Query};
use super::mfa_page::{
    asks_to_remember, checked, code_form, pass, remember_field, screen, waiting,
};
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

/// The login waiting at this screen: its `state`, the challenge sent, where it went, whose it
/// is, and the "Remember this device" box when the Action allowed it.
struct Challenged {
    state: String,
    challenge: crate::mfa::OobChallenge,
    channel: OobChannel,
    to: String,
    user_id: String,
    remember: &'static str,
}

impl Challenged {
    /// The login waiting under `?state=` with a challenge on `channel`; a login waiting for
    /// another factor is not served here.
    fn find(
        mock: &crate::mock::Mock,
        params: &super::params::Params,
        channel: OobChannel,
    ) -> Result<Self, ErrorPage> {
        let (state, _, wait) = waiting(mock, params)?;
        let challenge = wait
            .oob
            .clone()
            .filter(|c| c.channel == channel)
            .ok_or_else(super::authorize::unknown_transaction)?;
        let user_id = wait.grant.user.user_id.clone();
        let to = mock
            .store()
            .user(&user_id)
            .and_then(|u| u.mfa)
            .and_then(|f| f.oob_address(channel).map(str::to_string))
            .unwrap_or_default();
        Ok(Self {
            state,
            challenge,
            channel,
            to,
            user_id,
            remember: remember_field(&wait),
        })
    }

    fn page(&self, note: Option<Note>) -> String {
        let s = urlencode(&self.state);
        let sent = match self.channel {
            OobChannel::Sms => "We've sent a text message to:",
            OobChannel::Email => "We've sent an email with your code to:",
        };
        let action = format!("{}?state={s}", path(self.channel));
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
            text(&self.to),
            code_form(
                &action,
                "Enter the 6-digit code",
                error,
                self.remember,
                &other
            )
        )
    }

    fn screen(&self, status: StatusCode, note: Option<Note>) -> Response {
        screen(status, "Verify", self.page(note))
    }
}

fn show(
    mock: &crate::mock::Mock,
    params: &super::params::Params,
    channel: OobChannel,
) -> Result<Response, ErrorPage> {
    Ok(Challenged::find(mock, params, channel)?.screen(StatusCode::OK, None))
}

fn submit(
    mock: &crate::mock::Mock,
    params: &super::params::Params,
    form: &super::params::Params,
    channel: OobChannel,
) -> Result<Response, AuthorizeRefusal> {
    let at = Challenged::find(mock, params, channel)?;
    if form.get("action") == Some("resend-code") {
        return resend(mock, &at).map_err(Into::into);
    }
    let code = form.get("code").unwrap_or("");
    let refused = if !at.challenge.live(mock.clock().now()) {
        (StatusCode::BAD_REQUEST, EXPIRED_CODE)
    } else {
        match checked(mock, &at.user_id, || at.challenge.matches(code)) {
            Ok(()) => return pass(mock, &at.state, asks_to_remember(form)),
            Err(refused) => refused,
        }
    };
    tracing::info!(channel = %channel, reason = refused.1, "MFA challenge: code refused");
    Ok(at.screen(refused.0, Some(Note::Error(refused.1))))
}

/// Sends a new code in place of the last, unless the user's sends are used up.
fn resend(mock: &crate::mock::Mock, at: &Challenged) -> Result<Response, ErrorPage> {
    let now = mock.clock().now();
    // The factor was removed while the login waited: there is nowhere to send a code.
    if at.to.is_empty() {
        return Err(super::authorize::unknown_transaction());
    }
    if !mock.store().take_mfa_resend(&at.user_id, now) {
        tracing::info!(user = %at.user_id, "MFA challenge: resend refused, sends used up");
        return Ok(at.screen(
            StatusCode::TOO_MANY_REQUESTS,
            Some(Note::Error(TOO_MANY_SENDS)),
        ));
    }
    let challenge = crate::lifecycle::send_mfa_code(mock, &at.user_id, at.channel, &at.to);
    // The login may have gone on meanwhile (another tab): the new code then serves nothing.
    if !mock.store().set_mfa_wait_oob(&at.state, challenge, now) {
        return Err(super::authorize::unknown_transaction());
    }
    Ok(at.screen(StatusCode::OK, Some(Note::Notice(RESENT))))
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
