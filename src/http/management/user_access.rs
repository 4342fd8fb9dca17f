//! `/api/v2/users/{id}/roles` and `/api/v2/users/{id}/permissions`: what a backend calls to
//! give a user a role or a permission. The next login's `event.authorization.roles`,
//! `permissions` claim and Hasura allowed roles show the change.

use super::authorization::{
    PermissionsBody, add_missing, check_permissions, permission_json, role_json, roles_named,
};
use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
use crate::tenant::{Permission, Tenant, User};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/users/{id}/roles",
            get(roles).post(assign_roles).delete(remove_roles),
        )
        .route(
            "/api/v2/users/{id}/permissions",
            get(permissions)
                .post(assign_permissions)
                .delete(remove_permissions),
        )
}

#[derive(Deserialize)]
struct RolesBody {
    roles: Vec<String>,
}

fn user(mock: &AppState, id: &str) -> Result<User, ManagementError> {
    mock.store().user(id).ok_or_else(ManagementError::no_user)
}

async fn roles(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let user = user(&mock, &id)?;
    let tenant = mock.tenant();
    let list = tenant
        .roles
        .iter()
        .filter(|r| user.roles.contains(&r.name))
        .map(role_json)
        .collect();
    Ok(Json(paging.answer(list, "roles")))
}

/// Role ids to names; an unknown id is Auth0's 404.
fn names(tenant: &Tenant, ids: &[String]) -> Result<Vec<String>, ManagementError> {
    if ids.is_empty() {
        return Err(ManagementError::invalid_body(
            "Array is too short (0), minimum 1 (roles)",
        ));
    }
    roles_named(tenant, ids)
}

async fn assign_roles(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<RolesBody>,
) -> Result<StatusCode, ManagementError> {
    let tenant = mock.tenant();
    let names = names(&tenant, &body.roles)?;
    mock.store().change_user_access(
        &id,
        |r| tenant.has_role(r),
        |roles, _| add_missing(roles, names),
    )?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_roles(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<RolesBody>,
) -> Result<StatusCode, ManagementError> {
    let tenant = mock.tenant();
    let names = names(&tenant, &body.roles)?;
    mock.store().change_user_access(
        &id,
        |r| tenant.has_role(r),
        |roles, _| {
            roles.retain(|r| !names.contains(r));
        },
    )?;
    Ok(StatusCode::NO_CONTENT)
}

async fn permissions(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let user = user(&mock, &id)?;
    let tenant = mock.tenant();
    let mut seen: Vec<(Permission, Vec<Value>)> = Vec::new();
    let mut add = |p: &Permission, source: Value| match seen.iter_mut().find(|(q, _)| q == p) {
        Some((_, sources)) => sources.push(source),
        None => seen.push((p.clone(), vec![source])),
    };
    for p in &user.permissions {
        add(
            p,
            json!({"source_id": "", "source_name": "", "source_type": "DIRECT"}),
        );
    }
    for role in tenant.roles.iter().filter(|r| user.roles.contains(&r.name)) {
        for p in &role.permissions {
            add(
                p,
                json!({"source_id": role.id, "source_name": role.name, "source_type": "ROLE"}),
            );
        }
    }
    let list = seen
        .into_iter()
        .map(|(p, sources)| {
            let mut v = permission_json(&tenant, &p);
            v["sources"] = Value::Array(sources);
            v
        })
        .collect();
    Ok(Json(paging.answer(list, "permissions")))
}

async fn assign_permissions(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<PermissionsBody>,
) -> Result<StatusCode, ManagementError> {
    let tenant = mock.tenant();
    check_permissions(&tenant, &body.permissions)?;
    mock.store().change_user_access(
        &id,
        |r| tenant.has_role(r),
        |_, held| add_missing(held, body.permissions),
    )?;
    Ok(StatusCode::CREATED)
}

async fn remove_permissions(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<PermissionsBody>,
) -> Result<StatusCode, ManagementError> {
    let tenant = mock.tenant();
    mock.store().change_user_access(
        &id,
        |r| tenant.has_role(r),
        |_, held| {
            held.retain(|p| !body.permissions.contains(p));
        },
    )?;
    Ok(StatusCode::NO_CONTENT)
}
