//! The dashboard's token debugger, as Auth0's Authentication API Debugger: `POST
//! /__mock/debugger` runs a real login for a client and user (the code flow with PKCE from a
//! signed-in session, or `client_credentials` for a machine client) through the mock's own
//! router, so every hook, scenario and fault applies as it would to an app; then reports each
//! token decoded, its signature and Hasura's verdict. `POST /__mock/debugger/inspect` reports on
//! a pasted token.

use super::extract::{AppState, ControlJson};
use crate::error::OAuthError;
use crate::hooks::{LocalService, OutboundRequest};
use crate::inspect::{hasura_secret, inspect, jwks_url};
use crate::mock::{NextLoginError, NextScenario};
use crate::protocol::{AuthMethod, GrantType, PkceMethod};
use crate::store::SESSION_SECS;
use crate::tenant::Client;
use crate::util::random_id;
use axum::Json;
use axum::extract::State;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Each in-process step gets this long: a login whose hooks take longer is reported as such.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// What to log in: a client, and a user unless it is a machine client.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginRequest {
    client_id: String,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scenario: Option<String>,
    /// `x-hasura-role` for the verdict (Hasura's default role when absent).
    #[serde(default)]
    role: Option<String>,
}

/// A pasted token to report on.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InspectRequest {
    token: String,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

/// `POST /__mock/debugger`.
pub(crate) async fn login(
    State(mock): State<AppState>,
    ControlJson(req): ControlJson<LoginRequest>,
) -> Result<Json<Value>, OAuthError> {
    let tenant = mock.tenant();
    let client = tenant.client(&req.client_id).cloned().ok_or_else(|| {
        OAuthError::not_found(format!("no client with client_id '{}'", req.client_id))
    })?;
    // Sent only when asked for, as an app would: without one the mock applies the tenant's
    // default audience (or issues an opaque token), and the secret names the default API.
    let asked = req.audience.clone().filter(|a| !a.is_empty());
    let secrets = Secrets::new(&mock, asked.as_deref());
    let local = mock
        .outbound()
        .map_err(OAuthError::server_error)?
        .local
        .ok_or_else(|| OAuthError::server_error("the mock's router is not serving yet"))?;
    let mut flow = Flow {
        issuer: mock.issuer().to_string(),
        local,
        steps: Vec::new(),
    };
    let machine = req.user.as_deref().is_none_or(str::is_empty);
    let reply = if machine {
        flow.client_credentials(&client, asked.as_deref()).await?
    } else {
        let user = req.user.as_deref().unwrap_or_default();
        let scenario = req.scenario.as_deref().filter(|s| !s.is_empty());
        if let Some(name) = scenario
            && tenant.scenario(name).is_none()
        {
            return Err(OAuthError::not_found(format!("unknown scenario '{name}'")));
        }
        let user = mock.user_who_may_log_in(user).map_err(|e| match e {
            NextLoginError::Unknown(_) => OAuthError::not_found(e.to_string()),
            _ => OAuthError::invalid_request(e.to_string()),
        })?;
        // A session of its own, ended with the flow: the debugger leaves no one signed in.
        let sid = mock
            .store()
            .start_session(&user.user_id, mock.clock().now(), SESSION_SECS);
        // The scenario reaches this one login through the next-login slot, which holds the
        // debugger's choice (or nothing) for the flow; whatever a test had armed there is put
        // back afterwards, neither used nor lost.
        let armed_before = mock.next_scenario();
        mock.restore_next_scenario(scenario.map(|name| NextScenario {
            scenario: name.to_string(),
            remaining: 1,
        }));
        let scope = req
            .scope
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "openid profile email".into());
        let done = flow
            .code_flow(&client, &sid, &scope, asked.as_deref())
            .await;
        mock.store().end_session(&sid);
        mock.restore_next_scenario(armed_before);
        done?
    };
    let mut out = json!({ "steps": flow.steps, "secrets": secrets });
    match reply {
        Reply::Tokens(tokens) => {
            let keys = mock.keys();
            for name in ["access_token", "id_token"] {
                if let Some(token) = tokens.get(name).and_then(Value::as_str) {
                    out[name] = inspect(token, &keys, &secrets.local, req.role.as_deref());
                }
            }
            out["tokens"] = tokens;
        }
        Reply::Error(error) => out["error"] = error,
    }
    Ok(Json(out))
}

/// `POST /__mock/debugger/inspect`.
pub(crate) async fn inspect_token(
    State(mock): State<AppState>,
    ControlJson(req): ControlJson<InspectRequest>,
) -> Json<Value> {
    let token = req.token.trim().trim_start_matches("Bearer ").trim();
    let secrets = Secrets::new(&mock, req.audience.as_deref().filter(|a| !a.is_empty()));
    Json(json!({
        "token": inspect(token, &mock.keys(), &secrets.local, req.role.as_deref()),
        "secrets": secrets,
    }))
}

/// The secret to paste, for a Hasura on this machine (also what the verdict is checked
/// with) and for the compose stack's, which reaches the mock by its service name (the issuer
/// stays the one tokens carry).
#[derive(Serialize)]
struct Secrets {
    local: String,
    compose: String,
}

impl Secrets {
    /// For tokens of `audience`, else of the tenant's default API.
    fn new(mock: &AppState, audience: Option<&str>) -> Self {
        let tenant = mock.tenant();
        let audience = audience.or_else(|| tenant.default_api().map(|a| a.identifier.as_str()));
        let issuer = mock.issuer();
        let scheme = if mock.https() { "https" } else { "http" };
        let compose = match url::Url::parse(issuer)
            .ok()
            .and_then(|u| u.port_or_known_default())
        {
            Some(port) => format!("{scheme}://auth0-mock:{port}"),
            None => format!("{scheme}://auth0-mock"),
        };
        Self {
            local: hasura_secret(&jwks_url(issuer), issuer, audience),
            compose: hasura_secret(&jwks_url(&compose), issuer, audience),
        }
    }
}

