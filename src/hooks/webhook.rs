//! `webhook`: POSTs the post-login event as JSON to any URL and applies the JSON reply, so a
//! post-login hook can be written in any language (a few lines of Express, Flask, …) without
//! embedding Rust or JavaScript in the mock.
//!
//! Request: `POST <url>` with `content-type: application/json`, the configured `headers`, and
//! `Authorization: Bearer <secret>` when a secret is configured; the body is the event in Auth0's
//! shape (the same fields an Action's `event` has) without `secrets`.
//!
//! Reply (every key optional; an empty body or a 204 means "no changes"):
//! ```json
//! { "access_token": { "claims": { "https://example.com/plan": "pro" } },
//!   "id_token": { "claims": { "https://example.com/plan": "pro" } },
//!   "deny": "reason shown as error_description",
//!   "app_metadata": { "key": "value or null to delete" },
//!   "user_metadata": { "key": "value" },
//!   "add_scopes": ["read:users"], "remove_scopes": ["write:users"] }
//! ```
//! Everything goes through [`Api`], so Auth0's claim rules hold: restricted claims (`sub`, `gty`,
//! …) are dropped with a warning in the hook record. A reply that cannot be used (not JSON, an
//! unknown key, a wrong type) is a failure, handled per `on_failure`.

use super::api::Api;
use super::event::Event;
use super::hasura_sync::{
    DEFAULT_TIMEOUT_MS, OnFailure, non_empty, snippet, transport_reason, validate_timeout,
    validate_url,
};
use super::hook::{HookError, PostLoginHook};
use super::outbound::{self, OutboundRequest, OutboundResponse};
use crate::tenant::{HookBinding, Tenant};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Request headers the hook sets itself; a fixture may not override them.
const RESERVED_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    url: String,
    #[serde(default)]
    headers: Map<String, Value>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default = "default_timeout")]
    timeout_ms: u64,
    #[serde(default)]
    on_failure: OnFailure,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_MS
}

/// Claims for one token in a webhook reply.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenChanges {
    #[serde(default)]
    claims: Map<String, Value>,
}

/// What a webhook may answer. Unknown keys are refused so a typo (`acces_token`) fails loudly
/// instead of silently doing nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reply {
    #[serde(default)]
    access_token: Option<TokenChanges>,
    #[serde(default)]
    id_token: Option<TokenChanges>,
    #[serde(default)]
    deny: Option<String>,
    #[serde(default)]
    app_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    user_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    add_scopes: Option<Vec<String>>,
    #[serde(default)]
    remove_scopes: Option<Vec<String>>,
}

/// The native webhook hook.
#[derive(Debug)]
pub struct Webhook {
    url: String,
    headers: Vec<(String, String)>,
    secret: Option<String>,
    timeout_ms: u64,
    on_failure: OnFailure,
}

/// Builds the hook from a fixture binding, refusing settings that could never work (bad URL,
/// invalid header names, a timeout that would hang logins).
pub fn factory(binding: &HookBinding, _tenant: &Tenant) -> Result<Arc<dyn PostLoginHook>, String> {
    Webhook::from_binding(binding).map(|h| Arc::new(h) as Arc<dyn PostLoginHook>)
}

