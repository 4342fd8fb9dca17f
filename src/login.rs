//! The login transaction: from an authenticated user and a validated request to a [`Grant`]
//! (what the tokens will say), through the post-login hooks.
//!
//! Every way a user gets tokens goes through [`run`]: the browser login (any response type,
//! silent auth included), the password grants, and refresh-token exchanges, each with its
//! `event.transaction.protocol`, as in Auth0. Client credentials never do.

use crate::error::OAuthError;
use crate::hooks::Event;
use crate::state::Mock;
use crate::tenant::{Client, Tenant, User};
use serde_json::{Map, Value, json};

/// A validated `/authorize` request, kept while the user is at the login page.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The client.
    pub client_id: String,
    /// Where the response goes (validated against the client's callbacks).
    pub redirect_uri: String,
    /// Whether `redirect_uri` was sent (then it must be repeated at the token endpoint).
    pub redirect_uri_given: bool,
    /// Requested response types (`code`, `token`, `id_token`).
    pub response_types: Vec<String>,
    /// `query`, `fragment`, `form_post` or `web_message`.
    pub response_mode: String,
    /// Requested scopes.
    pub scope: Vec<String>,
    /// Requested API.
    pub audience: Option<String>,
    /// Echoed byte for byte.
    pub state: Option<String>,
    /// Copied into the ID token.
    pub nonce: Option<String>,
    /// PKCE challenge and method.
    pub code_challenge: Option<(String, String)>,
    /// `prompt`.
    pub prompt: Option<String>,
    /// `max_age` in seconds.
    pub max_age: Option<i64>,
    /// Pre-fills the login form.
    pub login_hint: Option<String>,
    /// `screen_hint`, `ui_locales`, `connection`… as received, for `event.transaction`.
    pub query: Map<String, Value>,
    /// The transaction id (`event.transaction.id`).
    pub transaction_id: String,
}

impl AuthorizeRequest {
    /// Whether the response carries an authorization code.
    pub fn wants(&self, response_type: &str) -> bool {
        self.response_types.iter().any(|r| r == response_type)
    }
}

/// What a completed login grants: everything needed to mint tokens now or later (code
/// exchange, refresh).
#[derive(Debug, Clone)]
pub struct Grant {
    /// The user, as the hooks left them.
    pub user: User,
    /// The client.
    pub client_id: String,
    /// The API, if any.
    pub audience: Option<String>,
    /// Granted scopes.
    pub scope: Vec<String>,
    /// Nonce from `/authorize` (only then in the ID token).
    pub nonce: Option<String>,
    /// Session id (`sid`).
    pub sid: Option<String>,
    /// Authentication time.
    pub auth_time: i64,
    /// `auth_time` goes into the ID token when `max_age` was requested.
    pub include_auth_time: bool,
    /// Custom access-token claims from hooks.
    pub access_claims: Map<String, Value>,
    /// Custom ID-token claims from hooks.
    pub id_claims: Map<String, Value>,
    /// `gty` claim (password, refresh_token).
    pub gty: Option<String>,
    /// Implicit-flow tokens use the API's web lifetime.
    pub implicit: bool,
    /// Scenario applied to the minted tokens.
    pub scenario: Option<String>,
    /// Permissions for RBAC APIs.
    pub permissions: Vec<String>,
}

/// Inputs of one login besides the user.
pub struct LoginInput<'a> {
    /// The client.
    pub client: &'a Client,
    /// The validated audience.
    pub audience: Option<String>,
    /// Requested scopes.
    pub requested_scope: Vec<String>,
    /// `oidc-basic-profile`, `oidc-implicit-profile`, `oauth2-resource-owner`,
    /// `oauth2-password-realm`, `oauth2-refresh-token`.
    pub protocol: &'static str,
    /// `event.transaction` fields besides id/protocol/scopes.
    pub transaction: Map<String, Value>,
    /// `event.request`.
    pub request: Value,
    /// Session id.
    pub sid: Option<String>,
    /// Nonce.
    pub nonce: Option<String>,
    /// Authentication time.
    pub auth_time: i64,
    /// Whether `max_age` was requested.
    pub include_auth_time: bool,
    /// `gty`.
    pub gty: Option<String>,
    /// Implicit flow.
    pub implicit: bool,
    /// Transaction id.
    pub transaction_id: String,
    /// Connection name used.
    pub connection: Option<String>,
}

