//! One login: the user may log in, the post-login hooks run, what they changed is kept, and the
//! scopes and permissions are settled into a [`Grant`].

use super::event::user_event;
use super::grant::Grant;
use crate::error::OAuthError;
use crate::mock::Mock;
use crate::protocol::LoginFlow;
use crate::scope::granted_scopes;
use crate::store::LoginRefusal;
use crate::tenant::Client;
use serde_json::{Map, Value, json};

/// Inputs of one login besides the user.
pub(crate) struct LoginInput<'a> {
    /// The client.
    pub client: &'a Client,
    /// The validated audience.
    pub audience: Option<String>,
    /// Requested scopes.
    pub requested_scope: Vec<String>,
    /// How the user authenticated.
    pub flow: LoginFlow,
    /// `event.transaction` fields besides id, protocol and requested scopes.
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
    /// Transaction id.
    pub transaction_id: String,
    /// Connection name used, when the request named one.
    pub connection: Option<String>,
}

/// Why a login did not produce a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LoginError {
    /// The user is gone.
    UnknownUser,
    /// The user is blocked.
    Blocked,
    /// A hook denied or failed, with its reason.
    Denied(String),
    /// The mock could not run the hooks.
    Server(String),
}

impl LoginError {
    /// The error Auth0 answers for this failure in `flow`: a vanished user is named by what
    /// the flow presented (a code, a password, a refresh token).
    pub(crate) fn into_oauth(self, flow: LoginFlow) -> OAuthError {
        match self {
            Self::UnknownUser => match flow {
                LoginFlow::Refresh => OAuthError::invalid_grant(
                    "The refresh_token was generated for a user who doesn't exist anymore.",
                ),
                LoginFlow::Password | LoginFlow::PasswordRealm => {
                    OAuthError::invalid_grant("Wrong email or password.")
                }
                LoginFlow::Passwordless => {
                    OAuthError::invalid_grant("Wrong email or verification code.")
                }
                LoginFlow::BrowserCode | LoginFlow::BrowserHybrid | LoginFlow::BrowserImplicit => {
                    OAuthError::login_required()
                }
                LoginFlow::Minted => OAuthError::invalid_request("no such user"),
            },
            Self::Blocked => OAuthError::user_blocked(),
            Self::Denied(reason) => OAuthError::access_denied(reason),
            Self::Server(reason) => OAuthError::server_error(reason),
        }
    }
}

/// Runs the login transaction for `user_id`.
pub(crate) async fn run(
    mock: &Mock,
    user_id: &str,
    input: LoginInput<'_>,
) -> Result<Grant, LoginError> {
    let tenant = mock.tenant();
    let flow = input.flow;
    let (user, logins_count) = mock
        .store()
        .begin_login(user_id, flow.counts_as_login(), mock.clock().now())
        .map_err(|r| match r {
            LoginRefusal::Unknown => LoginError::UnknownUser,
            LoginRefusal::Blocked => LoginError::Blocked,
        })?;
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
    event.request = input.request;
    let mut transaction = input.transaction;
    transaction.insert("id".into(), json!(input.transaction_id));
    transaction.insert("protocol".into(), json!(flow.protocol()));
    transaction.insert("requested_scopes".into(), json!(input.requested_scope));
    event.transaction = Value::Object(transaction);
    event.stats = json!({ "logins_count": logins_count });
    event.tenant = json!({ "id": tenant.friendly_name });
    event.session = match &input.sid {
        Some(s) => json!({ "id": s }),
        None => Value::Null,
    };
    event.authentication = json!({ "methods": [{ "name": "pwd", "timestamp": crate::clock::rfc3339(input.auth_time) }] });

    let http = mock.outbound().map_err(LoginError::Server)?;
    let result = mock.pipeline().run(event, &http, mock.records()).await;
    let client_id = &input.client.client_id;
    if let Some(reason) = result.denied {
        tracing::info!(user = %user_id, client = %client_id, protocol = flow.protocol(), reason = %reason, "login denied by post-login hook");
        return Err(LoginError::Denied(reason));
    }
    let effects = result.api;
    let now = mock.clock().now();
    let user = mock
        .store()
        .apply_metadata(user_id, &effects.app_metadata, &effects.user_metadata, now)
        .unwrap_or(user);
    let mut scope = granted_scopes(
        &tenant,
        input.client,
        &user,
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
        Some(api) if api.dialect().has_permissions() => {
            tenant.permissions_for(&user, &api.identifier)
        }
        _ => Vec::new(),
    };
    tracing::info!(
        user = %user.user_id,
        client = %client_id,
        protocol = flow.protocol(),
        audience = input.audience.as_deref().unwrap_or("-"),
        scope = %scope.join(" "),
        "login"
    );
    Ok(Grant {
        user,
        client_id: client_id.clone(),
        audience: input.audience,
        scope,
        nonce: input.nonce,
        sid: input.sid,
        auth_time: input.auth_time,
        include_auth_time: input.include_auth_time,
        access_claims: effects.access_claims,
        id_claims: effects.id_claims,
        flow,
        scenario: mock.take_next_scenario(),
        permissions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vanished_user_is_named_by_what_each_flow_presented() {
        let description = |flow| LoginError::UnknownUser.into_oauth(flow).description;
        assert_eq!(description(LoginFlow::Password), "Wrong email or password.");
        assert_eq!(
            description(LoginFlow::PasswordRealm),
            "Wrong email or password."
        );
        assert_eq!(
            description(LoginFlow::Refresh),
            "The refresh_token was generated for a user who doesn't exist anymore."
        );
        assert_eq!(description(LoginFlow::BrowserCode), "Login required");
        for flow in [
            LoginFlow::Password,
            LoginFlow::BrowserCode,
            LoginFlow::Minted,
        ] {
            assert!(
                !description(flow).contains("refresh token"),
                "{flow:?} must not blame a refresh token"
            );
        }
    }
}
