//! `/api/v2/connections` (read): the tenant's connections, by id or filtered by `strategy` and
//! `name`, with the clients they are enabled for.

use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementPath, Query};
use crate::tenant::{Connection, Tenant};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/connections", get(list))
        .route("/api/v2/connections/{id}", get(read))
}

/// A connection as Auth0 shows it. Every client may use every connection in the mock, so all
/// are listed as enabled.
fn connection_json(tenant: &Tenant, c: &Connection) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "strategy": c.strategy,
        "options": c.options,
        "enabled_clients": tenant.clients.iter().map(|k| k.client_id.clone()).collect::<Vec<_>>(),
        "is_domain_connection": false,
        "realms": [c.name],
    })
}

async fn list(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let paging = Paging::from_query(&q)?;
    let tenant = mock.tenant();
    let strategies: Vec<&str> = q
        .get("strategy")
        .map(|s| s.split(',').collect())
        .unwrap_or_default();
    let list = tenant
        .connections
        .iter()
        .filter(|c| strategies.is_empty() || strategies.contains(&c.strategy.as_str()))
        .filter(|c| q.get("name").is_none_or(|n| n == c.name))
        .map(|c| connection_json(&tenant, c))
        .collect();
    Ok(Json(paging.answer(list, "connections")))
}

async fn read(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let tenant = mock.tenant();
    let c = tenant
        .connection_by_id(&id)
        .ok_or_else(ManagementError::no_connection)?;
    Ok(Json(connection_json(&tenant, c)))
}
