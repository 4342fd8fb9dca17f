//! `POST /oauth/token`: every grant Auth0 clients use, with Auth0's error bodies and statuses.

use super::client_auth::{Credentials, authenticate};
use super::extract::{AppState, Body, PeerIp, user_agent};
use super::mfa_grant::MfaGrant;
use super::params::Params;
use super::passwordless::oauth_error;
use crate::error::OAuthError;
use crate::hooks::Event;
use crate::lifecycle;
use crate::login::event::{client_json, request_json};
use crate::login::{self, LoginInput};
use crate::mint::{self, MintOptions, TokenSet};
use crate::mock::Mock;
use crate::protocol::{GrantType, LoginFlow, RotationType, Trigger, is_management_audience};
use crate::scope::split_scope;
use crate::store::{LoginRefusal, PasswordRefusal};
use crate::tenant::{Client, ClientGrant, Tenant};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Map, Value, json};

/// Where a token request came from, for `event.request` of the grants that run hooks (built
/// only for them: client_credentials, the hot path, never needs it).
struct Origin<'a> {
    ip: PeerIp,
    headers: &'a HeaderMap,
}

impl Origin<'_> {
    fn request(&self, mock: &Mock) -> Value {
        let ua = user_agent(self.headers);
        request_json(mock.issuer(), ua, &self.ip.text(), "POST", json!({}))
    }
}

/// The token endpoint.
pub(crate) async fn token(
    State(mock): State<AppState>,
    ip: PeerIp,
    headers: HeaderMap,
    Body(params): Body,
) -> Result<Json<TokenSet>, OAuthError> {
    let grant_type = params.require("grant_type")?;
    let tenant = mock.tenant();
    let client = authenticate(&tenant, &Credentials::read(&headers, &params)?)?;
    let unsupported = || {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("Unsupported grant type: {grant_type}"),
        )
    };
    let grant: GrantType = grant_type.parse().map_err(|_| unsupported())?;
    let origin = Origin {
        ip,
        headers: &headers,
    };
    let set = match grant {
        GrantType::AuthorizationCode
        | GrantType::RefreshToken
        | GrantType::ClientCredentials
        | GrantType::Password
        | GrantType::PasswordRealm
        | GrantType::PasswordlessOtp
        | GrantType::MfaOtp
        | GrantType::MfaOob
        | GrantType::MfaRecoveryCode
            if !client.allows_grant(grant) =>
        {
            return Err(OAuthError::unauthorized_client(format!(
                "Grant type '{grant_type}' not allowed for the client."
            )));
        }
        GrantType::AuthorizationCode => authorization_code(&mock, client, &params)?,
        GrantType::RefreshToken => refresh(&mock, client, &params, &origin).await?,
        GrantType::ClientCredentials => {
            client_credentials(&mock, &tenant, client, &params, &origin).await?
        }
        GrantType::Password => password(&mock, &tenant, client, &params, false, &origin).await?,
        GrantType::PasswordRealm => {
            password(&mock, &tenant, client, &params, true, &origin).await?
        }
        GrantType::PasswordlessOtp => {
            passwordless_otp(&mock, &tenant, client, &params, &origin).await?
        }
        GrantType::MfaOtp => super::mfa_grant::grant(&mock, client, &params, MfaGrant::Otp)?,
        GrantType::MfaRecoveryCode => {
            super::mfa_grant::grant(&mock, client, &params, MfaGrant::RecoveryCode)?
        }
        GrantType::MfaOob => super::mfa_grant::grant(&mock, client, &params, MfaGrant::Oob)?,
        GrantType::Implicit
        | GrantType::DeviceCode
        | GrantType::Ciba
        | GrantType::TokenExchange
        | GrantType::FederatedTokenExchange => return Err(unsupported()),
    };
    Ok(Json(set))
}

/// The API a request names (or the default audience), refused as "Service not found".
fn requested_audience(tenant: &Tenant, params: &Params) -> Result<Option<String>, OAuthError> {
    tenant
        .requested_api(params.get("audience"))
        .map(|api| api.map(|a| a.identifier.clone()))
        .map_err(OAuthError::access_denied)
}

