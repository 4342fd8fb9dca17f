//! Finishing a browser login for a signed-in user: the login transaction, then a code and/or
//! tokens delivered in the response mode.

use crate::error::OAuthError;
use crate::http::reply::{AuthorizeError, Reply, found, urlencode};
use crate::login::event::request_json;
use crate::login::request::AuthorizeRequest;
use crate::login::{self, Login, LoginInput, Redirects};
use crate::mint::{self, MintOptions};
use crate::mock::Mock;
use crate::protocol::{LoginFlow, Prompt};
use crate::store::{IssuedCode, SuspendedLogin, Waiting};
use axum::response::Response;
use serde_json::{Map, Value, json};

/// Authorization codes are single-use and short-lived.
const CODE_SECS: i64 = 300;
/// How long a login waits at a redirect Action's page, as a login waits at the login page.
const SUSPENDED_SECS: i64 = 3600;

/// Where the answer to a parked or validated request goes.
pub(crate) fn reply_for(req: &AuthorizeRequest) -> Reply {
    Reply {
        redirect_uri: req.redirect_uri.clone(),
        mode: req.response_mode,
        state: req.state.clone(),
    }
}

/// `event.transaction` of a browser login, besides the id, protocol and requested scopes the
/// login transaction adds.
pub(crate) fn transaction_fields(req: &AuthorizeRequest) -> Map<String, Value> {
    let mut transaction = req.query.clone();
    transaction.insert("redirect_uri".into(), json!(req.redirect_uri));
    transaction.insert("response_mode".into(), json!(req.response_mode));
    transaction.insert("response_type".into(), json!(req.response_types.names()));
    transaction.insert("state".into(), json!(req.state));
    transaction.insert("prompt".into(), json!(req.prompts));
    transaction.insert("locale".into(), json!("en"));
    transaction
}

/// The whole `event.transaction` of a browser login before the login transaction runs (the
/// registration triggers see it): [`transaction_fields`] plus id, protocol and scopes.
pub(crate) fn page_transaction(req: &AuthorizeRequest) -> Map<String, Value> {
    let mut transaction = transaction_fields(req);
    transaction.insert("id".into(), json!(req.transaction_id));
    transaction.insert(
        "protocol".into(),
        json!(LoginFlow::browser(req.response_types).protocol()),
    );
    transaction.insert("requested_scopes".into(), json!(req.scope));
    transaction
}

/// The browser's side of the login: its session and where it connects from.
pub(crate) struct Browser<'a> {
    pub sid: &'a str,
    pub user_id: &'a str,
    pub auth_time: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// The browser's `auth0-mf` cookie remembers a second factor of this user.
    pub mfa_remembered: bool,
}

/// Runs the login for the session's user and answers the application.
pub(crate) async fn complete(
    mock: &Mock,
    req: AuthorizeRequest,
    browser: Browser<'_>,
) -> Result<Response, AuthorizeError> {
    let reply = reply_for(&req);
    let fail = |e: OAuthError| AuthorizeError::new(&reply, e);
    let tenant = mock.tenant();
    let client = tenant
        .client(&req.client_id)
        .ok_or_else(|| fail(OAuthError::invalid_request("Unknown client")))?;
    // A client that requires an organization gets one before any login completes: the picker
    // (post_login_prompt) asks now, and no way around the selection screen skips it.
    let req = match super::org_prompt::missing_organization(mock, client, req, browser.user_id) {
        super::org_prompt::OrgCheck::Prompted(answer) => return answer.map_err(fail),
        super::org_prompt::OrgCheck::Complete(req) => *req,
    };
    let types = req.response_types;
    let flow = LoginFlow::browser(types);
    let transaction = transaction_fields(&req);
    let request = request_json(
        mock.issuer(),
        browser.user_agent,
        browser.ip,
        "GET",
        Value::Object(req.query.clone()),
    );
    let input = LoginInput {
        client,
        audience: req.audience.clone(),
        requested_scope: req.scope.clone(),
        flow,
        transaction,
        request,
        sid: Some(browser.sid.to_string()),
        nonce: req.nonce.clone(),
        auth_time: browser.auth_time,
        include_auth_time: req.max_age.is_some(),
        transaction_id: req.transaction_id.clone(),
        connection: req.connection().map(str::to_string),
        organization: req.organization.clone(),
        invitation: req.invitation.clone(),
        mfa_remembered: browser.mfa_remembered,
    };
    let redirects = if req.prompts(Prompt::None) {
        Redirects::Silent
    } else {
        Redirects::Allowed
    };
    let login = login::start(mock, browser.user_id, input, redirects)
        .await
        .map_err(|e| fail(e.into_oauth(flow)))?;
    answer(mock, req, login)
}

