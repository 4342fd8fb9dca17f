//! `POST /oauth/token`: every grant Auth0 clients use, with Auth0's error bodies and statuses.

use super::AppState;
use super::params::Params;
use crate::error::OAuthError;
use crate::login::{self, LoginInput, split_scope};
use crate::state::Mock;
use crate::tenant::Client;
use crate::token::{MintOptions, TokenSet};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Map, Value, json};

/// Scopes of a Management API token when none are requested.
const MANAGEMENT_SCOPES: &[&str] = &["read:users", "create:users", "update:users", "delete:users"];

const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";

/// The token endpoint.
pub async fn token(
    State(mock): State<AppState>,
    super::PeerIp(ip): super::PeerIp,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let result = async {
        let params = Params::from_body(&parts.headers, body).await?;
        handle(&mock, &parts.headers, params, &ip).await
    }
    .await;
    match result {
        Ok(set) => {
            let mut response = Json(set).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
                .headers_mut()
                .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => {
            tracing::info!(target: "auth0_mock::http", error = %e.code, description = %e.description, "token request refused");
            e.into_response()
        }
    }
}

async fn handle(
    mock: &Mock,
    headers: &HeaderMap,
    mut params: Params,
    ip: &str,
) -> Result<TokenSet, OAuthError> {
    let grant_type = params.require("grant_type")?.to_string();
    let client = authenticate(mock, headers, &mut params)?;
    let known = matches!(
        grant_type.as_str(),
        "authorization_code" | "refresh_token" | "client_credentials" | "password" | PASSWORD_REALM
    );
    if !known {
        return Err(OAuthError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("Unsupported grant type: {grant_type}"),
        ));
    }
    if !client.allows_grant(&grant_type) {
        return Err(OAuthError::unauthorized_client(format!(
            "Grant type '{grant_type}' not allowed for the client."
        )));
    }
    // `event.request`, only for the grants that run the post-login hooks.
    let request = || login::request_json(&mock.issuer, headers, ip, "POST", json!({}));
    match grant_type.as_str() {
        "authorization_code" => authorization_code(mock, &client, &params),
        "refresh_token" => refresh(mock, &client, &params, request()).await,
        "client_credentials" => client_credentials(mock, &client, &params),
        _ => password(mock, &client, &params, &grant_type, request()).await,
    }
}

/// Identifies and authenticates the client: `client_secret_basic`, `client_secret_post`, or
/// nothing for public clients.
fn authenticate(
    mock: &Mock,
    headers: &HeaderMap,
    params: &mut Params,
) -> Result<Client, OAuthError> {
    let mut basic_secret = None;
    if let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(encoded) = auth.strip_prefix("Basic ")
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| OAuthError::invalid_request("Malformed Basic authorization header"))?;
        let (id, secret) = decoded
            .split_once(':')
            .ok_or_else(|| OAuthError::invalid_request("Malformed Basic authorization header"))?;
        let id = url_decode(id);
        if let Some(body_id) = params.get("client_id")
            && body_id != id
        {
            return Err(OAuthError::invalid_request(
                "client_id in the body does not match the Authorization header",
            ));
        }
        params.insert("client_id", id);
        basic_secret = Some(url_decode(secret));
    }
    let client_id = params.require("client_id")?.to_string();
    let tenant = mock.tenant();
    let Some(client) = tenant.client(&client_id).cloned() else {
        return Err(OAuthError::invalid_client(format!(
            "Unknown client: {client_id}"
        )));
    };
    if client.is_public() {
        return Ok(client);
    }
    let presented = basic_secret.or_else(|| params.get("client_secret").map(str::to_string));
    match (presented, &client.client_secret) {
        (None, _) => Err(OAuthError::invalid_client(
            "Client authentication is required: send client_secret (client_secret_post) or use HTTP Basic",
        )),
        (Some(given), Some(expected)) if crate::util::constant_time_eq(&given, expected) => {
            Ok(client)
        }
        _ => Err(OAuthError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "access_denied",
            "Unauthorized",
        )),
    }
}

fn url_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

