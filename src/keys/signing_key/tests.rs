use super::*;

const KEY: &str = include_str!("../../../fixtures/default/keys/current.pem");

#[test]
fn loads_embedded_key_deterministically() {
    let a = SigningKey::from_pem(KEY).unwrap();
    let b = SigningKey::from_pem(KEY).unwrap();
    assert_eq!(a.kid, b.kid);
    assert_eq!(a.cert_der(), b.cert_der());
    assert_eq!(a.x5t(), b.x5t());
    let jwk = a.jwk();
    for member in ["kty", "use", "n", "e", "kid", "x5t", "x5c", "alg"] {
        assert!(jwk.get(member).is_some(), "{member} missing");
    }
    assert_eq!(jwk["e"], "AQAB");
}

#[test]
fn signature_verifies_with_public_components() {
    let key = SigningKey::from_pem(KEY).unwrap();
    let sig = key.sign(b"hello").unwrap();
    let n = URL_SAFE_NO_PAD.decode(key.n()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(key.e()).unwrap();
    let public = aws_lc_rs::signature::RsaPublicKeyComponents { n: &n, e: &e };
    public
        .verify(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            b"hello",
            &sig,
        )
        .unwrap();
}

#[test]
fn x5t_is_sha1_of_cert() {
    let key = SigningKey::from_pem(KEY).unwrap();
    let raw = URL_SAFE_NO_PAD.decode(key.x5t()).unwrap();
    assert_eq!(raw.len(), 20);
}

#[test]
fn shipped_certificates_match_the_keys() {
    for (key, cert) in [
        (
            KEY,
            include_str!("../../../fixtures/default/keys/current.crt"),
        ),
        (
            include_str!("../../../fixtures/default/keys/next.pem"),
            include_str!("../../../fixtures/default/keys/next.crt"),
        ),
    ] {
        let generated = SigningKey::from_pem(key).unwrap();
        let shipped = SigningKey::from_pem_with_cert(key, cert).unwrap();
        assert_eq!(
            generated.cert_der(),
            shipped.cert_der(),
            "regenerate fixtures/default/keys/*.crt"
        );
    }
    let other = include_str!("../../../fixtures/default/keys/next.crt");
    assert!(SigningKey::from_pem_with_cert(KEY, other).is_err());
}

#[test]
fn rejects_garbage() {
    assert!(SigningKey::from_pem("nope").is_err());
    assert!(
        SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
            .is_err()
    );
}
