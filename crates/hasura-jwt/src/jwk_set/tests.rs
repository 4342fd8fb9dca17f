use super::*;
use crate::test_keys::TestRsaKey;
use serde_json::json;

fn parse(doc: Value) -> Result<JwkSet, JwkSetError> {
    JwkSet::from_json(doc.to_string().as_bytes())
}

#[test]
fn one_unparsable_key_fails_the_whole_set_and_is_named() {
    let good = TestRsaKey::generate().jwk(Some("good"));
    let err =
        parse(json!({"keys": [good, {"kty": "XYZ", "use": "sig", "kid": "odd"}]})).unwrap_err();
    assert_eq!(err.message, r#"unsupported "kty": String "XYZ""#);
    assert_eq!(
        err.key,
        Some(BrokenKey {
            index: 1,
            kid: Some("odd".into())
        })
    );
    assert_eq!(
        err.to_string(),
        r#"keys[1] (kid "odd"): unsupported "kty": String "XYZ""#
    );
}

#[test]
fn keys_without_use_sig_or_enc_are_dropped_before_jose_sees_them() {
    let good = TestRsaKey::generate().jwk(Some("good"));
    let set = parse(json!({"keys": [
        good,
        {"kty": "XYZ"},
        {"kty": "XYZ", "use": "saml_response_sig"},
        "not even an object",
    ]}))
    .unwrap();
    assert_eq!((set.len(), set.ignored()), (1, 3));
}

#[test]
fn a_key_without_use_is_dropped_even_when_valid() {
    let mut key = TestRsaKey::generate().jwk(None);
    key.as_object_mut().unwrap().remove("use");
    let set = parse(json!({"keys": [key]})).unwrap();
    assert!(set.is_empty());
}

#[test]
fn standard_base64_padding_and_leading_zeros_in_n_and_e_are_repaired() {
    let mut key = TestRsaKey::generate().jwk(None);
    let n = URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap();
    let mut padded = vec![0u8];
    padded.extend_from_slice(&n);
    key["n"] = json!(base64::engine::general_purpose::STANDARD.encode(&padded));
    key["e"] = json!("AAEAAQ==");
    let set = parse(json!({"keys": [key]})).unwrap();
    let KeyMaterial::Rsa { n: parsed, e } = set.keys()[0].material() else {
        panic!("not RSA")
    };
    assert_eq!((parsed, e.as_slice()), (&n, [1u8, 0, 1].as_slice()));
}

#[test]
fn the_document_must_be_an_object_with_a_keys_array() {
    assert_eq!(
        parse(json!([])).unwrap_err().message,
        "parsing JWKSet failed, expected Object, but encountered Array"
    );
    assert_eq!(
        parse(json!({})).unwrap_err().message,
        r#"key "keys" not found"#
    );
    assert_eq!(
        parse(json!({"keys": {}})).unwrap_err().message,
        "parsing [] failed, expected Array, but encountered Object"
    );
    assert!(parse(json!({"keys": []})).unwrap().is_empty());
}
