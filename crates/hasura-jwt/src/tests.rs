use super::*;
use crate::test_keys::TestRsaKey;
use axum::Router;
use axum::routing::get;
use serde_json::Value;

#[tokio::test]
async fn verify_cli_with_a_jwks_url() {
    let key = TestRsaKey::generate();
    let jwks = json!({"keys": [key.jwk(Some("k1"))]});
    let app = Router::new().route("/jwks.json", get(move || async move { axum::Json(jwks) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let secret =
        json!({"jwk_url": format!("http://{addr}/jwks.json"), "audience": "api"}).to_string();
    let now = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({"aud": "api", "exp": now + 60, "https://hasura.io/jwt/claims": {
        "x-hasura-default-role": "user", "x-hasura-allowed-roles": ["user", "editor"],
        "x-hasura-user-id": "auth0|alice"}});
    let token = key.sign(&claims, None);

    let ok: Value =
        serde_json::from_str(&verify_cli(&secret, &token, None).await.unwrap()).unwrap();
    assert_eq!(
        ok,
        json!({"role": "user", "session_variables": {"x-hasura-role": "user", "x-hasura-user-id": "auth0|alice"}})
    );
    let ok: Value =
        serde_json::from_str(&verify_cli(&secret, &token, Some("editor")).await.unwrap()).unwrap();
    assert_eq!(ok["role"], "editor");

    let err: Value =
        serde_json::from_str(&verify_cli(&secret, &token, Some("boss")).await.unwrap_err())
            .unwrap();
    assert_eq!(
        err,
        json!({"errors": [{"message": "Your requested role is not in allowed roles",
        "extensions": {"path": "$", "code": "access-denied"}}]})
    );

    let err: Value =
        serde_json::from_str(&verify_cli("{}", &token, None).await.unwrap_err()).unwrap();
    assert_eq!(
        err["errors"][0]["extensions"]["code"],
        "invalid-configuration"
    );

    let unreachable = json!({"jwk_url": "http://127.0.0.1:9/jwks.json"}).to_string();
    let err: Value =
        serde_json::from_str(&verify_cli(&unreachable, &token, None).await.unwrap_err()).unwrap();
    assert_eq!(err["errors"][0]["extensions"]["code"], "jwks-fetch-failed");
    assert!(
        err["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Error fetching JWK: ")
    );
}
