//! jose's `FromJSON JWK`: which JSON objects Hasura takes for keys.
//!
//! Hasura hands each entry of a JWK Set to jose (`Crypto.JOSE.JWK`), and one
//! entry jose refuses fails the whole set. The checks here are jose 0.11's,
//! in its order (key material first, then `use`, `key_ops`, `alg`, `kid`,
//! `x5u`, `x5c`, `x5t`, `x5t#S256`, then "does the `x5c` certificate hold
//! this key"), and the messages are the ones aeson's `fromJSON` gives back:
//! Hasura logs them without a JSON path.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use crate::der::{SpkiKey, certificate_spki, parse_spki};
use crate::haskell::{show_string, show_value, type_mismatch};
use crate::uri::is_uri;

/// jose's `Crv`: the curves of `kty: EC` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcCurve {
    /// `P-256` (ES256).
    P256,
    /// `P-384` (ES384).
    P384,
    /// `P-521` (ES512).
    P521,
    /// `secp256k1` (ES256K).
    Secp256k1,
}

impl EcCurve {
    /// The width of one coordinate, which jose requires exactly.
    pub fn coordinate_bytes(self) -> usize {
        match self {
            EcCurve::P256 | EcCurve::Secp256k1 => 32,
            EcCurve::P384 => 48,
            EcCurve::P521 => 66,
        }
    }
}

/// The curves of `kty: OKP` keys (RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkpCurve {
    /// EdDSA with Ed25519.
    Ed25519,
    /// Key agreement only.
    X25519,
    /// EdDSA with Ed448.
    Ed448,
    /// Key agreement only.
    X448,
}

/// The public material of a key, in the form jose compares keys by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// `kty: RSA`: big-endian integers without leading zero bytes.
    Rsa {
        /// The modulus.
        n: Vec<u8>,
        /// The public exponent.
        e: Vec<u8>,
    },
    /// `kty: EC`: full-width coordinates.
    Ec {
        /// The curve.
        crv: EcCurve,
        /// The x coordinate.
        x: Vec<u8>,
        /// The y coordinate.
        y: Vec<u8>,
    },
    /// `kty: oct`: the secret.
    Oct(Vec<u8>),
    /// `kty: OKP`: the public key bytes.
    Okp {
        /// The curve.
        crv: OkpCurve,
        /// The public key.
        x: Vec<u8>,
    },
}

/// A JWK jose accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    /// The key itself.
    pub material: KeyMaterial,
    /// `kid`, for diagnostics: Hasura never selects keys by it.
    pub kid: Option<String>,
}

type Parsed<T> = Result<T, String>;

fn required<'a>(o: &'a Map<String, Value>, key: &str) -> Parsed<&'a Value> {
    o.get(key)
        .ok_or_else(|| format!("key {} not found", show_string(key)))
}

/// aeson's `.:?`: absent and `null` both mean "not there".
fn optional<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

fn text<'a>(value: &'a Value, context: &str) -> Parsed<&'a str> {
    value
        .as_str()
        .ok_or_else(|| type_mismatch(context, "String", value))
}

fn base64url(value: &Value, context: &str) -> Parsed<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text(value, context)?)
        .map_err(|_| "Not valid base64url".to_string())
}

/// jose's `Base64Integer`: no empty value, no leading zero byte.
fn base64_integer(value: &Value) -> Parsed<Vec<u8>> {
    let bytes = base64url(value, "base64url integer")?;
    match bytes.as_slice() {
        [] => Err("empty octet sequence".to_string()),
        [0] => Ok(Vec::new()),
        [0, ..] => Err("leading null byte".to_string()),
        _ => Ok(bytes),
    }
}

/// jose's `SizedBase64Integer` checked against a width.
fn sized_integer(value: &Value, width: usize) -> Parsed<Vec<u8>> {
    let bytes = base64url(value, "full size base64url integer")?;
    if bytes.len() != width {
        return Err(format!("expected {width} octets, found {}", bytes.len()));
    }
    Ok(bytes)
}