fn audience_for(mock: &Mock, params: &Params) -> Result<Option<String>, OAuthError> {
    let tenant = mock.tenant();
    match params
        .get("audience")
        .map(str::to_string)
        .or(tenant.default_audience.clone())
    {
        None => Ok(None),
        Some(a) if tenant.api(&a).is_some() => Ok(Some(a)),
        Some(a) => Err(OAuthError::access_denied(format!("Service not found: {a}"))),
    }
}

fn authorization_code(
    mock: &Mock,
    client: &Client,
    params: &Params,
) -> Result<TokenSet, OAuthError> {
    let code = params.require("code")?;
    let now = mock.clock.now();
    let issued = mock.store.lock().codes.remove(code);
    let Some(issued) = issued.filter(|c| c.expires_at > now) else {
        return Err(OAuthError::invalid_grant("Invalid authorization code"));
    };
    if issued.grant.client_id != client.client_id {
        return Err(OAuthError::invalid_grant("Invalid authorization code"));
    }
    if let Some(expected) = &issued.redirect_uri
        && params.get("redirect_uri") != Some(expected.as_str())
    {
        return Err(OAuthError::invalid_grant(
            "Invalid redirect_uri: it must match the one sent to /authorize",
        ));
    }
    if let Some((challenge, method)) = &issued.code_challenge {
        let verifier = params
            .get("code_verifier")
            .ok_or_else(|| OAuthError::invalid_grant("Parameter 'code_verifier' is required"))?;
        let computed = if method == "S256" {
            crate::util::b64url(&crate::util::sha256(verifier.as_bytes()))
        } else {
            verifier.to_string()
        };
        if !crate::util::constant_time_eq(&computed, challenge) {
            return Err(OAuthError::invalid_grant("Failed to verify code verifier"));
        }
    }
    mock.mint_user_tokens(
        &issued.grant,
        MintOptions {
            id_token: true,
            refresh: true,
            ..Default::default()
        },
    )
}

async fn refresh(
    mock: &Mock,
    client: &Client,
    params: &Params,
    request: Value,
) -> Result<TokenSet, OAuthError> {
    let token = params.require("refresh_token")?;
    let now = mock.clock.now();
    let invalid = || OAuthError::invalid_grant("Unknown or invalid refresh token.");
    let record = {
        let mut store = mock.store.lock();
        let Some(record) = store.refresh.get(token).cloned() else {
            return Err(invalid());
        };
        if record.client_id != client.client_id
            || record.expires_at <= now
            || store.revoked_families.contains(&record.family)
        {
            return Err(invalid());
        }
        let rotating = client.refresh_token.rotation_type != "non-rotating";
        if rotating {
            if let Some(spent) = record.spent_at
                && (client.refresh_token.leeway <= 0 || now - spent > client.refresh_token.leeway)
            {
                // Reuse of a rotated token: Auth0 revokes the whole family.
                store.revoke_family(&record.family);
                tracing::warn!(family = %record.family, user = %record.user_id, "refresh token reuse detected; family revoked");
                return Err(invalid());
            }
            if let Some(r) = store.refresh.get_mut(token) {
                r.spent_at.get_or_insert(now);
            }
        }
        record
    };
    let requested = match params.get("scope") {
        Some(s) => {
            let asked = split_scope(Some(s));
            if let Some(extra) = asked.iter().find(|s| !record.scope.contains(s)) {
                return Err(OAuthError::invalid_scope(format!(
                    "The requested scope '{extra}' exceeds the scope granted by the refresh token"
                )));
            }
            asked
        }
        None => record.scope.clone(),
    };
    let input = LoginInput {
        client,
        audience: record.audience.clone(),
        requested_scope: requested,
        protocol: "oauth2-refresh-token",
        transaction: Map::new(),
        request,
        sid: record.sid.clone(),
        nonce: None,
        auth_time: now,
        include_auth_time: false,
        gty: Some("refresh_token".into()),
        implicit: false,
        transaction_id: crate::util::random_id(16),
        connection: None,
    };
    let mut grant = login::run(mock, &record.user_id, input).await?;
    // Scopes granted at login survive a refresh even if the hooks' view changed since.
    grant.scope.retain(|s| record.scope.contains(s));
    let rotating = client.refresh_token.rotation_type != "non-rotating";
    let mut set = mock.mint_user_tokens(
        &grant,
        MintOptions {
            id_token: true,
            refresh: rotating,
            refresh_family: Some(record.family.clone()),
            ..Default::default()
        },
    )?;
    if !rotating {
        set.refresh_token = None;
    }
    Ok(set)
}

