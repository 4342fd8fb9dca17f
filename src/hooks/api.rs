//! The `api` object a hook acts through, modelled on Auth0's post-login `api`.

use super::claims::restricted_reason;
use super::console::{Console, ConsoleCut};
use super::redirect::Redirect;
use serde::Serialize;
use serde_json::{Map, Value};

/// Bytes of call bodies one run's record keeps in all (each body is already cut to 16 KiB by
/// `outbound::RECORD_BODY_BYTES`): an Action may make 1,000 calls, and 1,000 kept bodies
/// would make one record the size of the whole store. Past it, calls are recorded without
/// their bodies (marked).
pub const CALL_BODIES_PER_RUN: usize = 256 * 1024;

/// Everything a hook asked for. Merged across hooks by the pipeline.
#[derive(Debug, Default, Clone)]
pub struct Effects {
    /// `api.accessToken.setCustomClaim`.
    pub access_claims: Map<String, Value>,
    /// `api.idToken.setCustomClaim`.
    pub id_claims: Map<String, Value>,
    /// `api.accessToken.addScope`.
    pub add_scopes: Vec<String>,
    /// `api.accessToken.removeScope`.
    pub remove_scopes: Vec<String>,
    /// `api.access.deny`: the reason (logs, `error_description`).
    pub deny: Option<String>,
    /// The second argument of a pre-user-registration `api.access.deny`: shown to the user.
    pub user_message: Option<String>,
    /// The code of a pre-user-registration `api.validation.error` (otherwise Auth0's own).
    pub deny_code: Option<String>,
    /// `api.user.setAppMetadata` (`null` deletes).
    pub app_metadata: Map<String, Value>,
    /// `api.user.setUserMetadata` (`null` deletes).
    pub user_metadata: Map<String, Value>,
    /// `api.redirect.sendUserTo`: the login pauses after this hook.
    pub redirect: Option<Redirect>,
    /// `api.multifactor.enable(provider)`: `none` turns the tenant's policy off for this
    /// login, anything else asks for a second factor at the end of the flow.
    pub mfa: Option<String>,
    /// `api.multifactor.enable`'s `allowRememberBrowser`: a browser that passed a factor and
    /// chose to be remembered skips the challenge for 30 days.
    pub mfa_remember_browser: bool,
}

impl Effects {
    /// Adds a later hook's effects on top of these.
    pub fn merge(&mut self, later: Effects) {
        self.access_claims.extend(later.access_claims);
        self.id_claims.extend(later.id_claims);
        for s in later.add_scopes {
            self.remove_scopes.retain(|r| r != &s);
            if !self.add_scopes.contains(&s) {
                self.add_scopes.push(s);
            }
        }
        for s in later.remove_scopes {
            self.add_scopes.retain(|a| a != &s);
            if !self.remove_scopes.contains(&s) {
                self.remove_scopes.push(s);
            }
        }
        self.app_metadata.extend(later.app_metadata);
        self.user_metadata.extend(later.user_metadata);
        if later.redirect.is_some() {
            self.redirect = later.redirect;
        }
        if later.mfa.is_some() {
            self.mfa = later.mfa;
            self.mfa_remember_browser = later.mfa_remember_browser;
        }
        if later.deny.is_some() {
            self.deny = later.deny;
            self.user_message = later.user_message;
            self.deny_code = later.deny_code;
        }
    }
}

