//! The mock's own router as a [`LocalService`]: what `require('auth0')` in an Action reaches.
//! A request from inside a hook goes through the same routes, layers and guards as one from
//! the network, so an Action's Management API call meets the token and scope rules too.

use super::extract::AppState;
use crate::hooks::{
    LocalReply, LocalService, MAX_RESPONSE_BYTES, OutboundError, OutboundRequest, OutboundResponse,
};
use crate::mock::Mock;
use axum::body::Body;
use axum::http::{Method, Request};
use std::sync::Weak;
use tower::ServiceExt;

/// Serves requests with a router over the mock. Holds the mock weakly (the mock holds this),
/// and the function that builds the router (the HTTP module's own, handed in so this file
/// does not depend on the module that uses it).
pub(crate) struct InProcess {
    pub(crate) mock: Weak<Mock>,
    pub(crate) router: fn(AppState) -> axum::Router,
}

impl LocalService for InProcess {
    fn call(&self, req: OutboundRequest) -> LocalReply {
        let mock = self.mock.upgrade();
        let router = self.router;
        Box::pin(async move {
            let mock: AppState =
                mock.ok_or_else(|| OutboundError::Other("the mock has stopped".into()))?;
            serve(router(mock), req).await
        })
    }
}

async fn serve(
    router: axum::Router,
    req: OutboundRequest,
) -> Result<OutboundResponse, OutboundError> {
    let url =
        url::Url::parse(&req.url).map_err(|e| OutboundError::Other(format!("{}: {e}", req.url)))?;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let method = Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| OutboundError::InvalidMethod(req.method.clone()))?;
    let mut builder = Request::builder().method(method).uri(target);
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    let request = builder
        .body(Body::from(req.body.unwrap_or_default()))
        .map_err(|e| OutboundError::Other(e.to_string()))?;
    let response = router
        .oneshot(request)
        .await
        .map_err(|e| OutboundError::Other(e.to_string()))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let bytes = axum::body::to_bytes(response.into_body(), MAX_RESPONSE_BYTES)
        .await
        .map_err(|_| OutboundError::TooLarge { status })?;
    Ok(OutboundResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}
