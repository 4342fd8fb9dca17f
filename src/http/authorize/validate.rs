//! Validating an `/authorize` request, in Auth0's order: first the client and its callback
//! (failures are an error page), then everything else (failures go back to the callback).

use crate::error::{ErrorPage, OAuthError};
use crate::http::params::Params;
use crate::http::reply::{AuthorizeError, AuthorizeRefusal, Reply};
use crate::login::request::AuthorizeRequest;
use crate::protocol::{CodeChallenge, GrantType, PkceMethod, Prompt, ResponseMode, ResponseTypes};
use crate::scope::split_scope;
use crate::tenant::{Tenant, origin_of};
use axum::http::StatusCode;
use serde_json::{Map, json};

/// Query parameters kept for `event.transaction` and `event.request.query`.
const KEPT_QUERY: &[&str] = &[
    "connection",
    "screen_hint",
    "ui_locales",
    "acr_values",
    "organization",
    "login_hint",
];

/// The validated request and where its answer goes.
pub(crate) fn validate(
    tenant: &Tenant,
    p: &Params,
) -> Result<(AuthorizeRequest, Reply), AuthorizeRefusal> {
    let page = |d: String| AuthorizeRefusal::Page(ErrorPage::new("invalid_request", d));
    let client_id = p
        .get("client_id")
        .ok_or_else(|| page("Missing required parameter: client_id".into()))?;
    let client = tenant
        .client(client_id)
        .ok_or_else(|| page(format!("Unknown client: {client_id}")))?;
    let redirect_uri = match p.get("redirect_uri") {
        Some(uri) if client.accepts_callback(uri) => uri.to_string(),
        Some(uri) => {
            return Err(page(format!(
                "Callback URL mismatch. {uri} is not in the list of allowed callback URLs of the application '{}'",
                client.name
            )));
        }
        None => client
            .callbacks
            .first()
            .cloned()
            .ok_or_else(|| page("Missing required parameter: redirect_uri".into()))?,
    };
    // Until the response mode is known, errors go back in the response type's default mode.
    let raw_types = p.get("response_type").unwrap_or("");
    let parsed_types = ResponseTypes::parse(raw_types);
    let default_mode = match &parsed_types {
        Ok(t) => t.default_mode(),
        Err(_)
            if raw_types
                .split(' ')
                .any(|t| t == "token" || t == "id_token") =>
        {
            ResponseMode::Fragment
        }
        Err(_) => ResponseMode::Query,
    };
    let mut reply = Reply {
        redirect_uri: redirect_uri.clone(),
        mode: default_mode,
        state: p.get("state").map(str::to_string),
    };
    let refuse =
        |reply: &Reply, e: OAuthError| AuthorizeRefusal::from(AuthorizeError::new(reply, e));
    let mode = match p.get("response_mode") {
        None => default_mode,
        Some(m) => m.parse::<ResponseMode>().map_err(|_| {
            refuse(
                &reply,
                OAuthError::invalid_request(format!("Unsupported response_mode: {m}")),
            )
        })?,
    };
    if mode == ResponseMode::WebMessage {
        let origin = origin_of(&redirect_uri).unwrap_or_default();
        if !client.accepts_origin(&origin) {
            return Err(page(format!(
                "The origin {origin} is not in the Allowed Web Origins of the application '{}'",
                client.name
            )));
        }
    }
    reply.mode = mode;
    let types = match parsed_types {
        Ok(t) if t.is_empty() => {
            return Err(refuse(
                &reply,
                OAuthError::invalid_request("Missing required parameter: response_type"),
            ));
        }
        Ok(t) => t,
        Err(bad) => {
            return Err(refuse(
                &reply,
                OAuthError::new(
                    StatusCode::BAD_REQUEST,
                    "unsupported_response_type",
                    format!("Unsupported response type: {}", bad.0),
                ),
            ));
        }
    };
    let front_channel = types.has_front_channel_tokens();
    if front_channel && mode == ResponseMode::Query {
        return Err(refuse(
            &reply,
            OAuthError::invalid_request(
                "response_mode=query is not allowed with token or id_token response types",
            ),
        ));
    }
    if types.code && !client.allows_grant(GrantType::AuthorizationCode) {
        return Err(refuse(
            &reply,
            OAuthError::unauthorized_client(
                "Grant type 'authorization_code' not allowed for the client.",
            ),
        ));
    }
    if front_channel && !client.allows_grant(GrantType::Implicit) {
        return Err(refuse(
            &reply,
            OAuthError::unauthorized_client("Grant type 'implicit' not allowed for the client."),
        ));
    }
    let code_challenge = pkce(p).map_err(|e| refuse(&reply, e))?;
    if client.is_public() && types.code && code_challenge.is_none() {
        return Err(refuse(
            &reply,
            OAuthError::invalid_request(
                "Parameter 'code_challenge' is required: public clients must use PKCE",
            ),
        ));
    }
    if types.id_token && p.get("nonce").is_none() {
        return Err(refuse(
            &reply,
            OAuthError::invalid_request(
                "Nonce is required for implicit and hybrid flows with id_token",
            ),
        ));
    }
    let audience = tenant
        .requested_api(p.get("audience"))
        .map_err(|e| refuse(&reply, OAuthError::access_denied(e)))?
        .map(|a| a.identifier.clone());
    let prompts = prompts(p).map_err(|e| refuse(&reply, e))?;
    let max_age = match p.get("max_age") {
        Some(v) => Some(v.parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| {
            refuse(
                &reply,
                OAuthError::invalid_request("max_age must be a non-negative integer"),
            )
        })?),
        None => None,
    };
    let silent = prompts.contains(&Prompt::None);
    let organization = organization(tenant, client, p, silent).map_err(|e| refuse(&reply, e))?;
    let invitation = match (p.get("invitation"), &organization) {
        (Some(_), None) => {
            return Err(refuse(
                &reply,
                OAuthError::invalid_request(
                    "parameter organization is required when invitation is given",
                ),
            ));
        }
        (i, _) => i.map(str::to_string),
    };
    let mut query = Map::new();
    for key in KEPT_QUERY {
        if let Some(v) = p.get(key) {
            query.insert(key.to_string(), json!(v));
        }
    }
    let request = AuthorizeRequest {
        client_id: client.client_id.clone(),
        redirect_uri,
        redirect_uri_given: p.get("redirect_uri").is_some(),
        response_types: types,
        response_mode: mode,
        scope: split_scope(Some(p.get("scope").unwrap_or("openid"))),
        audience,
        state: p.get("state").map(str::to_string),
        nonce: p.get("nonce").map(str::to_string),
        code_challenge,
        prompts,
        max_age,
        login_hint: p.get("login_hint").map(str::to_string),
        query,
        transaction_id: crate::util::random_id(18),
        organization,
        invitation,
    };
    Ok((request, reply))
}

