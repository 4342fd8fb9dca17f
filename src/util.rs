//! Small helpers shared by several modules: random identifiers and hashing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;

/// A random URL-safe identifier carrying `bytes` bytes of entropy (codes, sessions, tokens).
pub fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// `len` random letters and digits: Auth0-style ids (`rol_…`, `job_…`, client ids).
pub fn random_alnum(len: usize) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// `digits` random hex digits: new user ids (`auth0|` + 24 hex digits, like a Mongo ObjectId).
pub fn random_hex(digits: usize) -> String {
    let mut buf = vec![0u8; digits.div_ceil(2)];
    rand::rng().fill_bytes(&mut buf);
    let mut hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    hex.truncate(digits);
    hex
}

/// `digits` random decimal digits: passwordless codes.
pub fn random_digits(digits: usize) -> String {
    use rand::Rng as _;
    let mut rng = rand::rng();
    (0..digits)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// A stable 24-hex-digit hash of a string, for derived ids (Auth0 user ids are 24 hex digits).
pub fn short_hash(input: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input.as_bytes());
    digest.as_ref()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Base64url SHA-256, as PKCE S256 and `at_hash`/`c_hash` (left half) need.
pub fn sha256(input: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, input)
        .as_ref()
        .to_vec()
}

/// Base64url without padding.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding; `None` for anything else.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Compares secrets without leaking their length through timing of the first mismatch.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `phone` is E.164 (`+` and 1 to 15 digits), as Auth0 requires of phone numbers
/// (`/passwordless/start`, an SMS factor).
pub fn is_e164(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or("");
    (1..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_number_must_be_e164() {
        assert!(is_e164("+15551234567"));
        assert!(!is_e164("15551234567"));
        assert!(!is_e164("+1555-123"));
        assert!(!is_e164("+"));
        assert!(!is_e164("+1234567890123456"));
    }

    #[test]
    fn ids_are_random_and_urlsafe() {
        let a = random_id(32);
        assert_ne!(a, random_id(32));
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(short_hash("x"), short_hash("x"));
        assert_eq!(short_hash("x").len(), 24);
    }

    #[test]
    fn pkce_vector() {
        // RFC 7636 appendix B.
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            b64url(&sha256(v.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(constant_time_eq("ab", "ab") && !constant_time_eq("ab", "ac"));
    }
}
