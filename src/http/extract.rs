//! Extractors: how handlers receive parameters. A rejection is always an Auth0-shaped error, so a
//! handler never sees a malformed request and never answers one with axum's plain-text errors.

use super::params::Params;
use crate::error::{ErrorPage, ManagementError, OAuthError};
use crate::mock::Mock;
use crate::serve::{BodyDeadline, DEFAULT_READ_TIMEOUT};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Shared state of every handler.
pub(crate) type AppState = Arc<Mock>;

/// Largest accepted request body. Auth0 bodies are tiny; anything bigger is an error.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// Parameters of the query string.
pub(crate) struct Query(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = OAuthError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, OAuthError> {
        let raw = parts.uri.query().unwrap_or("");
        Params::from_form(raw.as_bytes())
            .map(Query)
            .map_err(OAuthError::invalid_request)
    }
}

/// Parameters of a form or JSON body, by `Content-Type` (a body without one is read as
/// whichever parses, as lenient servers do). An empty body has no parameters.
pub(crate) struct Body(pub Params);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = OAuthError;

    async fn from_request(req: Request, _: &S) -> Result<Self, OAuthError> {
        let content_type = content_type(&req);
        let bytes = read_body(req).await?;
        // Some SDKs send a JSON content type on an empty GET (auth0-python's userinfo).
        let parsed = if bytes.is_empty() {
            Ok(Params::default())
        } else if content_type.starts_with("application/json") {
            Params::from_json(&bytes)
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            Params::from_form(&bytes)
        } else if content_type.is_empty() {
            Params::from_json(&bytes).or_else(|_| Params::from_form(&bytes))
        } else {
            return Err(OAuthError::invalid_request(format!(
                "Unsupported content type '{content_type}': use application/x-www-form-urlencoded or application/json"
            )));
        };
        parsed.map(Body).map_err(OAuthError::invalid_request)
    }
}

/// A body decoded into `T` from JSON or a form, by `Content-Type` (the `/dbconnections` and
/// `/passwordless` endpoints take both; auth0.js sends JSON, some backends forms). JSON `null`
/// members read as absent. A bad body names the first field that does not fit.
pub(crate) struct JsonOrForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonOrForm<T> {
    type Rejection = OAuthError;

    async fn from_request(req: Request, _: &S) -> Result<Self, OAuthError> {
        let content_type = content_type(&req);
        let bytes = read_body(req).await?;
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let decoded = if essence == "application/json"
            || (essence.is_empty() && bytes.first() == Some(&b'{'))
        {
            let de = &mut serde_json::Deserializer::from_slice(&bytes);
            serde_path_to_error::deserialize(de)
                .map_err(|e| format!("invalid body at {}: {}", e.path(), e.inner()))
        } else if essence == "application/x-www-form-urlencoded" || essence.is_empty() {
            serde_urlencoded::from_bytes(&bytes).map_err(|e| format!("malformed parameters: {e}"))
        } else {
            return Err(OAuthError::invalid_request(format!(
                "Unsupported content type '{content_type}': use application/json or application/x-www-form-urlencoded"
            )));
        };
        decoded.map(JsonOrForm).map_err(OAuthError::invalid_request)
    }
}

fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The body, refused past [`MAX_BODY`] without reading further, and past the connection's
/// read deadline (a client that stops sending mid-body must not hold the request open).
async fn read_body(req: Request) -> Result<Bytes, OAuthError> {
    let deadline = req
        .extensions()
        .get::<BodyDeadline>()
        .map_or(DEFAULT_READ_TIMEOUT, |d| d.0);
    let read = axum::body::to_bytes(req.into_body(), MAX_BODY);
    match tokio::time::timeout(deadline, read).await {
        Err(_) => Err(OAuthError::new(
            StatusCode::REQUEST_TIMEOUT,
            "invalid_request",
            "The request body did not arrive in time",
        )),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if is_length_limit(&e) => Err(OAuthError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            "Request entity too large",
        )),
        Ok(Err(_)) => Err(OAuthError::invalid_request("The request body is malformed")),
    }
}