/// Answers a login that ran: the code and tokens to the application, or, when a redirect
/// Action paused it, the browser to the Action's page while the login waits.
pub(crate) fn answer(
    mock: &Mock,
    req: AuthorizeRequest,
    login: Login,
) -> Result<Response, AuthorizeError> {
    match login {
        Login::Granted(grant) => deliver(mock, &req, *grant),
        Login::Suspended(s) => {
            let s = *s;
            let suspended = SuspendedLogin {
                request: req,
                waiting: Waiting::Redirect(Box::new(s.paused)),
            };
            let now = mock.clock().now();
            mock.store()
                .suspend_login(s.state, suspended, now, SUSPENDED_SECS);
            Ok(found(&s.location))
        }
        Login::MfaRequired(grant) => {
            let wait = crate::lifecycle::browser_wait(mock, *grant);
            let state = crate::util::random_id(24);
            let screen = match (&wait.new_secret, &wait.oob) {
                (Some(_), _) => "mfa-otp-enrollment",
                (None, Some(c)) if c.channel == crate::protocol::OobChannel::Sms => {
                    "mfa-sms-challenge"
                }
                (None, Some(_)) => "mfa-email-challenge",
                (None, None) => "mfa-otp-challenge",
            };
            let suspended = SuspendedLogin {
                request: req,
                waiting: Waiting::Mfa(Box::new(wait)),
            };
            let now = mock.clock().now();
            mock.store()
                .suspend_login(state.clone(), suspended, now, crate::mfa::MFA_TOKEN_SECS);
            Ok(found(&format!("/u/{screen}?state={}", urlencode(&state))))
        }
    }
}

/// Mints what the response type asks for and sends it to the application's callback.
pub(crate) fn deliver(
    mock: &Mock,
    req: &AuthorizeRequest,
    mut grant: crate::login::grant::Grant,
) -> Result<Response, AuthorizeError> {
    let reply = reply_for(req);
    let fail = |e: OAuthError| AuthorizeError::new(&reply, e);
    crate::login::after_mfa::second_factor_passed(mock, &mut grant)
        .map_err(|r| fail(OAuthError::access_denied(r.0)))?;
    let types = req.response_types;
    let mut params: Vec<(String, String)> = Vec::new();
    let mut code = None;
    if types.code {
        let issued = IssuedCode {
            grant: grant.clone(),
            redirect_uri: req.redirect_uri_given.then(|| req.redirect_uri.clone()),
            code_challenge: req.code_challenge.clone(),
        };
        let value = mock
            .store()
            .issue_code(issued, mock.clock().now(), CODE_SECS);
        params.push(("code".into(), value.clone()));
        code = Some(value);
    }
    if types.has_front_channel_tokens() {
        if types.id_token && !crate::scope::has(&grant.scope, "openid") {
            grant.scope.insert(0, "openid".into());
        }
        let opts = MintOptions {
            id_token: types.id_token,
            refresh: false,
            code: code.as_deref(),
            at_hash: types.token,
            ..Default::default()
        };
        let set = mint::user_tokens(mock, &grant, opts).map_err(fail)?;
        if types.token {
            params.push(("access_token".into(), set.access_token));
            params.push(("token_type".into(), "Bearer".into()));
            params.push(("expires_in".into(), set.expires_in.to_string()));
            params.push(("scope".into(), set.scope));
        }
        if let Some(id) = set.id_token {
            params.push(("id_token".into(), id));
        }
    }
    Ok(reply.deliver(params))
}

/// Signs `user_id` in (a new session, its cookie on the answer) and completes `req` for them:
/// the logins that authenticate outside the login page (a magic link, a cross-origin ticket).
pub(crate) async fn sign_in_and_complete(
    mock: &Mock,
    req: crate::login::request::AuthorizeRequest,
    user_id: &str,
    headers: &axum::http::HeaderMap,
    ip: &crate::http::extract::PeerIp,
) -> Result<Response, crate::http::reply::AuthorizeError> {
    let (sid, cookie) = crate::http::session::begin(mock, user_id);
    let browser = Browser {
        sid: &sid,
        user_id,
        auth_time: mock.clock().now(),
        ip: &ip.text(),
        user_agent: crate::http::extract::user_agent(headers),
        mfa_remembered: crate::http::session::mfa_remembered(mock, headers, user_id),
    };
    let mut response = complete(mock, req, browser).await?;
    response
        .headers_mut()
        .append(axum::http::header::SET_COOKIE, cookie);
    Ok(response)
}
