//! Logout: `/v2/logout` (Auth0's own) and `/oidc/logout` (RP-initiated logout). Both end the
//! session and redirect only to an allowed logout URL.

use super::AppState;
use super::params::Params;
use super::session;
use crate::error::ErrorPage;
use crate::state::Mock;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

fn done(mock: &Mock, headers: &HeaderMap, target: Option<String>) -> Response {
    let cookie = session::end(mock, headers);
    let mut r = match target {
        Some(url) => {
            let mut r = StatusCode::FOUND.into_response();
            if let Ok(v) = HeaderValue::from_str(&url) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        None => Html("<!doctype html><html><body><p>You have been logged out.</p></body></html>")
            .into_response(),
    };
    r.headers_mut().insert(header::SET_COOKIE, cookie);
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
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
pub async fn v2_logout(
    State(mock): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let params = match Params::from_form(q.unwrap_or_default().as_bytes()) {
        Ok(p) => p,
        Err(e) => return ErrorPage::new("invalid_request", e).into_response(),
    };
    match check_return(&mock, params.get("client_id"), params.get("returnTo")) {
        Ok(target) => done(&mock, &headers, target),
        Err(e) => e.into_response(),
    }
}

fn oidc(mock: &Mock, headers: &HeaderMap, params: &Params) -> Response {
    let mut client_id = params.get("client_id").map(str::to_string);
    if client_id.is_none()
        && let Some(hint) = params.get("id_token_hint")
    {
        // The hint names the client through its audience; its signature was ours.
        client_id = hint
            .split('.')
            .nth(1)
            .and_then(|p| {
                base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p).ok()
            })
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|c| c.get("aud").and_then(|a| a.as_str()).map(str::to_string));
    }
    match check_return(
        mock,
        client_id.as_deref(),
        params.get("post_logout_redirect_uri"),
    ) {
        Ok(Some(mut target)) => {
            if let Some(state) = params.get("state") {
                let sep = if target.contains('?') { '&' } else { '?' };
                target = format!(
                    "{target}{sep}state={}",
                    url::form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>()
                );
            }
            done(mock, headers, Some(target))
        }
        Ok(None) => done(mock, headers, None),
        Err(e) => e.into_response(),
    }
}

/// `GET /oidc/logout`.
pub async fn oidc_logout(
    State(mock): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    match Params::from_form(q.unwrap_or_default().as_bytes()) {
        Ok(p) => oidc(&mock, &headers, &p),
        Err(e) => ErrorPage::new("invalid_request", e).into_response(),
    }
}

/// `POST /oidc/logout` (form fields).
pub async fn oidc_logout_post(State(mock): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    match Params::from_body(&parts.headers, body).await {
        Ok(p) => oidc(&mock, &parts.headers, &p),
        Err(e) => ErrorPage::new("invalid_request", e.description).into_response(),
    }
}
