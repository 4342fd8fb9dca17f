//! A login parked at the login page keeps its `/authorize` request for an hour: its size is
//! the caller's, so both the request and all of them together are bounded.

use crate::support::*;
use auth0_mock::AUTHORIZE_QUERY_MAX;
use reqwest::StatusCode;
use serde_json::Value;

fn authorize_url(base: &str, state: &str) -> String {
    format!(
        "{base}/authorize?response_type=code&client_id={SPA}&redirect_uri={}&scope=openid\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
         &state={state}",
        enc(CALLBACK)
    )
}

async fn store(base: &str) -> Value {
    let summary: Value = client()
        .get(format!("{base}/__mock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    summary["store"].clone()
}

#[tokio::test]
async fn an_authorize_query_over_the_limit_gets_an_error_page_and_parks_nothing() {
    let server = start().await;
    let base = server.base_url();
    let res = client()
        .get(authorize_url(&base, &"x".repeat(AUTHORIZE_QUERY_MAX)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(res.text().await.unwrap().contains("too long"));
    assert_eq!(store(&base).await["parked_logins"], 0);
}

#[tokio::test]
async fn a_parked_login_is_counted_for_its_size() {
    let server = start().await;
    let base = server.base_url();
    let res = client()
        .get(authorize_url(&base, &"x".repeat(10_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let counts = store(&base).await;
    assert_eq!(counts["parked_logins"], 1);
    let bytes = counts["parked_bytes"].as_u64().unwrap();
    assert!(bytes >= 10_000, "{counts}");
}
