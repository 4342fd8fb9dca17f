//! Social connections offline: the mock plays the upstream provider. `/authorize?connection=
//! google-oauth2` (or the login page's "Continue with Google") leads to `/mock-provider/<name>`,
//! a small page standing in for Google's: pick an account this connection already has, or type
//! a new email and name. The answer comes back through the mock itself: a first login creates
//! the user in Auth0's shape for the strategy (`google-oauth2|<21 digits>`, an identity with
//! `isSocial: true`, a verified email and the provider's profile fields), later logins reuse
//! it, and the parked `/authorize` request goes on with `event.connection` set.
//!
//! As in Auth0, the registration triggers do not run for social sign-ups (they are for
//! database and passwordless connections).

use super::authorize::{provider_path, transaction_id, unknown_transaction};
use super::extract::{AppState, Body, Page, Query};
use super::pages::page;
use super::reply::unframeable;
use super::session;
use crate::error::ErrorPage;
use crate::mock::Mock;
use crate::tenant::{Connection, User};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::json;

/// The social connection of the path, for the parked login of `?state=` (which its client
/// may use).
fn social(mock: &Mock, name: &str, txid: &str) -> Result<Connection, ErrorPage> {
    let parked = mock
        .store()
        .parked_login(txid, mock.clock().now())
        .ok_or_else(unknown_transaction)?;
    let tenant = mock.tenant();
    let connection = tenant
        .connection(name)
        .filter(|c| c.is_social())
        .ok_or_else(|| {
            ErrorPage::new(
                "invalid_request",
                format!("'{name}' is not a social connection of this tenant"),
            )
        })?;
    let client = tenant
        .client(&parked.client_id)
        .ok_or_else(unknown_transaction)?;
    if !connection.enabled_for(client) {
        return Err(ErrorPage::new(
            "invalid_request",
            format!(
                "the connection {name} is not enabled for the application {}",
                client.name
            ),
        ));
    }
    Ok(connection.clone())
}

fn provider_page(mock: &Mock, c: &Connection, txid: &str, error: Option<&str>) -> String {
    let action = provider_path(&c.name, txid);
    let known: String = mock
        .store()
        .users_where(|u| u.connection.as_deref() == Some(c.name.as_str()) && !u.blocked)
        .iter()
        .map(|u| {
            format!(
                "<li><form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"email\" value=\"{email}\">\
                 <button type=\"submit\" class=\"user-login\" name=\"action\" value=\"pick\" data-email=\"{email}\">\
                 <span class=\"who\">{name}<small>{email_text}</small></span></button></form></li>",
                action = attr(&action),
                email = attr(u.login_name()),
                name = text(u.name.as_deref().unwrap_or_default()),
                email_text = text(u.login_name()),
            )
        })
        .collect();
    let known = if known.is_empty() {
        String::new()
    } else {
        format!(
            "<div class=\"divider\"><span>or use an account</span></div><ul class=\"users\">{known}</ul>"
        )
    };
    let error = error
        .map(|e| {
            format!(
                "<div class=\"error\" role=\"alert\" id=\"error-element-email\">{}</div>",
                text(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<div class=\"logo\">{initial}</div><h1>Sign in with {label}</h1>\
         <p class=\"sub\">auth0-mock stands in for {label} here: no request leaves this machine.</p>{error}\
         <form method=\"post\" action=\"{action}\" id=\"provider-form\">\
         <label for=\"email\">Email</label><input type=\"email\" id=\"email\" name=\"email\" required autofocus>\
         <label for=\"name\">Name</label><input type=\"text\" id=\"name\" name=\"name\">\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Continue</button></form>{known}",
        initial = text(&c.provider_label().chars().next().unwrap_or('?').to_string()),
        label = text(c.provider_label()),
        action = attr(&action),
    );
    page(
        &format!("Sign in with {} | auth0-mock", c.provider_label()),
        &body,
    )
}

/// `GET /mock-provider/<connection>?state=…`.
pub(crate) async fn show(
    State(mock): State<AppState>,
    Path(name): Path<String>,
    Page(Query(params)): Page<Query>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&params)?;
    let c = social(&mock, &name, &txid)?;
    Ok(unframeable(
        StatusCode::OK,
        provider_page(&mock, &c, &txid, None),
    ))
}

/// `POST /mock-provider/<connection>?state=…`: the account the "provider" vouches for.
pub(crate) async fn submit(
    State(mock): State<AppState>,
    Path(name): Path<String>,
    Page(Query(params)): Page<Query>,
    Page(Body(form)): Page<Body>,
) -> Result<Response, ErrorPage> {
    let txid = transaction_id(&params)?;
    let c = social(&mock, &name, &txid)?;
    let again = |message: &str| {
        unframeable(
            StatusCode::BAD_REQUEST,
            provider_page(&mock, &c, &txid, Some(message)),
        )
    };
    let email = form.get("email").unwrap_or("").trim().to_ascii_lowercase();
    if !email.contains('@') || email.len() > 254 {
        return Ok(again("Enter a valid email address."));
    }
    // Only this connection's own users: in a tenant whose default connection is this one,
    // users naming no connection would otherwise count as Google's.
    let known = mock
        .store()
        .find_user_in(&email, &c.name)
        .filter(|u| u.connection.as_deref() == Some(c.name.as_str()));
    let user = match known {
        Some(u) => refresh_profile(&mock, &c, u, form.get("name")),
        None => match create(&mock, &c, &email, form.get("name")) {
            Ok(u) => u,
            Err(e) => return Ok(again(&e)),
        },
    };
    if user.blocked {
        return Ok(again("user is blocked"));
    }
    Ok(session::sign_in_and_resume(&mock, &user.user_id, &txid))
}

/// The name the "provider" reports, split as Google splits it: (name, given, family).
fn profile_name<'n>(name: Option<&'n str>, email: &'n str) -> (&'n str, &'n str, &'n str) {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or(email));
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    (name, given, family)
}

