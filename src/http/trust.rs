//! Who may call the control API. It changes the mock (users, scenarios, keys), and the
//! developer's own browser is the likeliest attacker: any page it has open can send requests
//! to `localhost`. So a caller must be one the operator allowed
//! (loopback, `--control-remote`, or the control token), and a browser request must come from a
//! page of the mock's own hosts or an allowed origin, addressed to a host name the mock serves
//! (a DNS-rebinding page addresses it by the attacker's name).

use super::extract::AppState;
use crate::error::OAuthError;
use crate::mock::ControlAccess;
use crate::util::constant_time_eq;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// Why a caller was refused; each says what the operator can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// Not loopback, no `--control-remote`, no control token.
    #[error(
        "only loopback clients are answered here; start auth0-mock with --control-remote or --control-token"
    )]
    Remote,
    /// The `Host` names something the mock does not serve: a DNS-rebinding page.
    #[error(
        "Host '{0}' is not a name this mock serves (DNS rebinding guard); add it with --allowed-host"
    )]
    Host(String),
    /// A browser page of another site sent the request.
    #[error(
        "cross-site request refused (Origin '{0}'); allow the origin with --control-allow-origin"
    )]
    CrossSite(String),
}

/// The control API's guard: refusals in the OAuth error shape its other errors use.
pub(crate) async fn control_guard(
    State(mock): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    match check(mock.control(), mock.issuer(), &req) {
        Ok(()) => next.run(req).await,
        Err(refusal) => OAuthError::new(
            StatusCode::FORBIDDEN,
            "access_denied",
            format!("The control API refuses this call: {refusal}"),
        )
        .into_response(),
    }
}

fn check(access: &ControlAccess, issuer: &str, req: &Request) -> Result<(), Refusal> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let host = request_host(req);
    check_caller(access, issuer, req.headers(), peer, host.as_deref())
}

/// The host the request addresses: the URI's authority (HTTP/2, absolute-form) or `Host`.
fn request_host(req: &Request) -> Option<String> {
    if let Some(a) = req.uri().authority() {
        return Some(a.as_str().to_string());
    }
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The whole rule, one check per step. The control token stands in for a loopback address
/// only: the host and origin checks still apply, so even a token that is not secret (the
/// compose stack's default) cannot be used by a DNS-rebinding page, which addresses the mock by
/// a foreign name, nor by a cross-site page, which the browser does not let send it.
fn check_caller(
    access: &ControlAccess,
    issuer: &str,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
    host: Option<&str>,
) -> Result<(), Refusal> {
    if !has_token(access, headers) {
        check_peer(access, peer)?;
    }
    check_host(access, issuer, host)?;
    check_origin(access, issuer, headers, host)
}

fn has_token(access: &ControlAccess, headers: &HeaderMap) -> bool {
    let Some(token) = &access.token else {
        return false;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| constant_time_eq(given.trim(), token))
}

fn check_peer(access: &ControlAccess, peer: Option<IpAddr>) -> Result<(), Refusal> {
    if access.allow_remote || peer.is_none_or(is_loopback) {
        Ok(())
    } else {
        Err(Refusal::Remote)
    }
}

/// Loopback, including an IPv4 client of an IPv6 listener (`::ffff:127.0.0.1`).
pub(crate) fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// Remote mode answers whatever name the network uses for the mock (a container name, an IP),
/// so only the loopback-only mode checks names. A request without `Host` is not a browser's.
fn check_host(access: &ControlAccess, issuer: &str, host: Option<&str>) -> Result<(), Refusal> {
    match host {
        Some(h) if !access.allow_remote && !serves_host(access, issuer, host_name(h)) => {
            Err(Refusal::Host(h.to_string()))
        }
        _ => Ok(()),
    }
}

/// `host[:port]` without the port, lowercase; brackets stay on IPv6 literals.
fn host_name(authority: &str) -> String {
    authority
        .parse::<Authority>()
        .map(|a| a.host().to_ascii_lowercase())
        .unwrap_or_else(|_| authority.to_ascii_lowercase())
}

/// Names that reach this mock: loopback names, the issuer's host, and the operator's additions.
fn serves_host(access: &ControlAccess, issuer: &str, name: String) -> bool {
    let loopback = name == "localhost"
        || name.ends_with(".localhost")
        || name
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(is_loopback);
    loopback
        || url::Url::parse(issuer)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .is_some_and(|h| h == name)
        || access
            .allowed_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&name))
}

/// A browser names the page that sent a request in `Origin` (and says `Sec-Fetch-Site:
/// cross-site`); pages of the mock's own hosts (the dashboard, a local app) and allowed origins
/// pass, as does the same origin in remote mode.
fn check_origin(
    access: &ControlAccess,
    issuer: &str,
    headers: &HeaderMap,
    host: Option<&str>,
) -> Result<(), Refusal> {
    let origin = headers.get(header::ORIGIN).map(|v| {
        v.to_str()
            .unwrap_or("<not text>")
            .trim_end_matches('/')
            .to_string()
    });
    let Some(origin) = origin else {
        let cross = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
        return if cross {
            Err(Refusal::CrossSite("none".into()))
        } else {
            Ok(())
        };
    };
    let allowed = access
        .allowed_origins
        .iter()
        .any(|o| o.trim_end_matches('/') == origin)
        || url::Url::parse(&origin).ok().is_some_and(|u| {
            let name = u
                .host_str()
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            let same_origin = u
                .port_or_known_default()
                .map(|p| format!("{name}:{p}"))
                .is_some_and(|o| host.is_some_and(|h| authority_with_port(h, &u) == o));
            (!name.is_empty() && serves_host(access, issuer, name))
                || (access.allow_remote && same_origin)
        });
    if allowed {
        Ok(())
    } else {
        Err(Refusal::CrossSite(origin))
    }
}

/// The request's `host:port`, with the origin's default port when `Host` has none.
fn authority_with_port(host: &str, origin: &url::Url) -> String {
    match host.parse::<Authority>() {
        Ok(a) => format!(
            "{}:{}",
            a.host().to_ascii_lowercase(),
            a.port_u16()
                .or_else(|| origin.port_or_known_default())
                .unwrap_or(0)
        ),
        Err(_) => host.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests;
