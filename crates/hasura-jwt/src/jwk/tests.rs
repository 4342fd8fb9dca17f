use super::*;
use crate::der::first_pem;
use crate::test_keys::TestRsaKey;
use serde_json::json;

const RSA_A: &str = include_str!("../../tests/cases/keys/rsa-a.pem");
const CERT_A: &str = include_str!("../../tests/cases/keys/cert-a.pem");
const CERT_B: &str = include_str!("../../tests/cases/keys/cert-b.pem");

fn cert_b64(pem: &str) -> String {
    STANDARD.encode(first_pem(pem).unwrap().1)
}

fn key_a() -> Value {
    TestRsaKey::from_pem(RSA_A).jwk(Some("a"))
}

fn with(mut jwk: Value, member: &str, value: Value) -> Value {
    jwk[member] = value;
    jwk
}

fn refused(jwk: Value) -> String {
    parse_jwk(&jwk).unwrap_err()
}

#[test]
fn an_rsa_jwk_parses_to_its_modulus_and_exponent() {
    let jwk = parse_jwk(&key_a()).unwrap();
    assert_eq!(jwk.kid.as_deref(), Some("a"));
    assert!(matches!(jwk.material, KeyMaterial::Rsa { ref e, .. } if e == &[1, 0, 1]));
}

#[test]
fn an_unknown_kty_is_refused_with_aesons_show() {
    assert_eq!(
        refused(json!({"kty": "XYZ"})),
        r#"unsupported "kty": String "XYZ""#
    );
    assert_eq!(refused(json!({"n": "AQAB"})), r#"missing "kty" parameter"#);
}

#[test]
fn an_x5t_must_be_20_bytes() {
    assert_eq!(
        refused(with(key_a(), "x5t", json!("AAAA"))),
        "incorrect number of bytes"
    );
    let twenty = URL_SAFE_NO_PAD.encode([7u8; 20]);
    assert!(parse_jwk(&with(key_a(), "x5t", json!(twenty))).is_ok());
}

#[test]
fn an_x5t_s256_must_be_32_bytes() {
    let twenty = URL_SAFE_NO_PAD.encode([7u8; 20]);
    assert_eq!(
        refused(with(key_a(), "x5t#S256", json!(twenty))),
        "incorrect number of bytes"
    );
}

#[test]
fn an_x5c_certificate_must_hold_the_jwk_key() {
    assert!(parse_jwk(&with(key_a(), "x5c", json!([cert_b64(CERT_A)]))).is_ok());
    assert_eq!(
        refused(with(key_a(), "x5c", json!([cert_b64(CERT_B)]))),
        r#"X.509 cert in "x5c" param does not match key"#
    );
}

#[test]
fn an_x5c_is_standard_base64_and_not_empty() {
    assert!(refused(with(key_a(), "x5c", json!(["AA-_"]))).starts_with("invalid base64"));
    assert_eq!(
        refused(with(key_a(), "x5c", json!([]))),
        "parsing NonEmpty failed, unexpected empty list"
    );
}

#[test]
fn rsa_integers_must_not_have_leading_zero_bytes() {
    assert_eq!(
        refused(with(key_a(), "e", json!("AAEAAQ"))),
        "leading null byte"
    );
    assert_eq!(
        refused(with(key_a(), "n", json!(""))),
        "empty octet sequence"
    );
    assert_eq!(
        refused(with(key_a(), "n", json!("a+b/"))),
        "Not valid base64url"
    );
}

#[test]
fn an_ec_point_must_be_on_its_curve() {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let der = first_pem(&pair.public_key_pem()).unwrap().1;
    let point = &der[der.len() - 64..];
    let ec = |y: &[u8]| {
        json!({"kty": "EC", "crv": "P-256", "use": "sig",
               "x": URL_SAFE_NO_PAD.encode(&point[..32]), "y": URL_SAFE_NO_PAD.encode(y)})
    };
    assert!(parse_jwk(&ec(&point[32..])).is_ok());
    let mut y = point[32..].to_vec();
    y[31] ^= 1;
    assert_eq!(refused(ec(&y)), "point is not on specified curve");
    assert_eq!(refused(ec(&y[1..])), "expected 32 octets, found 31");
}

#[test]
fn jwk_members_have_jose_types() {
    assert_eq!(
        refused(with(key_a(), "kid", json!(7))),
        "parsing Text failed, expected String, but encountered Number"
    );
    assert_eq!(
        refused(with(key_a(), "use", json!("signing"))),
        r#"unrecognised value; expected: ["sig","enc"]"#
    );
    assert!(
        refused(with(key_a(), "alg", json!("RS999")))
            .starts_with(r#"unrecognised value; expected: ["RSA1_5","RSA-OAEP""#)
    );
    assert!(parse_jwk(&with(key_a(), "alg", json!("RSA-OAEP"))).is_ok());
    assert_eq!(refused(with(key_a(), "x5u", json!("a b:c"))), "not a URI");
}
