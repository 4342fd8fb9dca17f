use super::*;
use crate::test_keys::TestRsaKey;
use http::HeaderValue;
use std::sync::OnceLock;
use std::time::Duration;

const NOW: u64 = 1_700_000_000;
const ISS: &str = "http://idp.test/";
const AUD: &str = "https://api.auth0-mock.test";

fn key() -> &'static TestRsaKey {
    static KEY: OnceLock<TestRsaKey> = OnceLock::new();
    KEY.get_or_init(TestRsaKey::generate)
}

fn other_key() -> &'static TestRsaKey {
    static KEY: OnceLock<TestRsaKey> = OnceLock::new();
    KEY.get_or_init(TestRsaKey::generate)
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

fn keys() -> JwkSet {
    let doc = json!({"keys": [other_key().jwk(Some("other")), key().jwk(Some("main"))]});
    JwkSet::from_json(doc.to_string().as_bytes()).unwrap()
}

fn config(extra: Value) -> JwtConfig {
    let mut base =
        json!({"jwk_url": "http://idp.test/.well-known/jwks.json", "issuer": ISS, "audience": AUD});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    JwtConfig::from_value(&base).unwrap()
}

fn claims() -> Value {
    json!({
        "iss": ISS, "aud": [AUD, "https://tenant.auth0-mock.test/userinfo"], "sub": "auth0|alice",
        "iat": NOW - 10, "exp": NOW + 3600,
        "https://hasura.io/jwt/claims": {
            "x-hasura-default-role": "user",
            "x-hasura-allowed-roles": ["user", "editor"],
            "x-hasura-user-id": "auth0|alice"
        }
    })
}

fn with(mut base: Value, path: &[&str], value: Value) -> Value {
    let mut target = &mut base;
    for p in &path[..path.len() - 1] {
        target = &mut target[*p];
    }
    let last = path[path.len() - 1];
    if value.is_null() {
        target.as_object_mut().unwrap().remove(last);
    } else {
        target[last] = value;
    }
    base
}

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
    );
    h
}

fn settings() -> AuthSettings {
    AuthSettings {
        admin_secret: Some("s3cret".into()),
        unauthorized_role: None,
    }
}

fn run(config: &JwtConfig, headers: &HeaderMap) -> Result<Session, HasuraError> {
    authenticate(config, &keys(), &settings(), headers, now())
}

fn fails(config: &JwtConfig, headers: &HeaderMap, code: ErrorCode, message: &str) {
    let err = run(config, headers).unwrap_err();
    assert_eq!((err.code, err.message.as_str()), (code, message));
}

#[test]
fn accepts_a_good_token_and_derives_the_session() {
    let token = key().sign(&claims(), Some("main"));
    let session = run(&config(json!({})), &bearer(&token)).unwrap();
    assert_eq!(session.role, "user");
    assert_eq!(session.variable("X-Hasura-User-Id"), Some("auth0|alice"));
    assert_eq!(session.variable("x-hasura-role"), Some("user"));
    assert_eq!(session.variables.len(), 2);
    assert_eq!(session.token_expiry, Some((NOW + 3600) as f64));
    assert_eq!(
        session.to_json(),
        json!({"role": "user", "session_variables": {"x-hasura-role": "user", "x-hasura-user-id": "auth0|alice"}})
    );
}

#[test]
fn kid_is_ignored_and_every_key_is_tried() {
    for kid in [None, Some("other"), Some("unknown")] {
        let token = key().sign(&claims(), kid);
        assert!(
            run(&config(json!({})), &bearer(&token)).is_ok(),
            "kid {kid:?}"
        );
    }
    let stranger = TestRsaKey::generate();
    let token = stranger.sign(&claims(), Some("main"));
    fails(
        &config(json!({})),
        &bearer(&token),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWSError JWSInvalidSignature",
    );
    let token = key().sign(&claims(), None);
    let err = authenticate(
        &config(json!({})),
        &JwkSet::empty(),
        &settings(),
        &bearer(&token),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.message, "Could not verify JWT: JWSError NoUsableKeys");
}

