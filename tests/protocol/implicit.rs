//! The implicit flow (`response_type=token id_token`): tokens in the fragment.

use crate::support::*;
use reqwest::header::{COOKIE, LOCATION};

/// An implicit-flow `/authorize` for the SPA with a nonce.
fn implicit_url(base: &str) -> String {
    format!(
        "{base}/authorize?client_id={SPA}&redirect_uri={}&response_type=token+id_token&scope=openid&audience={}&state=s1&nonce=abc",
        enc(CALLBACK),
        enc(API)
    )
}

/// Where `url` sends alice's browser, which has a session.
async fn redirect_with_session(base: &str, url: &str) -> String {
    let session = alice_browser_login(base).await;
    let res = client()
        .get(url)
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    res.headers()[LOCATION].to_str().unwrap().to_string()
}

#[tokio::test]
async fn implicit_access_tokens_have_the_web_token_lifetime() {
    let server = start().await;
    let base = server.base_url();
    let fragment = fragment_of(&redirect_with_session(&base, &implicit_url(&base)).await);
    let at = verify(&base, &fragment["access_token"], API).await;
    assert_eq!(
        at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(),
        7200,
        "implicit tokens use token_lifetime_for_web"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_implicit_id_token_carries_at_hash() {
    let server = start().await;
    let base = server.base_url();
    let fragment = fragment_of(&redirect_with_session(&base, &implicit_url(&base)).await);
    let id = verify(&base, &fragment["id_token"], SPA).await;
    assert!(id["at_hash"].is_string());
    server.shutdown().await;
}

#[tokio::test]
async fn the_implicit_flow_without_a_nonce_answers_invalid_request_in_the_fragment() {
    let server = start().await;
    let base = server.base_url();
    let loc = redirect_with_session(&base, &implicit_url(&base).replace("&nonce=abc", "")).await;
    assert!(loc.contains("#error=invalid_request"), "{loc}");
    server.shutdown().await;
}
