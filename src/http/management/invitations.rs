//! `/api/v2/organizations/{id}/invitations`: an invitation names an invitee's address and an
//! application; its link goes to the application's login route (`initiate_login_uri`) with
//! `invitation` and `organization`, which the application forwards to `/authorize`. The email
//! goes to the outbox (template `user_invitation`).

use super::authorization::roles_named;
use super::organizations::organization;
use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
use crate::lifecycle::send_invitation;
use crate::store::Invitation;
use crate::tenant::Organization;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// How long an invitation works unless `ttl_sec` says otherwise (Auth0: 7 days).
const DEFAULT_TTL: i64 = 7 * 86_400;
/// The longest `ttl_sec` Auth0 accepts (30 days).
const MAX_TTL: i64 = 30 * 86_400;

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/organizations/{id}/invitations",
            get(list).post(create),
        )
        .route(
            "/api/v2/organizations/{id}/invitations/{invitation_id}",
            get(read).delete(remove),
        )
}

fn no_invitation() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "The invitation does not exist.",
        "not_found",
    )
}

/// An invitation as Auth0 shows it.
fn invitation_json(i: &Invitation) -> Value {
    json!({
        "id": i.id,
        "organization_id": i.organization_id,
        "inviter": { "name": i.inviter_name },
        "invitee": { "email": i.invitee_email },
        "invitation_url": i.invitation_url,
        "created_at": crate::clock::rfc3339(i.created_at),
        "expires_at": crate::clock::rfc3339(i.expires_at),
        "client_id": i.client_id,
        "connection_id": i.connection_id,
        "app_metadata": i.app_metadata,
        "user_metadata": i.user_metadata,
        "roles": i.roles,
        "ticket_id": i.ticket_id,
    })
}

#[derive(Deserialize)]
struct Inviter {
    name: String,
}

#[derive(Deserialize)]
struct Invitee {
    email: String,
}

#[derive(Deserialize)]
struct InvitationBody {
    inviter: Inviter,
    invitee: Invitee,
    client_id: String,
    #[serde(default)]
    connection_id: Option<String>,
    #[serde(default)]
    app_metadata: Map<String, Value>,
    #[serde(default)]
    user_metadata: Map<String, Value>,
    #[serde(default)]
    ttl_sec: Option<i64>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default = "yes")]
    send_invitation_email: bool,
}

fn yes() -> bool {
    true
}

fn ttl(ttl_sec: Option<i64>) -> Result<i64, ManagementError> {
    match ttl_sec {
        None | Some(0) => Ok(DEFAULT_TTL),
        Some(t) if (1..=MAX_TTL).contains(&t) => Ok(t),
        Some(_) => Err(ManagementError::invalid_body(format!(
            "ttl_sec must be between 0 and {MAX_TTL} seconds (ttl_sec)"
        ))),
    }
}

/// The link the invitee follows: the application's login route with the invitation.
fn invitation_url(login_uri: &str, ticket: &str, org: &Organization) -> String {
    let mut url = format!(
        "{login_uri}{}",
        if login_uri.contains('?') { '&' } else { '?' }
    );
    url.push_str(
        &url::form_urlencoded::Serializer::new(String::new())
            .append_pair("invitation", ticket)
            .append_pair("organization", &org.id)
            .append_pair("organization_name", &org.name)
            .finish(),
    );
    url
}

