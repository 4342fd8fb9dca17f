//! `POST /oauth/revoke`: revokes a refresh token and its family. 200 with an empty body; the
//! client authenticates exactly as at the token endpoint.

use super::client_auth::{Credentials, authenticate};
use super::extract::{AppState, Body};
use crate::error::OAuthError;
use crate::store::RevokeRefusal;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

/// The revocation endpoint.
pub(crate) async fn revoke(
    State(mock): State<AppState>,
    headers: HeaderMap,
    Body(params): Body,
) -> Result<StatusCode, OAuthError> {
    let credentials = Credentials::read(&headers, &params)?;
    let token = params.require("token")?;
    let tenant = mock.tenant();
    let client = authenticate(&tenant, &credentials)?;
    match mock.store().revoke_refresh(token, &client.client_id) {
        Ok(()) => Ok(StatusCode::OK),
        Err(RevokeRefusal::OtherClient) => Err(OAuthError::invalid_request(
            "The refresh token was issued to another client",
        )),
    }
}
