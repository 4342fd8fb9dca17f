//! Test-only keys and tokens: fast RSA generation with aws-lc-rs, fixed keys
//! from `tests/cases/keys`, and compact JWS built by hand so tests can use
//! headers no JWT library would write (`alg: none`, odd members).

use aws_lc_rs::encoding::AsDer;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// The 1024-bit key of the case table: jose verifies with keys that small.
pub const RSA_1024_PEM: &str = include_str!("../tests/cases/keys/rsa-1024.pem");

/// An RSA key pair for signing test tokens.
pub struct TestRsaKey {
    private: rsa::RsaPrivateKey,
}

impl TestRsaKey {
    /// A fresh 2048-bit key.
    pub fn generate() -> Self {
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let der = pair.as_der().unwrap();
        TestRsaKey {
            private: rsa::RsaPrivateKey::from_pkcs8_der(der.as_ref()).unwrap(),
        }
    }

    /// A key from a PKCS#8 PEM.
    pub fn from_pem(pem: &str) -> Self {
        TestRsaKey {
            private: rsa::RsaPrivateKey::from_pkcs8_pem(pem).unwrap(),
        }
    }

    /// The public key as a JWK (`use: sig`, as Auth0 and the mock publish).
    pub fn jwk(&self, kid: Option<&str>) -> Value {
        let public = self.private.to_public_key();
        let mut jwk = json!({
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
            "alg": "RS256",
            "use": "sig",
        });
        if let Some(kid) = kid {
            jwk["kid"] = json!(kid);
        }
        jwk
    }

    /// The public key as an SPKI PEM.
    pub fn public_pem(&self) -> String {
        self.private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap()
    }

    /// An RS256 signature of `message`.
    pub fn rs256(&self, message: &[u8]) -> Vec<u8> {
        SigningKey::<Sha256>::new(self.private.clone())
            .sign(message)
            .to_vec()
    }

    /// Signs `claims` with RS256 and the given `kid`.
    pub fn sign(&self, claims: &Value, kid: Option<&str>) -> String {
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = kid {
            header["kid"] = json!(kid);
        }
        compact(&header, claims, |m| self.rs256(m))
    }
}

/// A compact JWS of `header` and `claims` with the bytes `sign` returns.
pub fn compact(header: &Value, claims: &Value, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}
