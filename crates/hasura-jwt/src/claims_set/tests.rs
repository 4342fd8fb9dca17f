use super::*;
use serde_json::json;

fn decode(value: Value) -> Result<ClaimsSet, String> {
    ClaimsSet::decode(value.to_string().as_bytes())
}

#[test]
fn registered_claims_have_aesons_messages() {
    assert_eq!(
        decode(json!({"exp": "soon"})).unwrap_err(),
        "Error in $.exp: parsing NumericDate failed, expected Number, but encountered String"
    );
    assert_eq!(
        decode(json!({"sub": "auth0 alice:1"})).unwrap_err(),
        "Error in $.sub: failed to parse StringOrURI"
    );
    assert_eq!(
        decode(json!({"aud": ["ok", "é:x"]})).unwrap_err(),
        "Error in $.aud: parsing StringOrURI failed, expected String, but encountered Array"
    );
    assert_eq!(
        decode(json!({"jti": 3})).unwrap_err(),
        "Error in $.jti: parsing Text failed, expected String, but encountered Number"
    );
    assert_eq!(
        decode(json!([1])).unwrap_err(),
        "Error in $: parsing JWT Claims Set failed, expected Object, but encountered Array"
    );
}

#[test]
fn claims_are_decoded_in_joses_order() {
    // iss is read before exp, so its error wins.
    assert_eq!(
        decode(json!({"exp": "x", "iss": "a b:c"})).unwrap_err(),
        "Error in $.iss: failed to parse StringOrURI"
    );
}

#[test]
fn null_registered_claims_are_absent() {
    let claims = decode(json!({"exp": null, "sub": null, "x": null})).unwrap();
    assert!(claims.exp.is_none() && claims.sub.is_none());
    assert_eq!(claims.to_json(), json!({"x": null}));
}

#[test]
fn to_json_writes_a_one_element_audience_as_a_string() {
    let claims = decode(json!({"aud": ["only"], "iss": "https://u:pw@idp/", "k": 1})).unwrap();
    assert_eq!(
        claims.to_json(),
        json!({"aud": "only", "iss": "https://u:...@idp/", "k": 1})
    );
    let claims = decode(json!({"aud": ["a", "b"]})).unwrap();
    assert_eq!(claims.to_json()["aud"], json!(["a", "b"]));
}

#[test]
fn validation_order_and_skew() {
    let claims = decode(json!({"exp": 100, "iat": 200, "nbf": 200})).unwrap();
    let none = Validation::default();
    assert_eq!(claims.validate(&none, 100.0), Err(ClaimError::Expired));
    let skewed = Validation {
        skew: -150.0,
        ..Validation::default()
    };
    assert_eq!(claims.validate(&skewed, 100.0), Ok(()));
    let claims = decode(json!({"aud": []})).unwrap();
    assert_eq!(claims.validate(&none, 0.0), Err(ClaimError::NotInAudience));
}
