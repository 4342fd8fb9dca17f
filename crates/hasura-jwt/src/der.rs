//! Just enough DER and PEM to read the public key out of what Hasura reads.
//!
//! Two places need a certificate's or a PEM's public key: jose compares the
//! first `x5c` certificate with the JWK it sits in, and Hasura's `key` form of
//! the config takes a PEM (PKCS#1, SPKI or an X.509 certificate). Only the
//! path to the `SubjectPublicKeyInfo` is walked; the rest of a certificate is
//! not checked (Haskell's `x509` parses it fully, so a certificate that is
//! malformed after its key is accepted here and refused by Hasura).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::jwk::EcCurve;

/// Why a DER or PEM structure could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DerError(pub String);

fn err(message: &str) -> DerError {
    DerError(message.to_string())
}

/// A public key as a `SubjectPublicKeyInfo` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpkiKey {
    /// `rsaEncryption`: modulus and exponent, big-endian without sign bytes.
    Rsa {
        /// The modulus.
        n: Vec<u8>,
        /// The public exponent.
        e: Vec<u8>,
    },
    /// `id-ecPublicKey` on a named curve jose knows, uncompressed point.
    Ec {
        /// The curve.
        crv: EcCurve,
        /// The x coordinate, full width.
        x: Vec<u8>,
        /// The y coordinate, full width.
        y: Vec<u8>,
    },
    /// `id-Ed25519`: the 32-byte public key.
    Ed25519(Vec<u8>),
    /// Any other algorithm (jose cannot turn it into a JWK).
    Other,
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_SECP256K1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x0a];

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;

/// One tag-length-value element.
struct Tlv<'a> {
    tag: u8,
    value: &'a [u8],
    whole: &'a [u8],
}

/// Reads elements one after another from a byte slice.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn next(&mut self) -> Result<Tlv<'a>, DerError> {
        let bytes = self.rest;
        let (&tag, after_tag) = bytes.split_first().ok_or_else(|| err("truncated DER"))?;
        let (&first, after_len) = after_tag
            .split_first()
            .ok_or_else(|| err("truncated DER"))?;
        let (len, body) = if first < 0x80 {
            (usize::from(first), after_len)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || after_len.len() < count {
                return Err(err("unsupported DER length"));
            }
            let len = after_len[..count]
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            (len, &after_len[count..])
        };
        if body.len() < len {
            return Err(err("truncated DER"));
        }
        let header = bytes.len() - body.len();
        self.rest = &body[len..];
        Ok(Tlv {
            tag,
            value: &body[..len],
            whole: &bytes[..header + len],
        })
    }

    fn take(&mut self, tag: u8, what: &str) -> Result<Tlv<'a>, DerError> {
        let tlv = self.next()?;
        if tlv.tag != tag {
            return Err(DerError(format!("expected {what}")));
        }
        Ok(tlv)
    }
}

fn unsigned(integer: &[u8]) -> Vec<u8> {
    let start = integer
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(integer.len());
    integer[start..].to_vec()
}

/// The `SubjectPublicKeyInfo` element of an X.509 certificate (DER).
pub fn certificate_spki(cert: &[u8]) -> Result<&[u8], DerError> {
    let certificate = Reader::new(cert).take(SEQUENCE, "a certificate SEQUENCE")?;
    let tbs = Reader::new(certificate.value).take(SEQUENCE, "a TBSCertificate SEQUENCE")?;
    let mut fields = Reader::new(tbs.value);
    let mut field = fields.next()?;
    if field.tag == 0xa0 {
        field = fields.next()?;
    }
    if field.tag != INTEGER {
        return Err(err("expected a serial number"));
    }
    for what in [
        "a signature algorithm",
        "an issuer",
        "a validity",
        "a subject",
    ] {
        fields.take(SEQUENCE, what)?;
    }
    Ok(fields.take(SEQUENCE, "a SubjectPublicKeyInfo")?.whole)
}

