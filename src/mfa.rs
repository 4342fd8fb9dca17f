//! Second factors: the TOTP authenticator (SHA-1, 6 digits, 30 s steps, one step of drift
//! either way, as Google Authenticator and Auth0's Guardian OTP), out-of-band challenges (a
//! code sent by SMS or email, typed back), recovery codes, and when a login must be
//! challenged.
//!
//! Offline there is no SMS or email provider: out-of-band codes land in the outbox, where a
//! test reads them, and a TOTP's secret is one the test knows (from users.json or
//! `/mfa/associate`). Push and voice have no stand-in and are refused saying so.

use crate::protocol::OobChannel;
use crate::util::{constant_time_eq, random_alnum, random_digits};
use totp_rs::{Algorithm, Secret, TOTP};

/// The `acr_values` URI that asks for a multi-factor login.
pub const MFA_ACR: &str = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

/// How long an `mfa_token` and a login waiting at the challenge live: 10 minutes, as Auth0.
pub const MFA_TOKEN_SECS: i64 = 600;

/// How long the code of an out-of-band challenge works: 5 minutes, as Auth0's MFA codes.
pub const OOB_CODE_SECS: i64 = 300;

/// An out-of-band challenge in flight: the `oob_code` the application holds and the
/// `binding_code` the user received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OobChallenge {
    /// The opaque handle `/mfa/challenge` answers and the `mfa-oob` grant sends back.
    pub oob_code: String,
    /// The six digits sent to the user.
    pub binding_code: String,
    /// Where they went.
    pub channel: OobChannel,
    /// When (Unix seconds).
    pub sent_at: i64,
}

impl OobChallenge {
    /// A new challenge on `channel` at `now`.
    pub fn new(channel: OobChannel, now: i64) -> Self {
        Self {
            oob_code: format!("Fe26.2*{}", random_alnum(48)),
            binding_code: random_digits(6),
            channel,
            sent_at: now,
        }
    }

    /// Whether the code still works at `now`.
    pub fn live(&self, now: i64) -> bool {
        now - self.sent_at <= OOB_CODE_SECS
    }

    /// Whether `code` is the code that was sent.
    pub fn matches(&self, code: &str) -> bool {
        constant_time_eq(&self.binding_code, code.trim())
    }
}

/// Failed second-factor checks a user may make before waiting: Auth0's bucket of 10.
pub const MFA_ATTEMPTS: u32 = 10;
/// How often one failed check is forgiven: Auth0 refills its bucket one every 6 minutes.
pub const MFA_REFILL_SECS: i64 = 360;

/// Codes a user may have sent again from an SMS or email screen before waiting: Auth0 limits
/// SMS sends to 10.
pub const MFA_RESENDS: u32 = 10;
/// How often one send comes back: one an hour, as Auth0's SMS limit.
pub const MFA_RESEND_REFILL_SECS: i64 = 3600;

/// A user's budget of something limited (failed second-factor checks: TOTP, SMS or email
/// code, recovery code, so a code cannot be guessed by trying them all; or codes sent again):
/// each use takes one of `size`, and one comes back every `refill_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptBucket {
    left: u32,
    since: i64,
    size: u32,
    refill_secs: i64,
}

impl AttemptBucket {
    /// A full bucket of failed checks at `now`: [`MFA_ATTEMPTS`], one back every
    /// [`MFA_REFILL_SECS`].
    pub fn full(now: i64) -> Self {
        Self::sized(MFA_ATTEMPTS, MFA_REFILL_SECS, now)
    }

    /// A full bucket of codes sent again at `now`: [`MFA_RESENDS`], one back every
    /// [`MFA_RESEND_REFILL_SECS`].
    pub fn resends(now: i64) -> Self {
        Self::sized(MFA_RESENDS, MFA_RESEND_REFILL_SECS, now)
    }

    fn sized(size: u32, refill_secs: i64, now: i64) -> Self {
        Self {
            left: size,
            since: now,
            size,
            refill_secs,
        }
    }

    fn refill(&mut self, now: i64) {
        if self.left >= self.size {
            self.since = now;
            return;
        }
        let back = (now - self.since).max(0) / self.refill_secs;
        if back > 0 {
            self.left = (self.left as i64 + back).min(self.size as i64) as u32;
            self.since += back * self.refill_secs;
        }
    }