/// A later login through `c` with a name typed on the provider page: the user's root profile
/// takes it, as Auth0 syncs the provider's profile on each login (unless the connection's
/// `set_user_root_attributes` says otherwise). Picking the account from the list changes
/// nothing.
fn refresh_profile(mock: &Mock, c: &Connection, user: User, name: Option<&str>) -> User {
    use crate::tenant::RootAttributes;
    let typed = name.map(str::trim).filter(|n| !n.is_empty());
    if c.options.set_user_root_attributes != RootAttributes::OnEachLogin
        || typed.is_none_or(|n| user.name.as_deref() == Some(n))
    {
        return user;
    }
    let (name, given, family) = profile_name(typed, "");
    let patch = json!({
        "name": name,
        "given_name": given,
        "family_name": (!family.is_empty()).then_some(family),
    });
    let Some(patch) = patch.as_object() else {
        return user;
    };
    let tenant = mock.tenant();
    match mock.store().update_user(
        &user.user_id,
        patch,
        |r| tenant.has_role(r),
        mock.clock().now(),
    ) {
        Ok(updated) => {
            tracing::info!(user = %updated.user_id, connection = %c.name, "social profile synced at login");
            updated
        }
        Err(e) => {
            tracing::warn!(user = %user.user_id, error = %e, "social profile sync failed: the login goes on with the stored profile");
            user
        }
    }
}

/// A first login through `c`: the user in Auth0's shape for the strategy.
fn create(mock: &Mock, c: &Connection, email: &str, name: Option<&str>) -> Result<User, String> {
    let digits = |n: usize| -> String {
        (0..n)
            .map(|i| {
                let d: u8 = rand::random_range(0..10);
                char::from(b'0' + if i == 0 { d.max(1) } else { d })
            })
            .collect()
    };
    let user_id = match c.strategy.as_str() {
        "google-oauth2" => format!("google-oauth2|{}", digits(21)),
        "oauth2" => format!("oauth2|{}|{}", c.name, digits(16)),
        other => format!("{other}|{}", digits(16)),
    };
    let (name, given, family) = profile_name(name, email);
    let user: User = serde_json::from_value(json!({
        "user_id": user_id,
        "email": email,
        "email_verified": true,
        "name": name,
        "given_name": given,
        "family_name": (!family.is_empty()).then_some(family),
        "nickname": email.split('@').next(),
        "connection": c.name,
    }))
    .map_err(|e| e.to_string())?;
    let tenant = mock.tenant();
    let created = mock
        .store()
        .create_user(user, |r| tenant.has_role(r), mock.clock().now())
        .map_err(|e| e.to_string())?;
    tracing::info!(user = %created.user_id, connection = %c.name, "social sign-up through the mock provider");
    Ok(created)
}