/// An outbound HTTP call a hook made, recorded with secrets redacted so tests can assert on it.
#[derive(Debug, Clone, Serialize)]
pub struct OutboundCall {
    /// HTTP method.
    pub method: String,
    /// Target URL.
    pub url: String,
    /// Request headers, secrets replaced by `[REDACTED]`.
    pub request_headers: Map<String, Value>,
    /// Request body (parsed JSON where possible), secrets redacted.
    pub request_body: Value,
    /// Response status, if a response arrived.
    pub status: Option<u16>,
    /// Response body (parsed JSON where possible).
    pub response_body: Value,
    /// Transport error (timeout, connection refused, a reply over the read limit…).
    pub error: Option<String>,
    /// Milliseconds the call took.
    pub duration_ms: f64,
    /// Set when the record keeps only part of the request body, or none of it.
    pub request_body_truncated: Option<BodyCut>,
    /// Set when the record keeps only part of the response body, or its read stopped at the
    /// limit, so a test can tell a cut body from a short one.
    pub response_body_truncated: Option<BodyCut>,
}

/// How a body in a call record was cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BodyCut {
    /// Bytes of the body the record keeps (as text in the body field; 0 when it keeps none).
    pub kept_bytes: usize,
    /// Bytes the body had, when known: a reply whose read stopped at the limit has no known
    /// size unless its `Content-Length` gave one.
    pub total_bytes: Option<u64>,
}

impl OutboundCall {
    /// Bytes the record spends on this call's bodies.
    fn body_bytes(&self) -> usize {
        value_bytes(&self.request_body) + value_bytes(&self.response_body)
    }

    /// Forgets both bodies, marking each as cut to nothing.
    fn drop_bodies(&mut self) {
        for (body, cut) in [
            (&mut self.request_body, &mut self.request_body_truncated),
            (&mut self.response_body, &mut self.response_body_truncated),
        ] {
            if body.is_null() {
                continue;
            }
            let total = cut
                .and_then(|c| c.total_bytes)
                .unwrap_or(value_bytes(body) as u64);
            *cut = Some(BodyCut {
                kept_bytes: 0,
                total_bytes: Some(total),
            });
            *body = Value::Null;
        }
    }
}

/// The bytes a body takes in a record: its text, or its JSON.
fn value_bytes(v: &Value) -> usize {
    match v {
        Value::Null => 0,
        Value::String(s) => s.len(),
        other => other.to_string().len(),
    }
}

/// What a run leaves for its record besides its effects.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    /// The outbound calls, bodies within the run's budget.
    pub calls: Vec<OutboundCall>,
    /// The console lines kept, ending with a notice when some were cut.
    pub logs: Vec<String>,
    /// What the console budget cut, if anything.
    pub console_cut: Option<ConsoleCut>,
}

/// The `api` handed to a hook. Claims and scopes follow Auth0's rules: restricted claims are
/// dropped with a warning, never silently accepted.
pub struct Api {
    effects: Effects,
    http: reqwest::Client,
    local: Option<std::sync::Arc<dyn super::local::LocalService>>,
    calls: Vec<OutboundCall>,
    call_body_bytes: usize,
    console: Console,
    can_redirect: bool,
    resumed_state: Option<String>,
}

impl Api {
    pub(crate) fn new(http: reqwest::Client) -> Self {
        Self {
            effects: Effects::default(),
            http,
            local: None,
            calls: Vec::new(),
            call_body_bytes: 0,
            console: Console::default(),
            can_redirect: false,
            resumed_state: None,
        }
    }

    /// Lets this run redirect (`api.redirect.canRedirect()` true): an interactive browser
    /// login. Resuming a login after a redirect passes the `state` it came back with, which
    /// `validateToken` checks tokens against.
    pub(crate) fn set_redirects(&mut self, can_redirect: bool, resumed_state: Option<String>) {
        self.can_redirect = can_redirect;
        self.resumed_state = resumed_state;
    }

    /// `api.redirect.canRedirect()`.
    pub fn can_redirect(&self) -> bool {
        self.can_redirect
    }

    /// The `state` of the login this run resumes (`onContinuePostLogin` only).
    pub fn resumed_state(&self) -> Option<&str> {
        self.resumed_state.as_deref()
    }