/// A value of a jose enumeration (`deriveJOSEType`).
fn one_of<'a>(value: &Value, allowed: &[&'a str]) -> Parsed<&'a str> {
    let found = value
        .as_str()
        .and_then(|s| allowed.iter().find(|a| **a == s).copied());
    found.ok_or_else(|| {
        let list: Vec<String> = allowed.iter().map(|a| show_string(a)).collect();
        format!("unrecognised value; expected: [{}]", list.join(","))
    })
}

/// jose's JWS algorithms (`Crypto.JOSE.JWA.JWS.Alg`).
pub const JWS_ALGS: [&str; 15] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "ES256K",
    "PS256", "PS384", "PS512", "none", "EdDSA",
];

const JWE_ALGS: [&str; 17] = [
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "A128KW",
    "A192KW",
    "A256KW",
    "dir",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];

const KEY_OPS: [&str; 8] = [
    "sign",
    "verify",
    "encrypt",
    "decrypt",
    "wrapKey",
    "unwrapKey",
    "deriveKey",
    "deriveBits",
];

fn rsa_material(o: &Map<String, Value>) -> Parsed<KeyMaterial> {
    let n = base64_integer(required(o, "n")?)?;
    let e = base64_integer(required(o, "e")?)?;
    if o.contains_key("d") {
        base64_integer(required(o, "d")?)?;
        if ["p", "q", "dp", "dq", "qi", "oth"]
            .iter()
            .any(|k| o.contains_key(*k))
        {
            for member in ["p", "q", "dp", "dq", "qi"] {
                base64_integer(required(o, member)?)?;
            }
            if let Some(others) = optional(o, "oth") {
                let items = others
                    .as_array()
                    .ok_or_else(|| type_mismatch("NonEmpty", "Array", others))?;
                for item in items {
                    let item = item
                        .as_object()
                        .ok_or_else(|| type_mismatch("oth", "Object", item))?;
                    for member in ["r", "d", "t"] {
                        base64_integer(required(item, member)?)?;
                    }
                }
                if items.is_empty() {
                    return Err("parsing NonEmpty failed, unexpected empty list".to_string());
                }
            }
        }
    }
    Ok(KeyMaterial::Rsa { n, e })
}

fn ec_material(o: &Map<String, Value>) -> Parsed<KeyMaterial> {
    let crv = match one_of(
        required(o, "crv")?,
        &["P-256", "P-384", "P-521", "secp256k1"],
    )? {
        "P-256" => EcCurve::P256,
        "P-384" => EcCurve::P384,
        "P-521" => EcCurve::P521,
        _ => EcCurve::Secp256k1,
    };
    let width = crv.coordinate_bytes();
    let x = sized_integer(required(o, "x")?, width)?;
    let y = sized_integer(required(o, "y")?, width)?;
    if !crate::signature::point_is_on_curve(crv, &x, &y) {
        return Err("point is not on specified curve".to_string());
    }
    if let Some(d) = optional(o, "d") {
        sized_integer(d, width)?;
    }
    Ok(KeyMaterial::Ec { crv, x, y })
}

fn okp_material(o: &Map<String, Value>) -> Parsed<KeyMaterial> {
    let (crv, size) = match text(required(o, "crv")?, "Text")? {
        "Ed25519" => (OkpCurve::Ed25519, 32),
        "X25519" => (OkpCurve::X25519, 32),
        "Ed448" => (OkpCurve::Ed448, 57),
        "X448" => (OkpCurve::X448, 56),
        _ => return Err("unrecognised OKP key subtype".to_string()),
    };
    let x = base64url(required(o, "x")?, "Base64Octets")?;
    if x.len() != size {
        return Err("CryptoError_PublicKeySizeInvalid".to_string());
    }
    if let Some(d) = optional(o, "d")
        && base64url(d, "Base64Octets")?.len() != size
    {
        return Err("CryptoError_SecretKeySizeInvalid".to_string());
    }
    Ok(KeyMaterial::Okp { crv, x })
}

