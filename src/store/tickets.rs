//! Tickets: the single-use links of emails (verify an address, reset a password) and of the
//! Management API's `tickets` endpoints. A ticket stays known after use until it expires, so
//! a second visit is told "already used" rather than "unknown", as Auth0 tells it.

/// What a ticket lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TicketPurpose {
    /// Mark the user's email as verified.
    VerifyEmail,
    /// Set a new password.
    ResetPassword,
}

/// A ticket as issued.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    /// What it is for.
    pub purpose: TicketPurpose,
    /// The user it is for.
    pub user_id: String,
    /// Where the browser goes afterwards (`result_url` of the Management API).
    pub result_url: Option<String>,
    /// `mark_email_as_verified` of a password-change ticket.
    pub mark_email_verified: bool,
    /// Set once it has been used.
    pub used: bool,
}

/// Why a ticket cannot be used, in Auth0's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TicketRefusal {
    /// Past its lifetime.
    #[error("This ticket was expired.")]
    Expired,
    /// Used already (or replaced by a newer reset link).
    #[error("This ticket was already used.")]
    Used,
    /// Never issued (or forgotten after a reset of the mock).
    #[error("The link is invalid or was issued before the mock was reset.")]
    Unknown,
}
