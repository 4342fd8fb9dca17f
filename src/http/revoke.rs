//! `POST /oauth/revoke`: revokes a refresh token (and its family). 200 with an empty body.

use super::AppState;
use super::params::Params;
use crate::error::OAuthError;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The revocation endpoint.
pub async fn revoke(State(mock): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let result: Result<(), OAuthError> = async {
        let params = Params::from_body(&parts.headers, body).await?;
        let client_id = params.require("client_id")?;
        let token = params.require("token")?;
        let tenant = mock.tenant();
        let client = tenant.client(client_id).ok_or_else(|| OAuthError::invalid_client(format!("Unknown client: {client_id}")))?;
        if !client.is_public() {
            let ok = matches!((params.get("client_secret"), &client.client_secret), (Some(g), Some(e)) if crate::util::constant_time_eq(g, e));
            if !ok {
                return Err(OAuthError::new(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized"));
            }
        }
        let mut store = mock.store.lock();
        if let Some(record) = store.refresh.get(token).cloned() {
            if record.client_id != client.client_id {
                return Err(OAuthError::invalid_request("The refresh token was issued to another client"));
            }
            store.revoke_family(&record.family);
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}
