//! One RS256 signing key with what the JWKS, `/pem` and `/cer` publish about it.
//!
//! Parsing and PEM encoding use the `rsa` crate; signing uses aws-lc-rs, because token
//! throughput is bound by RSA signing and aws-lc signs several times faster than pure Rust.
//! Each key carries a deterministic self-signed certificate so `x5c`/`x5t` and `/pem` are stable
//! across restarts of the embedded tenant.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// Why a key could not be loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The PEM text is not an RSA private key in PKCS#1 or PKCS#8 form.
    #[error("not an RSA private key in PEM (PKCS#1 or PKCS#8): {0}")]
    Parse(String),
    /// Auth0 signs with 2048-bit keys; shorter ones are refused by real clients.
    #[error("RSA key has {0} bits; at least 2048 are required")]
    TooShort(usize),
    /// The crypto backend rejected the key or failed to sign.
    #[error("crypto backend: {0}")]
    Backend(String),
}

/// One RS256 key pair with everything the JWKS, `/pem` and `/cer` publish about it.
pub struct SigningKey {
    /// Key id: the RFC 7638 thumbprint, so the same key always has the same `kid`.
    pub kid: String,
    pair: RsaKeyPair,
    /// PKCS#1 `RSAPublicKey` DER, for verifying the mock's own tokens.
    public_der: Vec<u8>,
    rng: SystemRandom,
    n: String,
    e: String,
    cert_der: Vec<u8>,
    private_pem: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Loads a key from PEM text. Text around the PEM block (such as the warning comments on the
    /// embedded test keys) is ignored.
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        Self::from_rsa(parse_private_pem(text)?, None)
    }

    /// Loads a key together with its certificate (PEM), as `keys/current.crt` ships it next to
    /// the key. Using a shipped certificate means no RSA signature at startup: the first one
    /// waits for the crypto library to seed its random generator (tens of milliseconds).
    pub fn from_pem_with_cert(text: &str, cert_pem: &str) -> Result<Self, KeyError> {
        let key = parse_private_pem(text)?;
        let cert_der = pem_body(cert_pem, "CERTIFICATE").ok_or_else(|| {
            KeyError::Parse("no CERTIFICATE block in the certificate file".into())
        })?;
        // The certificate carries the modulus in its SubjectPublicKeyInfo; finding it there ties
        // the certificate to this key without an X.509 parser.
        let modulus = key.n().to_bytes_be();
        if !cert_der
            .windows(modulus.len())
            .any(|w| w == modulus.as_slice())
        {
            return Err(KeyError::Parse(
                "the certificate does not belong to this key".into(),
            ));
        }
        Self::from_rsa(key, Some(cert_der))
    }

    /// Generates a fresh 2048-bit key (used by `keygen` and by key rotation).
    pub fn generate() -> Result<Self, KeyError> {
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .map_err(|e| KeyError::Backend(e.to_string()))?;
        let der = aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair)
            .map_err(|e| KeyError::Backend(e.to_string()))?;
        let key = rsa::RsaPrivateKey::from_pkcs8_der(der.as_ref())
            .map_err(|e| KeyError::Parse(e.to_string()))?;
        Self::from_rsa(key, None)
    }

    fn from_rsa(key: rsa::RsaPrivateKey, cert_der: Option<Vec<u8>>) -> Result<Self, KeyError> {
        let bits = key.size() * 8;
        if bits < 2048 {
            return Err(KeyError::TooShort(bits));
        }
        let der = key
            .to_pkcs8_der()
            .map_err(|e| KeyError::Parse(e.to_string()))?;
        let pair =
            RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|e| KeyError::Backend(e.to_string()))?;
        let n = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        let kid = thumbprint(&n, &e);
        let private_pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Parse(e.to_string()))?
            .to_string();
        let public_der = aws_lc_rs::signature::KeyPair::public_key(&pair)
            .as_ref()
            .to_vec();
        let cert_der = match cert_der {
            Some(c) => c,
            None => self_signed_cert(&key, &public_der)?,
        };
        Ok(Self {
            kid,
            pair,
            public_der,
            rng: SystemRandom::new(),
            n,
            e,
            cert_der,
            private_pem,
        })
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 SHA-256 (JWS `RS256`).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
            .map_err(|e| KeyError::Backend(e.to_string()))?;
        Ok(sig)
    }

    /// Whether `signature` is this key's RS256 signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            &self.public_der,
        )
        .verify(message, signature)
        .is_ok()
    }

    /// The key as a JWK, in Auth0's member set: `kty, use, n, e, kid, x5t, x5c, alg`.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "n": self.n,
            "e": self.e,
            "kid": self.kid,
            "x5t": self.x5t(),
            "x5c": [STANDARD.encode(&self.cert_der)],
            "alg": "RS256",
        })
    }

    /// Base64url SHA-1 thumbprint of the certificate's DER, as JWK `x5t` requires.
    pub fn x5t(&self) -> String {
        let digest =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.cert_der);
        URL_SAFE_NO_PAD.encode(digest.as_ref())
    }

    /// The modulus, base64url.
    #[cfg(test)]
    pub fn n(&self) -> &str {
        &self.n
    }

    /// The public exponent, base64url.
    #[cfg(test)]
    pub fn e(&self) -> &str {
        &self.e
    }

    /// The self-signed certificate, DER (served at `/cer`).
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The self-signed certificate, PEM (served at `/pem`; Hasura's Auth0 configurator uses it).
    pub fn cert_pem(&self) -> String {
        pem_block("CERTIFICATE", &self.cert_der)
    }

    /// The private key, PKCS#8 PEM (for `keygen`).
    pub fn private_pem(&self) -> &str {
        &self.private_pem
    }
}

