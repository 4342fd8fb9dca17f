//! The `api` object a hook acts through, modelled on Auth0's post-login `api`.

use super::claims::restricted_reason;
use serde::Serialize;
use serde_json::{Map, Value};

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
    /// `api.access.deny`.
    pub deny: Option<String>,
    /// `api.user.setAppMetadata` (`null` deletes).
    pub app_metadata: Map<String, Value>,
    /// `api.user.setUserMetadata` (`null` deletes).
    pub user_metadata: Map<String, Value>,
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
        if later.deny.is_some() {
            self.deny = later.deny;
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
    /// Transport error (timeout, connection refused…).
    pub error: Option<String>,
    /// Milliseconds the call took.
    pub duration_ms: f64,
}

/// The `api` handed to a hook. Claims and scopes follow Auth0's rules: restricted claims are
/// dropped with a warning, never silently accepted.
pub struct Api {
    effects: Effects,
    http: reqwest::Client,
    calls: Vec<OutboundCall>,
    logs: Vec<String>,
}

impl Api {
    pub(crate) fn new(http: reqwest::Client) -> Self {
        Self {
            effects: Effects::default(),
            http,
            calls: Vec::new(),
            logs: Vec::new(),
        }
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
        self.effects.deny = Some(reason.to_string());
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

    /// Records an outbound call for the hook record.
    pub fn record_call(&mut self, call: OutboundCall) {
        self.calls.push(call);
    }

    /// A line for the mock's log and the hook record (`console.log` in Actions).
    pub fn log(&mut self, line: impl Into<String>) {
        let line = line.into();
        tracing::info!(target: "auth0_mock::hooks", "{line}");
        self.logs.push(line);
    }

    fn warn(&mut self, line: String) {
        tracing::warn!(target: "auth0_mock::hooks", "{line}");
        self.logs.push(format!("warning: {line}"));
    }

    /// What the hook did so far (for hooks that need to read back their own claims).
    pub fn effects(&self) -> &Effects {
        &self.effects
    }

    pub(crate) fn into_parts(self) -> (Effects, Vec<OutboundCall>, Vec<String>) {
        (self.effects, self.calls, self.logs)
    }
}
