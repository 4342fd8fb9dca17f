//! One login: the user may log in, the post-login hooks run, what they changed is kept, and the
//! scopes and permissions are settled into a [`Grant`]. A redirect Action pauses it in between
//! ([`Login::Suspended`]); [`resume`] runs the rest when the browser comes back.

use super::event::user_event;
use super::grant::{AfterMfa, Grant};
use super::membership::{join, membership};
use super::org_login::OrgLogin;
use super::paused::{PausedLogin, Settle};
use crate::error::OAuthError;
use crate::hooks::{Effects, Pipeline, PipelineResult, Start};
use crate::mock::Mock;
use crate::protocol::LoginFlow;
use crate::scope::granted_scopes;
use crate::store::LoginRefusal;
use crate::tenant::{Client, MfaPolicy};
use crate::util::random_id;
use serde_json::{Map, Value, json};
use std::sync::Arc;

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
    /// The organization (id) the user logs into.
    pub organization: Option<String>,
    /// The ticket of the organization invitation the login accepts.
    pub invitation: Option<String>,
    /// The browser was remembered after passing a second factor for this user (its
    /// `auth0-mf` cookie).
    pub mfa_remembered: bool,
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
    /// A silent login needed the user (a redirect Action under `prompt=none`).
    InteractionRequired(String),
    /// A silent login needed a second factor.
    MfaRequired,
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
            Self::InteractionRequired(reason) => OAuthError::interaction_required(reason),
            Self::MfaRequired => OAuthError::mfa_login_required(),
            Self::Server(reason) => OAuthError::server_error(reason),
        }
    }
}

/// Whether the login may send the browser elsewhere (a redirect Action) before it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redirects {
    /// An interactive browser login: `api.redirect.canRedirect()` is true.
    Allowed,
    /// A silent browser login (`prompt=none`): a redirect ends in `interaction_required`.
    Silent,
    /// A back-channel login (password, refresh token): nowhere to redirect.
    Never,
}

/// How a login transaction ended, when it did not fail.
pub(crate) enum Login {
    /// Tokens can be minted.
    Granted(Box<Grant>),
    /// A hook redirected: the browser goes to `location`, and the login waits under `state`.
    Suspended(Box<Suspension>),
    /// The login needs a second factor before this grant is issued (an Action's
    /// `api.multifactor.enable`, `acr_values`, or the tenant's policy).
    MfaRequired(Box<Grant>),
}

/// A login a redirect Action paused.
pub(crate) struct Suspension {
    /// The opaque `state` the browser comes back with to `/continue`.
    pub state: String,
    /// Where the browser goes now (the Action's URL with `state` and its query).
    pub location: String,
    /// What resuming needs.
    pub paused: PausedLogin,
}

/// Runs the login transaction for `user_id`: the post-login hooks, then the grant, unless a
/// hook redirects.
pub(crate) async fn start(
    mock: &Mock,
    user_id: &str,
    input: LoginInput<'_>,
    redirects: Redirects,
) -> Result<Login, LoginError> {
    let tenant = mock.tenant();
    let flow = input.flow;
    let (user, logins_count) = mock
        .store()
        .begin_login(user_id, flow.counts_as_login(), mock.clock().now())
        .map_err(refusal)?;
    // The connection the user belongs to, not the one the request named: a database user's
    // session must not pass for a Google login (the organization checks depend on it).
    let connection_name = user
        .connection
        .clone()
        .or(tenant.default_connection().map(|c| c.name.clone()))
        .or(input.connection.clone())
        .unwrap_or_default();
    let connection = tenant.connection(&connection_name);
    let membership = match input.organization.as_deref() {
        Some(id) => Some(
            membership(
                mock,
                &tenant,
                id,
                input.invitation.as_deref(),
                &user,
                &connection_name,
            )
            .map_err(|r| LoginError::Denied(r.0))?,
        ),
        None => None,
    };
    let mut event = user_event(&user, input.client, input.audience.as_deref());
    if let Some((org, login)) = &membership {
        event.organization = org.to_event_json();
        event.authorization = json!({ "roles": login.roles });
    }
    event.connection = json!({
        "id": connection.and_then(|c| c.id.clone()).unwrap_or_default(),
        "name": connection_name,
        "strategy": connection.map(|c| c.strategy.clone()).unwrap_or_else(|| "auth0".into()),
        "metadata": {}
    });
    event.request = input.request;
    let mfa_requested =
        crate::mfa::acr_asks_for_mfa(input.transaction.get("acr_values").and_then(Value::as_str));
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
    // Auth0 names how the user proved who they are: a password, an upstream provider, or the
    // passwordless channel.
    let method = match connection {
        Some(c) if c.is_social() => "federated",
        Some(c) if c.passwordless().is_some() => c.strategy.as_str(),
        _ => "pwd",
    };
    event.authentication = json!({ "methods": [{ "name": method, "timestamp": crate::clock::rfc3339(input.auth_time) }] });

    let settle = Settle {
        user_id: user_id.to_string(),
        client_id: input.client.client_id.clone(),
        audience: input.audience,
        requested_scope: input.requested_scope,
        flow,
        sid: input.sid,
        nonce: input.nonce,
        auth_time: input.auth_time,
        include_auth_time: input.include_auth_time,
        mfa_requested,
        mfa_remembered: input.mfa_remembered,
        organization: membership.map(|(_, login)| login),
    };
    let http = mock.outbound().map_err(LoginError::Server)?;
    let pipeline = mock.pipeline();
    let start = Start::Fresh {
        can_redirect: redirects == Redirects::Allowed,
    };
    let result = pipeline.run_from(event, start, &http, mock.records()).await;
    conclude(
        mock,
        pipeline,
        result,
        Effects::default(),
        settle,
        redirects,
    )
}

