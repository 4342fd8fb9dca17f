use super::*;
use crate::test_keys::{TestRsaKey, compact};
use serde_json::json;
use std::sync::OnceLock;

fn key() -> &'static TestRsaKey {
    static KEY: OnceLock<TestRsaKey> = OnceLock::new();
    KEY.get_or_init(TestRsaKey::generate)
}

fn keys() -> JwkSet {
    let doc = json!({"keys": [key().jwk(None)]});
    JwkSet::from_json(doc.to_string().as_bytes()).unwrap()
}

fn check(token: &str) -> Result<ClaimsSet, String> {
    verify_claims_at(token, &keys(), &Validation::default(), 0.0).map_err(|e| e.to_string())
}

fn rs256(header: Value, claims: Value) -> String {
    compact(&header, &claims, |m| key().rs256(m))
}

#[test]
fn the_error_reads_like_haskells_show() {
    assert_eq!(
        check("a.b").unwrap_err(),
        "JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got 2)"
    );
    assert_eq!(
        check("a.b*.c").unwrap_err(),
        r#"JWSError (JSONDecodeError "Not valid base64url")"#
    );
    let no_alg = rs256(json!({"typ": "JWT"}), json!({}));
    assert_eq!(
        check(&no_alg).unwrap_err(),
        r#"JWSError (JSONDecodeError "missing required header \"alg\"")"#
    );
    let bad_alg = rs256(json!({"alg": "RS1"}), json!({}));
    assert!(
        check(&bad_alg)
            .unwrap_err()
            .starts_with(r#"JWSError (JSONDecodeError "unrecognised value; expected: [\"HS256\","#)
    );
    let bad_kid = rs256(json!({"alg": "RS256", "kid": 1}), json!({}));
    assert_eq!(
        check(&bad_kid).unwrap_err(),
        r#"JWSError (JSONDecodeError "parsing Text failed, expected String, but encountered Number")"#
    );
}

#[test]
fn the_claims_are_decoded_before_the_signature_is_checked() {
    let forged = compact(&json!({"alg": "RS256"}), &json!({"exp": "soon"}), |_| {
        b"forged".to_vec()
    });
    assert_eq!(
        check(&forged).unwrap_err(),
        r#"JWTClaimsSetDecodeError "Error in $.exp: parsing NumericDate failed, expected Number, but encountered String""#
    );
}

#[test]
fn alg_none_has_no_signature_to_check() {
    let none = compact(&json!({"alg": "none"}), &json!({}), |_| Vec::new());
    assert_eq!(check(&none).unwrap_err(), "JWSError JWSNoSignatures");
    let empty = verify_claims_at(&none, &JwkSet::empty(), &Validation::default(), 0.0);
    assert_eq!(empty.unwrap_err().to_string(), "JWSError JWSNoSignatures");
}

#[test]
fn a_good_signature_then_the_claims_are_validated() {
    assert!(check(&rs256(json!({"alg": "RS256"}), json!({"exp": 10}))).is_ok());
    assert_eq!(
        check(&rs256(json!({"alg": "RS256"}), json!({"exp": 0}))).unwrap_err(),
        "JWTExpired"
    );
    let other = TestRsaKey::generate();
    let token = compact(&json!({"alg": "RS256"}), &json!({}), |m| other.rs256(m));
    assert_eq!(check(&token).unwrap_err(), "JWSError JWSInvalidSignature");
    let token = rs256(json!({"alg": "RS256"}), json!({}));
    let empty = verify_claims_at(&token, &JwkSet::empty(), &Validation::default(), 0.0);
    assert_eq!(empty.unwrap_err().to_string(), "JWSError NoUsableKeys");
}