#[test]
fn header_problems() {
    let c = config(json!({}));
    fails(
        &c,
        &HeaderMap::new(),
        ErrorCode::InvalidHeaders,
        "Missing 'Authorization' or 'Cookie' header in JWT authentication mode",
    );
    for bad in ["bearer abc", "Bearer", "Bearer a b", "Token abc"] {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_str(bad).unwrap());
        fails(
            &c,
            &h,
            ErrorCode::InvalidHeaders,
            "Malformed Authorization header",
        );
    }
    let mut h = bearer(&key().sign(&claims(), None));
    h.append(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {}", key().sign(&claims(), None))).unwrap(),
    );
    fails(
        &c,
        &h,
        ErrorCode::InvalidHeaders,
        "Could not verify JWT: Multiple JWTs found",
    );
    // Tabs and repeated spaces are whitespace too.
    let mut h = HeaderMap::new();
    h.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer \t {}", key().sign(&claims(), None))).unwrap(),
    );
    assert!(run(&c, &h).is_ok());
    let unauth = AuthSettings {
        unauthorized_role: Some("anonymous".into()),
        ..settings()
    };
    let mut h = HeaderMap::new();
    h.insert("x-hasura-role", HeaderValue::from_static("user"));
    h.insert("x-hasura-user-id", HeaderValue::from_static("u9"));
    let s = authenticate(&c, &keys(), &unauth, &h, now()).unwrap();
    assert_eq!(s.role, "anonymous");
    assert_eq!(s.variable("x-hasura-user-id"), Some("u9"));
}

#[test]
fn garbage_token_is_invalid_jwt() {
    let c = config(json!({}));
    let err = run(&c, &bearer("not-a-jwt")).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidJwt);
    assert!(err.message.starts_with("Could not verify JWT: JWSError"));
}

#[test]
fn issuer_is_pre_matched_before_the_signature() {
    let stranger = TestRsaKey::generate();
    let token = stranger.sign(&with(claims(), &["iss"], json!("http://evil/")), None);
    fails(
        &config(json!({})),
        &bearer(&token),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWTNotInIssuer",
    );
    // No iss in the token: matches, and then verifies fine.
    let token = key().sign(&with(claims(), &["iss"], Value::Null), None);
    assert!(run(&config(json!({})), &bearer(&token)).is_ok());
}

#[test]
fn time_claims_with_skew() {
    let c = config(json!({}));
    let expired = key().sign(&with(claims(), &["exp"], json!(NOW - 1)), None);
    fails(
        &c,
        &bearer(&expired),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWTExpired",
    );
    let at_now = key().sign(&with(claims(), &["exp"], json!(NOW)), None);
    fails(
        &c,
        &bearer(&at_now),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWTExpired",
    );
    let skewed = config(json!({"allowed_skew": 5}));
    assert!(run(&skewed, &bearer(&expired)).is_ok());
    let future_iat = key().sign(&with(claims(), &["iat"], json!(NOW + 10)), None);
    fails(
        &c,
        &bearer(&future_iat),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWTIssuedAtFuture",
    );
    let nbf = key().sign(&with(claims(), &["nbf"], json!(NOW + 3)), None);
    fails(
        &c,
        &bearer(&nbf),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWTNotYetValid",
    );
    assert!(run(&skewed, &bearer(&nbf)).is_ok());
    // exp is checked before iat.
    let both = key().sign(
        &with(
            with(claims(), &["exp"], json!(NOW - 1)),
            &["iat"],
            json!(NOW + 10),
        ),
        None,
    );
    fails(
        &c,
        &bearer(&both),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWTExpired",
    );
    // Missing exp/iat/nbf/aud are not errors.
    let bare = with(
        with(with(claims(), &["exp"], Value::Null), &["iat"], Value::Null),
        &["aud"],
        Value::Null,
    );
    assert!(run(&c, &bearer(&key().sign(&bare, None))).is_ok());
    let bad_exp = key().sign(&with(claims(), &["exp"], json!("tomorrow")), None);
    let err = run(&c, &bearer(&bad_exp)).unwrap_err();
    assert!(
        err.message
            .starts_with("Could not verify JWT: JWTClaimsSetDecodeError"),
        "{}",
        err.message
    );
}

