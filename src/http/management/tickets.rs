//! The Management API's ticket and verification-email endpoints: a backend (or a test) asks
//! for a reset or verification link directly (`tickets`), or for the verification email to be
//! sent again (`jobs/verification-email`).

use crate::error::ManagementError;
use crate::http::extract::{AppState, ManagementJson};
use crate::lifecycle::{send_verification, ticket_url};
use crate::store::{Ticket, TicketPurpose};
use crate::tenant::{DEFAULT_LINK_LIFETIME, MAX_LIFETIME};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};

/// The routes, guarded by the caller.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/tickets/email-verification",
            post(email_verification),
        )
        .route("/api/v2/tickets/password-change", post(password_change))
        .route("/api/v2/jobs/verification-email", post(verification_email))
}

/// A ticket's lifetime: `ttl_sec`, where 0 or absent means Auth0's 5 days.
fn lifetime(ttl_sec: Option<i64>) -> Result<i64, ManagementError> {
    match ttl_sec {
        None | Some(0) => Ok(DEFAULT_LINK_LIFETIME),
        Some(t) if (1..=MAX_LIFETIME).contains(&t) => Ok(t),
        Some(_) => Err(ManagementError::invalid_body(
            "ttl_sec must be a positive number of seconds",
        )),
    }
}

/// Issues a ticket and answers Auth0's `201 {"ticket": url}`.
fn issue(
    mock: &AppState,
    ticket: Ticket,
    ttl_sec: Option<i64>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let purpose = ticket.purpose;
    let id = mock
        .store()
        .issue_ticket(ticket, mock.clock().now(), lifetime(ttl_sec)?);
    let url = ticket_url(mock, purpose, &id);
    Ok((StatusCode::CREATED, Json(json!({ "ticket": url }))))
}

#[derive(Deserialize)]
struct EmailVerificationBody {
    user_id: String,
    #[serde(default)]
    result_url: Option<String>,
    #[serde(default)]
    ttl_sec: Option<i64>,
}

/// `POST /api/v2/tickets/email-verification`: a verification link, not sent anywhere.
async fn email_verification(
    State(mock): State<AppState>,
    ManagementJson(body): ManagementJson<EmailVerificationBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let user = mock
        .store()
        .user(&body.user_id)
        .ok_or_else(ManagementError::no_user)?;
    let ticket = Ticket {
        purpose: TicketPurpose::VerifyEmail,
        user_id: user.user_id,
        result_url: body.result_url,
        mark_email_verified: false,
        used: false,
    };
    issue(&mock, ticket, body.ttl_sec)
}

#[derive(Deserialize)]
struct PasswordChangeBody {
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    connection_id: Option<String>,
    #[serde(default)]
    result_url: Option<String>,
    #[serde(default)]
    ttl_sec: Option<i64>,
    #[serde(default)]
    mark_email_as_verified: bool,
}

/// `POST /api/v2/tickets/password-change`: a reset link for `user_id`, or for `email` in
/// `connection_id`; it voids the user's older reset links.
async fn password_change(
    State(mock): State<AppState>,
    ManagementJson(body): ManagementJson<PasswordChangeBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let user = match (&body.user_id, &body.email, &body.connection_id) {
        (Some(id), None, None) => mock.store().user(id),
        (None, Some(email), Some(conn_id)) => {
            let tenant = mock.tenant();
            let connection = tenant
                .connection_by_id(conn_id)
                .ok_or_else(ManagementError::no_connection)?;
            mock.store()
                .find_user(email)
                .filter(|u| u.connection.as_deref().is_none_or(|c| c == connection.name))
        }
        _ => {
            return Err(ManagementError::invalid_body(
                "give user_id, or email with connection_id",
            ));
        }
    }
    .ok_or_else(ManagementError::no_user)?;
    let ticket = Ticket {
        purpose: TicketPurpose::ResetPassword,
        user_id: user.user_id,
        result_url: body.result_url,
        mark_email_verified: body.mark_email_as_verified,
        used: false,
    };
    issue(&mock, ticket, body.ttl_sec)
}

#[derive(Deserialize)]
struct VerificationEmailBody {
    user_id: String,
}

/// `POST /api/v2/jobs/verification-email`: sends the verification email now (to the outbox)
/// and answers the job, already completed.
async fn verification_email(
    State(mock): State<AppState>,
    ManagementJson(body): ManagementJson<VerificationEmailBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let user = mock
        .store()
        .user(&body.user_id)
        .ok_or_else(ManagementError::no_user)?;
    if user.email.is_none() {
        return Err(ManagementError::invalid_body("the user has no email"));
    }
    let sent = send_verification(&mock, &user, None);
    if sent.is_none() {
        tracing::info!(user = %user.user_id, "verification email not sent: the address is verified or the verify_email template is disabled");
    }
    let now = mock.clock().now();
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "status": "completed",
            "type": "verification_email",
            "created_at": crate::clock::rfc3339(now),
            "id": format!("job_{}", crate::util::random_id(12)),
        })),
    ))
}