/// Parses an RSA private key from PEM (PKCS#1 or PKCS#8), ignoring text around the block, and
/// checks its size. Cheap: fixture validation uses it without building a [`SigningKey`].
pub fn parse_private_pem(text: &str) -> Result<rsa::RsaPrivateKey, KeyError> {
    let start = text
        .find("-----BEGIN")
        .ok_or_else(|| KeyError::Parse("no PEM block found".into()))?;
    let pem = &text[start..];
    let key = if pem.starts_with("-----BEGIN RSA PRIVATE KEY") {
        rsa::RsaPrivateKey::from_pkcs1_pem(pem).map_err(|e| KeyError::Parse(e.to_string()))?
    } else {
        rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| KeyError::Parse(e.to_string()))?
    };
    let bits = key.size() * 8;
    if bits < 2048 {
        return Err(KeyError::TooShort(bits));
    }
    Ok(key)
}

/// The DER inside the first PEM block with `label`.
fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let b64: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD.decode(b64).ok()
}

/// RFC 7638 JWK thumbprint of an RSA key, base64url.
fn thumbprint(n: &str, e: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest.as_ref()[..16])
}

/// A self-signed certificate whose every field is fixed, so the same key always yields the same
/// certificate and `x5t`: PKCS#1 v1.5 signatures are deterministic.
///
/// It is signed with the pure-Rust `rsa` crate, not aws-lc: aws-lc's first signature seeds its
/// random generator from CPU jitter (about 20 ms, measured with perf: `jent_*`), which a user's
/// own `--key` would otherwise add to every startup. The `rsa` crate's deterministic signing
/// needs no randomness, and one signature costs it a few milliseconds.
fn self_signed_cert(key: &rsa::RsaPrivateKey, public_der: &[u8]) -> Result<Vec<u8>, KeyError> {
    let signer = CertSigner { key, public_der };
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "auth0-mock signing key");
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2099, 1, 1);
    params.serial_number = Some(rcgen::SerialNumber::from(vec![1u8]));
    let cert = params
        .self_signed(&signer)
        .map_err(|e| KeyError::Backend(e.to_string()))?;
    Ok(cert.der().to_vec())
}

/// rcgen's view of the key while it signs the certificate.
struct CertSigner<'a> {
    key: &'a rsa::RsaPrivateKey,
    /// PKCS#1 `RSAPublicKey` DER, what rcgen puts in the SubjectPublicKeyInfo for RSA.
    public_der: &'a [u8],
}

impl rcgen::PublicKeyData for CertSigner<'_> {
    fn der_bytes(&self) -> &[u8] {
        self.public_der
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

impl rcgen::SigningKey for CertSigner<'_> {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        use rsa::signature::{SignatureEncoding, Signer};
        let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::new(self.key.clone());
        signer
            .try_sign(msg)
            .map(|s| s.to_vec())
            .map_err(|_| rcgen::Error::RemoteKeyError)
    }
}

/// Wraps DER bytes in a PEM block with 64-column lines.
pub fn pem_block(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests;