/// OIDC scopes a user token may carry without an API defining them.
pub const OIDC_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// The scopes granted for a request: OIDC scopes as requested (offline_access only where a
/// refresh token may be issued), API scopes the API defines, and under RBAC only those the
/// user's roles permit.
pub fn granted_scopes(
    tenant: &Tenant,
    client: &Client,
    roles: &[String],
    audience: Option<&str>,
    requested: &[String],
) -> Vec<String> {
    let api = audience.and_then(|a| tenant.api(a));
    let mut out: Vec<String> = Vec::new();
    for s in requested {
        let keep = if OIDC_SCOPES.contains(&s.as_str()) {
            s != "offline_access"
                || (client.allows_grant("refresh_token")
                    && api.is_none_or(|a| a.allow_offline_access))
        } else if let Some(api) = api {
            if api.enforce_policies {
                tenant.permissions_for(roles, &api.identifier).contains(s)
            } else {
                api.has_scope(s)
            }
        } else {
            false
        };
        if keep && !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// Splits a space-separated scope string.
pub fn split_scope(scope: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.unwrap_or("").split(' ').filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// Runs the login transaction for `user_id`: blocked check, hooks, metadata, scopes.
pub async fn run(mock: &Mock, user_id: &str, input: LoginInput<'_>) -> Result<Grant, OAuthError> {
    let tenant = mock.tenant();
    let now = mock.clock.now();
    let (user, logins_count) = {
        let mut store = mock.store.lock();
        let user = store
            .user(user_id)
            .cloned()
            .ok_or_else(|| OAuthError::invalid_grant("Unknown or invalid refresh token."))?;
        if user.blocked {
            return Err(OAuthError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthorized",
                "user is blocked",
            ));
        }
        let count = store.logins_count.entry(user_id.to_string()).or_insert(0);
        if input.protocol != "oauth2-refresh-token" {
            *count += 1;
        }
        (user, *count)
    };
    let connection_name = input
        .connection
        .clone()
        .or(user.connection.clone())
        .or(tenant.default_connection().map(|c| c.name.clone()))
        .unwrap_or_default();
    let connection = tenant.connection(&connection_name);
    let mut event = user_event(&user, input.client, input.audience.as_deref());
    event.connection = json!({
        "id": connection.and_then(|c| c.id.clone()).unwrap_or_default(),
        "name": connection_name,
        "strategy": connection.map(|c| c.strategy.clone()).unwrap_or_else(|| "auth0".into()),
        "metadata": {}
    });
    event.request = input.request.clone();
    let mut transaction = input.transaction.clone();
    transaction.insert("id".into(), json!(input.transaction_id));
    transaction.insert("protocol".into(), json!(input.protocol));
    transaction.insert("requested_scopes".into(), json!(input.requested_scope));
    event.transaction = Value::Object(transaction);
    event.stats = json!({ "logins_count": logins_count });
    event.tenant = json!({ "id": tenant.friendly_name });
    event.session = match &input.sid {
        Some(s) => json!({ "id": s }),
        None => Value::Null,
    };
    event.authentication = json!({ "methods": [{ "name": "pwd", "timestamp": crate::clock::rfc3339(input.auth_time) }] });

    let pipeline = mock.pipeline();
    let http = mock.http().map_err(|e| {
        OAuthError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            e,
        )
    })?;
    let result = pipeline.run(event, &http, &mock.records).await;
    if let Some(reason) = result.denied {
        tracing::info!(user = %user_id, client = %input.client.client_id, protocol = input.protocol, reason = %reason, "login denied by post-login hook");
        return Err(OAuthError::access_denied(reason));
    }
    let effects = result.api;
    let user = {
        let mut store = mock.store.lock();
        store.apply_metadata(user_id, &effects.app_metadata, &effects.user_metadata, now);
        store.user(user_id).cloned().unwrap_or(user)
    };
    let mut scope = granted_scopes(
        &tenant,
        input.client,
        &user.roles,
        input.audience.as_deref(),
        &input.requested_scope,
    );
    for s in &effects.add_scopes {
        if !scope.contains(s) {
            scope.push(s.clone());
        }
    }
    scope.retain(|s| !effects.remove_scopes.contains(s));
    let permissions = match input.audience.as_deref().and_then(|a| tenant.api(a)) {
        Some(api) if api.token_dialect.as_deref() == Some("access_token_authz") => {
            tenant.permissions_for(&user.roles, &api.identifier)
        }
        _ => Vec::new(),
    };
    tracing::info!(
        user = %user.user_id,
        client = %input.client.client_id,
        protocol = input.protocol,
        audience = input.audience.as_deref().unwrap_or("-"),
        scope = %scope.join(" "),
        "login"
    );
    Ok(Grant {
        user,
        client_id: input.client.client_id.clone(),
        audience: input.audience,
        scope,
        nonce: input.nonce,
        sid: input.sid,
        auth_time: input.auth_time,
        include_auth_time: input.include_auth_time,
        access_claims: effects.access_claims,
        id_claims: effects.id_claims,
        gty: input.gty,
        implicit: input.implicit,
        scenario: mock.take_next_scenario(),
        permissions,
    })
}

/// The parts of an `event` every user login shares: the user, their roles, the client and the
/// API. Logins (and scenario minting) add transaction, request and connection details.
pub fn user_event(user: &User, client: &Client, audience: Option<&str>) -> Event {
    let mut event = Event::empty();
    event.user = user_json(user);
    event.authorization = json!({ "roles": user.roles });
    event.client = json!({ "client_id": client.client_id, "name": client.name, "metadata": {} });
    event.resource_server = match audience {
        Some(a) => json!({ "identifier": a }),
        None => Value::Null,
    };
    event
}

/// `event.request` for a login arriving over HTTP.
pub fn request_json(
    issuer: &str,
    headers: &axum::http::HeaderMap,
    ip: &str,
    method: &str,
    query: Value,
) -> Value {
    json!({
        "ip": ip,
        "method": method,
        "hostname": issuer.trim_end_matches('/').split("://").nth(1).unwrap_or(""),
        "user_agent": headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or(""),
        "language": "en",
        "query": query,
        "body": {},
        "geoip": {},
    })
}

/// A user as Auth0 presents it to Actions and the Management API.
pub fn user_json(user: &User) -> Value {
    let mut v = serde_json::to_value(user).unwrap_or_else(|_| json!({}));
    if let Some(m) = v.as_object_mut() {
        m.remove("roles");
        m.remove("connection");
        let provider = user.user_id.split('|').next().unwrap_or("auth0");
        let id = user
            .user_id
            .split_once('|')
            .map(|(_, id)| id)
            .unwrap_or(&user.user_id);
        m.insert(
            "identities".into(),
            json!([{ "provider": provider, "user_id": id, "connection": user.connection.clone().unwrap_or_else(|| "Username-Password-Authentication".into()), "isSocial": false }]),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_filtered() {
        let t = crate::tenant::load_embedded().unwrap();
        let spa = t.client("auth0-mock-spa").unwrap();
        let req = split_scope(Some("openid profile offline_access read:own bogus"));
        let s = granted_scopes(
            &t,
            spa,
            &["user".into()],
            Some("https://api.auth0-mock.test"),
            &req,
        );
        assert_eq!(s, vec!["openid", "profile", "offline_access", "read:own"]);
        let s = granted_scopes(&t, spa, &[], None, &req);
        assert_eq!(s, vec!["openid", "profile", "offline_access"]);
        let m2m = t.client("auth0-mock-m2m").unwrap();
        let s = granted_scopes(
            &t,
            m2m,
            &[],
            None,
            &split_scope(Some("openid offline_access")),
        );
        assert_eq!(s, vec!["openid"]);
    }

    #[test]
    fn split_scope_dedupes() {
        assert_eq!(
            split_scope(Some("openid  openid profile")),
            vec!["openid", "profile"]
        );
        assert!(split_scope(None).is_empty());
    }
}