/// Checks the body against the tenant and makes the invitation (not yet kept).
fn invitation(
    mock: &AppState,
    org_id: &str,
    body: &InvitationBody,
) -> Result<(Invitation, String), ManagementError> {
    let tenant = mock.tenant();
    let org = organization(&tenant, org_id)?;
    if body.inviter.name.trim().is_empty() || body.inviter.name.chars().count() > 300 {
        return Err(ManagementError::invalid_body(
            "inviter.name must have 1 to 300 characters (inviter.name)",
        ));
    }
    if !body.invitee.email.contains('@') {
        return Err(ManagementError::invalid_body(format!(
            "'{}' is not an email address (invitee.email)",
            body.invitee.email
        )));
    }
    let client = tenant
        .client(&body.client_id)
        .ok_or_else(|| ManagementError::invalid_body("The specified client_id does not exist."))?;
    let login_uri = client.initiate_login_uri.as_deref().ok_or_else(|| {
        ManagementError::invalid_body(
            "A default login route is required to generate the invitation url. For more information, see https://auth0.com/docs/universal-login/configure-default-login-routes",
        )
    })?;
    if let Some(conn) = &body.connection_id {
        let enabled = tenant
            .connection_by_id(conn)
            .is_some_and(|k| org.connection(&k.name).is_some());
        if !enabled {
            return Err(ManagementError::invalid_body(format!(
                "the connection {conn} is not enabled for this organization (connection_id)"
            )));
        }
    }
    roles_named(&tenant, &body.roles)?;
    let now = mock.clock().now();
    let ticket_id = crate::util::random_alnum(32);
    let invitation = Invitation {
        id: format!("uinv_{}", crate::util::random_alnum(16)),
        invitation_url: invitation_url(login_uri, &ticket_id, org),
        ticket_id,
        organization_id: org.id.clone(),
        inviter_name: body.inviter.name.clone(),
        invitee_email: body.invitee.email.clone(),
        client_id: client.client_id.clone(),
        connection_id: body.connection_id.clone(),
        app_metadata: body.app_metadata.clone(),
        user_metadata: body.user_metadata.clone(),
        roles: body.roles.clone(),
        created_at: now,
        seq: 0,
        expires_at: now.saturating_add(ttl(body.ttl_sec)?),
    };
    let org_label = org.display_name.clone().unwrap_or_else(|| org.name.clone());
    Ok((invitation, org_label))
}

async fn create(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<InvitationBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let (invitation, org_label) = invitation(&mock, &id, &body)?;
    mock.store()
        .add_invitation(invitation.clone(), mock.clock().now());
    if body.send_invitation_email && send_invitation(&mock, &invitation, &org_label).is_none() {
        tracing::info!(invitation = %invitation.id, "invitation email not sent: the user_invitation template is disabled");
    }
    Ok((StatusCode::CREATED, Json(invitation_json(&invitation))))
}

async fn list(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let paging = Paging::from_query(&q)?;
    organization(&mock.tenant(), &id)?;
    let mut all = mock.store().invitations(&id, mock.clock().now());
    // Auth0 lists newest first unless `sort=created_at:1` asks otherwise.
    match q.get("sort").unwrap_or("created_at:-1") {
        "created_at:-1" => all.reverse(),
        "created_at:1" => {}
        other => {
            return Err(ManagementError::new(
                StatusCode::BAD_REQUEST,
                format!("Invalid sort {other:?}: use created_at:1 or created_at:-1"),
                "invalid_query_string",
            ));
        }
    }
    let list = all.iter().map(invitation_json).collect();
    Ok(Json(paging.answer(list, "invitations")))
}

async fn read(
    State(mock): State<AppState>,
    ManagementPath((id, invitation_id)): ManagementPath<(String, String)>,
) -> Result<Json<Value>, ManagementError> {
    organization(&mock.tenant(), &id)?;
    mock.store()
        .invitations(&id, mock.clock().now())
        .iter()
        .find(|i| i.id == invitation_id)
        .map(|i| Json(invitation_json(i)))
        .ok_or_else(no_invitation)
}

async fn remove(
    State(mock): State<AppState>,
    ManagementPath((id, invitation_id)): ManagementPath<(String, String)>,
) -> Result<StatusCode, ManagementError> {
    organization(&mock.tenant(), &id)?;
    if !mock.store().delete_invitation(&id, &invitation_id) {
        return Err(no_invitation());
    }
    Ok(StatusCode::NO_CONTENT)
}