#[test]
fn audience_rules() {
    let c = config(json!({}));
    let wrong = key().sign(&with(claims(), &["aud"], json!("https://other")), None);
    fails(
        &c,
        &bearer(&wrong),
        ErrorCode::InvalidJwt,
        "Could not verify JWT: JWTNotInAudience",
    );
    let single = key().sign(&with(claims(), &["aud"], json!(AUD)), None);
    assert!(run(&c, &bearer(&single)).is_ok());
    let list_config = config(json!({"audience": ["x", AUD]}));
    assert!(run(&list_config, &bearer(&single)).is_ok());
    let no_aud_config = config(json!({"audience": null}));
    assert!(run(&no_aud_config, &bearer(&wrong)).is_ok());
}

#[test]
fn role_selection() {
    let c = config(json!({}));
    let token = key().sign(&claims(), None);
    let mut h = bearer(&token);
    h.insert("x-hasura-role", HeaderValue::from_static("editor"));
    assert_eq!(run(&c, &h).unwrap().role, "editor");
    h.insert("x-hasura-role", HeaderValue::from_static("Editor"));
    fails(
        &c,
        &h,
        ErrorCode::AccessDenied,
        "Your requested role is not in allowed roles",
    );
    h.insert("x-hasura-role", HeaderValue::from_static("admin"));
    fails(
        &c,
        &h,
        ErrorCode::AccessDenied,
        "Your requested role is not in allowed roles",
    );
    h.insert("x-hasura-role", HeaderValue::from_static(""));
    assert_eq!(run(&c, &h).unwrap().role, "user");
    let ns = "https://hasura.io/jwt/claims";
    let odd_default = key().sign(
        &with(claims(), &[ns, "x-hasura-default-role"], json!("viewer")),
        None,
    );
    fails(
        &c,
        &bearer(&odd_default),
        ErrorCode::AccessDenied,
        "Your requested role is not in allowed roles",
    );
}

#[test]
fn claim_shapes() {
    let c = config(json!({}));
    let ns = "https://hasura.io/jwt/claims";
    let t = key().sign(&with(claims(), &[ns], Value::Null), None);
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        "claims key: 'https://hasura.io/jwt/claims' not found",
    );
    let t = key().sign(&with(claims(), &[ns], json!("{}")), None);
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        "expecting a json object when claims_format is json",
    );
    let t = key().sign(
        &with(claims(), &[ns, "x-hasura-allowed-roles"], Value::Null),
        None,
    );
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtMissingRoleClaims,
        r#"JWT claim does not contain "x-hasura-allowed-roles""#,
    );
    let t = key().sign(
        &with(claims(), &[ns, "x-hasura-default-role"], Value::Null),
        None,
    );
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtMissingRoleClaims,
        r#"JWT claim does not contain "x-hasura-default-role""#,
    );
    let t = key().sign(
        &with(claims(), &[ns, "x-hasura-allowed-roles"], json!("user")),
        None,
    );
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        r#"invalid "x-hasura-allowed-roles"; should be a list of roles: parsing [] failed, expected Array, but encountered String"#,
    );
    let t = key().sign(
        &with(claims(), &[ns, "x-hasura-default-role"], json!(["user"])),
        None,
    );
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        r#"invalid "x-hasura-default-role"; should be a single role name: parsing String failed, expected String, but encountered Array"#,
    );
    let t = key().sign(
        &with(claims(), &[ns, "x-hasura-org-ids"], json!(["a", "b"])),
        None,
    );
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        "x-hasura-* claims: parsing Text failed, expected String, but encountered Array",
    );
    let t = key().sign(&with(claims(), &[ns, "x-hasura-user-id"], json!(42)), None);
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        "x-hasura-* claims: parsing Text failed, expected String, but encountered Number",
    );
    // Role errors come before session-variable type errors.
    let t = key().sign(
        &with(
            with(claims(), &[ns, "x-hasura-user-id"], json!(42)),
            &[ns, "x-hasura-default-role"],
            json!("x"),
        ),
        None,
    );
    fails(
        &c,
        &bearer(&t),
        ErrorCode::AccessDenied,
        "Your requested role is not in allowed roles",
    );
    // Case-insensitive claim names; other claims are dropped.
    let t = key().sign(
        &with(
            with(claims(), &[ns, "X-Hasura-Org-Id"], json!("o1")),
            &[ns, "plain"],
            json!(3),
        ),
        None,
    );
    let s = run(&c, &bearer(&t)).unwrap();
    assert_eq!(s.variable("x-hasura-org-id"), Some("o1"));
    assert_eq!(s.variables.len(), 3);
}

