//! The sign-up page at Universal Login's path, `/u/signup?state=<transaction>`, reached with
//! `/authorize?screen_hint=signup` or the login page's "Sign up" link. A sign-up signs the new
//! user in and continues the parked `/authorize` request, as a login does.

use super::account_pages::{Field, FormError, SignupForm, signup_page};
use super::authorize::{page_transaction, transaction_id, unknown_transaction};
use super::extract::{AppState, Body, Page, PeerIp, Query, user_agent};
use super::reply::{unframeable, urlencode};
use super::session;
use crate::error::ErrorPage;
use crate::lifecycle::{self, Profile, SignUp, SignUpError, SignUpVia};
use crate::login::event::request_json;
use crate::login::request::AuthorizeRequest;
use crate::mock::Mock;
use crate::tenant::Connection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

/// Universal Login's fallback when a denying Action gave no message for the user.
const SOMETHING_WENT_WRONG: &str = "Something went wrong, please try again later.";

/// The database connection a parked login signs up into: the one it names, else the
/// tenant's default; `None` when it has none or sign-ups are disabled there.
pub(crate) fn signup_connection(mock: &Mock, parked: &AuthorizeRequest) -> Option<Connection> {
    lifecycle::signup_connection(mock, parked.connection())
        .ok()
        .filter(|c| !c.options.disable_signup)
}

/// What the page shows besides the form's own values.
struct Shown<'a> {
    email: &'a str,
    username: &'a str,
    error: Option<FormError<'a>>,
}

fn render(mock: &Mock, txid: &str, shown: Shown<'_>) -> Result<String, ErrorPage> {
    let parked = mock
        .store()
        .parked_login(txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    let connection = lifecycle::signup_connection(mock, parked.connection())
        .map_err(|e| ErrorPage::new("invalid_request", e.to_string()))?;
    let tenant = mock.tenant();
    let client_name = tenant
        .client(&parked.client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let hints = connection.password_policy().hints();
    let action = format!("/u/signup?state={}", urlencode(txid));
    let login_href = format!("/u/login?state={}", urlencode(txid));
    let prefill = if shown.email.is_empty() {
        parked.login_hint.clone().unwrap_or_default()
    } else {
        shown.email.to_string()
    };
    Ok(signup_page(&SignupForm {
        action: &action,
        login_href: &login_href,
        client_name: &client_name,
        tenant_name: &tenant.friendly_name,
        email: &prefill,
        username: connection
            .options
            .requires_username
            .then_some(shown.username),
        hints: &hints,
        error: shown.error,
    }))
}

/// `GET /u/signup`.
pub(crate) async fn show(
    State(mock): State<AppState>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&params)?;
    let shown = Shown {
        email: "",
        username: "",
        error: None,
    };
    Ok(unframeable(StatusCode::OK, render(&mock, &txid, shown)?))
}

/// Where a sign-up error shows on the page, and in which words (Universal Login's).
fn page_error(e: &SignUpError) -> (Field, String, Vec<String>) {
    match e {
        SignUpError::Missing("email") => {
            (Field::Email, "Please enter an email address".into(), vec![])
        }
        SignUpError::Missing("username") => {
            (Field::Username, "Username is required".into(), vec![])
        }
        SignUpError::Missing(_) => (Field::Password, "Password is required".into(), vec![]),
        SignUpError::InvalidEmail(_) => (Field::Email, "Email is not valid.".into(), vec![]),
        SignUpError::UserExists => (Field::Email, "The user already exists.".into(), vec![]),
        SignUpError::UsernameExists => (
            Field::Username,
            "The username provided is in use already.".into(),
            vec![],
        ),
        SignUpError::InvalidUsername(reason) => (Field::Username, reason.clone(), vec![]),
        SignUpError::WeakPassword(f) => (
            Field::Password,
            "The password is too weak".into(),
            f.unmet(),
        ),
        SignUpError::Denied { user_message, .. } => (
            Field::Email,
            user_message
                .clone()
                .unwrap_or_else(|| SOMETHING_WENT_WRONG.into()),
            vec![],
        ),
        SignUpError::Disabled => (Field::Email, "Sign ups are not allowed.".into(), vec![]),
        other => (Field::Email, other.to_string(), vec![]),
    }
}

/// `POST /u/signup`.
pub(crate) async fn submit(
    State(mock): State<AppState>,
    headers: HeaderMap,
    ip: PeerIp,
    Page(Query(query)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&query)?;
    let parked = mock
        .store()
        .parked_login(&txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    let email = form.get("email").unwrap_or("").trim().to_string();
    let username = form.get("username").unwrap_or("").trim().to_string();
    let transaction = page_transaction(&parked);
    let mut request = request_json(
        mock.issuer(),
        user_agent(&headers),
        &ip.text(),
        "POST",
        serde_json::Value::Object(parked.query.clone()),
    );
    request["body"] = json!({ "email": email, "username": username });
    let req = SignUp {
        client_id: parked.client_id.clone(),
        connection: parked.connection().map(str::to_string),
        email: email.clone(),
        password: form.get("password").unwrap_or("").to_string(),
        username: Some(username.clone()).filter(|u| !u.is_empty()),
        profile: Profile::default(),
        user_metadata: Default::default(),
        via: SignUpVia::Page(transaction),
        request,
    };
    let user = match lifecycle::sign_up(&mock, req).await {
        Ok(user) => user,
        Err(e) => {
            tracing::info!(email = %email, reason = %e, "sign-up page: refused");
            let (field, message, details) = page_error(&e);
            let shown = Shown {
                email: &email,
                username: &username,
                error: Some(FormError {
                    field,
                    message: &message,
                    details: &details,
                }),
            };
            let page = render(&mock, &txid, shown)?;
            return Ok(unframeable(StatusCode::BAD_REQUEST, page));
        }
    };
    Ok(session::sign_in_and_resume(&mock, &user.user_id, &txid))
}
