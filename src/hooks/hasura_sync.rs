//! `hasura-sync`: upserts the user into Hasura with a GraphQL mutation on every login, the way the
//! Auth0 + Hasura guide's second Action does, so an app's `users` table fills itself in e2e tests
//! exactly as it would behind real Auth0.
//!
//! Hasura answers HTTP 200 even when a mutation fails, with `{"errors": [...]}`; that counts as a
//! failure here too. A failure denies the login (as a throwing Action does in Auth0) unless the
//! binding says `on_failure: continue`.
//!
//! The settings helpers shared with the `webhook` hook ([`OnFailure`], URL and timeout checks)
//! live here too, so both outbound hooks validate their fixtures the same way.

use super::api::Api;
use super::event::Event;
use super::hook::{HookError, PostLoginHook};
use super::outbound::{self, OutboundError, OutboundRequest, OutboundResponse};
use crate::tenant::{HookBinding, Tenant};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The mutation from Auth0's Hasura integration guide: insert the user, or update the name when
/// the row exists.
pub const DEFAULT_QUERY: &str = "mutation($userId: String!, $userName: String) { insert_users_one(object: { userId: $userId, userName: $userName }, on_conflict: { constraint: users_pkey, update_columns: [userName] }) { userId } }";

/// The guide's variables: GraphQL variable name → event path.
pub const DEFAULT_VARIABLES: &[(&str, &str)] =
    &[("userId", "user.user_id"), ("userName", "user.name")];

/// Default `timeout_ms` of the outbound hooks: long enough for a local Hasura, short enough that
/// a stopped one fails a test quickly.
pub const DEFAULT_TIMEOUT_MS: u64 = 5000;

/// Largest `timeout_ms` accepted: a login that waits longer than this would look hung to a test.
pub const MAX_TIMEOUT_MS: u64 = 20_000;

/// The roots of an event path (`user.app_metadata.x`), as [`Event::lookup`] understands them.
const EVENT_ROOTS: &[&str] = &[
    "user",
    "authorization",
    "client",
    "connection",
    "request",
    "transaction",
    "resource_server",
    "stats",
    "tenant",
    "session",
    "secrets",
];

/// What an outbound hook does when its call fails.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// Deny the login with the failure as `error_description` (Auth0's behaviour for an Action
    /// that throws).
    #[default]
    Deny,
    /// Log the failure in the hook record and let the login through.
    Continue,
}

impl OnFailure {
    /// Turns a failed call (reason already prefixed with the hook kind) into the hook's result:
    /// deny the login, or log the reason and let the login through.
    pub(crate) fn handle(
        self,
        reason: String,
        secrets: &[String],
        api: &mut Api,
    ) -> Result<(), HookError> {
        let reason = outbound::redact(&reason, secrets);
        match self {
            OnFailure::Deny => Err(HookError::new(reason)),
            OnFailure::Continue => {
                api.log(format!("{reason} (on_failure: continue, login goes on)"));
                Ok(())
            }
        }
    }
}

/// Checks that a fixture URL is an absolute http(s) URL, so a typo fails when fixtures load
/// instead of at the first login.
pub(crate) fn validate_url(url: &str) -> Result<(), String> {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(u) => Err(format!(
            "url '{url}' must be an absolute http(s) URL (scheme is '{}')",
            u.scheme()
        )),
        Err(e) => Err(format!("url '{url}' is not an absolute http(s) URL: {e}")),
    }
}

/// Checks `timeout_ms` is within 1..=[`MAX_TIMEOUT_MS`], so no login can hang longer than that.
pub(crate) fn validate_timeout(timeout_ms: u64) -> Result<(), String> {
    if (1..=MAX_TIMEOUT_MS).contains(&timeout_ms) {
        Ok(())
    } else {
        Err(format!(
            "timeout_ms must be between 1 and {MAX_TIMEOUT_MS} (got {timeout_ms})"
        ))
    }
}

