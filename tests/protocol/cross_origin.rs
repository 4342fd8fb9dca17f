//! Cross-origin (embedded) authentication, as auth0.js `login` and `passwordlessLogin` use it:
//! `/co/authenticate` checks the credential and answers a single-use ticket that
//! `/authorize?login_ticket=` turns into a login, with Auth0's documented errors.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN, SET_COOKIE};
use serde_json::{Value, json};

const PAGE: &str = "http://localhost:3000";

async fn co_authenticate(base: &str, body: Value) -> (StatusCode, Value, Option<String>) {
    let res = client()
        .post(format!("{base}/co/authenticate"))
        .header(ORIGIN, PAGE)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let cors = res
        .headers()
        .get(ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap().to_string());
    (status, res.json().await.unwrap_or(Value::Null), cors)
}

fn alice_password(password: &str) -> Value {
    json!({
        "client_id": SPA,
        "credential_type": "http://auth0.com/oauth/grant-type/password-realm",
        "username": "alice@example.com",
        "password": password,
        "realm": "Username-Password-Authentication",
    })
}

#[tokio::test]
async fn a_login_ticket_finishes_at_authorize_with_a_code_for_the_user() {
    let server = start().await;
    let base = server.base_url();
    let (status, body, cors) = co_authenticate(&base, alice_password("alice-password")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(cors.as_deref(), Some(PAGE), "answered to the app's page");
    for key in ["login_ticket", "co_verifier", "co_id"] {
        assert!(body[key].is_string(), "no {key}: {body}");
    }
    let ticket = body["login_ticket"].as_str().unwrap();
    let res = client()
        .get(authorize_url(
            &base,
            &format!(
                "&realm=Username-Password-Authentication&login_ticket={}",
                enc(ticket)
            ),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(
        res.headers().get(SET_COOKIE).is_some(),
        "the ticket starts a session"
    );
    let callback = query_of(&location(&res, &base));
    let tokens: Value = exchange(&base, &client(), &callback["code"])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(id_claims(&tokens)["sub"], "auth0|alice");
    server.shutdown().await;
}

#[tokio::test]
async fn a_login_ticket_works_once() {
    let server = start().await;
    let base = server.base_url();
    let (_, body, _) = co_authenticate(&base, alice_password("alice-password")).await;
    let url = authorize_url(
        &base,
        &format!(
            "&login_ticket={}",
            enc(body["login_ticket"].as_str().unwrap())
        ),
    );
    client().get(&url).send().await.unwrap();
    let again = client().get(&url).send().await.unwrap();
    let callback = query_of(&location(&again, &base));
    assert_eq!(callback["error"], "access_denied");
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_password_is_access_denied() {
    let server = start().await;
    let (status, body, _) = co_authenticate(&server.base_url(), alice_password("nope")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"error": "access_denied", "error_description": "Wrong email or password."})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_application_without_cross_origin_authentication_is_refused() {
    let server = start().await;
    let mut body = alice_password("alice-password");
    body["client_id"] = json!(WEB);
    let (status, answer, _) = co_authenticate(&server.base_url(), body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["error"], "unauthorized_client");
    assert_eq!(
        answer["error_description"],
        "Cross origin login not allowed."
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_credential_type_is_unsupported() {
    let server = start().await;
    let mut body = alice_password("alice-password");
    body["credential_type"] = json!("urn:example:magic");
    let (status, answer, _) = co_authenticate(&server.base_url(), body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "unsupported_credential_type");
    server.shutdown().await;
}

#[tokio::test]
async fn a_one_time_code_is_a_credential_too() {
    let server = start().await;
    let base = server.base_url();
    client()
        .post(format!("{base}/passwordless/start"))
        .json(&json!({ "client_id": SPA, "connection": "email", "email": "co@example.com", "send": "code" }))
        .send()
        .await
        .unwrap();
    let sent: Value = client()
        .get(format!("{base}/__mock/outbox?to=co%40example.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body = json!({
        "client_id": SPA,
        "credential_type": "http://auth0.com/oauth/grant-type/passwordless/otp",
        "username": "co@example.com",
        "otp": sent[0]["code"],
        "realm": "email",
    });
    let (status, answer, _) = co_authenticate(&base, body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer["login_ticket"].is_string());
    server.shutdown().await;
}
