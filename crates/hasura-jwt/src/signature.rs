//! jose's `verify`: does this signature fit this key for this algorithm?
//!
//! jose (`Crypto.JOSE.JWA.JWK.verify`) pairs algorithms with key types:
//! `RS*`/`PS*` with RSA keys of any size (cryptonite has no minimum, so
//! 1024-bit keys verify), `ES256`/`ES384`/`ES512`/`ES256K` with EC keys on
//! the matching curve, `HS*` with `oct` keys at least as long as the digest
//! (shorter ones fail with `KeySizeTooSmall`), `EdDSA` with Ed25519/Ed448.
//! Any other pairing is an `AlgorithmMismatch`, which the caller counts as
//! "did not verify". RSA uses the `rsa` crate because aws-lc refuses keys
//! under 1024 (and, by default, 2048) bits; Ed448 has no verifier here.

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256K1_SHA256_FIXED, ECDSA_P384_SHA384_FIXED,
    ECDSA_P521_SHA512_FIXED, ED25519, EcdsaVerificationAlgorithm, ParsedPublicKey,
};
use rsa::sha2::{Digest, Sha256, Sha384, Sha512};
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};

use crate::jwk::{EcCurve, KeyMaterial, OkpCurve};

/// A JWS `alg` jose knows (`Crypto.JOSE.JWA.JWS.Alg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// HMAC with SHA-256.
    Hs256,
    /// HMAC with SHA-384.
    Hs384,
    /// HMAC with SHA-512.
    Hs512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// ECDSA P-256 with SHA-256.
    Es256,
    /// ECDSA P-384 with SHA-384.
    Es384,
    /// ECDSA P-521 with SHA-512.
    Es512,
    /// ECDSA secp256k1 with SHA-256.
    Es256k,
    /// RSASSA-PSS with SHA-256.
    Ps256,
    /// RSASSA-PSS with SHA-384.
    Ps384,
    /// RSASSA-PSS with SHA-512.
    Ps512,
    /// No signature: jose's default settings never accept it.
    None,
    /// EdDSA.
    EdDsa,
}

impl Alg {
    /// The algorithm named `name`, if jose knows it.
    pub fn from_name(name: &str) -> Option<Alg> {
        Some(match name {
            "HS256" => Alg::Hs256,
            "HS384" => Alg::Hs384,
            "HS512" => Alg::Hs512,
            "RS256" => Alg::Rs256,
            "RS384" => Alg::Rs384,
            "RS512" => Alg::Rs512,
            "ES256" => Alg::Es256,
            "ES384" => Alg::Es384,
            "ES512" => Alg::Es512,
            "ES256K" => Alg::Es256k,
            "PS256" => Alg::Ps256,
            "PS384" => Alg::Ps384,
            "PS512" => Alg::Ps512,
            "none" => Alg::None,
            "EdDSA" => Alg::EdDsa,
            _ => return Option::None,
        })
    }
}

/// A key ready to check signatures, parsed once when the key set is read.
#[derive(Clone)]
pub struct Verifier(Inner);

#[derive(Clone)]
enum Inner {
    Rsa(Option<RsaPublicKey>),
    Ec(EcCurve, Option<ParsedPublicKey>),
    Hmac(Vec<u8>),
    Ed25519(Option<ParsedPublicKey>),
    Unsupported,
}

fn ec_algorithm(crv: EcCurve) -> &'static EcdsaVerificationAlgorithm {
    match crv {
        EcCurve::P256 => &ECDSA_P256_SHA256_FIXED,
        EcCurve::P384 => &ECDSA_P384_SHA384_FIXED,
        EcCurve::P521 => &ECDSA_P521_SHA512_FIXED,
        EcCurve::Secp256k1 => &ECDSA_P256K1_SHA256_FIXED,
    }
}

fn ec_key(crv: EcCurve, x: &[u8], y: &[u8]) -> Option<ParsedPublicKey> {
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(4);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    ParsedPublicKey::new(ec_algorithm(crv), point).ok()
}

/// cryptonite's `isPointValid`: both coordinates below the field prime and
/// the point on the curve (aws-lc checks exactly that when it loads one).
pub fn point_is_on_curve(crv: EcCurve, x: &[u8], y: &[u8]) -> bool {
    ec_key(crv, x, y).is_some()
}

/// jose reads an ECDSA signature as two big-endian integers, the halves of
/// the bytes; aws-lc wants them at the curve's width.
fn fixed_width(signature: &[u8], width: usize) -> Option<Vec<u8>> {
    let (r, s) = signature.split_at(signature.len() / 2);
    let mut out = Vec::with_capacity(2 * width);
    for half in [r, s] {
        let start = half.iter().position(|&b| b != 0).unwrap_or(half.len());
        let digits = &half[start..];
        if digits.len() > width {
            return None;
        }
        out.resize(out.len() + width - digits.len(), 0);
        out.extend_from_slice(digits);
    }
    Some(out)
}