/// Picks a paused login up where its redirect Action left it: that Action's
/// `onContinuePostLogin` sees `request` (the `/continue` request), then the later hooks run.
pub(crate) async fn resume(
    mock: &Mock,
    paused: PausedLogin,
    state: &str,
    request: Value,
) -> Result<Login, LoginError> {
    let PausedLogin {
        pipeline,
        at,
        mut event,
        effects,
        settle,
    } = paused;
    if let Some(r) = mock.store().login_refusal(&settle.user_id) {
        return Err(refusal(r));
    }
    event.request = request;
    let http = mock.outbound().map_err(LoginError::Server)?;
    let start = Start::Resume {
        at,
        state: state.to_string(),
    };
    let result = pipeline.run_from(event, start, &http, mock.records()).await;
    conclude(mock, pipeline, result, effects, settle, Redirects::Allowed)
}

fn refusal(r: LoginRefusal) -> LoginError {
    match r {
        LoginRefusal::Unknown => LoginError::UnknownUser,
        LoginRefusal::Blocked => LoginError::Blocked,
    }
}

/// What the pipeline's result means for the login: a denial, a pause at a redirect, or the
/// grant. `before` holds the effects of hooks that ran before a resume.
fn conclude(
    mock: &Mock,
    pipeline: Arc<Pipeline>,
    result: PipelineResult,
    mut before: Effects,
    settle: Settle,
    redirects: Redirects,
) -> Result<Login, LoginError> {
    let user_id = &settle.user_id;
    let client_id = &settle.client_id;
    let protocol = settle.flow.protocol();
    if let Some(reason) = result.denied {
        tracing::info!(user = %user_id, client = %client_id, protocol, reason = %reason, "login denied by post-login hook");
        return Err(LoginError::Denied(reason));
    }
    before.merge(result.api);
    let effects = before;
    let Some(paused) = result.paused else {
        let mfa = needs_mfa(
            mock,
            &settle,
            effects.mfa.as_deref(),
            effects.mfa_remember_browser,
        );
        if mfa && redirects == Redirects::Silent {
            // Refused before anything about the user changes.
            return Err(LoginError::MfaRequired);
        }
        // Joining an organization waits for the second factor, when one is due.
        let joining = settle.organization.clone().filter(|o| o.joins.is_some());
        if !mfa && let Some(org) = &joining {
            join(mock, &settle.user_id, org).map_err(|r| LoginError::Denied(r.0))?;
        }
        let grant = grant(mock, &settle, effects, mfa.then_some(joining))?;
        if !mfa {
            return Ok(Login::Granted(Box::new(grant)));
        }
        return Ok(Login::MfaRequired(Box::new(grant)));
    };
    match redirects {
        Redirects::Allowed => {}
        Redirects::Silent => {
            return Err(LoginError::InteractionRequired(
                "A post-login Action redirected the user, which a prompt=none login cannot do"
                    .into(),
            ));
        }
        Redirects::Never => {
            return Err(LoginError::Denied(format!(
                "api.redirect.sendUserTo cannot redirect a {protocol} login: check api.redirect.canRedirect() first"
            )));
        }
    }
    let state = random_id(24);
    let location = paused
        .redirect
        .location(&state)
        .map_err(LoginError::Denied)?;
    tracing::info!(user = %user_id, client = %client_id, to = %paused.redirect.url, "login paused by a redirect Action");
    Ok(Login::Suspended(Box::new(Suspension {
        state,
        location,
        paused: PausedLogin {
            pipeline,
            at: paused.at,
            event: paused.event,
            effects,
            settle,
        },
    })))
}

