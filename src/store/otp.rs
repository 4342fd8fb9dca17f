//! Passwordless one-time codes: one per connection and recipient (a new code replaces the
//! older one, as in Auth0), three wrong tries, single use, a short life.

/// Wrong tries a code survives; the third wrong one voids it (Auth0's rule).
pub(crate) const OTP_ATTEMPTS: u8 = 3;

/// A code sent by `/passwordless/start` or the passwordless login page.
#[derive(Debug, Clone)]
pub(crate) struct Otp {
    /// The digits.
    pub code: String,
    /// Wrong tries left.
    pub attempts_left: u8,
    /// The application that asked for it.
    pub client_id: String,
}

/// Why a code was not accepted, in Auth0's words (the channel picks "email" or "phone
/// number").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OtpRefusal {
    /// No such code, a wrong one, or one already used or replaced.
    Wrong,
    /// Past its lifetime.
    Expired,
    /// Three wrong tries used it up.
    Exhausted,
}

/// The key of a recipient's code: the connection and the address, case-folded.
pub(crate) fn otp_key(connection: &str, recipient: &str) -> String {
    format!("{connection}\n{}", recipient.trim().to_lowercase())
}
