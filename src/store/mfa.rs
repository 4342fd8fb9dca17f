//! The second factors' runtime state: logins waiting for one (behind an `mfa_token` or at
//! the MFA screens), and each user's limits: failed checks, the last TOTP step that passed
//! (a code works once) and codes sent again.

use crate::login::grant::Grant;
use crate::mfa;
use crate::tenant::MfaFactors;
use std::collections::HashMap;

/// A browser login at the MFA screens.
#[derive(Debug, Clone)]
pub(crate) struct MfaWait {
    /// The settled login.
    pub grant: Grant,
    /// For a user with no factor yet: the TOTP secret the enrolment screen offers.
    pub new_secret: Option<String>,
    /// For a user challenged by SMS or email: the code sent.
    pub oob: Option<mfa::OobChallenge>,
    /// A recovery code passed: only the screen with the new code is left before the login
    /// goes on.
    pub recovered: bool,
}

/// What an `mfa_token` (the password grant's `mfa_required` answer) stands for: the login
/// that passes once the second factor does.
#[derive(Debug, Clone)]
pub(crate) struct MfaTicket {
    /// The settled login.
    pub grant: Grant,
    /// An authenticator `/mfa/associate` offered, active once a code of it passes.
    pub pending: Option<MfaFactors>,
    /// The out-of-band challenge `/mfa/challenge` (or an SMS or email association) sent.
    pub oob: Option<mfa::OobChallenge>,
    /// For a token a refresh exchange answered: the refresh-token family the completion
    /// continues.
    pub refresh: Option<RefreshContinuation>,
}

/// How the MFA grant that completes a refused refresh exchange answers: it continues the
/// exchanged token's family, with a new token when the client rotates (the refused exchange
/// spent the old one, as Auth0's does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefreshContinuation {
    /// The family of the refresh token that was exchanged.
    pub family: u64,
    /// Whether the client rotates refresh tokens.
    pub rotating: bool,
}

/// Per-user second-factor limits; each map is bounded by the users there are (an entry needs a
/// user's login in progress).
#[derive(Default)]
pub(super) struct FactorLimits {
    /// Failed second-factor checks.
    attempts: HashMap<String, mfa::AttemptBucket>,
    /// The TOTP step of the last code that passed, with the secret it passed for: a new
    /// authenticator starts afresh.
    totp_last_step: HashMap<String, (String, u64)>,
    /// Codes sent again from an SMS or email challenge screen.
    resends: HashMap<String, mfa::AttemptBucket>,
    /// How often each user's remembered browsers were forgotten: a browser remembered before
    /// the last time no longer counts.
    forgotten: HashMap<String, u64>,
}

impl FactorLimits {
    /// Reserves one of `user_id`'s second-factor checks at `now` (Auth0's bucket of 10):
    /// false when none is left. A check takes its attempt before it runs, so concurrent
    /// guesses cannot all pass the limit; one that passes gives it back.
    pub(super) fn take_attempt(&mut self, user_id: &str, now: i64) -> bool {
        self.attempts
            .entry(user_id.to_string())
            .or_insert_with(|| mfa::AttemptBucket::full(now))
            .take(now)
    }

    /// Gives back the attempt a check that passed (or was not a wrong code) reserved.
    pub(super) fn give_back_attempt(&mut self, user_id: &str, now: i64) {
        if let Some(b) = self.attempts.get_mut(user_id) {
            b.give_back(now);
        }
    }

    /// Whether `code` is a TOTP of `secret` at `now` that `user_id` has not used yet; a
    /// passing code is spent at once.
    pub(super) fn use_totp(&mut self, user_id: &str, secret: &str, code: &str, now: i64) -> bool {
        let Some(step) = mfa::totp_step(secret, code, now) else {
            return false;
        };
        let last = self
            .totp_last_step
            .get(user_id)
            .filter(|(s, _)| s == secret)
            .map(|(_, step)| *step);
        if mfa::totp_step_spent(last, step) {
            return false;
        }
        self.totp_last_step
            .insert(user_id.to_string(), (secret.to_string(), step));
        true
    }