    /// `api.multifactor.enable(provider, {allowRememberBrowser})`: the login ends with a
    /// second-factor challenge (or, with `none`, without one even where the tenant requires
    /// it); `allow_remember_browser` lets a remembered browser skip it.
    pub fn multifactor_enable(&mut self, provider: &str, allow_remember_browser: bool) {
        self.effects.mfa = Some(provider.to_string());
        self.effects.mfa_remember_browser = allow_remember_browser;
    }

    /// `api.redirect.sendUserTo(url, {query})`: the login pauses once this hook returns and
    /// the browser goes to `url`. Where a login cannot redirect, the login transaction refuses
    /// it as Auth0 does.
    pub fn redirect_send_user_to(&mut self, redirect: Redirect) {
        self.effects.redirect = Some(redirect);
    }

    /// An `api` whose calls can also reach the mock itself (see [`super::local`]).
    pub(crate) fn with_outbound(outbound: &super::local::Outbound) -> Self {
        let mut api = Self::new(outbound.client.clone());
        api.local = outbound.local.clone();
        api
    }

    /// Where this hook's HTTP goes.
    pub(crate) fn outbound(&self) -> super::local::Outbound {
        super::local::Outbound {
            client: self.http.clone(),
            local: self.local.clone(),
        }
    }

    /// The mock's own endpoints, when a server runs.
    pub(crate) fn local(&self) -> Option<&std::sync::Arc<dyn super::local::LocalService>> {
        self.local.as_ref()
    }

    /// `api.accessToken.setCustomClaim(name, value)`.
    pub fn access_token_set_custom_claim(&mut self, name: &str, value: Value) {
        if let Some(reason) = restricted_reason(name) {
            self.warn(format!(
                "accessToken.setCustomClaim('{name}') ignored: {reason}"
            ));
            return;
        }
        self.effects.access_claims.insert(name.to_string(), value);
    }

    /// `api.idToken.setCustomClaim(name, value)`.
    pub fn id_token_set_custom_claim(&mut self, name: &str, value: Value) {
        if let Some(reason) = restricted_reason(name) {
            self.warn(format!(
                "idToken.setCustomClaim('{name}') ignored: {reason}"
            ));
            return;
        }
        self.effects.id_claims.insert(name.to_string(), value);
    }

    /// `api.accessToken.addScope(scope)`.
    pub fn access_token_add_scope(&mut self, scope: &str) {
        self.effects.remove_scopes.retain(|s| s != scope);
        if !self.effects.add_scopes.iter().any(|s| s == scope) {
            self.effects.add_scopes.push(scope.to_string());
        }
    }

    /// `api.accessToken.removeScope(scope)`.
    pub fn access_token_remove_scope(&mut self, scope: &str) {
        self.effects.add_scopes.retain(|s| s != scope);
        if !self.effects.remove_scopes.iter().any(|s| s == scope) {
            self.effects.remove_scopes.push(scope.to_string());
        }
    }

    /// `api.access.deny(reason)`: the login fails with `access_denied` and this reason.
    pub fn access_deny(&mut self, reason: &str) {
        self.access_deny_with(reason, None);
    }

    /// `api.access.deny(reason, userMessage)` of pre-user-registration: the sign-up fails with
    /// `reason` in the API answer and logs, and `user_message` on the sign-up page.
    pub fn access_deny_with(&mut self, reason: &str, user_message: Option<String>) {
        self.effects.deny = Some(reason.to_string());
        self.effects.user_message = user_message;
        self.effects.deny_code = None;
    }

    /// `api.validation.error(errorCode, errorMessage)` of pre-user-registration: a denial with
    /// the Action's own code.
    pub fn validation_error(&mut self, code: &str, message: &str) {
        self.effects.deny = Some(message.to_string());
        self.effects.user_message = Some(message.to_string());
        self.effects.deny_code = Some(code.to_string());
    }

    /// `api.user.setAppMetadata(key, value)`; `null` deletes the key.
    pub fn user_set_app_metadata(&mut self, key: &str, value: Value) {
        self.effects.app_metadata.insert(key.to_string(), value);
    }

