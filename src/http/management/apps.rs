//! `/api/v2/clients`, `/api/v2/client-grants` and `/api/v2/resource-servers`: read what the
//! tenant has, and create what a test sets up at runtime (an M2M app with its grant, an API).
//! Created entities are part of the tenant until a reset.

use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
use crate::protocol::is_management_audience;
use crate::tenant::{Client, ClientGrant, ResourceServer, Tenant};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/clients", get(clients).post(create_client))
        .route("/api/v2/clients/{id}", get(client))
        .route("/api/v2/client-grants", get(grants).post(create_grant))
        .route("/api/v2/resource-servers", get(apis).post(create_api))
        .route("/api/v2/resource-servers/{id}", get(api))
}

/// A client as the Management API shows it (with `client_secret`, as Auth0 does for a token
/// holding `read:client_keys`; the mock's clients are test fixtures).
fn client_json(c: &Client) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.remove("allow_loopback_urls");
        m.insert("grant_types".into(), json!(c.grants()));
        m.insert(
            "token_endpoint_auth_method".into(),
            json!(c.auth_method().as_str()),
        );
        m.insert("tenant".into(), json!("auth0-mock"));
        m.insert("is_first_party".into(), json!(true));
    }
    v
}

fn no_client() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "Client not found.",
        "inexistent_client",
    )
}

async fn clients(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let list = mock.tenant().clients.iter().map(client_json).collect();
    Ok(Json(paging.answer(list, "clients")))
}

async fn client(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let tenant = mock.tenant();
    let c = tenant.client(&id).ok_or_else(no_client)?;
    Ok(Json(client_json(c)))
}

/// `POST /clients`: Auth0 assigns the id and, for confidential apps, the secret.
async fn create_client(
    State(mock): State<AppState>,
    ManagementJson(mut c): ManagementJson<Client>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    if c.name.trim().is_empty() {
        return Err(ManagementError::invalid_body(
            "Missing required property: name",
        ));
    }
    c.client_id = crate::util::random_alnum(32);
    c.client_secret = (!c.is_public()).then(|| crate::util::random_id(48));
    for url in &c.callbacks {
        if url::Url::parse(url).is_err() {
            return Err(ManagementError::invalid_body(format!(
                "Object didn't pass validation for format absolute-uri-or-empty: {url} (callbacks)"
            )));
        }
    }
    let created = mock.edit_tenant(|t| {
        t.clients.push(c.clone());
        Ok::<_, ManagementError>(c)
    })?;
    Ok((StatusCode::CREATED, Json(client_json(&created))))
}

fn grant_json(g: &ClientGrant) -> Value {
    json!({ "id": g.id, "client_id": g.client_id, "audience": g.audience, "scope": g.scope })
}

async fn grants(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let q = query(q)?;
    let paging = Paging::from_query(&q)?;
    let list = mock
        .tenant()
        .client_grants
        .iter()
        .filter(|g| q.get("audience").is_none_or(|a| a == g.audience))
        .filter(|g| q.get("client_id").is_none_or(|c| c == g.client_id))
        .map(grant_json)
        .collect();
    Ok(Json(paging.answer(list, "client_grants")))
}

/// The checks a new grant passes (the same as at fixture load).
fn check_grant(t: &Tenant, g: &ClientGrant) -> Result<(), ManagementError> {
    if t.client(&g.client_id).is_none() {
        return Err(ManagementError::new(
            StatusCode::NOT_FOUND,
            "Client not found.",
            "inexistent_client",
        ));
    }
    if t.client_grants
        .iter()
        .any(|o| o.client_id == g.client_id && o.audience == g.audience)
    {
        return Err(ManagementError::new(
            StatusCode::CONFLICT,
            "A client grant for this client and audience already exists.",
            "conflict",
        ));
    }
    if is_management_audience(&g.audience) {
        return Ok(());
    }
    let Some(api) = t.api(&g.audience) else {
        return Err(ManagementError::new(
            StatusCode::NOT_FOUND,
            "No resource server found by that identifier",
            "inexistent_resource_server",
        ));
    };
    match g.scope.iter().find(|s| !api.has_scope(s)) {
        Some(bad) => Err(ManagementError::invalid_body(format!(
            "Scope '{bad}' is not defined by the resource server."
        ))),
        None => Ok(()),
    }
}

async fn create_grant(
    State(mock): State<AppState>,
    ManagementJson(mut g): ManagementJson<ClientGrant>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    g.id = format!("cgr_{}", crate::util::random_alnum(16));
    let created = mock.edit_tenant(|t| {
        check_grant(t, &g)?;
        t.client_grants.push(g.clone());
        Ok::<_, ManagementError>(g)
    })?;
    Ok((StatusCode::CREATED, Json(grant_json(&created))))
}

fn api_json(a: &ResourceServer) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.insert("is_system".into(), json!(false));
        m.insert("token_dialect".into(), json!(a.dialect()));
        m.insert(
            "skip_consent_for_verifiable_first_party_clients".into(),
            json!(true),
        );
    }
    v
}

fn no_api() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "Resource server not found",
        "inexistent_resource_server",
    )
}

async fn apis(
    State(mock): State<AppState>,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let list = mock.tenant().apis.iter().map(api_json).collect();
    Ok(Json(paging.answer(list, "resource_servers")))
}

/// By id, or by identifier (Auth0 accepts either in the path).
async fn api(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let tenant = mock.tenant();
    let a = tenant
        .apis
        .iter()
        .find(|a| a.id == id || a.identifier == id)
        .ok_or_else(no_api)?;
    Ok(Json(api_json(a)))
}

async fn create_api(
    State(mock): State<AppState>,
    ManagementJson(mut a): ManagementJson<ResourceServer>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    if a.identifier.trim().is_empty() {
        return Err(ManagementError::invalid_body(
            "Missing required property: identifier",
        ));
    }
    if is_management_audience(&a.identifier) {
        return Err(ManagementError::new(
            StatusCode::FORBIDDEN,
            "You can not configure the 'Auth0 Management API'.",
            "operation_not_supported",
        ));
    }
    if a.signing_alg != "RS256" {
        return Err(ManagementError::invalid_body(format!(
            "auth0-mock signs with RS256 only, not {} (signing_alg)",
            a.signing_alg
        )));
    }
    a.id = crate::util::random_hex(24);
    let created = mock.edit_tenant(|t| {
        if t.api(&a.identifier).is_some() {
            return Err(ManagementError::new(
                StatusCode::CONFLICT,
                "A resource server with the same identifier already exists.",
                "conflict",
            ));
        }
        t.apis.push(a.clone());
        Ok(a)
    })?;
    Ok((StatusCode::CREATED, Json(api_json(&created))))
}
