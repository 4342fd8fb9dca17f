//! The login page at Universal Login's path, `/u/login?state=<transaction>`.
//!
//! `POST` with `action=default` checks the password; `action=pick` is the one-click login of
//! the test-user list (a mock convenience). Success starts a session and continues the parked
//! `/authorize` request through `/authorize/resume`, as Auth0 does.

use super::AppState;
use super::pages::{ListedUser, login_page};
use super::params::Params;
use super::session;
use crate::error::ErrorPage;
use crate::state::Mock;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

fn transaction(query: Option<String>) -> Result<String, ErrorPage> {
    let params = Params::from_form(query.unwrap_or_default().as_bytes())
        .map_err(|e| ErrorPage::new("invalid_request", e))?;
    params
        .get("state")
        .map(str::to_string)
        .ok_or_else(|| ErrorPage::new("invalid_request", "Missing required parameter: state"))
}

fn render(
    mock: &Mock,
    txid: &str,
    prefill: &str,
    error: Option<&str>,
) -> Result<String, ErrorPage> {
    let (client_id, hint) = {
        let store = mock.store.lock();
        let pending = store
            .pending
            .get(txid)
            .filter(|p| p.expires_at > mock.clock.now())
            .ok_or_else(|| {
                ErrorPage::new(
                    "invalid_request",
                    "Invalid or expired login transaction: start again from /authorize",
                )
            })?;
        (
            pending.request.client_id.clone(),
            pending.request.login_hint.clone(),
        )
    };
    let tenant = mock.tenant();
    let client_name = tenant
        .client(&client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let users: Vec<ListedUser> = mock
        .store
        .lock()
        .users
        .iter()
        .filter(|u| !u.blocked)
        .map(|u| ListedUser {
            login: u.email.clone().or(u.username.clone()).unwrap_or_default(),
            name: u.name.clone().unwrap_or_default(),
            roles: u.roles.clone(),
        })
        .collect();
    let prefill = if prefill.is_empty() {
        hint.unwrap_or_default()
    } else {
        prefill.to_string()
    };
    let action = format!(
        "/u/login?state={}",
        url::form_urlencoded::byte_serialize(txid.as_bytes()).collect::<String>()
    );
    Ok(login_page(
        &action,
        &client_name,
        &tenant.friendly_name,
        &prefill,
        error,
        &users,
    ))
}

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, Html(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("deny"));
    r
}

/// `GET /u/login`.
pub async fn show(State(mock): State<AppState>, RawQuery(query): RawQuery) -> Response {
    match transaction(query).and_then(|tx| render(&mock, &tx, "", None)) {
        Ok(page) => html(StatusCode::OK, page),
        Err(e) => e.into_response(),
    }
}

/// `POST /u/login`.
pub async fn submit(
    State(mock): State<AppState>,
    RawQuery(query): RawQuery,
    req: Request,
) -> Response {
    let txid = match transaction(query) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let (parts, body) = req.into_parts();
    let form = match Params::from_body(&parts.headers, body).await {
        Ok(f) => f,
        Err(e) => return ErrorPage::new("invalid_request", e.description).into_response(),
    };
    let username = form.get("username").unwrap_or("").trim().to_string();
    let action = form.get("action").unwrap_or("default");
    let user = mock.store.lock().find_user(&username).cloned();
    let verdict = match (action, &user) {
        (_, None) => Err("Wrong email or password."),
        (_, Some(u)) if u.blocked => Err("user is blocked"),
        ("pick", Some(u)) => Ok(u.user_id.clone()),
        ("default", Some(u)) => match (form.get("password"), &u.password) {
            (Some(given), Some(expected)) if crate::util::constant_time_eq(given, expected) => {
                Ok(u.user_id.clone())
            }
            _ => Err("Wrong email or password."),
        },
        _ => Err("Unsupported action."),
    };
    match verdict {
        Err(message) => {
            tracing::info!(username = %username, reason = message, "login page: authentication failed");
            match render(&mock, &txid, &username, Some(message)) {
                Ok(page) => html(StatusCode::BAD_REQUEST, page),
                Err(e) => e.into_response(),
            }
        }
        Ok(user_id) => {
            if !mock.store.lock().pending.contains_key(&txid) {
                return ErrorPage::new(
                    "invalid_request",
                    "Invalid or expired login transaction: start again from /authorize",
                )
                .into_response();
            }
            let (_, cookie) = session::start(&mock, &user_id);
            let location = format!(
                "/authorize/resume?state={}",
                url::form_urlencoded::byte_serialize(txid.as_bytes()).collect::<String>()
            );
            let mut r = StatusCode::FOUND.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r.headers_mut().insert(header::SET_COOKIE, cookie);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
    }
}
