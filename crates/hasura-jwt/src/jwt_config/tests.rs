use super::*;
use crate::test_keys::TestRsaKey;

fn err(json: &str) -> String {
    match JwtConfig::parse(json) {
        Ok(_) => panic!("expected an error for {json}"),
        Err(e) => e.message,
    }
}

#[test]
fn jwk_url_config_with_defaults() {
    let config = JwtConfig::parse(
        r#"{"jwk_url":"http://idp:8000/.well-known/jwks.json","type":"ignored",
            "issuer":"http://idp:8000/","audience":"hasura-test","allowed_skew":5}"#,
    )
    .unwrap();
    assert!(
        matches!(config.keys, KeySource::JwkUrl(ref u) if u.as_str() == "http://idp:8000/.well-known/jwks.json")
    );
    assert_eq!(config.audience, Some(vec!["hasura-test".to_string()]));
    assert_eq!(config.issuer.as_deref(), Some("http://idp:8000/"));
    assert_eq!(config.allowed_skew, Some(5.0));
    assert_eq!(config.header, TokenLocation::Authorization);
    assert_eq!(
        config.claims,
        ClaimsConfig::Namespace {
            namespace: ClaimsNamespace::Key(DEFAULT_CLAIMS_NAMESPACE.into()),
            format: ClaimsFormat::Json
        }
    );
}

#[test]
fn key_and_url_rules() {
    assert_eq!(
        err(r#"{}"#),
        "Error in $: key and jwk_url both cannot be empty"
    );
    assert_eq!(
        err(r#"{"key":"x","jwk_url":"http://a/"}"#),
        "Error in $: key, jwk_url both cannot be present"
    );
    assert_eq!(
        err(r#"{"key":"abc"}"#),
        "Error in $: key \"type\" not found"
    );
    assert_eq!(
        err(r#"{"type":"HS256","key":"short"}"#),
        "Error in $: Invalid JWK: Key size too small; should be atleast 32 characters"
    );
    assert_eq!(
        err(r#"{"type":"HS512","key":"0123456789012345678901234567890123456789"}"#),
        "Error in $: Invalid JWK: Key size too small; should be atleast 64 characters"
    );
    assert_eq!(
        err(r#"{"type":"PS256","key":"x"}"#),
        "Error in $: Invalid JWK: Key type: PS256 is not supported"
    );
    assert!(
        err(r#"{"type":"RS256","key":"not a pem"}"#)
            .starts_with("Error in $: Invalid JWK: Could not decode PEM")
    );
    assert_eq!(
        err(r#"{"jwk_url":"http://a/","claims_namespace":"a","claims_namespace_path":"$.b"}"#),
        "Error in $: claims_namespace and claims_namespace_path both cannot be set"
    );
    assert_eq!(
        err("[]"),
        "Error in $: parsing JWTConfig failed, expected Object, but encountered Array"
    );
    assert_eq!(
        err(r#"{"jwk_url":"http://a/","issuer":3}"#),
        "Error in $.issuer: parsing StringOrURI failed, expected String, but encountered Number"
    );
    assert_eq!(
        err(r#"{"jwk_url":"http://a/","header":{"type":"Bearer"}}"#),
        "Error in $.header: expected 'type' is 'Authorization' or 'Cookie' or 'CustomHeader'"
    );
    assert!(
        err(r#"{"jwk_url":"http://a/","claims_format":"yaml"}"#).contains("but found tag \"yaml\"")
    );
    assert!(
        err(r#"{"jwk_url":"http://a/","claims_namespace_path":"$.1x"}"#)
            .starts_with("Error in $: invalid JSON path claims_namespace_path error: $.1x. Accept")
    );
}

#[test]
fn static_keys() {
    let config =
        JwtConfig::parse(r#"{"type":"HS256","key":"0123456789abcdef0123456789abcdef"}"#).unwrap();
    assert!(matches!(config.keys, KeySource::Static(ref s) if s.len() == 1));
    let rsa = TestRsaKey::generate();
    let json = serde_json::json!({"type": "RS512", "key": rsa.public_pem()}).to_string();
    let config = JwtConfig::parse(&json).unwrap();
    assert!(matches!(config.keys, KeySource::Static(ref s) if s.len() == 1));
    let ec = rcgen::KeyPair::generate().unwrap();
    let json = serde_json::json!({"type": "ES256", "key": ec.public_key_pem()}).to_string();
    assert!(JwtConfig::parse(&json).is_ok());
}

#[test]
fn header_namespace_and_claims_map() {
    let config = JwtConfig::parse(
        r#"{"jwk_url":"http://a/","header":{"type":"cookie","name":"tok"},
            "claims_namespace_path":"$.hasura.claims","claims_format":"stringified_json",
            "audience":["a","b"]}"#,
    )
    .unwrap();
    assert_eq!(config.header, TokenLocation::Cookie("tok".into()));
    assert_eq!(
        config.audience,
        Some(vec!["a".to_string(), "b".to_string()])
    );
    assert!(matches!(
        config.claims,
        ClaimsConfig::Namespace {
            namespace: ClaimsNamespace::Path(_),
            format: ClaimsFormat::StringifiedJson
        }
    ));
    let config = JwtConfig::parse(
        r#"{"jwk_url":"http://a/","claims_map":{
            "x-hasura-allowed-roles":{"path":"$.roles"},
            "x-hasura-default-role":"user",
            "x-hasura-user-id":{"path":"$.sub","default":"nobody"}}}"#,
    )
    .unwrap();
    let ClaimsConfig::Map(map) = config.claims else {
        panic!("expected a claims map")
    };
    assert_eq!(map.default_role, ClaimsMapValue::Static("user".into()));
    assert_eq!(map.other.len(), 1);
    assert_eq!(
        err(r#"{"jwk_url":"http://a/","claims_map":{"x-hasura-default-role":"user"}}"#),
        "Error in $.claims_map: x-hasura-allowed-roles is expected but not found"
    );
}
