//! Logout: `/v2/logout` (Auth0's own) and `/oidc/logout` (RP-initiated logout). Both end the
//! session and redirect only to an allowed logout URL.

use super::extract::{AppState, Body, Page, Query};
use super::params::Params;
use super::reply::{found, html, urlencode};
use super::session;
use crate::error::ErrorPage;
use crate::mint::jwt::{Expiry, verify_own};
use crate::mock::Mock;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

fn done(mock: &Mock, headers: &HeaderMap, target: Option<String>) -> Response {
    let cookie = session::end(mock, headers);
    let page = match target {
        Some(url) => found(&url),
        None => html(
            StatusCode::OK,
            "<!doctype html><html><body><p>You have been logged out.</p></body></html>".into(),
        ),
    };
    ([(header::SET_COOKIE, cookie)], page).into_response()
}

fn check_return(
    mock: &Mock,
    client_id: Option<&str>,
    return_to: Option<&str>,
) -> Result<Option<String>, ErrorPage> {
    let tenant = mock.tenant();
    match client_id {
        Some(id) => {
            let client = tenant.client(id).ok_or_else(|| {
                ErrorPage::new("invalid_request", format!("Unknown client: {id}"))
            })?;
            match return_to {
                Some(url) if client.accepts_logout_url(url) => Ok(Some(url.to_string())),
                Some(url) => Err(ErrorPage::new(
                    "invalid_request",
                    format!(
                        "The \"returnTo\" querystring parameter \"{url}\" is not defined as a valid URL in \"Allowed Logout URLs\" of the application '{}'.",
                        client.name
                    ),
                )),
                None => Ok(client.allowed_logout_urls.first().cloned()),
            }
        }
        None => match return_to {
            Some(url)
                if tenant.allowed_logout_urls.iter().any(|u| u == url)
                    || tenant.clients.iter().any(|c| c.accepts_logout_url(url)) =>
            {
                Ok(Some(url.to_string()))
            }
            Some(url) => Err(ErrorPage::new(
                "invalid_request",
                format!(
                    "The \"returnTo\" querystring parameter \"{url}\" is not defined as a valid URL in \"Allowed Logout URLs\"."
                ),
            )),
            None => Ok(None),
        },
    }
}

/// `GET /v2/logout?returnTo=&client_id=[&federated]`.
pub(crate) async fn v2_logout(
    State(mock): State<AppState>,
    headers: HeaderMap,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let target = check_return(&mock, params.get("client_id"), params.get("returnTo"))?;
    Ok(done(&mock, &headers, target))
}

/// The client an `id_token_hint` was issued to (its audience), if the mock signed it. An
/// expired hint still names its client.
fn hinted_client(mock: &Mock, hint: &str) -> Option<String> {
    let claims = verify_own(
        &mock.keys(),
        mock.issuer(),
        hint,
        mock.clock().now(),
        Expiry::Ignored,
    )
    .ok()?;
    claims
        .get("aud")
        .and_then(|a| a.as_str())
        .map(str::to_string)
}

fn oidc(mock: &Mock, headers: &HeaderMap, params: &Params) -> Result<Response, ErrorPage> {
    let client_id = params.get("client_id").map(str::to_string).or_else(|| {
        params
            .get("id_token_hint")
            .and_then(|h| hinted_client(mock, h))
    });
    let target = check_return(
        mock,
        client_id.as_deref(),
        params.get("post_logout_redirect_uri"),
    )?;
    let target = target.map(|t| match params.get("state") {
        Some(state) => {
            let sep = if t.contains('?') { '&' } else { '?' };
            format!("{t}{sep}state={}", urlencode(state))
        }
        None => t,
    });
    Ok(done(mock, headers, target))
}

/// `GET /oidc/logout`.
pub(crate) async fn oidc_logout(
    State(mock): State<AppState>,
    headers: HeaderMap,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    oidc(&mock, &headers, &params)
}

/// `POST /oidc/logout` (form fields).
pub(crate) async fn oidc_logout_post(
    State(mock): State<AppState>,
    headers: HeaderMap,
    Page(Body(params)): Page<Body>,
) -> Result<Response, ErrorPage> {
    oidc(&mock, &headers, &params)
}
