//! `GET /authorize` and `/authorize/resume`: validates the request, uses or starts the browser
//! session, runs the login transaction and answers in the requested response mode.
//!
//! Until the client and its callback are validated, errors are an HTML page (never a redirect:
//! no open redirect); afterwards they go back to the callback as `error`/`error_description`/
//! `state`, including `login_required` for `prompt=none`, in every response mode.

use super::AppState;
use super::params::Params;
use super::session;
use crate::error::{ErrorPage, OAuthError};
use crate::login::{self, AuthorizeRequest, LoginInput, split_scope};
use crate::state::Mock;
use crate::store::{IssuedCode, PendingLogin};
use crate::tenant::origin_of;
use crate::token::MintOptions;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

/// How long a login may sit at the login page.
const PENDING_SECS: i64 = 3600;
/// Authorization codes are single-use and short-lived.
const CODE_SECS: i64 = 300;

/// Where and how an error or success goes back to the application.
#[derive(Debug, Clone)]
struct Reply {
    redirect_uri: String,
    mode: String,
    state: Option<String>,
}

impl Reply {
    fn error(&self, code: &str, description: &str) -> Response {
        let mut params = vec![
            ("error".to_string(), code.to_string()),
            ("error_description".to_string(), description.to_string()),
        ];
        if let Some(s) = &self.state {
            params.push(("state".into(), s.clone()));
        }
        deliver(&self.redirect_uri, &self.mode, params)
    }
}

/// `GET /authorize`.
pub async fn authorize(
    State(mock): State<AppState>,
    headers: HeaderMap,
    super::PeerIp(ip): super::PeerIp,
    RawQuery(query): RawQuery,
) -> Response {
    let params = match Params::from_form(query.unwrap_or_default().as_bytes()) {
        Ok(p) => p,
        Err(e) => return ErrorPage::new("invalid_request", e).into_response(),
    };
    let (req, reply) = match validate(&mock, &params) {
        Ok(v) => v,
        Err(Rejection::Page(p)) => return p.into_response(),
        Err(Rejection::Redirect(r)) => return r.0.error(&r.1.code, &r.1.description),
    };
    let now = mock.clock.now();
    let prompts: Vec<&str> = req
        .prompt
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .filter(|p| !p.is_empty())
        .collect();
    let session = session::current(&mock, &headers);
    let needs_login = match &session {
        None => true,
        Some((_, s)) => {
            prompts.contains(&"login") || req.max_age.is_some_and(|max| now - s.auth_time > max)
        }
    };
    if needs_login {
        if prompts.contains(&"none") {
            return reply.error("login_required", "Login required");
        }
        let txid = req.transaction_id.clone();
        {
            let mut store = mock.store.lock();
            store.prune(now);
            store.pending.insert(
                txid.clone(),
                PendingLogin {
                    request: req,
                    expires_at: now + PENDING_SECS,
                },
            );
        }
        return redirect_found(&format!("/u/login?state={}", urlencode(&txid)));
    }
    let Some((sid, s)) = session else {
        return reply.error("login_required", "Login required");
    };
    complete(&mock, req, &sid, &s.user_id, s.auth_time, &headers, &ip).await
}

/// `GET /authorize/resume?state=…`: continues a parked login once the login page has started a
/// session.
pub async fn resume(
    State(mock): State<AppState>,
    headers: HeaderMap,
    super::PeerIp(ip): super::PeerIp,
    RawQuery(query): RawQuery,
) -> Response {
    let params = match Params::from_form(query.unwrap_or_default().as_bytes()) {
        Ok(p) => p,
        Err(e) => return ErrorPage::new("invalid_request", e).into_response(),
    };
    let Some(txid) = params.get("state") else {
        return ErrorPage::new("invalid_request", "Missing required parameter: state")
            .into_response();
    };
    let pending = mock.store.lock().pending.remove(txid);
    let Some(pending) = pending.filter(|p| p.expires_at > mock.clock.now()) else {
        return ErrorPage::new(
            "invalid_request",
            "Invalid or expired login transaction: start again from /authorize",
        )
        .into_response();
    };
    let Some((sid, s)) = session::current(&mock, &headers) else {
        let reply = Reply {
            redirect_uri: pending.request.redirect_uri.clone(),
            mode: pending.request.response_mode.clone(),
            state: pending.request.state.clone(),
        };
        return reply.error("login_required", "Login required");
    };
    complete(
        &mock,
        pending.request,
        &sid,
        &s.user_id,
        s.auth_time,
        &headers,
        &ip,
    )
    .await
}

