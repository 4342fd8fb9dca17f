//! How answers leave the mock: a redirect, an HTML page, or an `/authorize` result delivered to
//! the application in its response mode. One helper each, so every redirect and page carries
//! the same headers.

use super::pages;
use crate::error::{ErrorPage, OAuthError};
use crate::protocol::ResponseMode;
use crate::tenant::origin_of;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};

/// A `302 Found` to `location`. A location that cannot be a header value (control characters)
/// is refused with Auth0's error page rather than sent half-formed.
pub(crate) fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => {
            let mut r = StatusCode::FOUND.into_response();
            r.headers_mut().insert(header::LOCATION, v);
            r
        }
        Err(_) => ErrorPage::new("invalid_request", "The redirect target is not a valid URL")
            .into_response(),
    }
}

/// An HTML page with `status`.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

/// An HTML page that must not be framed (the login page: clickjacking).
pub(crate) fn unframeable(status: StatusCode, body: String) -> Response {
    let mut r = html(status, body);
    r.headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("deny"));
    r
}

/// Where and how an `/authorize` result goes back to the application.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// The validated callback.
    pub redirect_uri: String,
    /// The response mode.
    pub mode: ResponseMode,
    /// `state`, echoed.
    pub state: Option<String>,
}

impl Reply {
    /// Sends `params` (and `state`) to the application.
    pub(crate) fn deliver(&self, mut params: Vec<(String, String)>) -> Response {
        if let Some(s) = &self.state {
            params.push(("state".into(), s.clone()));
        }
        let redirect_uri = self.redirect_uri.as_str();
        match self.mode {
            ResponseMode::FormPost => html(StatusCode::OK, pages::form_post(redirect_uri, &params)),
            ResponseMode::WebMessage => {
                let origin = origin_of(redirect_uri).unwrap_or_default();
                let response: Map<String, Value> = params
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                // Framing must be allowed: spa-js runs this page in a hidden iframe.
                html(
                    StatusCode::OK,
                    pages::web_message(&origin, &Value::Object(response)),
                )
            }
            ResponseMode::Fragment => {
                let base = redirect_uri.split('#').next().unwrap_or(redirect_uri);
                found(&format!("{base}#{}", form_encode(&params)))
            }
            ResponseMode::Query => {
                let (base, fragment) = match redirect_uri.split_once('#') {
                    Some((b, f)) => (b, Some(f)),
                    None => (redirect_uri, None),
                };
                let sep = if base.contains('?') { '&' } else { '?' };
                let mut target = format!("{base}{sep}{}", form_encode(&params));
                if let Some(f) = fragment {
                    target.push('#');
                    target.push_str(f);
                }
                found(&target)
            }
        }
    }
}

/// One value form-encoded for a query string.
pub(crate) fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn form_encode(params: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish()
}

/// An `/authorize` failure that goes back to a validated callback as `error`,
/// `error_description` and `state`.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizeError {
    /// Where it goes.
    pub reply: Reply,
    /// What went wrong.
    pub error: OAuthError,
}

impl AuthorizeError {
    /// `error` for the application behind `reply`.
    pub(crate) fn new(reply: &Reply, error: OAuthError) -> Self {
        Self {
            reply: reply.clone(),
            error,
        }
    }
}

/// Why `/authorize` did not go on: before the client and callback are trusted, an error page
/// (redirecting would make the mock an open redirect); afterwards, an error for the application.
#[derive(Debug)]
pub(crate) enum AuthorizeRefusal {
    /// Shown to the person at the browser.
    Page(crate::error::ErrorPage),
    /// Sent to the validated callback.
    Redirect(Box<AuthorizeError>),
}

impl From<crate::error::ErrorPage> for AuthorizeRefusal {
    fn from(page: crate::error::ErrorPage) -> Self {
        Self::Page(page)
    }
}

impl From<AuthorizeError> for AuthorizeRefusal {
    fn from(error: AuthorizeError) -> Self {
        Self::Redirect(Box::new(error))
    }
}
