//! The organization prompts of a client that requires an organization and was sent none
//! (`organization_require_behavior`), as Universal Login's screens:
//! - `pre_login_prompt`: `organization-selection` at `/u/organization` before the credentials,
//!   asking for the organization's name (field `organizationName`);
//! - `post_login_prompt`: `organization-picker` at `/u/organization-picker` after them, listing
//!   the first 20 organizations the user is a member of (field `organization`, the id).
//!
//! Either way the chosen organization then goes through the same membership checks as an
//! `organization=` sent by the application.

use super::authorize::{
    finish, organizations_of, proceed, reply_for, transaction_id, unknown_transaction,
};
use super::extract::{AppState, Body, Page, PeerIp, Query};
use super::pages::page;
use super::reply::{AuthorizeError, AuthorizeRefusal, unframeable, urlencode};
use super::session;
use crate::error::{ErrorPage, OAuthError};
use crate::login::request::AuthorizeRequest;
use crate::mock::Mock;
use crate::tenant::Organization;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

/// Auth0's `invalid-organization` text on the selection screen.
const INVALID_ORGANIZATION: &str = "The organization you entered is invalid";
fn parked(mock: &Mock, txid: &str) -> Result<AuthorizeRequest, ErrorPage> {
    mock.store()
        .parked_login(txid, mock.clock().now())
        .ok_or_else(unknown_transaction)
}

fn client_name(mock: &Mock, req: &AuthorizeRequest) -> String {
    mock.tenant()
        .client(&req.client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

fn error_html(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<div class=\"error\" role=\"alert\" id=\"error-element-organization\">{}</div>",
                text(e)
            )
        })
        .unwrap_or_default()
}

fn selection_page(txid: &str, client: &str, typed: &str, error: Option<&str>) -> String {
    let body = format!(
        "<div class=\"logo\">A0</div><h1>Enter your Organization Name</h1>\
         <p class=\"sub\">to continue to {client}.</p>{error}\
         <form method=\"post\" action=\"/u/organization?state={state}\" id=\"organization-form\">\
         <input type=\"hidden\" name=\"state\" value=\"{state_attr}\">\
         <label for=\"organizationName\">Organization Name</label>\
         <input type=\"text\" id=\"organizationName\" name=\"organizationName\" value=\"{typed}\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus>\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Continue</button></form>",
        client = text(client),
        error = error_html(error),
        state = attr(&urlencode(txid)),
        state_attr = attr(txid),
        typed = attr(typed),
    );
    page("Enter your Organization Name | auth0-mock", &body)
}

fn picker_page(txid: &str, client: &str, orgs: &[&Organization], error: Option<&str>) -> String {
    let list: String = orgs
        .iter()
        .map(|o| {
            let shown = o.display_name.as_deref().unwrap_or(&o.name);
            format!(
                "<li><form method=\"post\" action=\"/u/organization-picker?state={state}\">\
                 <input type=\"hidden\" name=\"state\" value=\"{state_attr}\">\
                 <input type=\"hidden\" name=\"organization\" value=\"{id}\">\
                 <button type=\"submit\" class=\"user-login\" name=\"action\" value=\"default\" data-organization=\"{id}\" data-organization-name=\"{name}\">\
                 <span class=\"who\">{shown}<small>{name_text}</small></span></button></form></li>",
                state = attr(&urlencode(txid)),
                state_attr = attr(txid),
                id = attr(&o.id),
                name = attr(&o.name),
                shown = text(shown),
                name_text = text(&o.name),
            )
        })
        .collect();
    let body = format!(
        "<div class=\"logo\">A0</div><h1>Choose an Organization</h1>\
         <p class=\"sub\">to continue to {client}.</p>{error}<ul class=\"users\" id=\"organizations\">{list}</ul>",
        client = text(client),
        error = error_html(error),
    );
    page("Choose an Organization | auth0-mock", &body)
}

/// `GET /u/organization`.
pub(crate) async fn show_selection(
    State(mock): State<AppState>,
    Page(Query(query)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&query)?;
    let req = parked(&mock, &txid)?;
    let page = selection_page(&txid, &client_name(&mock, &req), "", None);
    Ok(unframeable(StatusCode::OK, page))
}

/// `POST /u/organization`: the named organization, else the screen again with Auth0's error.
pub(crate) async fn submit_selection(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(query)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    let txid = transaction_id(&query)?;
    let req = parked(&mock, &txid)?;
    let typed = form.get("organizationName").unwrap_or("").trim();
    let lower = typed.to_ascii_lowercase();
    let found_id = mock
        .tenant()
        .organizations
        .iter()
        .find(|o| !lower.is_empty() && o.name == lower)
        .map(|o| o.id.clone());
    let Some(id) = found_id else {
        tracing::info!(typed = %typed, "organization selection: no such organization");
        let page = selection_page(
            &txid,
            &client_name(&mock, &req),
            typed,
            Some(INVALID_ORGANIZATION),
        );
        return Ok(unframeable(StatusCode::BAD_REQUEST, page));
    };
    let mut req = mock
        .store()
        .take_parked_login(&txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    req.organization = Some(id);
    proceed(&mock, req, &headers, &ip).await
}

/// `GET /u/organization-picker`.
pub(crate) async fn show_picker(
    State(mock): State<AppState>,
    headers: HeaderMap,
    Page(Query(query)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&query)?;
    let req = parked(&mock, &txid)?;
    let (_, s) = session::current(&mock, &headers).ok_or_else(no_session)?;
    let tenant = mock.tenant();
    let orgs = organizations_of(&tenant, &s.user_id);
    let page = picker_page(&txid, &client_name(&mock, &req), &orgs, None);
    Ok(unframeable(StatusCode::OK, page))
}

fn no_session() -> ErrorPage {
    ErrorPage::new(
        "login_required",
        "No session: the organization picker follows the login; start again from /authorize",
    )
}

/// `POST /u/organization-picker`: one of the user's organizations, then the login completes.
pub(crate) async fn submit_picker(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(query)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, AuthorizeRefusal> {
    let txid = transaction_id(&query)?;
    let req = parked(&mock, &txid)?;
    let Some((sid, s)) = session::current(&mock, &headers) else {
        return Err(AuthorizeError::new(&reply_for(&req), OAuthError::login_required()).into());
    };
    let chosen = form.get("organization").unwrap_or("").trim();
    let tenant = mock.tenant();
    // Any organization of the user's counts, not only the 20 the picker lists.
    let member = tenant
        .organizations
        .iter()
        .any(|o| o.id == chosen && o.member(&s.user_id).is_some());
    if !member {
        let orgs = organizations_of(&tenant, &s.user_id);
        tracing::info!(organization = %chosen, user = %s.user_id, "organization picker: not one of the user's organizations");
        let message = "The organization you selected is not one of yours";
        let page = picker_page(&txid, &client_name(&mock, &req), &orgs, Some(message));
        return Ok(unframeable(StatusCode::BAD_REQUEST, page));
    }
    let mut req = mock
        .store()
        .take_parked_login(&txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    req.organization = Some(chosen.to_string());
    finish(&mock, req, &sid, &s, &headers, &ip).await
}
