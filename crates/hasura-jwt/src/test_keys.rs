//! Test-only RSA keys: fast generation with aws-lc-rs, conversions with `rsa`.

use aws_lc_rs::encoding::AsDer;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// An RSA key pair for signing test tokens.
pub struct TestRsaKey {
    encoding: EncodingKey,
    public: rsa::RsaPublicKey,
}

impl TestRsaKey {
    /// A fresh 2048-bit key.
    pub fn generate() -> Self {
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let der = pair.as_der().unwrap();
        let der = der.as_ref();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(der)
        );
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
        let private = rsa::RsaPrivateKey::from_pkcs8_der(der).unwrap();
        TestRsaKey {
            encoding,
            public: private.to_public_key(),
        }
    }

    /// The public key as a JWK.
    pub fn jwk(&self, kid: Option<&str>) -> Value {
        let mut jwk = json!({
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(self.public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
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
        self.public.to_public_key_pem(LineEnding::LF).unwrap()
    }

    /// Signs `claims` with RS256 and the given `kid`.
    pub fn sign(&self, claims: &Value, kid: Option<&str>) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = kid.map(str::to_string);
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}