/// Turns an `outbound::send` error into the phrase used in denial reasons.
pub(crate) fn transport_reason(error: &OutboundError, timeout_ms: u64) -> String {
    match error {
        OutboundError::TimedOut => format!("timed out after {timeout_ms} ms"),
        OutboundError::Connect(_) | OutboundError::TooLarge { .. } => error.to_string(),
        OutboundError::InvalidMethod(_) | OutboundError::Other(_) => {
            format!("request failed: {error}")
        }
    }
}

/// The first `max` characters of a response body, on one line, for an error message.
pub(crate) fn snippet(body: &str, max: usize) -> String {
    let flat: String = body
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    } else if flat.is_empty() {
        "(empty body)".to_string()
    } else {
        flat
    }
}

/// A string secret, treating an empty string (an `${ENV:-}` that resolved to nothing) as absent.
pub(crate) fn non_empty(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    url: String,
    #[serde(default)]
    admin_secret: Option<String>,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    variables: Option<Map<String, Value>>,
    #[serde(default = "default_timeout")]
    timeout_ms: u64,
    #[serde(default)]
    on_failure: OnFailure,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_MS
}

/// The native Hasura user-sync hook.
#[derive(Debug)]
pub struct HasuraSync {
    url: String,
    admin_secret: Option<String>,
    query: String,
    variables: Vec<(String, String)>,
    timeout_ms: u64,
    on_failure: OnFailure,
}

/// Builds the hook from a fixture binding, refusing settings that could never work (bad URL,
/// a variable the document does not declare, a timeout that would hang logins).
pub fn factory(binding: &HookBinding, _tenant: &Tenant) -> Result<Arc<dyn PostLoginHook>, String> {
    HasuraSync::from_binding(binding).map(|h| Arc::new(h) as Arc<dyn PostLoginHook>)
}

fn is_graphql_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Whether `query` mentions `$name` as a whole variable reference.
fn references_variable(query: &str, name: &str) -> bool {
    let needle = format!("${name}");
    query.match_indices(&needle).any(|(i, _)| {
        !query[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphanumeric())
    })
}

impl HasuraSync {
    fn from_binding(binding: &HookBinding) -> Result<Self, String> {
        let s: Settings = serde_json::from_value(binding.settings.clone())
            .map_err(|e| format!("hasura-sync settings: {e}"))?;
        validate_url(&s.url).map_err(|e| format!("hasura-sync settings: {e}"))?;
        validate_timeout(s.timeout_ms).map_err(|e| format!("hasura-sync settings: {e}"))?;
        let query = s.query.unwrap_or_else(|| DEFAULT_QUERY.to_string());
        if query.trim().is_empty() {
            return Err("hasura-sync settings: query must not be empty".into());
        }
        let explicit = s.variables.is_some();
        let variables: Vec<(String, String)> = match s.variables {
            None => DEFAULT_VARIABLES
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            Some(map) => map
                .into_iter()
                .map(|(name, path)| match path {
                    Value::String(p) => Ok((name, p)),
                    other => Err(format!(
                        "hasura-sync settings: variables.{name} must be an event path such as user.user_id (got {other})"
                    )),
                })
                .collect::<Result<_, _>>()?,
        };
        for (name, path) in &variables {
            if !is_graphql_name(name) {
                return Err(format!(
                    "hasura-sync settings: variables: '{name}' is not a GraphQL variable name"
                ));
            }
            let root = path.split('.').next().unwrap_or("");
            if !EVENT_ROOTS.contains(&root) {
                return Err(format!(
                    "hasura-sync settings: variables.{name}: '{path}' is not an event path (it must start with one of {})",
                    EVENT_ROOTS.join(", ")
                ));
            }
            if !references_variable(&query, name) {
                return Err(if explicit {
                    format!(
                        "hasura-sync settings: variables.{name} is not used by the query (no ${name} in it)"
                    )
                } else {
                    format!(
                        "hasura-sync settings: the query does not use the default variable ${name}; give `variables` to match your query (`variables: {{}}` for none)"
                    )
                });
            }
        }
        let admin_secret = s
            .admin_secret
            .filter(|v| !v.is_empty())
            .or_else(|| non_empty(binding.secrets.get("admin_secret")));
        Ok(Self {
            url: s.url,
            admin_secret,
            query,
            variables,
            timeout_ms: s.timeout_ms,
            on_failure: s.on_failure,
        })
    }