    /// Uses left at `now`.
    pub fn left(&mut self, now: i64) -> u32 {
        self.refill(now);
        self.left
    }

    /// Takes one at `now` (a failed check, a code sent again).
    pub fn fail(&mut self, now: i64) {
        self.refill(now);
        self.left = self.left.saturating_sub(1);
    }

    /// Takes one at `now` if any is left: whether it could.
    pub fn take(&mut self, now: i64) -> bool {
        if self.left(now) == 0 {
            return false;
        }
        self.fail(now);
        true
    }

    /// Gives back one taken at `now` (a check reserved its attempt, then passed).
    pub fn give_back(&mut self, now: i64) {
        self.refill(now);
        self.left = (self.left + 1).min(self.size);
    }
}

/// An authenticator of a user as the MFA API names it (`totp|dev_…`, `sms|dev_…`,
/// `email|dev_…`, `recovery-code|dev_…`). The mock keeps one of each kind per user, so the id
/// is derived from the kind and the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authenticator {
    /// The TOTP app.
    Totp,
    /// An SMS or email factor.
    Oob(OobChannel),
    /// The recovery code.
    RecoveryCode,
}

impl Authenticator {
    const ALL: [Authenticator; 4] = [
        Authenticator::Totp,
        Authenticator::Oob(OobChannel::Sms),
        Authenticator::Oob(OobChannel::Email),
        Authenticator::RecoveryCode,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Oob(c) => c.as_str(),
            Self::RecoveryCode => "recovery-code",
        }
    }

    /// Its id for `user_id`.
    pub fn id(self, user_id: &str) -> String {
        let hash = crate::util::short_hash(user_id);
        format!("{}|dev_{}", self.prefix(), &hash[..16.min(hash.len())])
    }

    /// The authenticator of `user_id` that `id` names.
    pub fn from_id(id: &str, user_id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id(user_id) == id)
    }

    /// `authenticator_type`, as the MFA API spells it.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Totp => "otp",
            Self::Oob(_) => "oob",
            Self::RecoveryCode => "recovery-code",
        }
    }
}

/// An SMS factor's number as Auth0 shows it: all but the last four digits masked.
pub fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let keep = digits.len().saturating_sub(4);
    let shown: String = digits[keep..].iter().collect();
    format!("{}{shown}", "X".repeat(keep))
}

/// An email factor's address as the Management API shows it: the first four characters of
/// the name and of the domain, the rest starred (`chuc****@exam*******`).
pub fn masked_email(email: &str) -> String {
    let star = |part: &str| -> String {
        part.chars()
            .enumerate()
            .map(|(i, c)| if i < 4 { c } else { '*' })
            .collect()
    };
    match email.split_once('@') {
        Some((name, domain)) => format!("{}@{}", star(name), star(domain)),
        None => star(email),
    }
}

/// Whether `secret` is a base32 TOTP secret the mock can check codes against (not empty).
pub fn valid_secret(secret: &str) -> bool {
    Secret::Encoded(secret.to_string())
        .to_bytes()
        .is_ok_and(|b| !b.is_empty())
}

/// The 30-second step whose TOTP of `secret` is `code` at `now`: the current one or an
/// adjacent one (a phone's clock may be a step off). The step lets the caller refuse a code
/// used before, as Auth0 does: a TOTP works once.
pub fn totp_step(secret: &str, code: &str, now: i64) -> Option<u64> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    let code = code.trim();
    if code.len() != 6 {
        return None;
    }
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes);
    // A clock moved back to 1970 checks from the second step, so the step before exists.
    let current = now.max(60) as u64 / 30;
    (current - 1..=current + 1).find(|step| constant_time_eq(&totp.generate(step * 30), code))
}

/// Whether `code` is the current (or an adjacent step's) TOTP of `secret` at `now`.
pub fn check_totp(secret: &str, code: &str, now: i64) -> bool {
    totp_step(secret, code, now).is_some()
}

/// Whether a TOTP of `step` is one already spent, given the `last` step a code of the user
/// passed at: the same or an earlier step of the drift window. A `last` far ahead (the mock's
/// clock moved on, then back) does not lock the user out.
pub fn totp_step_spent(last: Option<u64>, step: u64) -> bool {
    last.is_some_and(|last| step <= last && last - step <= 2)
}