impl Webhook {
    fn from_binding(binding: &HookBinding) -> Result<Self, String> {
        let s: Settings = serde_json::from_value(binding.settings.clone())
            .map_err(|e| format!("webhook settings: {e}"))?;
        validate_url(&s.url).map_err(|e| format!("webhook settings: {e}"))?;
        validate_timeout(s.timeout_ms).map_err(|e| format!("webhook settings: {e}"))?;
        let secret = s
            .secret
            .filter(|v| !v.is_empty())
            .or_else(|| non_empty(binding.secrets.get("secret")));
        let mut headers = Vec::new();
        for (name, value) in s.headers {
            let lower = name.to_ascii_lowercase();
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(format!(
                    "webhook settings: headers: '{name}' is not a valid header name"
                ));
            }
            if RESERVED_HEADERS.contains(&lower.as_str()) {
                return Err(format!(
                    "webhook settings: headers.{name} is set by the hook itself (the body is always JSON)"
                ));
            }
            if lower == "authorization" && secret.is_some() {
                return Err(
                    "webhook settings: give either `secret` (sent as Authorization: Bearer) or headers.Authorization, not both"
                        .into(),
                );
            }
            let Value::String(value) = value else {
                return Err(format!(
                    "webhook settings: headers.{name} must be a string (quote it in YAML)"
                ));
            };
            if reqwest::header::HeaderValue::from_str(&value).is_err() {
                return Err(format!(
                    "webhook settings: headers.{name} is not a valid header value"
                ));
            }
            headers.push((lower, value));
        }
        Ok(Self {
            url: s.url,
            headers,
            secret,
            timeout_ms: s.timeout_ms,
            on_failure: s.on_failure,
        })
    }

    /// Parses a reply, or says why it cannot be used.
    fn parse_reply(&self, res: &OutboundResponse) -> Result<Reply, String> {
        let at = format!("{} answered HTTP {}", self.url, res.status);
        if !(200..300).contains(&res.status) {
            return Err(format!("{at}: {}", snippet(&res.body, 200)));
        }
        if res.body.trim().is_empty() {
            return Ok(Reply::default());
        }
        let value: Value = serde_json::from_str(&res.body).map_err(|_| {
            format!(
                "{at} with a body that is not JSON: {}",
                snippet(&res.body, 200)
            )
        })?;
        let reply: Reply = serde_json::from_value(value).map_err(|e| {
            format!(
                "{at} with a reply auth0-mock cannot use ({e}): {}",
                snippet(&res.body, 200)
            )
        })?;
        for s in reply
            .add_scopes
            .iter()
            .chain(reply.remove_scopes.iter())
            .flatten()
        {
            if s.is_empty() || s.contains(char::is_whitespace) {
                return Err(format!(
                    "{at} with '{s}' in a scope list: not a single scope"
                ));
            }
        }
        Ok(reply)
    }

    /// Applies a reply through `api`, returning a summary for the hook record.
    fn apply(&self, reply: Reply, api: &mut Api) -> String {
        let mut summary = Vec::new();
        for (token, changes) in [("access", reply.access_token), ("id", reply.id_token)] {
            let Some(changes) = changes else { continue };
            if changes.claims.is_empty() {
                continue;
            }
            summary.push(format!("{} {token}-token claim(s)", changes.claims.len()));
            for (name, value) in changes.claims {
                if token == "access" {
                    api.access_token_set_custom_claim(&name, value);
                } else {
                    api.id_token_set_custom_claim(&name, value);
                }
            }
        }
        for s in reply.add_scopes.unwrap_or_default() {
            summary.push(format!("add scope {s}"));
            api.access_token_add_scope(&s);
        }
        for s in reply.remove_scopes.unwrap_or_default() {
            summary.push(format!("remove scope {s}"));
            api.access_token_remove_scope(&s);
        }
        if let Some(m) = reply.app_metadata.filter(|m| !m.is_empty()) {
            summary.push(format!("{} app_metadata key(s)", m.len()));
            for (k, v) in m {
                api.user_set_app_metadata(&k, v);
            }
        }
        if let Some(m) = reply.user_metadata.filter(|m| !m.is_empty()) {
            summary.push(format!("{} user_metadata key(s)", m.len()));
            for (k, v) in m {
                api.user_set_user_metadata(&k, v);
            }
        }
        if let Some(reason) = reply.deny {
            let reason = if reason.trim().is_empty() {
                format!("access denied by the webhook at {}", self.url)
            } else {
                reason
            };
            summary.push(format!("deny: {reason}"));
            api.access_deny(&reason);
        }
        if summary.is_empty() {
            "no changes".to_string()
        } else {
            summary.join(", ")
        }
    }
}

#[async_trait::async_trait]
impl PostLoginHook for Webhook {
    fn kind(&self) -> &str {
        "webhook"
    }

    async fn on_execute_post_login(&self, event: &Event, api: &mut Api) -> Result<(), HookError> {
        let mut secrets = outbound::secret_values(&event.secrets);
        if let Some(s) = &self.secret {
            secrets.push(s.clone());
        }
        let outcome = match serde_json::to_value(event) {
            Err(e) => Err(format!("could not serialise the event: {e}")),
            Ok(mut payload) => {
                if let Some(m) = payload.as_object_mut() {
                    m.remove("secrets");
                }
                let mut headers = vec![
                    ("content-type".to_string(), "application/json".to_string()),
                    ("accept".to_string(), "application/json".to_string()),
                ];
                headers.extend(self.headers.iter().cloned());
                if let Some(s) = &self.secret {
                    headers.push(("authorization".to_string(), format!("Bearer {s}")));
                }
                let request = OutboundRequest {
                    method: "POST".into(),
                    url: self.url.clone(),
                    headers,
                    body: Some(payload.to_string()),
                    timeout: Duration::from_millis(self.timeout_ms),
                };
                match outbound::send(api, request, &secrets).await {
                    Err(e) => Err(format!(
                        "{}: {}",
                        self.url,
                        transport_reason(&e, self.timeout_ms)
                    )),
                    Ok(res) => self.parse_reply(&res).map(|reply| (res.status, reply)),
                }
            }
        };
        match outcome {
            Ok((status, reply)) => {
                let summary = self.apply(reply, api);
                api.log(format!(
                    "webhook: {} answered HTTP {status}: {summary}",
                    self.url
                ));
                Ok(())
            }
            Err(reason) => self
                .on_failure
                .handle(format!("webhook: {reason}"), &secrets, api),
        }
    }
}

#[cfg(test)]
mod tests;
