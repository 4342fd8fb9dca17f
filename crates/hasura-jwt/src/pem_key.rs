//! Hasura's `fromRawPem`: the key of the `{"type": .., "key": "<PEM>"}` form.
//!
//! `Hasura.Server.Auth.JWT.Internal` reads the first PEM block whatever its
//! label: as a PKCS#1 `RSAPublicKey`, else as a `SubjectPublicKeyInfo`, else
//! as an X.509 certificate. RSA, EC and Ed25519 keys become JWKs; the config's
//! `type` plays no part for them.

use crate::der::{DerError, SpkiKey, certificate_spki, first_pem, parse_pkcs1_rsa, parse_spki};
use crate::jwk::{KeyMaterial, OkpCurve};

fn from_spki(key: SpkiKey, unsupported: &str) -> Result<KeyMaterial, String> {
    match key {
        SpkiKey::Rsa { n, e } => Ok(KeyMaterial::Rsa { n, e }),
        SpkiKey::Ec { crv, x, y } => Ok(KeyMaterial::Ec { crv, x, y }),
        SpkiKey::Ed25519(x) => Ok(KeyMaterial::Okp {
            crv: OkpCurve::Ed25519,
            x,
        }),
        SpkiKey::Other => Err(unsupported.to_string()),
    }
}

/// The public key in `text`; the error is what follows "Could not decode
/// PEM: " in Hasura's message (the wording of the parsers differs).
pub fn from_raw_pem(text: &str) -> Result<KeyMaterial, String> {
    let (_, der) = first_pem(text).map_err(|e| e.to_string())?;
    if let Ok((n, e)) = parse_pkcs1_rsa(&der) {
        return Ok(KeyMaterial::Rsa { n, e });
    }
    let as_spki = parse_spki(&der);
    if let Ok(key) = as_spki.clone() {
        return from_spki(key, "This key type is not supported");
    }
    match certificate_spki(&der).and_then(parse_spki) {
        Ok(key) => from_spki(
            key,
            "Could not decode RSA, EdDSA or EC public key from x509 cert",
        ),
        Err(DerError(cert_error)) => {
            let spki_error = as_spki.err().map(|e| e.0).unwrap_or_default();
            Err(format!("{spki_error} {cert_error}"))
        }
    }
}