/// The TOTP of `secret` at `now`: what an authenticator app shows, for Rust tests.
pub fn totp_now(secret: &str, now: i64) -> Option<String> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    Some(TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes).generate(now.max(0) as u64))
}

/// A new random TOTP secret (160 bits, base32), for an enrolment.
pub fn new_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// A new recovery code: 24 characters, upper case, as Auth0's.
pub fn new_recovery_code() -> String {
    random_alnum(24).to_ascii_uppercase()
}

/// The `otpauth://` URI an authenticator app scans at enrolment, labelled with the issuer's
/// host as Auth0 labels it with the tenant's.
pub fn barcode_uri(issuer: &str, user: &str, secret: &str) -> String {
    let issuer = issuer.trim_end_matches('/');
    let issuer_host = issuer.split("://").nth(1).unwrap_or(issuer);
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer_host),
        enc(user),
        enc(issuer_host)
    )
}

/// Whether a `acr_values` request parameter asks for MFA.
pub fn acr_asks_for_mfa(acr_values: Option<&str>) -> bool {
    acr_values.is_some_and(|v| v.split(' ').any(|a| a == MFA_ACR))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238's SHA-1 test secret ("12345678901234567890") in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn ten_failures_empty_the_bucket_and_six_minutes_give_one_back() {
        let mut b = AttemptBucket::full(0);
        for i in 0..10 {
            b.fail(i);
        }
        assert_eq!(b.left(10), 0);
        assert_eq!(b.left(9 + MFA_REFILL_SECS), 1);
        assert_eq!(b.left(9 + 20 * MFA_REFILL_SECS), MFA_ATTEMPTS);
    }

    #[test]
    fn the_rfc_6238_vector_is_accepted() {
        // RFC 6238 appendix B: T = 59 gives 94287082; six digits keep the last six.
        assert!(check_totp(RFC_SECRET, "287082", 59));
    }

    #[test]
    fn a_code_one_step_old_is_still_accepted() {
        let code = totp_now(RFC_SECRET, 1_000_000).unwrap();
        assert!(check_totp(RFC_SECRET, &code, 1_000_030));
    }

    #[test]
    fn a_code_two_steps_old_is_refused() {
        let code = totp_now(RFC_SECRET, 1_000_000).unwrap();
        assert!(!check_totp(RFC_SECRET, &code, 1_000_060));
    }

    #[test]
    fn a_clock_before_the_second_step_checks_as_at_the_second_step() {
        // totp-rs looks one step back; at t < 30 that would underflow (a panic in debug).
        let code = totp_now(RFC_SECRET, 60).unwrap();
        assert!(check_totp(RFC_SECRET, &code, 5));
    }

    #[test]
    fn a_code_of_the_next_step_is_found_at_that_step() {
        let code = totp_now(RFC_SECRET, 1_000_020).unwrap();
        assert_eq!(
            totp_step(RFC_SECRET, &code, 1_000_000),
            Some(1_000_020 / 30)
        );
    }

    #[test]
    fn a_step_already_passed_or_before_it_is_spent() {
        assert!(totp_step_spent(Some(100), 100));
        assert!(totp_step_spent(Some(100), 99));
        assert!(!totp_step_spent(Some(100), 101));
        assert!(!totp_step_spent(None, 100));
    }

    #[test]
    fn a_last_step_far_ahead_spends_nothing_now() {
        assert!(!totp_step_spent(Some(10_000), 100));
    }

    #[test]
    fn an_sms_factor_shows_only_its_last_four_digits() {
        assert_eq!(masked_phone("+14155558730"), "XXXXXXX8730");
    }

    #[test]
    fn an_email_factor_shows_four_characters_of_name_and_domain() {
        assert_eq!(masked_email("chuck123@example.com"), "chuc****@exam*******");
    }

    #[test]
    fn a_bad_secret_checks_nothing() {
        assert!(!valid_secret("not base32!"));
        assert!(!check_totp("not base32!", "123456", 0));
    }

    #[test]
    fn a_new_secret_is_valid_base32() {
        assert!(valid_secret(&new_secret()));
    }

    #[test]
    fn recovery_codes_are_24_upper_case_characters() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 24);
        assert!(
            c.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn the_multi_factor_acr_is_recognised_among_others() {
        assert!(acr_asks_for_mfa(Some(&format!("urn:x {MFA_ACR}"))));
        assert!(!acr_asks_for_mfa(Some("urn:x")));
    }
}
