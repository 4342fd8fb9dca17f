//! `/api/v2/organizations`: organizations by id or name, made, changed and deleted, with the
//! connections they enable, and `/users/{id}/organizations`. An organization changed here is
//! part of the tenant until a reset, so the next `/authorize?organization=` sees it.

use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
use crate::tenant::{OrgConnection, Organization, Tenant};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/organizations", get(list).post(create))
        .route(
            "/api/v2/organizations/{id}",
            get(read).patch(update).delete(remove),
        )
        .route("/api/v2/organizations/name/{name}", get(read_by_name))
        .route(
            "/api/v2/organizations/{id}/enabled_connections",
            get(connections).post(enable_connection),
        )
        .route(
            "/api/v2/organizations/{id}/enabled_connections/{connection_id}",
            get(enabled_connection)
                .patch(change_connection)
                .delete(disable_connection),
        )
        .route("/api/v2/users/{id}/organizations", get(of_user))
}

/// Auth0's 404 for an organization id (or name) it does not know.
pub(crate) fn no_organization() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "No organization found by that id.",
        "not_found",
    )
}

/// The organization `id`, from the tenant.
pub(crate) fn organization<'t>(
    tenant: &'t Tenant,
    id: &str,
) -> Result<&'t Organization, ManagementError> {
    tenant
        .organizations
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(no_organization)
}

/// The organization `id`, to change.
pub(crate) fn organization_mut<'t>(
    tenant: &'t mut Tenant,
    id: &str,
) -> Result<&'t mut Organization, ManagementError> {
    tenant
        .organizations
        .iter_mut()
        .find(|o| o.id == id)
        .ok_or_else(no_organization)
}

async fn list(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let paging = Paging::from_query(&q)?;
    let orgs = mock
        .tenant()
        .organizations
        .iter()
        .map(Organization::to_management_json)
        .collect();
    Ok(Json(paging.answer(orgs, "organizations")))
}

async fn read(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let tenant = mock.tenant();
    Ok(Json(organization(&tenant, &id)?.to_management_json()))
}

async fn read_by_name(
    State(mock): State<AppState>,
    ManagementPath(name): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let tenant = mock.tenant();
    let org = tenant
        .organizations
        .iter()
        .find(|o| o.name == name)
        .ok_or_else(|| {
            ManagementError::new(
                StatusCode::NOT_FOUND,
                "No organization found by that name.",
                "not_found",
            )
        })?;
    Ok(Json(org.to_management_json()))
}

#[derive(Deserialize)]
struct EnabledConnection {
    connection_id: String,
    #[serde(default)]
    assign_membership_on_login: bool,
    #[serde(default)]
    show_as_button: Option<bool>,
    #[serde(default)]
    is_signup_enabled: Option<bool>,
}

#[derive(Deserialize)]
struct OrganizationBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    branding: Option<Value>,
    #[serde(default)]
    metadata: Option<Map<String, Value>>,
    #[serde(default)]
    enabled_connections: Vec<EnabledConnection>,
}

/// Auth0's rule for organization names: lower case letters, digits, `-` and `_`, beginning
/// and ending with a letter or digit, at most 50 characters.
fn check_name(tenant: &Tenant, name: &str, except: Option<&str>) -> Result<(), ManagementError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let valid = (1..=50).contains(&name.len())
        && name.chars().all(|c| allowed(c) || c == '-' || c == '_')
        && name.starts_with(allowed)
        && name.ends_with(allowed);
    if !valid {
        return Err(ManagementError::invalid_body(format!(
            "'{name}' is not a valid organization name: lower case letters, digits, '-' and '_', beginning and ending with a letter or digit, at most 50 characters (name)"
        )));
    }
    if tenant
        .organizations
        .iter()
        .any(|o| o.name == name && Some(o.id.as_str()) != except)
    {
        return Err(ManagementError::new(
            StatusCode::CONFLICT,
            "An organization with this name already exists.",
            "conflict",
        ));
    }
    Ok(())
}

/// The connection `connection_id` as an organization enables it.
fn org_connection(
    tenant: &Tenant,
    c: &EnabledConnection,
) -> Result<OrgConnection, ManagementError> {
    let connection = tenant
        .connection_by_id(&c.connection_id)
        .ok_or_else(ManagementError::no_connection)?;
    Ok(OrgConnection {
        name: connection.name.clone(),
        assign_membership_on_login: c.assign_membership_on_login,
        show_as_button: c.show_as_button,
        is_signup_enabled: c.is_signup_enabled,
    })
}

/// Metadata changed as Auth0 changes it: given keys are set, and `null` removes one.
fn merge_metadata(into: &mut Map<String, Value>, changes: Map<String, Value>) {
    for (k, v) in changes {
        if v.is_null() {
            into.remove(&k);
        } else {
            into.insert(k, v);
        }
    }
}

