//! Roles and permissions as the Management API shows and checks them, shared by the role
//! endpoints and the user's role and permission endpoints.

use crate::error::ManagementError;
use crate::tenant::{Permission, Role, Tenant};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// A role as Auth0 lists it.
pub(crate) fn role_json(r: &Role) -> Value {
    json!({ "id": r.id, "name": r.name, "description": r.description })
}

pub(crate) fn no_role() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "The role does not exist.",
        "inexistent_role",
    )
}

/// The names of the roles `ids` name; the first unknown id is a 404.
pub(crate) fn roles_named(tenant: &Tenant, ids: &[String]) -> Result<Vec<String>, ManagementError> {
    ids.iter()
        .map(|id| {
            tenant
                .role_by_id(id)
                .map(|r| r.name.clone())
                .ok_or_else(no_role)
        })
        .collect()
}

#[derive(Deserialize)]
pub(crate) struct PermissionsBody {
    pub permissions: Vec<Permission>,
}

/// A permission as Auth0 lists it: with its API's name and the scope's description (a user's
/// listing adds where each comes from).
pub(crate) fn permission_json(tenant: &Tenant, p: &Permission) -> Value {
    let api = tenant.api(&p.resource_server_identifier);
    json!({
        "permission_name": p.permission_name,
        "description": api
            .and_then(|a| a.scopes.iter().find(|s| s.value == p.permission_name))
            .map(|s| s.description.clone())
            .unwrap_or_default(),
        "resource_server_name": api.map(|a| a.name.clone()).unwrap_or_default(),
        "resource_server_identifier": p.resource_server_identifier,
    })
}

/// Adds each of `new` that `held` lacks, in order: assigning what is already assigned is not
/// an error in Auth0, and changes nothing.
pub(crate) fn add_missing<T: PartialEq>(held: &mut Vec<T>, new: impl IntoIterator<Item = T>) {
    for item in new {
        if !held.contains(&item) {
            held.push(item);
        }
    }
}

/// Every permission names an API the tenant has and a scope that API defines.
pub(crate) fn check_permissions(
    tenant: &Tenant,
    permissions: &[Permission],
) -> Result<(), ManagementError> {
    if permissions.is_empty() {
        return Err(ManagementError::invalid_body(
            "Array is too short (0), minimum 1 (permissions)",
        ));
    }
    for p in permissions {
        let Some(api) = tenant.api(&p.resource_server_identifier) else {
            return Err(ManagementError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "Resource server '{}' does not exist.",
                    p.resource_server_identifier
                ),
                "inexistent_resource_server",
            ));
        };
        if !api.has_scope(&p.permission_name) {
            return Err(ManagementError::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "Permission '{}' does not exist on resource server '{}'.",
                    p.permission_name, p.resource_server_identifier
                ),
                "invalid_body",
            ));
        }
    }
    Ok(())
}
