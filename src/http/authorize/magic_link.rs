//! `GET /passwordless/verify_redirect?…`: the magic link of a passwordless email. It is an
//! `/authorize` request (the start request's `authParams`) plus the connection, the address and
//! the code; a good code signs the user in and the answer goes to the callback like any login.
//! A magic link never yields a refresh token (Auth0's documented limit), so `offline_access` is
//! dropped.

use super::complete::{page_transaction, sign_in_and_complete};
use super::validate;
use crate::error::{ErrorPage, OAuthError};
use crate::http::extract::{AppState, Page, PeerIp, Query, user_agent};
use crate::http::passwordless::oauth_error;
use crate::http::reply::{AuthorizeError, AuthorizeRefusal};
use crate::lifecycle;
use crate::login::event::request_json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

/// `GET /passwordless/verify_redirect`.
pub(crate) async fn verify_redirect(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(params)): Page<Query>,
) -> Result<Response, AuthorizeRefusal> {
    let (mut req, reply) = validate::validate(&mock.tenant(), &params)?;
    let missing = |name: &str| {
        ErrorPage::new(
            "invalid_request",
            format!("Missing required parameter: {name}"),
        )
    };
    let connection = params
        .get("connection")
        .ok_or_else(|| missing("connection"))?;
    let recipient = params
        .get("email")
        .or(params.get("phone_number"))
        .ok_or_else(|| missing("email"))?;
    let code = params
        .get("verification_code")
        .ok_or_else(|| missing("verification_code"))?;
    let (_, channel) = lifecycle::passwordless_connection(&mock, connection).map_err(|e| {
        AuthorizeError::new(
            &reply,
            oauth_error(e, crate::tenant::PasswordlessChannel::Email),
        )
    })?;
    let request = request_json(
        mock.issuer(),
        user_agent(&headers),
        &ip.text(),
        "GET",
        Value::Object(req.query.clone()),
    );
    let transaction = page_transaction(&req);
    let (user, _) = lifecycle::verify_passwordless(
        &mock,
        connection,
        recipient,
        code,
        request,
        Some(transaction),
    )
    .await
    .map_err(|e| {
        let error = match oauth_error(e, channel) {
            OAuthError {
                code, description, ..
            } if code == "invalid_grant" => OAuthError::access_denied(description),
            other => other,
        };
        AuthorizeError::new(&reply, error)
    })?;
    req.scope.retain(|s| s != "offline_access");
    Ok(sign_in_and_complete(&mock, req, &user.user_id, &headers, &ip).await?)
}
