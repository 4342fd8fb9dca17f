//! `GET /__mock/login/{link}`: a one-time sign-in link made by `POST /__mock/login`. It sits
//! outside the control API's guard because the browser that visits it may be anywhere (a
//! container's, a CI runner's); the link itself is the secret: random, single use, five
//! minutes.

use super::extract::AppState;
use super::pages::page;
use super::reply::{found, html};
use super::session;
use crate::error::ErrorPage;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Puts the browser into the link's session, then sends it on to `return_to` (or says who it
/// is signed in as).
pub(crate) async fn visit(
    State(mock): State<AppState>,
    link: Result<Path<String>, PathRejection>,
) -> Result<Response, ErrorPage> {
    let refused = || {
        ErrorPage::new(
            "invalid_request",
            "This sign-in link is not valid: it was used already, it expired (links last five minutes), or it never existed. Make a new one with POST /__mock/login.",
        )
    };
    let Path(link) = link.map_err(|_| refused())?;
    let link = mock
        .store()
        .take_session_link(&link, mock.clock().now())
        .ok_or_else(refused)?;
    let cookie = session::join(&mock, &link.sid);
    let next = match link.return_to {
        Some(url) => found(&url),
        None => {
            let who = mock
                .store()
                .session(&link.sid, mock.clock().now())
                .map(|s| s.user_id)
                .unwrap_or_default();
            let body = format!(
                "<h1>Signed in</h1><p>Signed in to auth0-mock as <b>{}</b>. The app's next login completes without the form.</p>",
                html_escape::encode_text(&who)
            );
            html(StatusCode::OK, page("Signed in", &body))
        }
    };
    Ok(([(header::SET_COOKIE, cookie)], next).into_response())
}
