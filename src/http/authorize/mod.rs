//! `GET /authorize`, `/authorize/resume` and `/continue`: validates the request, uses or starts the browser
//! session, runs the login transaction and answers in the requested response mode.
//!
//! Until the client and its callback are validated, errors are an HTML page (never a redirect:
//! no open redirect); afterwards they go back to the callback as `error`/`error_description`/
//! `state`, including `login_required` for `prompt=none`, in every response mode.

mod complete;
mod continuation;
mod magic_link;
mod org_prompt;
mod validate;

pub(crate) use magic_link::verify_redirect;

pub(crate) use complete::page_transaction;
pub(crate) use complete::{deliver, reply_for};
pub(crate) use continuation::continue_login;
pub(crate) use org_prompt::organizations_of;

use super::extract::{AppState, Page, PeerIp, Query, user_agent};
use super::reply::{AuthorizeError, AuthorizeRefusal, Reply, found, urlencode};
use super::session;
use crate::error::{ErrorPage, OAuthError};
use crate::mock::Mock;
use crate::protocol::Prompt;
use crate::store::{AUTHORIZE_QUERY_MAX, PARKED_SECS, Session};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use complete::{Browser, complete};

fn login_required(reply: &Reply) -> AuthorizeRefusal {
    AuthorizeError::new(reply, OAuthError::login_required()).into()
}

/// The transaction a parked login is no longer known by.
pub(crate) fn unknown_transaction() -> ErrorPage {
    ErrorPage::new(
        "invalid_request",
        "Invalid or expired login transaction: start again from /authorize",
    )
}

/// Where the login page and `/authorize` send the browser for a social connection: the mock's
/// stand-in for the provider (`http::social`).
pub(crate) fn provider_path(connection: &str, txid: &str) -> String {
    format!(
        "/mock-provider/{}?state={}",
        urlencode(connection),
        urlencode(txid)
    )
}

/// The parked login a login screen's `?state=` names (its transaction id).
pub(crate) fn transaction_id(params: &crate::http::params::Params) -> Result<String, ErrorPage> {
    params
        .get("state")
        .map(str::to_string)
        .ok_or_else(|| ErrorPage::new("invalid_request", "Missing required parameter: state"))
}

/// `GET /authorize`.
pub(crate) async fn authorize(
    State(mock): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(params)): Page<Query>,
) -> Result<Response, AuthorizeRefusal> {
    // A parked login holds its query for an hour, so its size is bounded before anything else.
    if uri.query().is_some_and(|q| q.len() > AUTHORIZE_QUERY_MAX) {
        return Err(ErrorPage::new(
            "invalid_request",
            format!(
                "The request URL is too long: /authorize takes at most {} KB of query",
                AUTHORIZE_QUERY_MAX / 1024
            ),
        )
        .into());
    }
    let (mut req, reply) = validate::validate(&mock.tenant(), &params)?;
    let now = mock.clock().now();
    validate::invitation(mock.store(), now, &mut req)
        .map_err(|e| AuthorizeError::new(&reply, e))?;
    // auth0.js embedded login: `/co/authenticate` checked the credential, this finishes it.
    if let Some(ticket) = params.get("login_ticket") {
        let Some(user_id) = super::cross_origin::redeem(&mock, ticket, &req.client_id) else {
            return Err(AuthorizeError::new(
                &reply,
                OAuthError::access_denied("Invalid or expired login ticket"),
            )
            .into());
        };
        return Ok(complete::sign_in_and_complete(&mock, req, &user_id, &headers, &ip).await?);
    }
    // A client that prompts for its organization asks before anything else.
    if org_prompt::selection_due(&mock.tenant(), &req) {
        return Ok(org_prompt::to_selection(&mock, req));
    }
    proceed(&mock, req, &headers, &ip).await
}

/// Goes on with a validated request: completes it for the browser's session when it has a
/// usable one, else sends the browser to the screen that signs the user in.
pub(crate) async fn proceed(
    mock: &Mock,
    req: crate::login::request::AuthorizeRequest,
    headers: &HeaderMap,
    ip: &PeerIp,
) -> Result<Response, AuthorizeRefusal> {
    let now = mock.clock().now();
    let session = session::current(mock, headers).filter(|(_, s)| {
        !req.prompts(Prompt::Login) && req.max_age.is_none_or(|max| now - s.auth_time <= max)
    });
    let Some((sid, s)) = session else {
        if req.prompts(Prompt::None) {
            return Err(login_required(&reply_for(&req)));
        }
        return Ok(to_login_screen(mock, req));
    };
    finish(mock, req, &sid, &s, headers, ip).await
}

/// Parks `req` and sends the browser where the user signs in: `screen_hint=signup` opens the
/// sign-up page, a passwordless connection its own screens and a social one its provider, as
/// Universal Login does; otherwise the login page.
fn to_login_screen(mock: &Mock, req: crate::login::request::AuthorizeRequest) -> Response {
    let now = mock.clock().now();
    let named = req
        .connection()
        .and_then(|c| mock.tenant().connection(c).cloned());
    let passwordless = named.as_ref().and_then(|c| c.passwordless()).is_some();
    let location = if let Some(c) = named.as_ref().filter(|c| c.is_social()) {
        provider_path(&c.name, &req.transaction_id)
    } else {
        let screen = if passwordless {
            "login/passwordless"
        } else if req.query.get("screen_hint").and_then(|v| v.as_str()) == Some("signup") {
            "signup"
        } else {
            "login"
        };
        format!("/u/{screen}?state={}", urlencode(&req.transaction_id))
    };
    mock.store().park_login(req, now, PARKED_SECS);
    found(&location)
}

/// Completes the login for the session's user, from where the browser is.
pub(crate) async fn finish(
    mock: &Mock,
    req: crate::login::request::AuthorizeRequest,
    sid: &str,
    session: &Session,
    headers: &HeaderMap,
    ip: &PeerIp,
) -> Result<Response, AuthorizeRefusal> {
    let browser = Browser {
        sid,
        user_id: &session.user_id,
        auth_time: session.auth_time,
        ip: &ip.text(),
        user_agent: user_agent(headers),
        mfa_remembered: super::session::mfa_remembered(mock, headers, &session.user_id),
    };
    Ok(complete(mock, req, browser).await?)
}

/// `GET /authorize/resume?state=…`: continues a parked login once the login page has started a
/// session.
pub(crate) async fn resume(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(params)): Page<Query>,
) -> Result<Response, AuthorizeRefusal> {
    let txid = transaction_id(&params)?;
    let req = mock
        .store()
        .take_parked_login(&txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    let Some((sid, s)) = session::current(&mock, &headers) else {
        return Err(login_required(&reply_for(&req)));
    };
    finish(&mock, req, &sid, &s, &headers, &ip).await
}
