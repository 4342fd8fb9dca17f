//! `GET /__mock/tenant`: the whole tenant as the dashboard's overview shows it, in one answer:
//! clients with their callbacks and secrets, APIs, roles, connections, bound hooks and users
//! with their roles and metadata. What the Management API or a sign-up added since the
//! fixtures loaded is marked `runtime: true`, so a test author sees what their run created.

use super::extract::AppState;
use crate::protocol::Trigger;
use crate::tenant::{Client, HookBinding, Tenant, User};
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use std::collections::HashSet;

/// The overview.
pub(crate) async fn show(State(mock): State<AppState>) -> Json<Value> {
    let tenant = mock.tenant();
    let loaded = mock.loaded_tenant();
    let fixture_users: HashSet<&str> = loaded.users.iter().map(|u| u.user_id.as_str()).collect();
    let fixture_clients: HashSet<&str> = loaded
        .clients
        .iter()
        .map(|c| c.client_id.as_str())
        .collect();
    let fixture_roles: HashSet<&str> = loaded.roles.iter().map(|r| r.id.as_str()).collect();
    let fixture_apis: HashSet<&str> = loaded.apis.iter().map(|a| a.identifier.as_str()).collect();
    let users: Vec<Value> = mock
        .store()
        .users()
        .iter()
        .map(|u| user_json(u, !fixture_users.contains(u.user_id.as_str())))
        .collect();
    Json(json!({
        "tenant": tenant.friendly_name,
        "issuer": mock.issuer(),
        "source": tenant.source,
        "default_audience": tenant.default_api().map(|a| a.identifier.clone()),
        "clients": tenant.clients.iter().map(|c| client_json(&tenant, c, !fixture_clients.contains(c.client_id.as_str()))).collect::<Vec<_>>(),
        "apis": tenant.apis.iter().map(|a| json!({
            "name": a.name,
            "identifier": a.identifier,
            "scopes": a.scopes.iter().map(|s| s.value.clone()).collect::<Vec<_>>(),
            "token_lifetime": a.token_lifetime,
            "runtime": !fixture_apis.contains(a.identifier.as_str()),
        })).collect::<Vec<_>>(),
        "roles": tenant.roles.iter().map(|r| json!({
            "id": r.id,
            "name": r.name,
            "description": r.description,
            "permissions": r.permissions.iter().map(|p| p.permission_name.clone()).collect::<Vec<_>>(),
            "runtime": !fixture_roles.contains(r.id.as_str()),
        })).collect::<Vec<_>>(),
        "connections": tenant.connections.iter().map(|c| json!({"name": c.name, "strategy": c.strategy})).collect::<Vec<_>>(),
        "hooks": hooks_json(&tenant),
        "scenarios": tenant.scenarios.iter().map(|s| json!({"name": s.name, "description": s.description})).collect::<Vec<_>>(),
        "users": users,
        "warnings": tenant.load_warnings,
    }))
}

fn client_json(tenant: &Tenant, c: &Client, runtime: bool) -> Value {
    let grants: Vec<&str> = tenant
        .client_grants
        .iter()
        .filter(|g| g.client_id == c.client_id)
        .map(|g| g.audience.as_str())
        .collect();
    json!({
        "name": c.name,
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "app_type": c.app_type,
        "token_endpoint_auth_method": c.token_endpoint_auth_method,
        "grant_types": c.grant_types,
        "callbacks": c.callbacks,
        "allowed_logout_urls": c.allowed_logout_urls,
        "web_origins": c.web_origins,
        "granted_audiences": grants,
        "runtime": runtime,
    })
}

/// Bound hooks per trigger, in the order they run; secrets by name only.
fn hooks_json(tenant: &Tenant) -> Value {
    let bound = |hooks: &[HookBinding]| -> Vec<Value> {
        hooks
            .iter()
            .map(|h| json!({"name": h.name, "kind": h.kind, "secrets": h.secrets.keys().collect::<Vec<_>>()}))
            .collect()
    };
    let mut out = serde_json::Map::new();
    for trigger in Trigger::ALL {
        out.insert(trigger.id().into(), json!(bound(tenant.bindings(trigger))));
    }
    Value::Object(out)
}

/// A user without their password, which neither Auth0 nor this view ever shows.
fn user_json(u: &User, runtime: bool) -> Value {
    json!({
        "user_id": u.user_id,
        "email": u.email,
        "username": u.username,
        "name": u.name,
        "email_verified": u.email_verified,
        "blocked": u.blocked,
        "roles": u.roles,
        "app_metadata": u.app_metadata,
        "user_metadata": u.user_metadata,
        "runtime": runtime,
    })
}
