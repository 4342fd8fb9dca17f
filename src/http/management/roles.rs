//! `/api/v2/roles`: roles with their permissions and members. A role made or changed here is
//! part of the tenant until a reset, so logins use it at once.

use super::authorization::{
    PermissionsBody, add_missing, check_permissions, no_role, permission_json, role_json,
};
use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
use crate::tenant::{Role, Tenant};
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
        .route("/api/v2/roles", get(list).post(create))
        .route("/api/v2/roles/{id}", get(read).patch(update).delete(remove))
        .route("/api/v2/roles/{id}/users", get(members).post(add_members))
        .route(
            "/api/v2/roles/{id}/permissions",
            get(permissions)
                .post(add_permissions)
                .delete(remove_permissions),
        )
}

async fn list(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let paging = Paging::from_query(&q)?;
    let filter = q.get("name_filter").map(str::to_lowercase);
    let roles = mock
        .tenant()
        .roles
        .iter()
        .filter(|r| {
            filter
                .as_deref()
                .is_none_or(|f| r.name.to_lowercase().contains(f))
        })
        .map(role_json)
        .collect();
    Ok(Json(paging.answer(roles, "roles")))
}

async fn read(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let tenant = mock.tenant();
    let role = tenant.role_by_id(&id).ok_or_else(no_role)?;
    Ok(Json(role_json(role)))
}

#[derive(Deserialize)]
struct RoleBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

fn check_name(tenant: &Tenant, name: &str, except: Option<&str>) -> Result<(), ManagementError> {
    if name.trim().is_empty() {
        return Err(ManagementError::invalid_body(
            "String is too short (0 chars), minimum 1 (name)",
        ));
    }
    if tenant
        .roles
        .iter()
        .any(|r| r.name == name && Some(r.id.as_str()) != except)
    {
        return Err(ManagementError::new(
            StatusCode::CONFLICT,
            "Role with this name already exists",
            "conflict",
        ));
    }
    Ok(())
}

async fn create(
    State(mock): State<AppState>,
    ManagementJson(body): ManagementJson<RoleBody>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let name = body
        .name
        .ok_or_else(|| ManagementError::invalid_body("Missing required property: name"))?;
    let role = mock.edit_tenant(|t| {
        check_name(t, &name, None)?;
        let role = Role {
            id: format!("rol_{}", crate::util::random_alnum(16)),
            name,
            description: body.description.unwrap_or_default(),
            permissions: Vec::new(),
        };
        t.roles.push(role.clone());
        Ok::<_, ManagementError>(role)
    })?;
    Ok((StatusCode::OK, Json(role_json(&role))))
}

async fn update(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<RoleBody>,
) -> Result<Json<Value>, ManagementError> {
    let (old, role) = mock.edit_tenant(|t| {
        if let Some(n) = &body.name {
            check_name(t, n, Some(&id))?;
        }
        let role = t
            .roles
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(no_role)?;
        let old = role.name.clone();
        if let Some(n) = body.name {
            role.name = n;
        }
        if let Some(d) = body.description {
            role.description = d;
        }
        let role = role.clone();
        for o in &mut t.organizations {
            o.rename_role(&old, Some(&role.name));
        }
        Ok::<_, ManagementError>((old, role))
    })?;
    if old != role.name {
        mock.store().rename_role(&old, Some(&role.name));
    }
    Ok(Json(role_json(&role)))
}

async fn remove(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<StatusCode, ManagementError> {
    let name = mock.edit_tenant(|t| {
        let i = t
            .roles
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(no_role)?;
        let name = t.roles.remove(i).name;
        for o in &mut t.organizations {
            o.rename_role(&name, None);
        }
        Ok::<_, ManagementError>(name)
    })?;
    mock.store().rename_role(&name, None);
    Ok(StatusCode::OK)
}

async fn members(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let tenant = mock.tenant();
    let role = tenant.role_by_id(&id).ok_or_else(no_role)?;
    let users = mock
        .store()
        .users_where(|u| u.roles.contains(&role.name))
        .iter()
        .map(|u| {
            json!({
                "user_id": u.user_id,
                "email": u.email,
                "picture": u.picture,
                "name": u.name,
            })
        })
        .collect();
    Ok(Json(paging.answer(users, "users")))
}

#[derive(Deserialize)]
struct UsersBody {
    users: Vec<String>,
}

async fn add_members(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<UsersBody>,
) -> Result<StatusCode, ManagementError> {
    let tenant = mock.tenant();
    let role = tenant.role_by_id(&id).ok_or_else(no_role)?;
    if body.users.is_empty() {
        return Err(ManagementError::invalid_body(
            "Array is too short (0), minimum 1 (users)",
        ));
    }
    // All or nothing: an unknown user changes no one.
    if body.users.iter().any(|u| mock.store().user(u).is_none()) {
        return Err(ManagementError::no_user());
    }
    for user_id in &body.users {
        mock.store().change_user_access(
            user_id,
            |r| tenant.has_role(r),
            |roles, _| add_missing(roles, [role.name.clone()]),
        )?;
    }
    Ok(StatusCode::OK)
}

async fn permissions(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let tenant = mock.tenant();
    let role = tenant.role_by_id(&id).ok_or_else(no_role)?;
    let list = role
        .permissions
        .iter()
        .map(|p| permission_json(&tenant, p))
        .collect();
    Ok(Json(paging.answer(list, "permissions")))
}

async fn add_permissions(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<PermissionsBody>,
) -> Result<StatusCode, ManagementError> {
    mock.edit_tenant(|t| {
        check_permissions(t, &body.permissions)?;
        let role = t
            .roles
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(no_role)?;
        add_missing(&mut role.permissions, body.permissions);
        Ok::<_, ManagementError>(())
    })?;
    Ok(StatusCode::CREATED)
}

async fn remove_permissions(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<PermissionsBody>,
) -> Result<StatusCode, ManagementError> {
    mock.edit_tenant(|t| {
        let role = t
            .roles
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(no_role)?;
        role.permissions.retain(|p| !body.permissions.contains(p));
        Ok::<_, ManagementError>(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}