/// cryptonite reads an RSA signature as an integer: leading zero bytes may
/// be missing or extra.
fn rsa_signature(key: &RsaPublicKey, signature: &[u8]) -> Option<Vec<u8>> {
    use rsa::traits::PublicKeyParts;
    let size = key.size();
    let start = signature
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(signature.len());
    let digits = &signature[start..];
    if digits.len() > size {
        return None;
    }
    let mut out = vec![0; size - digits.len()];
    out.extend_from_slice(digits);
    Some(out)
}

fn verify_rsa(alg: Alg, key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    let Some(signature) = rsa_signature(key, signature) else {
        return false;
    };
    let result = match alg {
        Alg::Rs256 => key.verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(message),
            &signature,
        ),
        Alg::Rs384 => key.verify(
            Pkcs1v15Sign::new::<Sha384>(),
            &Sha384::digest(message),
            &signature,
        ),
        Alg::Rs512 => key.verify(
            Pkcs1v15Sign::new::<Sha512>(),
            &Sha512::digest(message),
            &signature,
        ),
        Alg::Ps256 => key.verify(Pss::new::<Sha256>(), &Sha256::digest(message), &signature),
        Alg::Ps384 => key.verify(Pss::new::<Sha384>(), &Sha384::digest(message), &signature),
        Alg::Ps512 => key.verify(Pss::new::<Sha512>(), &Sha512::digest(message), &signature),
        _ => return false,
    };
    result.is_ok()
}

fn verify_hmac(alg: Alg, secret: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use aws_lc_rs::hmac;
    let algorithm = match alg {
        Alg::Hs256 => hmac::HMAC_SHA256,
        Alg::Hs384 => hmac::HMAC_SHA384,
        Alg::Hs512 => hmac::HMAC_SHA512,
        _ => return false,
    };
    if secret.len() < algorithm.digest_algorithm().output_len() {
        // jose: KeySizeTooSmall, which counts as "did not verify".
        return false;
    }
    hmac::verify(&hmac::Key::new(algorithm, secret), message, signature).is_ok()
}

impl Verifier {
    /// Prepares `material` for verification.
    pub fn new(material: &KeyMaterial) -> Verifier {
        Verifier(match material {
            KeyMaterial::Rsa { n, e } => Inner::Rsa(
                RsaPublicKey::new_with_max_size(
                    BigUint::from_bytes_be(n),
                    BigUint::from_bytes_be(e),
                    16_384,
                )
                .ok(),
            ),
            KeyMaterial::Ec { crv, x, y } => Inner::Ec(*crv, ec_key(*crv, x, y)),
            KeyMaterial::Oct(secret) => Inner::Hmac(secret.clone()),
            KeyMaterial::Okp {
                crv: OkpCurve::Ed25519,
                x,
            } => Inner::Ed25519(ParsedPublicKey::new(&ED25519, x).ok()),
            KeyMaterial::Okp { .. } => Inner::Unsupported,
        })
    }

    /// Whether `signature` over `message` is valid for `alg` with this key.
    pub fn verify(&self, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
        match (&self.0, alg) {
            (Inner::Rsa(Some(key)), _) => verify_rsa(alg, key, message, signature),
            (Inner::Hmac(secret), _) => verify_hmac(alg, secret, message, signature),
            (Inner::Ec(crv, Some(key)), _) => {
                let wanted = match alg {
                    Alg::Es256 => EcCurve::P256,
                    Alg::Es384 => EcCurve::P384,
                    Alg::Es512 => EcCurve::P521,
                    Alg::Es256k => EcCurve::Secp256k1,
                    _ => return false,
                };
                *crv == wanted
                    && fixed_width(signature, crv.coordinate_bytes())
                        .is_some_and(|sig| key.verify_sig(message, &sig).is_ok())
            }
            (Inner::Ed25519(Some(key)), Alg::EdDsa) => key.verify_sig(message, signature).is_ok(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ecdsa_signature_is_read_as_two_integers() {
        assert_eq!(fixed_width(&[0, 1, 0, 2], 2), Some(vec![0, 1, 0, 2]));
        assert_eq!(fixed_width(&[1, 2], 2), Some(vec![0, 1, 0, 2]));
        assert_eq!(fixed_width(&[1, 1, 1, 2, 2, 2], 2), None);
    }

    #[test]
    fn a_short_hmac_key_never_verifies() {
        use aws_lc_rs::hmac;
        let secret = b"only sixteen byt";
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), b"m");
        let verifier = Verifier::new(&KeyMaterial::Oct(secret.to_vec()));
        assert!(!verifier.verify(Alg::Hs256, b"m", tag.as_ref()));
    }
}