    /// The GraphQL variables for one login; a path with no value becomes `null`.
    fn variables_for(&self, event: &Event) -> Map<String, Value> {
        self.variables
            .iter()
            .map(|(name, path)| (name.clone(), event.lookup(path).unwrap_or(Value::Null)))
            .collect()
    }

    /// Why a Hasura answer is a failure, or `None` when the mutation went through.
    fn check_response(&self, res: &OutboundResponse) -> Option<String> {
        let at = format!("Hasura at {}", self.url);
        let parsed: Option<Value> = serde_json::from_str(&res.body).ok();
        let first_error = parsed
            .as_ref()
            .and_then(|v| v.get("errors"))
            .and_then(Value::as_array)
            .map(|errors| describe_graphql_errors(errors));
        if !(200..300).contains(&res.status) {
            return Some(match first_error {
                Some(e) => format!("{at} answered HTTP {} with errors: {e}", res.status),
                None => format!(
                    "{at} answered HTTP {}: {}",
                    res.status,
                    snippet(&res.body, 200)
                ),
            });
        }
        match parsed {
            None => Some(format!(
                "{at} answered HTTP {} with a body that is not JSON: {}",
                res.status,
                snippet(&res.body, 200)
            )),
            Some(v) => {
                if let Some(e) = first_error {
                    Some(format!("{at} answered errors: {e}"))
                } else if v.get("errors").is_some_and(|e| !e.is_null()) {
                    Some(format!(
                        "{at} answered a malformed errors field: {}",
                        snippet(&v["errors"].to_string(), 200)
                    ))
                } else if v.get("data").is_none_or(Value::is_null) {
                    Some(format!(
                        "{at} answered JSON without data: {}",
                        snippet(&res.body, 200)
                    ))
                } else {
                    None
                }
            }
        }
    }
}

/// `<first message> (<code>)`, plus how many more errors there were.
fn describe_graphql_errors(errors: &[Value]) -> String {
    let Some(first) = errors.first() else {
        return "an empty errors list".to_string();
    };
    let message = first
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| snippet(&first.to_string(), 200));
    let code = first
        .get("extensions")
        .and_then(|e| e.get("code"))
        .and_then(Value::as_str);
    let mut out = match code {
        Some(c) => format!("{message} ({c})"),
        None => message,
    };
    if errors.len() > 1 {
        out.push_str(&format!(" and {} more", errors.len() - 1));
    }
    out
}

#[async_trait::async_trait]
impl PostLoginHook for HasuraSync {
    fn kind(&self) -> &str {
        "hasura-sync"
    }

    async fn on_execute_post_login(&self, event: &Event, api: &mut Api) -> Result<(), HookError> {
        let variables = self.variables_for(event);
        let body = json!({ "query": self.query, "variables": variables }).to_string();
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        let mut secrets = outbound::secret_values(&event.secrets);
        if let Some(secret) = &self.admin_secret {
            headers.push(("x-hasura-admin-secret".to_string(), secret.clone()));
            secrets.push(secret.clone());
        }
        let request = OutboundRequest {
            method: "POST".into(),
            url: self.url.clone(),
            headers,
            body: Some(body),
            timeout: Duration::from_millis(self.timeout_ms),
        };
        let failure = match outbound::send(api, request, &secrets).await {
            Err(e) => Some(format!(
                "Hasura at {}: {}",
                self.url,
                transport_reason(&e, self.timeout_ms)
            )),
            Ok(res) => self.check_response(&res),
        };
        match failure {
            None => {
                api.log(format!(
                    "hasura-sync: synced user {} to {}",
                    event.user_id(),
                    self.url
                ));
                Ok(())
            }
            Some(reason) => self
                .on_failure
                .handle(format!("hasura-sync: {reason}"), &secrets, api),
        }
    }
}

#[cfg(test)]
mod tests;
