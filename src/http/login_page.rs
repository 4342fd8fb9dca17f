//! The login page at Universal Login's path, `/u/login?state=<transaction>`.
//!
//! `POST` with `action=default` checks the password; `action=pick` is the one-click login of
//! the test-user list (a mock convenience). Success starts a session and continues the parked
//! `/authorize` request through `/authorize/resume`, as Auth0 does.

use super::authorize::{transaction_id, unknown_transaction};
use super::extract::{AppState, Body, Page, PeerIp, Query};
use super::pages::{ListedUser, OtherWays, login_page};
use super::reply::{unframeable, urlencode};
use super::session;
use super::signup_page::signup_connection;
use crate::error::ErrorPage;
use crate::lifecycle::{BLOCKED_ATTEMPTS, password_login};
use crate::mock::Mock;
use crate::store::PasswordRefusal;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

/// Why the form did not sign anyone in, as the page shows it.
const WRONG_CREDENTIALS: &str = "Wrong email or password.";

fn render(
    mock: &Mock,
    txid: &str,
    prefill: &str,
    error: Option<&str>,
) -> Result<String, ErrorPage> {
    let parked = mock
        .store()
        .parked_login(txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    let tenant = mock.tenant();
    let client_name = tenant
        .client(&parked.client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let users: Vec<ListedUser> = mock
        .store()
        // Social users sign in at their provider's page, not with this list's "pick".
        .users_where(|u| {
            !u.blocked
                && !u
                    .connection
                    .as_deref()
                    .and_then(|c| tenant.connection(c))
                    .is_some_and(|c| c.is_social())
        })
        .into_iter()
        .map(|u| ListedUser {
            login: u.login_name().to_string(),
            name: u.name.clone().unwrap_or_default(),
            roles: u.roles,
        })
        .collect();
    let prefill = if prefill.is_empty() {
        parked.login_hint.clone().unwrap_or_default()
    } else {
        prefill.to_string()
    };
    let action = format!("/u/login?state={}", urlencode(txid));
    let signup =
        signup_connection(mock, &parked).map(|_| format!("/u/signup?state={}", urlencode(txid)));
    let client = tenant.client(&parked.client_id);
    // An organization login offers only the connections the organization enables.
    let organization = parked
        .organization
        .as_deref()
        .and_then(|id| tenant.organizations.iter().find(|o| o.id == id));
    let social: Vec<(String, String, String)> = tenant
        .connections
        .iter()
        .filter(|c| c.is_social() && client.is_some_and(|k| c.enabled_for(k)))
        .filter(|c| organization.is_none_or(|o| o.connection(&c.name).is_some()))
        .map(|c| {
            (
                c.name.clone(),
                c.provider_label().to_string(),
                super::authorize::provider_path(&c.name, txid),
            )
        })
        .collect();
    Ok(login_page(
        &action,
        &client_name,
        &tenant.friendly_name,
        &prefill,
        error,
        &users,
        &OtherWays {
            signup: signup.as_deref(),
            social: &social,
        },
    ))
}

/// `GET /u/login`.
pub(crate) async fn show(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&params)?;
    // A user armed with `POST /__mock/login/next` is signed in as if picked on this page.
    let parked = mock
        .store()
        .parked_login(&txid, mock.clock().now())
        .is_some();
    if parked && let Some(user_id) = mock.take_next_login() {
        match mock.store().login_refusal(&user_id) {
            None => return Ok(session::sign_in_and_resume(&mock, &user_id, &txid)),
            Some(refusal) => {
                tracing::warn!(user = %user_id, ?refusal, "the user armed for the next login can no longer log in: showing the form")
            }
        }
    }
    Ok(unframeable(StatusCode::OK, render(&mock, &txid, "", None)?))
}

/// `POST /u/login`.
pub(crate) async fn submit(
    State(mock): State<AppState>,
    ip: PeerIp,
    Page(Query(query)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&query)?;
    let username = form.get("username").unwrap_or("").trim().to_string();
    let action = form.get("action").unwrap_or("default");
    let password = form.get("password").unwrap_or("");
    let user = match action {
        // The one-click test-user list: no password.
        "pick" => Ok(mock.store().find_user(&username)),
        // The password rule (and brute-force protection) the password grant uses too.
        "default" => match password_login(&mock, &username, password, None, &ip.text()) {
            Ok(u) => Ok(Some(u)),
            Err(PasswordRefusal::Wrong) => Ok(None),
            Err(PasswordRefusal::TooManyAttempts { .. }) => Err(BLOCKED_ATTEMPTS),
        },
        _ => Err("Unsupported action."),
    };
    let verdict = match user {
        Err(unsupported) => Err(unsupported),
        Ok(None) => Err(WRONG_CREDENTIALS),
        Ok(Some(u)) if u.blocked => Err("user is blocked"),
        Ok(Some(u)) => Ok(u.user_id),
    };
    let user_id = match verdict {
        Ok(id) => id,
        Err(message) => {
            tracing::info!(username = %username, reason = message, "login page: authentication failed");
            let page = render(&mock, &txid, &username, Some(message))?;
            return Ok(unframeable(StatusCode::BAD_REQUEST, page));
        }
    };
    if mock
        .store()
        .parked_login(&txid, mock.clock().now())
        .is_none()
    {
        return Err(unknown_transaction());
    }
    Ok(session::sign_in_and_resume(&mock, &user_id, &txid))
}