#[test]
fn stringified_claims_and_namespace_path() {
    let ns = "https://hasura.io/jwt/claims";
    let inner = claims()[ns].to_string();
    let c = config(json!({"claims_format": "stringified_json"}));
    let t = key().sign(&with(claims(), &[ns], json!(inner)), None);
    assert_eq!(
        run(&c, &bearer(&t)).unwrap().variable("x-hasura-user-id"),
        Some("auth0|alice")
    );
    let t = key().sign(&claims(), None);
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        "expecting a string when claims_format is stringified_json",
    );
    let t = key().sign(&with(claims(), &[ns], json!("nope")), None);
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        "expecting stringified json at: 'claims_namespace https://hasura.io/jwt/claims', but found: nope",
    );
    let c = config(json!({"claims_namespace_path": "$.hasura.claims"}));
    let nested = with(
        with(claims(), &[ns], Value::Null),
        &["hasura"],
        json!({"claims": claims()[ns]}),
    );
    let t = key().sign(&nested, None);
    assert_eq!(run(&c, &bearer(&t)).unwrap().role, "user");
    let t = key().sign(&claims(), None);
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtInvalidClaims,
        "claims not found at claims_namespace_path: '$.hasura.claims'",
    );
    // claims_namespace_path `$` sees only non-registered claims.
    let c = config(json!({"claims_namespace_path": "$"}));
    let flat = json!({"iss": ISS, "exp": NOW + 60, "x-hasura-default-role": "user",
                      "x-hasura-allowed-roles": ["user"], "x-hasura-user-id": "u1"});
    let s = run(&c, &bearer(&key().sign(&flat, None))).unwrap();
    assert_eq!(s.variable("x-hasura-user-id"), Some("u1"));
}

#[test]
fn claims_map() {
    let c = config(json!({"claims_map": {
        "x-hasura-allowed-roles": {"path": "$.roles"},
        "x-hasura-default-role": {"path": "$.roles[0]"},
        "x-hasura-user-id": {"path": "$.sub"},
        "x-hasura-tenant": {"path": "$.tenant", "default": "t0"}
    }}));
    let t = key().sign(
        &json!({"sub": "auth0|bob", "roles": ["user", "admin"], "exp": NOW + 60}),
        None,
    );
    let s = run(&c, &bearer(&t)).unwrap();
    assert_eq!(s.role, "user");
    assert_eq!(s.variable("x-hasura-user-id"), Some("auth0|bob"));
    assert_eq!(s.variable("x-hasura-tenant"), Some("t0"));
    let t = key().sign(&json!({"sub": "auth0|bob", "exp": NOW + 60}), None);
    fails(
        &c,
        &bearer(&t),
        ErrorCode::JwtMissingRoleClaims,
        r#"JWT claim does not contain "x-hasura-allowed-roles""#,
    );
}