/// Reads a `SubjectPublicKeyInfo`.
pub fn parse_spki(spki: &[u8]) -> Result<SpkiKey, DerError> {
    let outer = Reader::new(spki).take(SEQUENCE, "a SubjectPublicKeyInfo SEQUENCE")?;
    let mut parts = Reader::new(outer.value);
    let algorithm = parts.take(SEQUENCE, "an AlgorithmIdentifier")?;
    let bits = parts.take(BIT_STRING, "a BIT STRING")?;
    let key = match bits.value.split_first() {
        Some((0, key)) => key,
        _ => return Err(err("a BIT STRING with unused bits")),
    };
    let mut algorithm = Reader::new(algorithm.value);
    let oid = algorithm.take(OID, "an algorithm OID")?;
    match oid.value {
        OID_RSA => {
            let (n, e) = parse_pkcs1_rsa(key)?;
            Ok(SpkiKey::Rsa { n, e })
        }
        OID_EC => {
            if algorithm.is_empty() {
                return Ok(SpkiKey::Other);
            }
            let curve = algorithm.next()?;
            let crv = match (curve.tag, curve.value) {
                (OID, OID_P256) => EcCurve::P256,
                (OID, OID_P384) => EcCurve::P384,
                (OID, OID_P521) => EcCurve::P521,
                (OID, OID_SECP256K1) => EcCurve::Secp256k1,
                _ => return Ok(SpkiKey::Other),
            };
            let width = crv.coordinate_bytes();
            match key.split_first() {
                Some((4, xy)) if xy.len() == 2 * width => Ok(SpkiKey::Ec {
                    crv,
                    x: xy[..width].to_vec(),
                    y: xy[width..].to_vec(),
                }),
                _ => Err(err("Invalid EC point")),
            }
        }
        OID_ED25519 if key.len() == 32 => Ok(SpkiKey::Ed25519(key.to_vec())),
        OID_ED25519 => Err(err("Invalid Ed25519 public key")),
        _ => Ok(SpkiKey::Other),
    }
}

/// Reads a PKCS#1 `RSAPublicKey` (`SEQUENCE { n INTEGER, e INTEGER }`).
pub fn parse_pkcs1_rsa(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), DerError> {
    let outer = Reader::new(der).take(SEQUENCE, "an RSAPublicKey SEQUENCE")?;
    let mut parts = Reader::new(outer.value);
    let n = parts.take(INTEGER, "a modulus")?;
    let e = parts.take(INTEGER, "an exponent")?;
    if !parts.is_empty() {
        return Err(err("Could not decode public key"));
    }
    Ok((unsigned(n.value), unsigned(e.value)))
}

/// The first PEM block of `text`: its label and decoded contents.
///
/// Hasura (`fromRawPem`) also reads only the first block.
pub fn first_pem(text: &str) -> Result<(String, Vec<u8>), DerError> {
    let mut lines = text.lines().map(str::trim);
    let label = loop {
        let line = lines.next().ok_or_else(|| err("No pem found"))?;
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            break label.to_string();
        }
    };
    let end = format!("-----END {label}-----");
    let mut body = String::new();
    for line in lines {
        if line == end {
            let der = STANDARD
                .decode(body.as_bytes())
                .map_err(|e| DerError(format!("invalid base64 in PEM: {e}")))?;
            return Ok((label, der));
        }
        body.push_str(line);
    }
    Err(err("PEM has no end line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rsa_key_of_a_certificate() {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["t.test".to_string()])
            .unwrap()
            .self_signed(&pair)
            .unwrap();
        let from_cert = parse_spki(certificate_spki(cert.der()).unwrap()).unwrap();
        let from_key = parse_spki(&first_pem(&pair.public_key_pem()).unwrap().1).unwrap();
        assert_eq!(from_cert, from_key);
        assert!(matches!(from_cert, SpkiKey::Rsa { ref e, .. } if e == &[1, 0, 1]));
    }

    #[test]
    fn reads_an_ec_key() {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let key = parse_spki(&first_pem(&pair.public_key_pem()).unwrap().1).unwrap();
        assert!(matches!(key, SpkiKey::Ec { crv: EcCurve::P256, ref x, .. } if x.len() == 32));
    }

    #[test]
    fn first_pem_reads_the_first_block() {
        let text = "junk\n-----BEGIN A-----\nAQID\n-----END A-----\n-----BEGIN B-----\nBA==\n-----END B-----\n";
        assert_eq!(first_pem(text).unwrap(), ("A".to_string(), vec![1, 2, 3]));
        assert_eq!(first_pem("nothing").unwrap_err().0, "No pem found");
    }

    #[test]
    fn truncated_der_is_an_error() {
        assert!(certificate_spki(&[0x30, 0x05, 0x30]).is_err());
        assert!(parse_spki(&[]).is_err());
    }
}