/// How the flow ended: tokens, or the error Auth0 answered (a denial is a result, not a
/// failure of the debugger).
enum Reply {
    Tokens(Value),
    Error(Value),
}

/// The requests of one login, made in-process and listed for the page.
struct Flow {
    issuer: String,
    local: Arc<dyn LocalService>,
    steps: Vec<Value>,
}

impl Flow {
    async fn send(
        &mut self,
        method: &str,
        path_and_query: &str,
        headers: Vec<(String, String)>,
        body: Option<String>,
    ) -> Result<crate::hooks::OutboundResponse, OAuthError> {
        let request = OutboundRequest {
            method: method.into(),
            url: format!("{}{}", self.issuer, path_and_query.trim_start_matches('/')),
            headers,
            body,
            timeout: STEP_TIMEOUT,
        };
        let reply = tokio::time::timeout(STEP_TIMEOUT, self.local.call(request))
            .await
            .map_err(|_| OAuthError::server_error(format!("{path_and_query} took over 30 s")))?
            .map_err(|e| OAuthError::server_error(e.to_string()))?;
        let location = header(&reply.headers, "location");
        let path = path_and_query.split('?').next().unwrap_or_default();
        self.steps.push(json!({
            "method": method, "path": path, "status": reply.status, "location": location,
        }));
        Ok(reply)
    }

    /// `POST /oauth/token` with a form; its JSON answer, either way.
    async fn token(
        &mut self,
        client: &Client,
        form: Vec<(&str, String)>,
    ) -> Result<Reply, OAuthError> {
        let mut headers = vec![(
            "content-type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        )];
        let mut form = form;
        form.push(("client_id", client.client_id.clone()));
        match (client.token_endpoint_auth_method, &client.client_secret) {
            (Some(AuthMethod::ClientSecretBasic), Some(secret)) => {
                let basic = base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{secret}", client.client_id));
                headers.push(("authorization".into(), format!("Basic {basic}")));
            }
            (Some(AuthMethod::None), _) | (_, None) => {}
            (_, Some(secret)) => form.push(("client_secret", secret.clone())),
        }
        let body = serde_urlencoded::to_string(&form).map_err(OAuthError::server_error)?;
        let reply = self
            .send("POST", "/oauth/token", headers, Some(body))
            .await?;
        let json: Value = serde_json::from_str(&reply.body).unwrap_or(json!({"body": reply.body}));
        Ok(if reply.status == 200 {
            Reply::Tokens(json)
        } else {
            Reply::Error(json)
        })
    }

    /// A machine client's token: `client_credentials`, if the client may use it.
    async fn client_credentials(
        &mut self,
        client: &Client,
        audience: Option<&str>,
    ) -> Result<Reply, OAuthError> {
        if !client.allows_grant(GrantType::ClientCredentials) {
            return Err(OAuthError::invalid_request(format!(
                "client '{}' has no user to log in and does not allow client_credentials: pick a user",
                client.name
            )));
        }
        let mut form = vec![("grant_type", "client_credentials".to_string())];
        if let Some(aud) = audience {
            form.push(("audience", aud.to_string()));
        }
        self.token(client, form).await
    }

    /// `/authorize` from the session, then the code exchange: what an SPA or web app does.
    async fn code_flow(
        &mut self,
        client: &Client,
        session: &str,
        scope: &str,
        audience: Option<&str>,
    ) -> Result<Reply, OAuthError> {
        // A wildcard callback is a pattern, not a URL the flow could come back to.
        let redirect_uri = client
            .callbacks
            .iter()
            .find(|c| !c.contains('*'))
            .cloned()
            .ok_or_else(|| {
                OAuthError::invalid_request(format!(
                    "client '{}' has no callback URL without a wildcard for the code flow: add one to its callbacks",
                    client.name
                ))
            })?;
        let verifier = random_id(32);
        let challenge = PkceMethod::S256.challenge(&verifier);
        let state = random_id(12);
        // The serializer is not `Send`: it must be gone before the first await.
        let query = {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &client.client_id)
                .append_pair("redirect_uri", &redirect_uri)
                .append_pair("scope", scope)
                .append_pair("state", &state)
                .append_pair("nonce", &random_id(12))
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(aud) = audience {
                query.append_pair("audience", aud);
            }
            query.finish()
        };
        let cookie = vec![("cookie".to_string(), format!("auth0={session}"))];
        let reply = self
            .send("GET", &format!("/authorize?{query}"), cookie, None)
            .await?;
        let location = header(&reply.headers, "location").unwrap_or_default();
        let back = url::Url::parse(&location)
            .ok()
            .filter(|u| location.starts_with(&redirect_uri) && u.query().is_some());
        let Some(back) = back else {
            return Ok(Reply::Error(json!({
                "error": "interaction_required",
                "error_description": format!("/authorize answered {} {location} instead of coming back to the callback: the login needs a page (consent, a prompt) the debugger does not fill in", reply.status),
            })));
        };
        let params: std::collections::HashMap<String, String> =
            back.query_pairs().into_owned().collect();
        if let Some(error) = params.get("error") {
            return Ok(Reply::Error(json!({
                "error": error,
                "error_description": params.get("error_description"),
            })));
        }
        let Some(code) = params.get("code").cloned() else {
            return Ok(Reply::Error(json!({
                "error": "server_error",
                "error_description": format!("the callback {location} carries neither a code nor an error"),
            })));
        };
        let form = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ];
        self.token(client, form).await
    }
}

/// A reply header by name (in-process replies keep names as the router wrote them).
fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}