    /// How often `user_id`'s remembered browsers were forgotten.
    pub(super) fn forgotten(&self, user_id: &str) -> u64 {
        self.forgotten.get(user_id).copied().unwrap_or(0)
    }

    /// Forgets `user_id`'s remembered browsers.
    pub(super) fn forget(&mut self, user_id: &str) {
        *self.forgotten.entry(user_id.to_string()).or_insert(0) += 1;
    }

    /// Drops what is kept about a deleted user, so one made again with the same id starts
    /// afresh; its remembered browsers stay forgotten.
    pub(super) fn drop_user(&mut self, user_id: &str) {
        self.attempts.remove(user_id);
        self.totp_last_step.remove(user_id);
        self.resends.remove(user_id);
        self.forget(user_id);
    }

    /// Takes one of the codes `user_id` may have sent again at `now`; false once used up.
    pub(super) fn take_resend(&mut self, user_id: &str, now: i64) -> bool {
        self.resends
            .entry(user_id.to_string())
            .or_insert_with(|| mfa::AttemptBucket::resends(now))
            .take(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const NOW: i64 = 1_700_000_000;

    #[test]
    fn a_totp_passes_once() {
        let mut limits = FactorLimits::default();
        let code = mfa::totp_now(SECRET, NOW).unwrap();
        assert!(limits.use_totp("auth0|a", SECRET, &code, NOW));
        assert!(!limits.use_totp("auth0|a", SECRET, &code, NOW + 5));
    }

    #[test]
    fn a_totp_one_user_spent_still_passes_for_another() {
        let mut limits = FactorLimits::default();
        let code = mfa::totp_now(SECRET, NOW).unwrap();
        assert!(limits.use_totp("auth0|a", SECRET, &code, NOW));
        assert!(limits.use_totp("auth0|b", SECRET, &code, NOW));
    }

    #[test]
    fn the_next_steps_code_passes_after_this_ones() {
        let mut limits = FactorLimits::default();
        let now = mfa::totp_now(SECRET, NOW).unwrap();
        let next = mfa::totp_now(SECRET, NOW + 30).unwrap();
        assert!(limits.use_totp("auth0|a", SECRET, &now, NOW));
        assert!(limits.use_totp("auth0|a", SECRET, &next, NOW));
    }

    #[test]
    fn a_new_secret_passes_its_first_code_in_a_spent_step() {
        const OTHER: &str = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
        let mut limits = FactorLimits::default();
        let code = mfa::totp_now(SECRET, NOW).unwrap();
        assert!(limits.use_totp("auth0|a", SECRET, &code, NOW));
        let other = mfa::totp_now(OTHER, NOW).unwrap();
        assert!(limits.use_totp("auth0|a", OTHER, &other, NOW));
    }

    #[test]
    fn ten_reserved_attempts_use_up_the_bucket() {
        let mut limits = FactorLimits::default();
        assert!((0..10).all(|_| limits.take_attempt("auth0|a", NOW)));
        assert!(!limits.take_attempt("auth0|a", NOW));
    }

    #[test]
    fn an_attempt_given_back_can_be_taken_again() {
        let mut limits = FactorLimits::default();
        assert!((0..10).all(|_| limits.take_attempt("auth0|a", NOW)));
        limits.give_back_attempt("auth0|a", NOW);
        assert!(limits.take_attempt("auth0|a", NOW));
    }

    #[test]
    fn the_eleventh_resend_is_refused() {
        let mut limits = FactorLimits::default();
        assert!((0..10).all(|_| limits.take_resend("auth0|a", NOW)));
        assert!(!limits.take_resend("auth0|a", NOW));
        assert!(limits.take_resend("auth0|a", NOW + 3600));
    }
}
