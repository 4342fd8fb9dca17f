//! `/api/v2/organizations/{id}/members` and their organization roles. A member added here can
//! log into the organization at once; the roles given here are the ones an organization login
//! puts in `event.authorization.roles`, the scopes and the permissions.

use super::authorization::{no_role, role_json, roles_named};
use super::organizations::{organization, organization_mut};
use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
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
            "/api/v2/organizations/{id}/members",
            get(members).post(add_members).delete(remove_members),
        )
        .route(
            "/api/v2/organizations/{id}/members/{user_id}/roles",
            get(member_roles)
                .post(add_member_roles)
                .delete(remove_member_roles),
        )
}

fn not_a_member() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "The user is not a member of the organization.",
        "not_found",
    )
}

/// `GET …/members`: the members that still exist. `fields` and `include_fields` (default true)
/// pick the fields as on `/users`; `roles` comes only when `fields` includes it, as in Auth0.
async fn members(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let paging = Paging::from_query(&q)?;
    let fields = q.get("fields").unwrap_or("");
    let include = q.get("include_fields") != Some("false");
    let with_roles = include && fields.split(',').any(|f| f.trim() == "roles");
    let tenant = mock.tenant();
    let org = organization(&tenant, &id)?;
    let list = org
        .members
        .iter()
        .filter_map(|m| {
            let user = mock.store().user(&m.user)?;
            let mut entry = json!({
                "user_id": user.user_id,
                "email": user.email,
                "name": user.name,
                "picture": user.picture,
            });
            if with_roles {
                entry["roles"] = tenant
                    .roles
                    .iter()
                    .filter(|r| m.roles.contains(&r.name))
                    .map(|r| json!({ "id": r.id, "name": r.name }))
                    .collect();
            }
            Some(crate::store::project(&entry, fields, include))
        })
        .collect();
    Ok(Json(paging.answer(list, "members")))
}

#[derive(Deserialize)]
struct MembersBody {
    members: Vec<String>,
}

async fn add_members(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<MembersBody>,
) -> Result<StatusCode, ManagementError> {
    if body.members.is_empty() {
        return Err(ManagementError::invalid_body(
            "Array is too short (0), minimum 1 (members)",
        ));
    }
    for user_id in &body.members {
        if mock.store().user(user_id).is_none() {
            return Err(ManagementError::invalid_body(format!(
                "the user {user_id} does not exist (members)"
            )));
        }
    }
    mock.edit_tenant(|t| {
        let org = organization_mut(t, &id)?;
        for user_id in &body.members {
            org.add_member(user_id, &[]);
        }
        Ok::<_, ManagementError>(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_members(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<MembersBody>,
) -> Result<StatusCode, ManagementError> {
    mock.edit_tenant(|t| {
        let org = organization_mut(t, &id)?;
        org.members.retain(|m| !body.members.contains(&m.user));
        Ok::<_, ManagementError>(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn member_roles(
    State(mock): State<AppState>,
    ManagementPath((id, user_id)): ManagementPath<(String, String)>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let tenant = mock.tenant();
    let member = organization(&tenant, &id)?
        .member(&user_id)
        .ok_or_else(not_a_member)?;
    let roles = tenant
        .roles
        .iter()
        .filter(|r| member.roles.contains(&r.name))
        .map(role_json)
        .collect();
    Ok(Json(paging.answer(roles, "roles")))
}

#[derive(Deserialize)]
struct RolesBody {
    roles: Vec<String>,
}

/// The role names of `body`, refusing an empty list or an unknown role id.
fn role_names(mock: &AppState, body: &RolesBody) -> Result<Vec<String>, ManagementError> {
    if body.roles.is_empty() {
        return Err(ManagementError::invalid_body(
            "Array is too short (0), minimum 1 (roles)",
        ));
    }
    roles_named(&mock.tenant(), &body.roles).map_err(|_| no_role())
}

async fn add_member_roles(
    State(mock): State<AppState>,
    ManagementPath((id, user_id)): ManagementPath<(String, String)>,
    ManagementJson(body): ManagementJson<RolesBody>,
) -> Result<StatusCode, ManagementError> {
    let names = role_names(&mock, &body)?;
    mock.edit_tenant(|t| {
        let org = organization_mut(t, &id)?;
        if org.member(&user_id).is_none() {
            return Err(not_a_member());
        }
        org.add_member(&user_id, &names);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_member_roles(
    State(mock): State<AppState>,
    ManagementPath((id, user_id)): ManagementPath<(String, String)>,
    ManagementJson(body): ManagementJson<RolesBody>,
) -> Result<StatusCode, ManagementError> {
    let names = role_names(&mock, &body)?;
    mock.edit_tenant(|t| {
        let org = organization_mut(t, &id)?;
        let member = org
            .members
            .iter_mut()
            .find(|m| m.user == user_id)
            .ok_or_else(not_a_member)?;
        member.roles.retain(|r| !names.contains(r));
        Ok::<_, ManagementError>(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}