    /// `api.user.setUserMetadata(key, value)`; `null` deletes the key.
    pub fn user_set_user_metadata(&mut self, key: &str, value: Value) {
        self.effects.user_metadata.insert(key.to_string(), value);
    }

    /// Whether a hook earlier in this run denied.
    pub fn is_denied(&self) -> bool {
        self.effects.deny.is_some()
    }

    /// The shared HTTP client (connection reuse across logins).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Records an outbound call for the hook record; past [`CALL_BODIES_PER_RUN`] its bodies
    /// are left out (marked as cut).
    pub fn record_call(&mut self, mut call: OutboundCall) {
        let bytes = call.body_bytes();
        match self.call_body_bytes.checked_add(bytes) {
            Some(total) if total <= CALL_BODIES_PER_RUN => self.call_body_bytes = total,
            _ => call.drop_bodies(),
        }
        self.calls.push(call);
    }

    /// A line for the mock's log and the hook record (`console.log` in Actions). Lines past the
    /// run's console budget are counted, not kept, and not logged one by one either: a flood
    /// would fill the mock's own log.
    pub fn log(&mut self, line: impl Into<String>) {
        if let Some(kept) = self.console.push(line.into()) {
            tracing::info!(target: "auth0_mock::hooks", "{kept}");
        }
    }

    fn warn(&mut self, line: String) {
        if self.console.push(format!("warning: {line}")).is_some() {
            tracing::warn!(target: "auth0_mock::hooks", "{line}");
        }
    }

    /// Counts console lines an Action's worker cut before they reached this run.
    pub(crate) fn note_console_cut(&mut self, cut: ConsoleCut) {
        self.console.note_cut(cut);
    }

    /// What the hook did so far (for hooks that need to read back their own claims).
    pub fn effects(&self) -> &Effects {
        &self.effects
    }

    pub(crate) fn into_parts(self) -> (Effects, Trace) {
        let (logs, console_cut) = self.console.finish();
        let trace = Trace {
            calls: self.calls,
            logs,
            console_cut,
        };
        (self.effects, trace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_with_reply(body: &str) -> OutboundCall {
        OutboundCall {
            method: "GET".into(),
            url: "http://upstream.test/".into(),
            request_headers: Map::new(),
            request_body: Value::Null,
            status: Some(200),
            response_body: Value::String(body.into()),
            error: None,
            duration_ms: 0.0,
            request_body_truncated: None,
            response_body_truncated: None,
        }
    }

    fn recorded(api: Api) -> Vec<OutboundCall> {
        api.into_parts().1.calls
    }

    #[test]
    fn calls_keep_their_bodies_within_the_runs_budget() {
        let mut api = Api::new(reqwest::Client::new());
        api.record_call(call_with_reply(&"x".repeat(CALL_BODIES_PER_RUN)));
        let calls = recorded(api);
        assert_eq!(calls[0].response_body_truncated, None);
    }

    #[test]
    fn a_call_past_the_runs_body_budget_is_recorded_without_its_body() {
        let mut api = Api::new(reqwest::Client::new());
        api.record_call(call_with_reply(&"x".repeat(CALL_BODIES_PER_RUN)));
        api.record_call(call_with_reply("one more"));
        let calls = recorded(api);
        assert_eq!(calls.len(), 2, "the call itself is still recorded");
        assert_eq!(calls[1].response_body, Value::Null);
    }

    #[test]
    fn a_body_left_out_is_marked_with_its_size() {
        let mut api = Api::new(reqwest::Client::new());
        api.record_call(call_with_reply(&"x".repeat(CALL_BODIES_PER_RUN)));
        api.record_call(call_with_reply("one more"));
        let calls = recorded(api);
        assert_eq!(
            calls[1].response_body_truncated,
            Some(BodyCut {
                kept_bytes: 0,
                total_bytes: Some(8)
            })
        );
    }
}
