//! Setting a new password through a reset ticket: the reset page's one operation. The
//! connection's policy applies as at sign-up; the ticket works once; the user's sessions end
//! (the store sees to that) and `post-change-password` runs afterwards.

use super::triggers::{after_event, run_after};
use crate::mock::Mock;
use crate::protocol::Trigger;
use crate::store::{Ticket, TicketPurpose, TicketRefusal};
use crate::tenant::{PolicyFailure, User};
use serde_json::Value;

/// Why the password was not changed, in Universal Login's words.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum PasswordChangeError {
    /// The ticket is expired, used or unknown.
    #[error("{0}")]
    Ticket(TicketRefusal),
    /// No new password.
    #[error("Password is required")]
    Missing,
    /// No confirmation.
    #[error("New password confirmation is missing")]
    MissingConfirmation,
    /// The two entries differ.
    #[error("Passwords don't match")]
    Mismatch,
    /// The connection's policy refuses it.
    #[error("The password is too weak")]
    Weak(PolicyFailure),
    /// The user was deleted since the ticket was issued.
    #[error("The user does not exist.")]
    UserGone,
}

/// Changes the password of the ticket's user; the user as now stored and the ticket used.
pub(crate) async fn change_password(
    mock: &Mock,
    ticket_id: &str,
    password: &str,
    confirmation: &str,
    request: Value,
) -> Result<(User, Ticket), PasswordChangeError> {
    let now = mock.clock().now();
    let ticket = mock
        .store()
        .ticket(ticket_id, TicketPurpose::ResetPassword, now)
        .map_err(PasswordChangeError::Ticket)?;
    if password.is_empty() {
        return Err(PasswordChangeError::Missing);
    }
    if confirmation.is_empty() {
        return Err(PasswordChangeError::MissingConfirmation);
    }
    if password != confirmation {
        return Err(PasswordChangeError::Mismatch);
    }
    let user = mock
        .store()
        .user(&ticket.user_id)
        .ok_or(PasswordChangeError::UserGone)?;
    let tenant = mock.tenant();
    let connection = tenant.connection_of(&user).cloned();
    if let Some(c) = &connection {
        c.password_policy()
            .check(password)
            .map_err(PasswordChangeError::Weak)?;
    }
    let ticket = mock
        .store()
        .use_ticket(ticket_id, TicketPurpose::ResetPassword, now)
        .map_err(PasswordChangeError::Ticket)?;
    let user = mock
        .store()
        .set_password(&user.user_id, password, ticket.mark_email_verified, now)
        .map_err(|_| PasswordChangeError::UserGone)?;
    tracing::info!(user = %user.user_id, "password changed through a reset link");
    if let Some(c) = &connection {
        let event = after_event(mock, &user, c, request, None);
        run_after(mock, Trigger::PostChangePassword, event).await;
    }
    Ok((user, ticket))
}