fn authorization_code(
    mock: &Mock,
    client: &Client,
    params: &Params,
) -> Result<TokenSet, OAuthError> {
    let code = params.require("code")?;
    let invalid = || OAuthError::invalid_grant("Invalid authorization code");
    let issued = mock
        .store()
        .take_code(code, mock.clock().now())
        .filter(|c| c.grant.client_id == client.client_id)
        .ok_or_else(invalid)?;
    if let Some(expected) = &issued.redirect_uri
        && params.get("redirect_uri") != Some(expected.as_str())
    {
        return Err(OAuthError::invalid_grant(
            "Invalid redirect_uri: it must match the one sent to /authorize",
        ));
    }
    if let Some(challenge) = &issued.code_challenge {
        let verifier = params
            .get("code_verifier")
            .ok_or_else(|| OAuthError::invalid_grant("Parameter 'code_verifier' is required"))?;
        if !challenge.is_answered_by(verifier) {
            return Err(OAuthError::invalid_grant("Failed to verify code verifier"));
        }
    }
    // The user may have been blocked or deleted since the code was issued.
    match mock.store().login_refusal(&issued.grant.user.user_id) {
        Some(LoginRefusal::Unknown) => return Err(invalid()),
        Some(LoginRefusal::Blocked) => return Err(OAuthError::user_blocked()),
        None => {}
    }
    mint::user_tokens(
        mock,
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
    origin: &Origin<'_>,
) -> Result<TokenSet, OAuthError> {
    let token = params.require("refresh_token")?;
    let now = mock.clock().now();
    let settings = &client.refresh_token;
    let exchanged = mock
        .store()
        .exchange_refresh(
            token,
            &client.client_id,
            settings.rotation_type,
            settings.leeway,
            now,
        )
        .map_err(|_| OAuthError::invalid_grant("Unknown or invalid refresh token."))?;
    let record = &exchanged.grant;
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
    let flow = LoginFlow::Refresh;
    let input = LoginInput {
        client,
        audience: record.audience.clone(),
        requested_scope: requested,
        flow,
        transaction: Map::new(),
        request: origin.request(mock),
        sid: record.sid.clone(),
        nonce: None,
        auth_time: now,
        include_auth_time: false,
        transaction_id: crate::util::random_id(16),
        connection: None,
        organization: record.organization.clone(),
        invitation: None,
        mfa_remembered: false,
    };
    let rotating = settings.rotation_type == RotationType::Rotating;
    let (mut grant, mfa) = match login::start(mock, &record.user_id, input, login::Redirects::Never)
        .await
        .map_err(|e| e.into_oauth(flow))?
    {
        login::Login::Granted(grant) => (*grant, false),
        // An Action's api.multifactor.enable challenges a refresh too, as in Auth0 (whose
        // docs have Actions skip it for `oauth2-refresh-token` when that is not wanted).
        login::Login::MfaRequired(grant) => (*grant, true),
        login::Login::Suspended(_) => {
            return Err(OAuthError::server_error("a refresh exchange was suspended"));
        }
    };
    // Scopes granted at login survive a refresh even if the hooks' view changed since.
    grant.scope.retain(|s| record.scope.contains(s));
    if mfa {
        let family = exchanged.family;
        let refresh = crate::store::RefreshContinuation { family, rotating };
        return Err(super::mfa_grant::required(mock, grant, Some(refresh)));
    }
    mint::user_tokens(
        mock,
        &grant,
        MintOptions {
            id_token: true,
            refresh: rotating,
            refresh_family: Some(exchanged.family),
            ..Default::default()
        },
    )
}

async fn client_credentials(
    mock: &Mock,
    tenant: &Tenant,
    client: &Client,
    params: &Params,
    origin: &Origin<'_>,
) -> Result<TokenSet, OAuthError> {
    if client.is_public() {
        return Err(OAuthError::unauthorized_client(
            "Grant type 'client_credentials' not allowed for the client.",
        ));
    }
    if let Some(audience) = params.get("audience").filter(|a| is_management_audience(a)) {
        return management_token(mock, tenant, client, audience, params);
    }
    let Some(audience) = requested_audience(tenant, params)? else {
        return Err(OAuthError::access_denied(
            "No audience parameter was provided, and no default audience has been configured",
        ));
    };
    let Some(grant) = tenant.client_grant(&client.client_id, &audience) else {
        return Err(OAuthError::access_denied(format!(
            "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."
        )));
    };
    let scope = granted_scope(grant, params)?;
    let custom = credentials_exchange(mock, client, &audience, &scope, origin).await?;
    tracing::info!(client = %client.client_id, audience = %audience, scope = %scope.join(" "), grant = "client_credentials", "token issued");
    mint::client_token(mock, &client.client_id, &audience, &scope, &custom, None)
}

/// The scopes a client_credentials token gets: those asked for, each of which the client's
/// grant must hold, or all the grant's.
fn granted_scope(grant: &ClientGrant, params: &Params) -> Result<Vec<String>, OAuthError> {
    let Some(s) = params.get("scope") else {
        return Ok(grant.scope.clone());
    };
    let asked = split_scope(Some(s));
    match asked.iter().find(|s| !grant.scope.contains(s)) {
        Some(bad) => Err(OAuthError::access_denied(format!(
            "Client has not been granted scopes: {bad}"
        ))),
        None => Ok(asked),
    }
}

/// A Management API token: the scopes of the client's grant to any `https://<host>/api/v2/`
/// (all of them, or those asked for), for the audience it asked for, as Auth0 does. The
/// credentials-exchange trigger does not run for it, as in Auth0.
fn management_token(
    mock: &Mock,
    tenant: &Tenant,
    client: &Client,
    audience: &str,
    params: &Params,
) -> Result<TokenSet, OAuthError> {
    let Some(grant) = tenant.management_grant(&client.client_id) else {
        return Err(OAuthError::access_denied(format!(
            "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."
        )));
    };
    let scope = granted_scope(grant, params)?;
    tracing::info!(client = %client.client_id, audience = %audience, scope = %scope.join(" "), grant = "client_credentials", "Management API token issued");
    mint::client_token(mock, &client.client_id, audience, &scope, &Map::new(), None)
}

/// Runs the credentials-exchange trigger (when anything is bound to it: the hot path pays
/// nothing otherwise) and returns the claims its hooks set. A denial answers the Action's code
/// (`invalid_request`, `invalid_scope`: 400; `server_error`: 500) with its reason; a hook that
/// fails is `access_denied`, as on post-login.
async fn credentials_exchange(
    mock: &Mock,
    client: &Client,
    audience: &str,
    scope: &[String],
    origin: &Origin<'_>,
) -> Result<Map<String, Value>, OAuthError> {
    let pipeline = mock.trigger_pipeline(Trigger::CredentialsExchange);
    if pipeline.is_empty() {
        return Ok(Map::new());
    }
    let mut event = Event::outside_login(&mock.tenant().friendly_name);
    event.client = client_json(client);
    event.resource_server = json!({ "identifier": audience });
    event.request = origin.request(mock);
    event.transaction = json!({ "requested_scopes": scope });
    let http = mock.outbound().map_err(OAuthError::server_error)?;
    let result = pipeline.run(event, &http, mock.records()).await;
    if let Some(reason) = result.denied {
        tracing::info!(client = %client.client_id, audience = %audience, reason = %reason, "client_credentials denied by credentials-exchange");
        return Err(match result.deny_code.as_deref() {
            Some("server_error") => {
                OAuthError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", reason)
            }
            Some(code @ ("invalid_request" | "invalid_scope")) => {
                OAuthError::new(StatusCode::BAD_REQUEST, code.to_string(), reason)
            }
            Some(other) => OAuthError::new(StatusCode::BAD_REQUEST, other.to_string(), reason),
            None => OAuthError::access_denied(reason),
        });
    }
    Ok(result.api.access_claims)
}

async fn password(
    mock: &Mock,
    tenant: &Tenant,
    client: &Client,
    params: &Params,
    with_realm: bool,
    origin: &Origin<'_>,
) -> Result<TokenSet, OAuthError> {
    let username = params.require("username")?;
    let password = params.require("password")?;
    let realm = if with_realm {
        let realm = params.require("realm")?;
        if tenant.connection(realm).is_none() {
            return Err(OAuthError::invalid_request(format!(
                "Unknown realm: the connection '{realm}' does not exist"
            )));
        }
        Some(realm)
    } else {
        None
    };
    let audience = requested_audience(tenant, params)?;
    let user = lifecycle::password_login(mock, username, password, realm, &origin.ip.text())
        .map_err(|refusal| match refusal {
            PasswordRefusal::Wrong => OAuthError::invalid_grant("Wrong email or password."),
            PasswordRefusal::TooManyAttempts { .. } => OAuthError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                lifecycle::BLOCKED_ATTEMPTS,
            ),
        })?;
    let flow = if realm.is_some() {
        LoginFlow::PasswordRealm
    } else {
        LoginFlow::Password
    };
    credential_login(
        mock,
        client,
        &user.user_id,
        audience,
        params,
        flow,
        origin,
        realm,
    )
    .await
}