#[test]
fn admin_secret_takes_precedence() {
    let c = config(json!({}));
    let mut h = bearer("garbage");
    h.insert("x-hasura-admin-secret", HeaderValue::from_static("s3cret"));
    let s = run(&c, &h).unwrap();
    assert_eq!((s.role.as_str(), s.admin_secret_sent), ("admin", true));
    assert_eq!(s.variables.len(), 1);
    h.insert("x-hasura-role", HeaderValue::from_static("user"));
    h.insert("X-Hasura-User-Id", HeaderValue::from_static("auth0|carol"));
    let s = run(&c, &h).unwrap();
    assert_eq!(s.role, "user");
    assert_eq!(s.variable("x-hasura-user-id"), Some("auth0|carol"));
    let mut h = bearer(&key().sign(&claims(), None));
    h.insert("x-hasura-admin-secret", HeaderValue::from_static("wrong"));
    let err = run(&c, &h).unwrap_err();
    assert_eq!((err.code, err.status), (ErrorCode::AccessDenied, 401));
    assert_eq!(
        err.message,
        "invalid x-hasura-admin-secret/x-hasura-access-key"
    );
    let mut h = HeaderMap::new();
    h.insert("x-hasura-access-key", HeaderValue::from_static("s3cret"));
    assert_eq!(run(&c, &h).unwrap().role, "admin");
}

#[test]
fn cookie_and_custom_header_locations() {
    let token = key().sign(&claims(), None);
    let c = config(json!({"header": {"type": "Cookie", "name": "jwt"}}));
    let mut h = HeaderMap::new();
    h.insert(
        "cookie",
        HeaderValue::from_str(&format!("a=1; jwt={token}; b=2")).unwrap(),
    );
    assert_eq!(run(&c, &h).unwrap().role, "user");
    // An Authorization header is not looked at in cookie mode.
    fails(
        &c,
        &bearer(&token),
        ErrorCode::InvalidHeaders,
        "Missing 'Authorization' or 'Cookie' header in JWT authentication mode",
    );
    let c = config(json!({"header": {"type": "CustomHeader", "name": "X-Auth-Token"}}));
    let mut h = HeaderMap::new();
    h.insert("x-auth-token", HeaderValue::from_str(&token).unwrap());
    assert_eq!(run(&c, &h).unwrap().role, "user");
}

#[test]
fn static_x509_certificate_key() {
    // The Auth0 configurator form: {"type":"RS256","key":"-----BEGIN CERTIFICATE-----..."}.
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["tenant.auth0-mock.test".to_string()])
        .unwrap()
        .self_signed(&pair)
        .unwrap();
    let c =
        JwtConfig::parse(&json!({"type": "RS256", "key": cert.pem(), "issuer": ISS}).to_string())
            .unwrap();
    let super::super::jwt_config::KeySource::Static(ref set) = c.keys else {
        panic!()
    };
    let encoding =
        jsonwebtoken::EncodingKey::from_rsa_pem(pair.serialize_pem().as_bytes()).unwrap();
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims(),
        &encoding,
    )
    .unwrap();
    let s = authenticate(&c, set, &settings(), &bearer(&token), now()).unwrap();
    assert_eq!(s.variable("x-hasura-user-id"), Some("auth0|alice"));
    let forged = key().sign(&claims(), None);
    let err = authenticate(&c, set, &settings(), &bearer(&forged), now()).unwrap_err();
    assert_eq!(
        err.message,
        "Could not verify JWT: JWSError JWSInvalidSignature"
    );
}

#[test]
fn static_hmac_key() {
    let secret = "0123456789abcdef0123456789abcdef";
    let c = JwtConfig::parse(&json!({"type": "HS256", "key": secret}).to_string()).unwrap();
    let super::super::jwt_config::KeySource::Static(ref set) = c.keys else {
        panic!()
    };
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims(),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    let s = authenticate(&c, set, &settings(), &bearer(&token), now()).unwrap();
    assert_eq!(s.role, "user");
}