enum Rejection {
    Page(ErrorPage),
    /// Boxed: the error path is rare and the pair is large.
    Redirect(Box<(Reply, OAuthError)>),
}

fn validate(mock: &Mock, p: &Params) -> Result<(AuthorizeRequest, Reply), Rejection> {
    let tenant = mock.tenant();
    let page = |e: &'static str, d: String| Rejection::Page(ErrorPage::new(e, d));
    let client_id = p.get("client_id").ok_or_else(|| {
        page(
            "invalid_request",
            "Missing required parameter: client_id".into(),
        )
    })?;
    let client = tenant
        .client(client_id)
        .ok_or_else(|| page("invalid_request", format!("Unknown client: {client_id}")))?;
    let redirect_uri = match p.get("redirect_uri") {
        Some(uri) if client.accepts_callback(uri) => uri.to_string(),
        Some(uri) => {
            return Err(page(
                "invalid_request",
                format!(
                    "Callback URL mismatch. {uri} is not in the list of allowed callback URLs of the application '{}'",
                    client.name
                ),
            ));
        }
        None => client.callbacks.first().cloned().ok_or_else(|| {
            page(
                "invalid_request",
                "Missing required parameter: redirect_uri".into(),
            )
        })?,
    };
    let response_type = p.get("response_type").unwrap_or("");
    let mut types: Vec<String> = response_type
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    types.sort();
    types.dedup();
    let implicit_like = types.iter().any(|t| t == "token" || t == "id_token");
    let default_mode = if implicit_like { "fragment" } else { "query" };
    let mode = p.get("response_mode").unwrap_or(default_mode).to_string();
    let mut reply = Reply {
        redirect_uri: redirect_uri.clone(),
        mode: default_mode.to_string(),
        state: p.get("state").map(str::to_string),
    };
    let redirect = |reply: &Reply, e: OAuthError| Rejection::Redirect(Box::new((reply.clone(), e)));
    if !matches!(
        mode.as_str(),
        "query" | "fragment" | "form_post" | "web_message"
    ) {
        return Err(redirect(
            &reply,
            OAuthError::invalid_request(format!("Unsupported response_mode: {mode}")),
        ));
    }
    if mode == "web_message" {
        let origin = origin_of(&redirect_uri).unwrap_or_default();
        if !client.accepts_origin(&origin) {
            return Err(page(
                "invalid_request",
                format!(
                    "The origin {origin} is not in the Allowed Web Origins of the application '{}'",
                    client.name
                ),
            ));
        }
    }
    reply.mode = mode.clone();
    if types.is_empty() {
        return Err(redirect(
            &reply,
            OAuthError::invalid_request("Missing required parameter: response_type"),
        ));
    }
    if let Some(bad) = types
        .iter()
        .find(|t| !matches!(t.as_str(), "code" | "token" | "id_token"))
    {
        return Err(redirect(
            &reply,
            OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_response_type",
                format!("Unsupported response type: {bad}"),
            ),
        ));
    }
    if implicit_like && mode == "query" {
        return Err(redirect(
            &reply,
            OAuthError::invalid_request(
                "response_mode=query is not allowed with token or id_token response types",
            ),
        ));
    }
    if types.iter().any(|t| t == "code") && !client.allows_grant("authorization_code") {
        return Err(redirect(
            &reply,
            OAuthError::unauthorized_client(
                "Grant type 'authorization_code' not allowed for the client.",
            ),
        ));
    }
    if implicit_like && !client.allows_grant("implicit") {
        return Err(redirect(
            &reply,
            OAuthError::unauthorized_client("Grant type 'implicit' not allowed for the client."),
        ));
    }
    let code_challenge = match (p.get("code_challenge"), p.get("code_challenge_method")) {
        (Some(c), m) => {
            let method = m.unwrap_or("plain");
            if method != "S256" && method != "plain" {
                return Err(redirect(
                    &reply,
                    OAuthError::invalid_request(format!(
                        "Unsupported code_challenge_method: {method}"
                    )),
                ));
            }
            if c.len() < 43 || c.len() > 128 {
                return Err(redirect(
                    &reply,
                    OAuthError::invalid_request("code_challenge must be 43 to 128 characters"),
                ));
            }
            Some((c.to_string(), method.to_string()))
        }
        (None, Some(_)) => {
            return Err(redirect(
                &reply,
                OAuthError::invalid_request("Missing required parameter: code_challenge"),
            ));
        }
        (None, None) => None,
    };
    if client.is_public() && types.iter().any(|t| t == "code") && code_challenge.is_none() {
        return Err(redirect(
            &reply,
            OAuthError::invalid_request(
                "Parameter 'code_challenge' is required: public clients must use PKCE",
            ),
        ));
    }
    if types.iter().any(|t| t == "id_token") && p.get("nonce").is_none() {
        return Err(redirect(
            &reply,
            OAuthError::invalid_request(
                "Nonce is required for implicit and hybrid flows with id_token",
            ),
        ));
    }
    let audience = match p
        .get("audience")
        .map(str::to_string)
        .or(tenant.default_audience.clone())
    {
        Some(a) if tenant.api(&a).is_none() => {
            return Err(redirect(
                &reply,
                OAuthError::access_denied(format!("Service not found: {a}")),
            ));
        }
        other => other,
    };
    let prompt = p.get("prompt").map(str::to_string);
    if let Some(pr) = &prompt {
        let parts: Vec<&str> = pr.split(' ').filter(|x| !x.is_empty()).collect();
        if let Some(bad) = parts
            .iter()
            .find(|x| !matches!(**x, "none" | "login" | "consent" | "select_account"))
        {
            return Err(redirect(
                &reply,
                OAuthError::invalid_request(format!("Unsupported prompt value: {bad}")),
            ));
        }
        if parts.contains(&"none") && parts.len() > 1 {
            return Err(redirect(
                &reply,
                OAuthError::invalid_request(
                    "prompt=none cannot be combined with other prompt values",
                ),
            ));
        }
    }
    let max_age = match p.get("max_age") {
        Some(v) => Some(v.parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| {
            redirect(
                &reply,
                OAuthError::invalid_request("max_age must be a non-negative integer"),
            )
        })?),
        None => None,
    };
    let mut query = Map::new();
    for key in [
        "connection",
        "screen_hint",
        "ui_locales",
        "acr_values",
        "organization",
        "login_hint",
    ] {
        if let Some(v) = p.get(key) {
            query.insert(key.to_string(), json!(v));
        }
    }
    let req = AuthorizeRequest {
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
        prompt,
        max_age,
        login_hint: p.get("login_hint").map(str::to_string),
        query,
        transaction_id: crate::util::random_id(18),
    };
    Ok((req, reply))
}