/// Whether this login must pass a second factor: an Action's `api.multifactor.enable` decides
/// (`none` turns it off), else `acr_values` or the tenant's policy. Refresh-token exchanges are
/// never challenged, and a browser session that passed MFA is not challenged again.
fn needs_mfa(mock: &Mock, settle: &Settle, asked: Option<&str>, remember: bool) -> bool {
    match settle.flow {
        LoginFlow::Minted => return false,
        // A refresh has no browser session to have passed a factor in, and no policy asks:
        // only an Action's api.multifactor.enable challenges it.
        LoginFlow::Refresh => return asked.is_some_and(|a| a != "none"),
        _ => {}
    }
    let wanted = match asked {
        Some("none") => false,
        // A remembered browser skips an Action's challenge that allows it, unless the request
        // itself asks for a multi-factor login (Auth0: acr_values force it).
        Some(_) => !(remember && settle.mfa_remembered && !settle.mfa_requested),
        None => settle.mfa_requested || mock.tenant().mfa_policy == MfaPolicy::Always,
    };
    // The session is looked up only when a factor is wanted: most logins want none.
    wanted
        && !settle.sid.as_deref().is_some_and(|sid| {
            mock.store()
                .session(sid, mock.clock().now())
                .is_some_and(|s| s.mfa)
        })
}

/// Keeps what the hooks changed and settles the scopes and permissions into the grant. A
/// login that waits for its second factor (`after_mfa`: the organization it may join) keeps
/// the metadata changes and the armed scenario for when the factor passes.
fn grant(
    mock: &Mock,
    settle: &Settle,
    mut effects: Effects,
    after_mfa: Option<Option<OrgLogin>>,
) -> Result<Grant, LoginError> {
    let tenant = mock.tenant();
    let client = tenant
        .client(&settle.client_id)
        .ok_or_else(|| LoginError::Server(format!("client '{}' is gone", settle.client_id)))?;
    let now = mock.clock().now();
    let waiting = after_mfa.map(|joining| {
        Box::new(AfterMfa {
            joining,
            app_metadata: std::mem::take(&mut effects.app_metadata),
            user_metadata: std::mem::take(&mut effects.user_metadata),
            remember_browser: effects.mfa_remember_browser,
        })
    });
    let written = if waiting.is_some() {
        None
    } else {
        mock.store().apply_metadata(
            &settle.user_id,
            &effects.app_metadata,
            &effects.user_metadata,
            now,
        )
    };
    let user = match written {
        Some(user) => user,
        None => mock
            .store()
            .user(&settle.user_id)
            .ok_or(LoginError::UnknownUser)?,
    };
    let audience = settle.audience.as_deref();
    // On an organization login, roles (and so scopes and permissions) are the membership's.
    let rbac_user = match &settle.organization {
        Some(org) => {
            let mut u = user.clone();
            u.roles = org.roles.clone();
            u
        }
        None => user.clone(),
    };
    let user_for_rbac = &rbac_user;
    let mut scope = granted_scopes(
        &tenant,
        client,
        user_for_rbac,
        audience,
        &settle.requested_scope,
    );
    for s in &effects.add_scopes {
        if !scope.contains(s) {
            scope.push(s.clone());
        }
    }
    scope.retain(|s| !effects.remove_scopes.contains(s));
    let permissions = match audience.and_then(|a| tenant.api(a)) {
        Some(api) if api.dialect().has_permissions() => {
            tenant.permissions_for(user_for_rbac, &api.identifier)
        }
        _ => Vec::new(),
    };
    tracing::info!(
        user = %user.user_id,
        client = %settle.client_id,
        protocol = settle.flow.protocol(),
        audience = audience.unwrap_or("-"),
        scope = %scope.join(" "),
        "login"
    );
    Ok(Grant {
        user,
        client_id: settle.client_id.clone(),
        audience: settle.audience.clone(),
        scope,
        nonce: settle.nonce.clone(),
        sid: settle.sid.clone(),
        auth_time: settle.auth_time,
        include_auth_time: settle.include_auth_time,
        access_claims: effects.access_claims,
        id_claims: effects.id_claims,
        flow: settle.flow,
        // An armed scenario is for a login that finishes: one stopped at MFA leaves it armed.
        scenario: if waiting.is_some() {
            None
        } else {
            mock.take_next_scenario()
        },
        permissions,
        mfa: false,
        after_mfa: waiting,
        organization: settle.organization.as_ref().map(|org| {
            let id = &org.id;
            let name = tenant
                .organizations
                .iter()
                .find(|o| &o.id == id)
                .filter(|_| tenant.organization_names)
                .map(|o| o.name.clone());
            crate::login::grant::OrgClaims {
                id: id.clone(),
                name,
            }
        }),
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