/// `organization` against the client's `organization_usage`: the organization's id, or
/// Auth0's error for the callback. A client that requires one but prompts for it
/// (`organization_require_behavior`) is let through without, unless the login is silent:
/// the prompt screens ask the user.
fn organization(
    tenant: &Tenant,
    client: &crate::tenant::Client,
    p: &Params,
    silent: bool,
) -> Result<Option<String>, OAuthError> {
    use crate::tenant::{OrganizationRequireBehavior, OrganizationUsage};
    let Some(value) = p.get("organization") else {
        let prompts = client.organization_require_behavior != OrganizationRequireBehavior::NoPrompt;
        return match client.organization_usage {
            OrganizationUsage::Require if !prompts || silent => Err(OAuthError::invalid_request(
                "parameter organization is required for this client",
            )),
            _ => Ok(None),
        };
    };
    if client.organization_usage == OrganizationUsage::Deny {
        return Err(OAuthError::invalid_request(format!(
            "the client '{}' does not allow organizations (organization_usage is deny)",
            client.name
        )));
    }
    if !value.trim().starts_with("org_") && !tenant.organization_names {
        return Err(OAuthError::invalid_request(
            "authorization request parameter organization must be an organization id",
        ));
    }
    tenant
        .organization(value)
        .map(|o| Some(o.id.clone()))
        .ok_or_else(|| {
            OAuthError::invalid_request(format!(
                "parameter organization is invalid: no organization '{value}'"
            ))
        })
}

/// An `invitation` must be one the store holds, unexpired, for the request's organization;
/// the login form is then filled in with the invited address.
pub(crate) fn invitation(
    store: &crate::store::Store,
    now: i64,
    req: &mut AuthorizeRequest,
) -> Result<(), OAuthError> {
    let Some(ticket) = &req.invitation else {
        return Ok(());
    };
    let invitation = store
        .invitation_by_ticket(ticket, now)
        .filter(|i| Some(&i.organization_id) == req.organization.as_ref())
        .ok_or_else(|| {
            OAuthError::invalid_request(
                "invitation not found or expired: ask the organization for a new one",
            )
        })?;
    if req.login_hint.is_none() {
        req.login_hint = Some(invitation.invitee_email);
    }
    Ok(())
}

/// `code_challenge` and `code_challenge_method`.
fn pkce(p: &Params) -> Result<Option<CodeChallenge>, OAuthError> {
    match (p.get("code_challenge"), p.get("code_challenge_method")) {
        (Some(c), m) => {
            let m = m.unwrap_or("plain");
            let method = m.parse::<PkceMethod>().map_err(|_| {
                OAuthError::invalid_request(format!("Unsupported code_challenge_method: {m}"))
            })?;
            if c.len() < 43 || c.len() > 128 {
                return Err(OAuthError::invalid_request(
                    "code_challenge must be 43 to 128 characters",
                ));
            }
            Ok(Some(CodeChallenge {
                challenge: c.to_string(),
                method,
            }))
        }
        (None, Some(_)) => Err(OAuthError::invalid_request(
            "Missing required parameter: code_challenge",
        )),
        (None, None) => Ok(None),
    }
}

/// `prompt`: known values only, and `none` alone.
fn prompts(p: &Params) -> Result<Vec<Prompt>, OAuthError> {
    let mut out = Vec::new();
    for part in p
        .get("prompt")
        .unwrap_or("")
        .split(' ')
        .filter(|x| !x.is_empty())
    {
        let prompt = part.parse::<Prompt>().map_err(|_| {
            OAuthError::invalid_request(format!("Unsupported prompt value: {part}"))
        })?;
        out.push(prompt);
    }
    if out.contains(&Prompt::None) && out.len() > 1 {
        return Err(OAuthError::invalid_request(
            "prompt=none cannot be combined with other prompt values",
        ));
    }
    Ok(out)
}