fn key_material(o: &Map<String, Value>) -> Parsed<KeyMaterial> {
    match o.get("kty") {
        None => Err("missing \"kty\" parameter".to_string()),
        Some(Value::String(kty)) if kty == "EC" => ec_material(o),
        Some(Value::String(kty)) if kty == "RSA" => rsa_material(o),
        Some(Value::String(kty)) if kty == "oct" => Ok(KeyMaterial::Oct(base64url(
            required(o, "k")?,
            "Base64Octets",
        )?)),
        Some(Value::String(kty)) if kty == "OKP" => okp_material(o),
        Some(other) => Err(format!("unsupported \"kty\": {}", show_value(other))),
    }
}

/// jose's `Maybe (NonEmpty Base64X509)` for `x5c`: standard (not URL-safe)
/// base64 DER certificates.
pub fn certificate_chain(value: &Value) -> Parsed<Vec<Vec<u8>>> {
    let items = value
        .as_array()
        .ok_or_else(|| type_mismatch("NonEmpty", "Array", value))?;
    let mut chain = Vec::with_capacity(items.len());
    for item in items {
        let encoded = text(item, "base64url X.509 certificate")?;
        let der = STANDARD
            .decode(encoded)
            .map_err(|e| format!("invalid base64: {e}"))?;
        certificate_spki(&der).map_err(|e| e.to_string())?;
        chain.push(der);
    }
    if chain.is_empty() {
        return Err("parsing NonEmpty failed, unexpected empty list".to_string());
    }
    Ok(chain)
}

/// jose's `Base64SHA1` / `Base64SHA256`: a digest of exactly `size` bytes.
/// Nothing compares it with the certificate.
pub fn thumbprint(value: &Value, context: &str, size: usize) -> Parsed<()> {
    if base64url(value, context)?.len() != size {
        return Err("incorrect number of bytes".to_string());
    }
    Ok(())
}

/// jose's `certMatchesKey`: the certificate's key, turned into a JWK, equals
/// this one. Only RSA and EC certificates turn into JWKs.
fn certificate_matches(material: &KeyMaterial, cert: &[u8]) -> bool {
    let Ok(key) = certificate_spki(cert).and_then(parse_spki) else {
        return false;
    };
    match (material, key) {
        (KeyMaterial::Rsa { n, e }, SpkiKey::Rsa { n: cn, e: ce }) => *n == cn && *e == ce,
        (
            KeyMaterial::Ec { crv, x, y },
            SpkiKey::Ec {
                crv: cc,
                x: cx,
                y: cy,
            },
        ) => *crv == cc && *x == cx && *y == cy,
        _ => false,
    }
}

/// Parses one JWK as jose does; the error is jose's (aeson's) message.
pub fn parse_jwk(value: &Value) -> Parsed<Jwk> {
    let o = value
        .as_object()
        .ok_or_else(|| type_mismatch("JWK", "Object", value))?;
    let material = key_material(o)?;
    if let Some(usage) = optional(o, "use") {
        one_of(usage, &["sig", "enc"])?;
    }
    if let Some(ops) = optional(o, "key_ops") {
        let items = ops
            .as_array()
            .ok_or_else(|| type_mismatch("[]", "Array", ops))?;
        for op in items {
            one_of(op, &KEY_OPS)?;
        }
    }
    if let Some(alg) = optional(o, "alg")
        && one_of(alg, &JWS_ALGS).is_err()
    {
        one_of(alg, &JWE_ALGS)?;
    }
    let kid = optional(o, "kid")
        .map(|k| text(k, "Text").map(str::to_string))
        .transpose()?;
    if let Some(x5u) = o.get("x5u")
        && !is_uri(text(x5u, "URI")?)
    {
        return Err("not a URI".to_string());
    }
    let chain = optional(o, "x5c").map(certificate_chain).transpose()?;
    if let Some(x5t) = optional(o, "x5t") {
        thumbprint(x5t, "base64url SHA-1", 20)?;
    }
    if let Some(x5t) = optional(o, "x5t#S256") {
        thumbprint(x5t, "base64url SHA-256", 32)?;
    }
    if let Some(chain) = chain
        && !certificate_matches(&material, &chain[0])
    {
        return Err("X.509 cert in \"x5c\" param does not match key".to_string());
    }
    Ok(Jwk { material, kid })
}

#[cfg(test)]
mod tests;
