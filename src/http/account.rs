//! Where email links lead: `/u/email-verification?ticket=…` verifies the address, and
//! `/u/reset-verify?ticket=…` opens the reset form at `/u/reset-password/change`, which sets
//! the new password. Universal Login's paths, field names and texts.

use super::account_pages::{Field, FormError, notice_page, reset_page};
use super::extract::{AppState, Body, Page, PeerIp, Query, user_agent};
use super::params::Params;
use super::reply::{found, html, unframeable, urlencode};
use crate::error::ErrorPage;
use crate::lifecycle::{self, PasswordChangeError};
use crate::login::event::request_json;
use crate::store::{TicketPurpose, TicketRefusal};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

/// Auth0's sentence after a verification link.
const VERIFIED: &str = "Your email was verified. You can continue using the application.";

fn ticket_id(params: &Params) -> Result<String, ErrorPage> {
    params
        .get("ticket")
        .map(str::to_string)
        .ok_or_else(|| ErrorPage::new("invalid_request", "Missing required parameter: ticket"))
}

/// `result_url` with Auth0's outcome parameters appended.
fn with_outcome(result_url: &str, success: bool, message: &str) -> String {
    let sep = if result_url.contains('?') { '&' } else { '?' };
    format!(
        "{result_url}{sep}success={success}&message={}",
        urlencode(message)
    )
}

fn refused(refusal: TicketRefusal) -> Response {
    let title = match refusal {
        TicketRefusal::Expired => "Link Expired",
        TicketRefusal::Used => "Link Already Used",
        TicketRefusal::Unknown => "Invalid Link",
    };
    html(
        StatusCode::BAD_REQUEST,
        notice_page(title, &refusal.to_string(), None),
    )
}

/// `GET /u/email-verification?ticket=…`.
pub(crate) async fn verify_email(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let id = ticket_id(&params)?;
    let now = mock.clock().now();
    let ticket = match mock
        .store()
        .use_ticket(&id, TicketPurpose::VerifyEmail, now)
    {
        Ok(t) => t,
        Err(refusal) => return Ok(refused(refusal)),
    };
    match mock.store().verify_email(&ticket.user_id, now) {
        Ok(user) => tracing::info!(user = %user.user_id, "email verified through the link"),
        Err(_) => return Ok(refused(TicketRefusal::Unknown)),
    }
    Ok(match &ticket.result_url {
        Some(url) => found(&with_outcome(url, true, VERIFIED)),
        None => html(
            StatusCode::OK,
            notice_page("Email Verified", VERIFIED, None),
        ),
    })
}

/// `GET /u/reset-verify?ticket=…`: checks the link, then shows the form.
pub(crate) async fn reset_verify(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let id = ticket_id(&params)?;
    match mock
        .store()
        .ticket(&id, TicketPurpose::ResetPassword, mock.clock().now())
    {
        Ok(_) => Ok(found(&format!(
            "/u/reset-password/change?ticket={}",
            urlencode(&id)
        ))),
        Err(refusal) => Ok(refused(refusal)),
    }
}

fn render_form(
    mock: &AppState,
    id: &str,
    error: Option<&FormError<'_>>,
    status: StatusCode,
) -> Response {
    let now = mock.clock().now();
    let ticket = match mock.store().ticket(id, TicketPurpose::ResetPassword, now) {
        Ok(t) => t,
        Err(refusal) => return refused(refusal),
    };
    let Some(user) = mock.store().user(&ticket.user_id) else {
        return refused(TicketRefusal::Unknown);
    };
    let tenant = mock.tenant();
    let hints = tenant
        .connection_of(&user)
        .map(|c| c.password_policy().hints())
        .unwrap_or_default();
    let action = format!("/u/reset-password/change?ticket={}", urlencode(id));
    unframeable(
        status,
        reset_page(&action, user.login_name(), &hints, error),
    )
}

/// `GET /u/reset-password/change?ticket=…`.
pub(crate) async fn reset_form(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let id = ticket_id(&params)?;
    Ok(render_form(&mock, &id, None, StatusCode::OK))
}

/// `POST /u/reset-password/change?ticket=…` with `password-reset` and `re-enter-password`.
pub(crate) async fn reset_submit(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, ErrorPage> {
    let id = ticket_id(&params)?;
    let request = request_json(
        mock.issuer(),
        user_agent(&headers),
        &ip.text(),
        "POST",
        json!({}),
    );
    let outcome = lifecycle::change_password(
        &mock,
        &id,
        form.get("password-reset").unwrap_or(""),
        form.get("re-enter-password").unwrap_or(""),
        request,
    )
    .await;
    match outcome {
        Ok((_, ticket)) => {
            let link = ticket.result_url.as_deref().map(|u| (u, "Continue"));
            Ok(html(
                StatusCode::OK,
                notice_page(
                    "Password Changed!",
                    "Your password has been changed successfully.",
                    link,
                ),
            ))
        }
        Err(PasswordChangeError::Ticket(refusal)) => Ok(refused(refusal)),
        Err(e) => {
            let details = match &e {
                PasswordChangeError::Weak(f) => f.unmet(),
                _ => Vec::new(),
            };
            let message = e.to_string();
            let error = FormError {
                field: Field::Password,
                message: &message,
                details: &details,
            };
            Ok(render_form(
                &mock,
                &id,
                Some(&error),
                StatusCode::BAD_REQUEST,
            ))
        }
    }
}
