//! Scenario tokens without a browser: a scenario (from the fixtures, or made up from a
//! [`TokenRequest`]) minted through the claim-only hooks, so it carries the same claims a real
//! login would, then edited and signed by the one minting path.

use crate::error::OAuthError;
use crate::login::event::user_event;
use crate::login::grant::Grant;
use crate::mint::{self, MintOptions, TokenSet};
use crate::mock::Mock;
use crate::protocol::LoginFlow;
use crate::scope::{granted_scopes, split_scope};
use crate::tenant::{Expectation, Scenario, Tenant};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Parameters of an ad-hoc token (`auth0-mock token --user … --claim k=v`, `POST /__mock/token`,
/// [`crate::MockHandle::mint`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// A scenario to start from.
    #[serde(default)]
    pub scenario: Option<String>,
    /// User (email, username or id).
    #[serde(default)]
    pub user: Option<String>,
    /// Client for a client_credentials token.
    #[serde(default)]
    pub client: Option<String>,
    /// Audience.
    #[serde(default)]
    pub audience: Option<String>,
    /// Scope.
    #[serde(default)]
    pub scope: Option<String>,
    /// Extra access-token claims.
    #[serde(default)]
    pub claims: Map<String, Value>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub lifetime: Option<i64>,
}

/// A minted scenario as the CLI and the control API report it: the tokens with the scenario's
/// name, description and what a correct verifier does with them.
#[derive(Debug, Clone, Serialize)]
pub struct MintedScenario {
    /// Scenario name (`ad-hoc` for a request without one).
    pub scenario: String,
    /// What the situation is.
    pub description: String,
    /// What a correct verifier does with the token.
    pub expect: Expectation,
    /// The access token.
    pub access_token: String,
    /// The ID token, for user tokens.
    pub id_token: Option<String>,
    /// `Bearer`.
    pub token_type: &'static str,
    /// Access-token lifetime.
    pub expires_in: i64,
    /// Granted scopes.
    pub scope: String,
}

/// Turns a token request into a scenario (named scenario plus overrides), checked against the
/// tenant.
pub(crate) fn resolve(tenant: &Tenant, req: &TokenRequest) -> Result<Scenario, String> {
    let mut s = match &req.scenario {
        Some(name) => tenant.scenario(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = tenant.scenarios.iter().map(|s| s.name.as_str()).collect();
            format!("unknown scenario '{name}' (known: {})", known.join(", "))
        })?,
        None => Scenario {
            name: "ad-hoc".into(),
            description: "ad-hoc token".into(),
            ..Scenario::default()
        },
    };
    if req.user.is_some() {
        s.user = req.user.clone();
        s.client = None;
    }
    if req.client.is_some() {
        s.client = req.client.clone();
        s.user = None;
    }
    if req.audience.is_some() {
        s.audience = req.audience.clone();
    }
    if req.scope.is_some() {
        s.scope = req.scope.clone();
    }
    if req.lifetime.is_some() {
        s.lifetime = req.lifetime;
    }
    for (k, v) in &req.claims {
        s.access_token.set.insert(k.clone(), v.clone());
    }
    if s.user.is_none() && s.client.is_none() {
        s.user = tenant.users.first().map(|u| u.user_id.clone());
    }
    tenant
        .check_scenario(&s)
        .map_err(|(path, reason)| format!("{path}: {reason}"))?;
    Ok(s)
}

/// Mints a scenario's tokens: a user token through the claim-only (pure) hooks, a client token
/// as client_credentials.
pub(crate) async fn mint(mock: &Mock, s: &Scenario) -> Result<MintedScenario, OAuthError> {
    let tenant = mock.tenant();
    let audience = s
        .audience
        .clone()
        .or(tenant.default_api().map(|a| a.identifier.clone()));
    let set = match &s.client {
        Some(client_id) => {
            let aud =
                audience.ok_or_else(|| OAuthError::invalid_request("the tenant has no API"))?;
            let scope: Vec<String> = match &s.scope {
                Some(sc) => split_scope(Some(sc)),
                None => tenant
                    .client_grant(client_id, &aud)
                    .map(|g| g.scope.clone())
                    .unwrap_or_default(),
            };
            mint::client_token(mock, client_id, &aud, &scope, &Default::default(), Some(s))?
        }
        None => user_tokens(mock, &tenant, s, audience).await?,
    };
    Ok(MintedScenario {
        scenario: s.name.clone(),
        description: s.description.clone(),
        expect: s.expect.clone(),
        access_token: set.access_token,
        id_token: set.id_token,
        token_type: set.token_type,
        expires_in: set.expires_in,
        scope: set.scope,
    })
}

async fn user_tokens(
    mock: &Mock,
    tenant: &Tenant,
    s: &Scenario,
    audience: Option<String>,
) -> Result<TokenSet, OAuthError> {
    let login = s.user.clone().unwrap_or_default();
    let user = mock
        .store()
        .find_user(&login)
        .ok_or_else(|| OAuthError::invalid_request(format!("no user '{login}'")))?;
    let client = match &s.client_id {
        Some(c) => tenant.client(c),
        None => tenant
            .clients
            .iter()
            .find(|c| c.is_public())
            .or(tenant.clients.first()),
    }
    .ok_or_else(|| OAuthError::invalid_request("the tenant has no client"))?;
    let requested = split_scope(Some(s.scope.as_deref().unwrap_or("openid profile email")));
    let mut event = user_event(&user, client, audience.as_deref());
    event.transaction = json!({
        "id": crate::util::random_id(12),
        "protocol": LoginFlow::Minted.protocol(),
        "requested_scopes": requested,
    });
    let http = mock.outbound().map_err(OAuthError::server_error)?;
    let effects = mock.pipeline().run_pure(event, &http).await;
    let scope = granted_scopes(tenant, client, &user, audience.as_deref(), &requested);
    let grant = Grant {
        user,
        client_id: client.client_id.clone(),
        audience,
        scope,
        nonce: None,
        sid: None,
        auth_time: mock.clock().now(),
        include_auth_time: false,
        access_claims: effects.access_claims,
        id_claims: effects.id_claims,
        flow: LoginFlow::Minted,
        scenario: Some(Arc::new(s.clone())),
        permissions: vec![],
        mfa: false,
        organization: None,
        after_mfa: None,
    };
    mint::user_tokens(
        mock,
        &grant,
        MintOptions {
            id_token: true,
            ..Default::default()
        },
    )
}