/// Finishes a login for a signed-in user: hooks, then code and/or tokens in the response mode.
pub async fn complete(
    mock: &Mock,
    req: AuthorizeRequest,
    sid: &str,
    user_id: &str,
    auth_time: i64,
    headers: &HeaderMap,
    ip: &str,
) -> Response {
    let reply = Reply {
        redirect_uri: req.redirect_uri.clone(),
        mode: req.response_mode.clone(),
        state: req.state.clone(),
    };
    let tenant = mock.tenant();
    let Some(client) = tenant.client(&req.client_id) else {
        return reply.error("invalid_request", "Unknown client");
    };
    let wants_code = req.wants("code");
    let implicit = !wants_code;
    let protocol = match (wants_code, req.wants("token") || req.wants("id_token")) {
        (true, true) => "oidc-hybrid-profile",
        (true, false) => "oidc-basic-profile",
        _ => "oidc-implicit-profile",
    };
    let mut transaction = req.query.clone();
    transaction.insert("redirect_uri".into(), json!(req.redirect_uri));
    transaction.insert("response_mode".into(), json!(req.response_mode));
    transaction.insert("response_type".into(), json!(req.response_types));
    transaction.insert("state".into(), json!(req.state));
    transaction.insert(
        "prompt".into(),
        json!(
            req.prompt
                .as_deref()
                .map(|p| p.split(' ').collect::<Vec<_>>())
                .unwrap_or_default()
        ),
    );
    transaction.insert("locale".into(), json!("en"));
    let request = login::request_json(
        &mock.issuer,
        headers,
        ip,
        "GET",
        Value::Object(req.query.clone()),
    );
    let input = LoginInput {
        client,
        audience: req.audience.clone(),
        requested_scope: req.scope.clone(),
        protocol,
        transaction,
        request,
        sid: Some(sid.to_string()),
        nonce: req.nonce.clone(),
        auth_time,
        include_auth_time: req.max_age.is_some(),
        gty: None,
        implicit,
        transaction_id: req.transaction_id.clone(),
        connection: req
            .query
            .get("connection")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    let grant = match login::run(mock, user_id, input).await {
        Ok(g) => g,
        Err(e) => return reply.error(&e.code, &e.description),
    };
    let now = mock.clock.now();
    let mut params: Vec<(String, String)> = Vec::new();
    let mut code_value = None;
    if wants_code {
        let code = crate::util::random_id(24);
        let mut store = mock.store.lock();
        store.prune(now);
        store.codes.insert(
            code.clone(),
            IssuedCode {
                grant: grant.clone(),
                redirect_uri: req.redirect_uri_given.then(|| req.redirect_uri.clone()),
                code_challenge: req.code_challenge.clone(),
                expires_at: now + CODE_SECS,
            },
        );
        params.push(("code".into(), code.clone()));
        code_value = Some(code);
    }
    if req.wants("token") || req.wants("id_token") {
        let opts = MintOptions {
            id_token: req.wants("id_token"),
            refresh: false,
            code: code_value.as_deref(),
            at_hash: req.wants("token"),
            ..Default::default()
        };
        let mut g = grant.clone();
        if !g.scope.iter().any(|s| s == "openid") && req.wants("id_token") {
            g.scope.insert(0, "openid".into());
        }
        match mock.mint_user_tokens(&g, opts) {
            Ok(set) => {
                if req.wants("token") {
                    params.push(("access_token".into(), set.access_token));
                    params.push(("token_type".into(), "Bearer".into()));
                    params.push(("expires_in".into(), set.expires_in.to_string()));
                    params.push(("scope".into(), set.scope));
                }
                if let Some(id) = set.id_token {
                    params.push(("id_token".into(), id));
                }
            }
            Err(e) => return reply.error(&e.code, &e.description),
        }
    }
    if let Some(state) = &req.state {
        params.push(("state".into(), state.clone()));
    }
    deliver(&req.redirect_uri, &req.response_mode, params)
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Sends response parameters back to the application in the response mode.
fn deliver(redirect_uri: &str, mode: &str, params: Vec<(String, String)>) -> Response {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    match mode {
        "form_post" => {
            no_store(Html(super::pages::form_post(redirect_uri, &params)).into_response())
        }
        "web_message" => {
            let origin = origin_of(redirect_uri).unwrap_or_default();
            let response: Map<String, Value> = params
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            let mut r = no_store(
                Html(super::pages::web_message(&origin, &Value::Object(response))).into_response(),
            );
            // Framing must be allowed: spa-js runs this page in a hidden iframe.
            r.headers_mut().remove(header::X_FRAME_OPTIONS);
            r
        }
        "fragment" => {
            let base = redirect_uri.split('#').next().unwrap_or(redirect_uri);
            redirect_found(&format!("{base}#{encoded}"))
        }
        _ => {
            let (base, fragment) = match redirect_uri.split_once('#') {
                Some((b, f)) => (b, Some(f)),
                None => (redirect_uri, None),
            };
            let sep = if base.contains('?') { '&' } else { '?' };
            let mut target = format!("{base}{sep}{encoded}");
            if let Some(f) = fragment {
                target.push('#');
                target.push_str(f);
            }
            redirect_found(&target)
        }
    }
}

fn redirect_found(location: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    no_store(r)
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
