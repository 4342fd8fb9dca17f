//! RS256 signing keys and the JWKS that publishes them.

mod key_set;
mod signing_key;

pub use key_set::KeySet;
pub use signing_key::{KeyError, SigningKey, parse_private_pem};

/// A new RS256 2048-bit signing key as PKCS#8 PEM (`auth0-mock keygen`).
pub fn new_signing_key_pem() -> Result<String, KeyError> {
    Ok(SigningKey::generate()?.private_pem().to_string())
}