/// Whether reading stopped at [`MAX_BODY`] rather than on a malformed body (bad chunking, a
/// connection closed early).
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// A browser endpoint's parameters: a malformed request gets Auth0's HTML error page, since a
/// person is looking at the answer.
pub(crate) struct Page<T>(pub T);

impl<S, T> FromRequestParts<S> for Page<T>
where
    S: Send + Sync,
    T: FromRequestParts<S, Rejection = OAuthError>,
{
    type Rejection = ErrorPage;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ErrorPage> {
        T::from_request_parts(parts, state)
            .await
            .map(Page)
            .map_err(|e| ErrorPage::new("invalid_request", e.description))
    }
}

impl<S, T> FromRequest<S> for Page<T>
where
    S: Send + Sync,
    T: FromRequest<S, Rejection = OAuthError>,
{
    type Rejection = ErrorPage;

    async fn from_request(req: Request, state: &S) -> Result<Self, ErrorPage> {
        T::from_request(req, state)
            .await
            .map(Page)
            .map_err(|e| ErrorPage::new("invalid_request", e.description))
    }
}

/// Why a JSON endpoint refuses other bodies: a page of any site may send `text/plain` without
/// asking the browser's CORS check first, but never `application/json`.
const NOT_JSON: &str = "Content-Type must be application/json";

/// Whether the body is declared JSON (`application/json`, or a `+json` type).
fn is_json(req: &Request) -> bool {
    let ct = content_type(req);
    let essence = ct.split(';').next().unwrap_or("").trim();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A control-API JSON body, decoded into `T` with the path of the first mismatch in the error.
/// An empty body reads as `{}`.
pub(crate) struct ControlJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ControlJson<T> {
    type Rejection = OAuthError;

    async fn from_request(req: Request, _: &S) -> Result<Self, OAuthError> {
        let json = is_json(&req);
        let raw = read_body(req).await?;
        if !json && !raw.is_empty() {
            return Err(OAuthError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_request",
                NOT_JSON,
            ));
        }
        let raw = if raw.iter().all(u8::is_ascii_whitespace) {
            b"{}".as_slice()
        } else {
            &raw
        };
        let de = &mut serde_json::Deserializer::from_slice(raw);
        serde_path_to_error::deserialize(de)
            .map(ControlJson)
            .map_err(|e| {
                OAuthError::invalid_request(format!("invalid body at {}: {}", e.path(), e.inner()))
            })
    }
}

/// A Management API JSON body; a bad one is Auth0's `invalid_body`.
pub(crate) struct ManagementJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ManagementJson<T> {
    type Rejection = ManagementError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ManagementError> {
        let json = is_json(&req);
        let raw = read_body(req)
            .await
            .map_err(|e| ManagementError::new(e.status, e.description, "invalid_body"))?;
        if !json && !raw.is_empty() {
            return Err(ManagementError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                NOT_JSON,
                "invalid_body",
            ));
        }
        serde_json::from_slice(&raw)
            .map(ManagementJson)
            .map_err(ManagementError::invalid_body)
    }
}

/// The Management API path's segments (`{id}`, or a tuple such as `(id, user_id)`); one that
/// is not valid percent-encoded UTF-8 is Auth0's 400 rather than axum's plain-text rejection.
pub(crate) struct ManagementPath<T = String>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ManagementPath<T> {
    type Rejection = ManagementError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ManagementError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(p)| ManagementPath(p))
            .map_err(|e| {
                ManagementError::new(
                    StatusCode::BAD_REQUEST,
                    format!("Path validation error: {}", e.body_text()),
                    "invalid_uri",
                )
            })
    }
}

/// The caller's IP address, when the server was started with connect info (always, via
/// [`crate::MockServer`]).
pub(crate) struct PeerIp(pub Option<std::net::IpAddr>);

impl PeerIp {
    /// As `event.request.ip` shows it (empty when unknown).
    pub(crate) fn text(&self) -> String {
        self.0.map(|ip| ip.to_string()).unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(PeerIp(ip))
    }
}

/// The request's `User-Agent`, for `event.request.user_agent`.
pub(crate) fn user_agent(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The `Authorization: Bearer` token, if any (the scheme case-insensitive in its two common
/// spellings, as the SDKs send it).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}
