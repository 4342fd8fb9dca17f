//! The passwordless login screens: `/authorize?connection=<email or sms connection>` asks for
//! the address (`/u/login/passwordless`), sends a code, and takes it at
//! `/u/login-passwordless-email-code` or `/u/login-passwordless-sms-otp` (Universal Login's
//! screen names); a good code signs the user in (creating them on a first login) and continues
//! the parked `/authorize` request.

use super::account_pages::{
    Field, FormError, passwordless_code_page, passwordless_identifier_page,
};
use super::authorize::{page_transaction, transaction_id, unknown_transaction};
use super::extract::{AppState, Body, Page, PeerIp, Query, user_agent};
use super::params::Params;
use super::passwordless::oauth_error;
use super::reply::{found, unframeable, urlencode};
use super::session;
use crate::error::ErrorPage;
use crate::lifecycle::{self, PasswordlessError, Send, Start};
use crate::login::event::request_json;
use crate::login::request::AuthorizeRequest;
use crate::mock::Mock;
use crate::store::OtpRefusal;
use crate::tenant::{Connection, PasswordlessChannel};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// Universal Login's text for a wrong code.
const CODE_INVALID: &str = "Code is invalid";

/// The parked login of `?state=` and its passwordless connection.
fn parked(
    mock: &Mock,
    params: &Params,
) -> Result<(String, AuthorizeRequest, Connection, PasswordlessChannel), ErrorPage> {
    let txid = transaction_id(params)?;
    let req = mock
        .store()
        .parked_login(&txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    let name = req.connection().unwrap_or_default().to_string();
    let (connection, channel) = lifecycle::passwordless_connection(mock, &name)
        .map_err(|e| ErrorPage::new("invalid_request", e.to_string()))?;
    Ok((txid, req, connection, channel))
}

fn field_of(channel: PasswordlessChannel) -> Field {
    match channel {
        PasswordlessChannel::Email => Field::Email,
        PasswordlessChannel::Sms => Field::Phone,
    }
}

/// Where a connection's code screen is.
fn code_path(channel: PasswordlessChannel) -> &'static str {
    match channel {
        PasswordlessChannel::Email => "/u/login-passwordless-email-code",
        PasswordlessChannel::Sms => "/u/login-passwordless-sms-otp",
    }
}

/// `GET /u/login/passwordless?state=…`.
pub(crate) async fn show_identifier(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let (txid, req, _, channel) = parked(&mock, &params)?;
    let action = format!("/u/login/passwordless?state={}", urlencode(&txid));
    let html = passwordless_identifier_page(
        &action,
        field_of(channel),
        req.login_hint.as_deref().unwrap_or(""),
        &mock.tenant().friendly_name,
        None,
    );
    Ok(unframeable(StatusCode::OK, html))
}

/// `POST /u/login/passwordless?state=…`: sends the code.
pub(crate) async fn submit_identifier(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, ErrorPage> {
    let (txid, req, connection, channel) = parked(&mock, &params)?;
    let field = field_of(channel);
    let recipient = form.get(field.id()).unwrap_or("").trim().to_string();
    let sent = lifecycle::start_passwordless(
        &mock,
        Start {
            client_id: req.client_id.clone(),
            connection: connection.name.clone(),
            recipient: recipient.clone(),
            send: Send::Code,
            auth_params: Default::default(),
        },
    );
    if let Err(e) = sent {
        let message = oauth_error(e, channel).description;
        let action = format!("/u/login/passwordless?state={}", urlencode(&txid));
        let error = FormError {
            field,
            message: &message,
            details: &[],
        };
        let html = passwordless_identifier_page(
            &action,
            field,
            &recipient,
            &mock.tenant().friendly_name,
            Some(&error),
        );
        return Ok(unframeable(StatusCode::BAD_REQUEST, html));
    }
    Ok(found(&format!(
        "{}?state={}&identifier={}",
        code_path(channel),
        urlencode(&txid),
        urlencode(&recipient)
    )))
}

fn code_screen(
    txid: &str,
    recipient: &str,
    channel: PasswordlessChannel,
    digits: usize,
    error: Option<&FormError<'_>>,
    status: StatusCode,
) -> Response {
    let action = format!(
        "{}?state={}&identifier={}",
        code_path(channel),
        urlencode(txid),
        urlencode(recipient)
    );
    unframeable(
        status,
        passwordless_code_page(&action, recipient, digits, error),
    )
}

/// `GET /u/login-passwordless-email-code` and `…-sms-otp`.
pub(crate) async fn show_code(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let (txid, _, connection, channel) = parked(&mock, &params)?;
    let recipient = params.get("identifier").unwrap_or("");
    let digits = connection.options.totp.length;
    Ok(code_screen(
        &txid,
        recipient,
        channel,
        digits,
        None,
        StatusCode::OK,
    ))
}

/// `POST /u/login-passwordless-email-code` and `…-sms-otp`: checks the code and signs in.
pub(crate) async fn submit_code(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, ErrorPage> {
    let (txid, req, connection, channel) = parked(&mock, &params)?;
    let recipient = params.get("identifier").unwrap_or("").to_string();
    let request = request_json(
        mock.issuer(),
        user_agent(&headers),
        &ip.text(),
        "POST",
        serde_json::Value::Object(req.query.clone()),
    );
    let verdict = lifecycle::verify_passwordless(
        &mock,
        &connection.name,
        &recipient,
        form.get("code").unwrap_or(""),
        request,
        Some(page_transaction(&req)),
    )
    .await;
    let user = match verdict {
        Ok((user, _)) => user,
        Err(e) => {
            let message = match &e {
                PasswordlessError::Code(OtpRefusal::Wrong) => CODE_INVALID.to_string(),
                PasswordlessError::Denied {
                    user_message: Some(m),
                    ..
                } => m.clone(),
                _ => oauth_error(e, channel).description,
            };
            let error = FormError {
                field: Field::Code,
                message: &message,
                details: &[],
            };
            let digits = connection.options.totp.length;
            return Ok(code_screen(
                &txid,
                &recipient,
                channel,
                digits,
                Some(&error),
                StatusCode::BAD_REQUEST,
            ));
        }
    };
    Ok(session::sign_in_and_resume(&mock, &user.user_id, &txid))
}
