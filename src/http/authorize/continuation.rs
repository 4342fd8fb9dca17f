//! `GET|POST /continue?state=…`: the browser comes back from a redirect Action's page, and the
//! login that Action paused resumes with its `onContinuePostLogin`, then the later hooks, then
//! the answer to the application.
//!
//! The `state` is the login's only handle and serves once: an unknown, expired or replayed one
//! is refused with Auth0's `invalid_request` page, never a redirect.

use super::complete::{answer, reply_for};
use crate::error::ErrorPage;
use crate::http::extract::{AppState, Body, Page, PeerIp, Query, user_agent};
use crate::http::reply::{AuthorizeError, AuthorizeRefusal};
use crate::login::{self, event::request_json};
use crate::store::Waiting;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;

/// `GET|POST /continue`. The `state` may come in the query or a form body (Auth0's examples
/// post a form back).
pub(crate) async fn continue_login(
    State(mock): State<AppState>,
    method: Method,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(query)): Page<Query>,
    Page(Body(body)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    let state = query
        .get("state")
        .or_else(|| body.get("state"))
        .map(str::to_string)
        .ok_or_else(|| ErrorPage::new("invalid_request", "Missing required parameter: state"))?;
    // Looked at before it is taken: an MFA screen's state sent here must not end that login.
    let waiting_redirect = mock
        .store()
        .suspended_login(&state, mock.clock().now())
        .is_some_and(|s| matches!(s.waiting, Waiting::Redirect(_)));
    let suspended = waiting_redirect
        .then(|| {
            mock.store()
                .take_suspended_login(&state, mock.clock().now())
        })
        .flatten()
        .ok_or_else(|| {
            ErrorPage::new(
                "invalid_request",
                "Invalid or expired state: no login is waiting for it (it may have been resumed already)",
            )
        })?;
    let request = {
        let mut r = request_json(
            mock.issuer(),
            user_agent(&headers),
            &ip.text(),
            method.as_str(),
            query.to_json(),
        );
        r["body"] = body.to_json();
        r
    };
    let Waiting::Redirect(paused) = suspended.waiting else {
        return Err(ErrorPage::new(
            "invalid_request",
            "Invalid state: no redirect Action waits for it",
        )
        .into());
    };
    let flow = paused.settle.flow;
    let reply = reply_for(&suspended.request);
    let login = login::resume(&mock, *paused, &state, request)
        .await
        .map_err(|e| AuthorizeError::new(&reply, e.into_oauth(flow)))?;
    Ok(answer(&mock, suspended.request, login)?)
}
