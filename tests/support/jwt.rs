//! Reading and verifying the mock's JWTs with verifiers that share no code with it.

use super::API;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

fn decode_part(jwt: &str, index: usize) -> Value {
    let part = jwt
        .split('.')
        .nth(index)
        .unwrap_or_else(|| panic!("{jwt:?} is not a JWT"));
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url JWT part"))
        .expect("a JSON JWT part")
}

/// A JWT's payload, decoded without verification (for tests that check claims, not trust).
pub fn claims(jwt: &str) -> Value {
    decode_part(jwt, 1)
}

/// A JWT's header, decoded without verification.
pub fn header(jwt: &str) -> Value {
    decode_part(jwt, 0)
}

/// The payload of the `access_token` of a token response; panics naming the body if absent.
pub fn access_claims(body: &Value) -> Value {
    claims(
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access_token in {body}")),
    )
}

/// The payload of the `id_token` of a token response; panics naming the body if absent.
pub fn id_claims(body: &Value) -> Value {
    claims(
        body["id_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no id_token in {body}")),
    )
}

/// The JWKS the mock serves.
pub async fn jwks(base: &str) -> Value {
    reqwest::get(format!("{base}/.well-known/jwks.json"))
        .await
        .expect("the mock answers")
        .json()
        .await
        .expect("a JSON JWKS")
}

/// The RSA key of the served JWKS that `jwt`'s `kid` names.
async fn key_for(base: &str, jwt: &str) -> Result<DecodingKey, String> {
    let kid = jsonwebtoken::decode_header(jwt)
        .map_err(|e| format!("header: {e}"))?
        .kid
        .ok_or("no kid")?;
    let jwks = jwks(base).await;
    let jwk = jwks["keys"]
        .as_array()
        .expect("a keys array")
        .iter()
        .find(|k| k["kid"] == kid)
        .ok_or("kid not in JWKS")?;
    DecodingKey::from_rsa_components(jwk["n"].as_str().expect("n"), jwk["e"].as_str().expect("e"))
        .map_err(|e| e.to_string())
}

/// Verifies a JWT as a resource server would (served JWKS by `kid`, RS256, issuer, audience, no
/// leeway) and returns its claims; panics when it does not verify.
pub async fn verify(base: &str, jwt: &str, audience: &str) -> Value {
    let key = key_for(base, jwt)
        .await
        .unwrap_or_else(|e| panic!("token does not verify: {e}"));
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[format!("{base}/")]);
    v.set_audience(&[audience]);
    v.leeway = 0;
    jsonwebtoken::decode::<Value>(jwt, &key, &v)
        .unwrap_or_else(|e| panic!("token does not verify: {e}"))
        .claims
}

/// A strict API verifier for the default API: key by `kid`, RS256 only, issuer, audience, exp,
/// nbf, and no `iat` in the future; the claims, or why it refuses.
pub async fn api_accepts(base: &str, jwt: &str) -> Result<Value, String> {
    let key = key_for(base, jwt).await?;
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[format!("{base}/")]);
    v.set_audience(&[API]);
    v.validate_nbf = true;
    v.leeway = 0;
    let data = jsonwebtoken::decode::<Value>(jwt, &key, &v).map_err(|e| e.to_string())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    if data.claims["iat"].as_i64().is_some_and(|iat| iat > now + 5) {
        return Err("iat in the future".into());
    }
    Ok(data.claims)
}

/// The `HASURA_GRAPHQL_JWT_SECRET` that points Hasura at this mock.
pub fn hasura_secret(base: &str) -> String {
    json!({"jwk_url": format!("{base}/.well-known/jwks.json"), "issuer": format!("{base}/"), "audience": API}).to_string()
}

/// What Hasura would answer: "ok" or its error code, and its full output.
pub async fn hasura_verdict(base: &str, jwt: &str) -> (String, String) {
    match hasura_jwt::verify_cli(&hasura_secret(base), jwt, None).await {
        Ok(out) => ("ok".into(), out),
        Err(out) => {
            let v: Value = serde_json::from_str(&out).expect("Hasura's error is JSON");
            (
                v["errors"][0]["extensions"]["code"]
                    .as_str()
                    .expect("an error code")
                    .to_string(),
                out,
            )
        }
    }
}