/// The login transaction and tokens of a grant that presented a credential (a password, a
/// one-time code): no browser session, the scopes asked for, a refresh token when allowed.
#[allow(clippy::too_many_arguments)]
async fn credential_login(
    mock: &Mock,
    client: &Client,
    user_id: &str,
    audience: Option<String>,
    params: &Params,
    flow: LoginFlow,
    origin: &Origin<'_>,
    connection: Option<&str>,
) -> Result<TokenSet, OAuthError> {
    let input = LoginInput {
        client,
        audience,
        requested_scope: split_scope(params.get("scope")),
        flow,
        transaction: Map::new(),
        request: origin.request(mock),
        sid: None,
        nonce: None,
        auth_time: mock.clock().now(),
        include_auth_time: false,
        transaction_id: crate::util::random_id(16),
        connection: connection.map(str::to_string),
        organization: None,
        invitation: None,
        mfa_remembered: false,
    };
    let grant = match login::start(mock, user_id, input, login::Redirects::Never)
        .await
        .map_err(|e| e.into_oauth(flow))?
    {
        login::Login::Granted(grant) => *grant,
        login::Login::MfaRequired(grant) => {
            return Err(super::mfa_grant::required(mock, *grant, None));
        }
        login::Login::Suspended(_) => {
            return Err(OAuthError::server_error(
                "a back-channel login was suspended",
            ));
        }
    };
    mint::user_tokens(
        mock,
        &grant,
        MintOptions {
            id_token: true,
            refresh: true,
            ..Default::default()
        },
    )
}

/// `http://auth0.com/oauth/grant-type/passwordless/otp`: `username` (the email or phone),
/// `otp` (the code `/passwordless/start` sent) and `realm` (the connection).
async fn passwordless_otp(
    mock: &Mock,
    tenant: &Tenant,
    client: &Client,
    params: &Params,
    origin: &Origin<'_>,
) -> Result<TokenSet, OAuthError> {
    let username = params.require("username")?;
    let otp = params.require("otp")?;
    let realm = params.require("realm")?;
    let (_, channel) = lifecycle::passwordless_connection(mock, realm)
        .map_err(|e| OAuthError::invalid_request(e.to_string()))?;
    let audience = requested_audience(tenant, params)?;
    let request = origin.request(mock);
    let (user, started) = lifecycle::verify_passwordless(mock, realm, username, otp, request, None)
        .await
        .map_err(|e| oauth_error(e, channel))?;
    if started.client_id != client.client_id {
        tracing::info!(client = %client.client_id, started_by = %started.client_id, "passwordless code used by another application than the one that asked for it");
    }
    let flow = LoginFlow::Passwordless;
    credential_login(
        mock,
        client,
        &user.user_id,
        audience,
        params,
        flow,
        origin,
        Some(realm),
    )
    .await
}