fn client_credentials(
    mock: &Mock,
    client: &Client,
    params: &Params,
) -> Result<TokenSet, OAuthError> {
    if client.is_public() {
        return Err(OAuthError::unauthorized_client(
            "Grant type 'client_credentials' not allowed for the client.",
        ));
    }
    let management = format!("{}api/v2/", mock.issuer);
    if params.get("audience") == Some(management.as_str()) {
        // Tools that speak the Management API first fetch a token for it; the mock's
        // /api/v2 subset is guarded by the control-API rules, so any confidential client may.
        let scope = match params.get("scope") {
            Some(s) => split_scope(Some(s)),
            None => MANAGEMENT_SCOPES.iter().map(|s| s.to_string()).collect(),
        };
        return mock.mint_client_token(&client.client_id, &management, &scope);
    }
    let Some(audience) = audience_for(mock, params)? else {
        return Err(OAuthError::access_denied(
            "No audience parameter was provided, and no default audience has been configured",
        ));
    };
    let tenant = mock.tenant();
    let Some(grant) = tenant.client_grant(&client.client_id, &audience) else {
        return Err(OAuthError::access_denied(format!(
            "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."
        )));
    };
    let scope = match params.get("scope") {
        Some(s) => {
            let asked = split_scope(Some(s));
            if let Some(bad) = asked.iter().find(|s| !grant.scope.contains(s)) {
                return Err(OAuthError::access_denied(format!(
                    "Client has not been granted scopes: {bad}"
                )));
            }
            asked
        }
        None => grant.scope.clone(),
    };
    tracing::info!(client = %client.client_id, audience = %audience, scope = %scope.join(" "), grant = "client_credentials", "token issued");
    mock.mint_client_token(&client.client_id, &audience, &scope)
}

async fn password(
    mock: &Mock,
    client: &Client,
    params: &Params,
    grant_type: &str,
    request: Value,
) -> Result<TokenSet, OAuthError> {
    let username = params.require("username")?;
    let password = params.require("password")?;
    let tenant = mock.tenant();
    let realm = if grant_type == PASSWORD_REALM {
        let realm = params.require("realm")?;
        if tenant.connection(realm).is_none() {
            return Err(OAuthError::invalid_request(format!(
                "Unknown realm: the connection '{realm}' does not exist"
            )));
        }
        Some(realm.to_string())
    } else {
        None
    };
    let audience = audience_for(mock, params)?;
    let user = mock.store.lock().find_user(username).cloned();
    let Some(user) = user.filter(|u| {
        u.password
            .as_deref()
            .is_some_and(|p| crate::util::constant_time_eq(p, password))
            && realm
                .as_deref()
                .is_none_or(|r| u.connection.as_deref().unwrap_or(r) == r)
    }) else {
        return Err(OAuthError::invalid_grant("Wrong email or password."));
    };
    let requested = split_scope(params.get("scope"));
    let now = mock.clock.now();
    let input = LoginInput {
        client,
        audience,
        requested_scope: requested,
        protocol: if realm.is_some() {
            "oauth2-password-realm"
        } else {
            "oauth2-resource-owner"
        },
        transaction: Map::new(),
        request,
        sid: None,
        nonce: None,
        auth_time: now,
        include_auth_time: false,
        gty: Some("password".into()),
        implicit: false,
        transaction_id: crate::util::random_id(16),
        connection: realm,
    };
    let grant = login::run(mock, &user.user_id, input).await?;
    mock.mint_user_tokens(
        &grant,
        MintOptions {
            id_token: true,
            refresh: true,
            ..Default::default()
        },
    )
}