async fn create(
    State(mock): State<AppState>,
    ManagementJson(body): ManagementJson<OrganizationBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let name = body
        .name
        .ok_or_else(|| ManagementError::invalid_body("Missing required property: name"))?;
    let org = mock.edit_tenant(|t| {
        check_name(t, &name, None)?;
        let connections = body
            .enabled_connections
            .iter()
            .map(|c| org_connection(t, c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut metadata = Map::new();
        merge_metadata(&mut metadata, body.metadata.unwrap_or_default());
        let org = Organization {
            id: format!("org_{}", crate::util::random_alnum(16)),
            name,
            display_name: body.display_name,
            branding: body.branding.unwrap_or(Value::Null),
            metadata,
            connections,
            members: Vec::new(),
        };
        t.organizations.push(org.clone());
        Ok::<_, ManagementError>(org)
    })?;
    Ok((StatusCode::CREATED, Json(org.to_management_json())))
}

async fn update(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<OrganizationBody>,
) -> Result<Json<Value>, ManagementError> {
    let org = mock.edit_tenant(|t| {
        if let Some(n) = &body.name {
            check_name(t, n, Some(&id))?;
        }
        let org = organization_mut(t, &id)?;
        if let Some(n) = body.name {
            org.name = n;
        }
        if let Some(d) = body.display_name {
            org.display_name = Some(d);
        }
        if let Some(b) = body.branding {
            org.branding = b;
        }
        if let Some(m) = body.metadata {
            merge_metadata(&mut org.metadata, m);
        }
        Ok::<_, ManagementError>(org.clone())
    })?;
    Ok(Json(org.to_management_json()))
}

async fn remove(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<StatusCode, ManagementError> {
    mock.edit_tenant(|t| {
        organization(t, &id)?;
        t.organizations.retain(|o| o.id != id);
        Ok::<_, ManagementError>(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// An enabled connection as Auth0 lists it.
fn enabled_json(tenant: &Tenant, c: &OrgConnection) -> Value {
    let connection = tenant.connection(&c.name);
    json!({
        "connection_id": connection.and_then(|k| k.id.clone()),
        "assign_membership_on_login": c.assign_membership_on_login,
        "show_as_button": c.show_as_button.unwrap_or(true),
        "is_signup_enabled": c.is_signup_enabled.unwrap_or(false),
        "connection": {
            "name": c.name,
            "strategy": connection.map(|k| k.strategy.clone()).unwrap_or_default(),
        },
    })
}

async fn connections(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let tenant = mock.tenant();
    let list = organization(&tenant, &id)?
        .connections
        .iter()
        .map(|c| enabled_json(&tenant, c))
        .collect();
    Ok(Json(paging.answer(list, "enabled_connections")))
}

async fn enable_connection(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<EnabledConnection>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let added = mock.edit_tenant(|t| {
        let added = org_connection(t, &body)?;
        let org = organization_mut(t, &id)?;
        org.connections.retain(|c| c.name != added.name);
        org.connections.push(added.clone());
        Ok::<_, ManagementError>(added)
    })?;
    let tenant = mock.tenant();
    Ok((StatusCode::CREATED, Json(enabled_json(&tenant, &added))))
}

/// The organization's enabled connection `connection_id`, or Auth0's 404.
fn enabled<'t>(
    tenant: &'t Tenant,
    org: &'t Organization,
    connection_id: &str,
) -> Result<&'t OrgConnection, ManagementError> {
    let name = tenant.connection_by_id(connection_id).map(|k| &k.name);
    org.connections
        .iter()
        .find(|c| Some(&c.name) == name)
        .ok_or_else(not_enabled)
}

fn not_enabled() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "The connection is not enabled for this organization.",
        "not_found",
    )
}

async fn enabled_connection(
    State(mock): State<AppState>,
    ManagementPath((id, connection_id)): ManagementPath<(String, String)>,
) -> Result<Json<Value>, ManagementError> {
    let tenant = mock.tenant();
    let org = organization(&tenant, &id)?;
    let c = enabled(&tenant, org, &connection_id)?;
    Ok(Json(enabled_json(&tenant, c)))
}

/// The body of `PATCH …/enabled_connections/{connection_id}`.
#[derive(Deserialize)]
struct ConnectionChange {
    #[serde(default)]
    assign_membership_on_login: Option<bool>,
    #[serde(default)]
    show_as_button: Option<bool>,
    #[serde(default)]
    is_signup_enabled: Option<bool>,
}

async fn change_connection(
    State(mock): State<AppState>,
    ManagementPath((id, connection_id)): ManagementPath<(String, String)>,
    ManagementJson(body): ManagementJson<ConnectionChange>,
) -> Result<Json<Value>, ManagementError> {
    let changed = mock.edit_tenant(|t| {
        let name = enabled(t, organization(t, &id)?, &connection_id)?
            .name
            .clone();
        let org = organization_mut(t, &id)?;
        let c = org
            .connections
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(not_enabled)?;
        if let Some(v) = body.assign_membership_on_login {
            c.assign_membership_on_login = v;
        }
        if body.show_as_button.is_some() {
            c.show_as_button = body.show_as_button;
        }
        if body.is_signup_enabled.is_some() {
            c.is_signup_enabled = body.is_signup_enabled;
        }
        Ok::<_, ManagementError>(c.clone())
    })?;
    Ok(Json(enabled_json(&mock.tenant(), &changed)))
}

async fn disable_connection(
    State(mock): State<AppState>,
    ManagementPath((id, connection_id)): ManagementPath<(String, String)>,
) -> Result<StatusCode, ManagementError> {
    mock.edit_tenant(|t| {
        let name = t.connection_by_id(&connection_id).map(|k| k.name.clone());
        let org = organization_mut(t, &id)?;
        let before = org.connections.len();
        org.connections.retain(|c| Some(&c.name) != name.as_ref());
        if org.connections.len() == before {
            return Err(not_enabled());
        }
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v2/users/{id}/organizations`: the organizations the user is a member of.
async fn of_user(
    State(mock): State<AppState>,
    ManagementPath(user_id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    mock.store()
        .user(&user_id)
        .ok_or_else(ManagementError::no_user)?;
    let orgs = mock
        .tenant()
        .organizations
        .iter()
        .filter(|o| o.member(&user_id).is_some())
        .map(Organization::to_management_json)
        .collect();
    Ok(Json(paging.answer(orgs, "organizations")))
}
