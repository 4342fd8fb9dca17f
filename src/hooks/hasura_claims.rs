//! `hasura-claims`: writes Hasura's session claims into the tokens, the way the Auth0 + Hasura
//! guide's Action does, but checked against what Hasura actually accepts (string-only session
//! variables, a default role among the allowed roles).

use super::api::Api;
use super::event::Event;
use super::hook::{HookError, PostLoginHook};
use crate::protocol::Trigger;
use crate::tenant::{HookBinding, Tenant};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Hasura's default claims namespace.
pub const DEFAULT_NAMESPACE: &str = crate::protocol::HASURA_CLAIMS_NAMESPACE;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default = "default_namespace")]
    namespace: String,
    #[serde(default)]
    claims_format: ClaimsFormat,
    #[serde(default)]
    default_role: Option<String>,
    #[serde(default)]
    default_allowed_roles: Vec<String>,
    #[serde(default)]
    allowed_roles: Option<Vec<String>>,
    /// An event path holding the default role (`client.metadata.hasura_role` for backends).
    #[serde(default)]
    default_role_from: Option<String>,
    /// An event path holding the allowed roles (a list, or one comma-separated string).
    #[serde(default)]
    allowed_roles_from: Option<String>,
    /// Where the user id comes from: `user.user_id` on post-login; on credentials-exchange the
    /// token's subject, `<client_id>@clients`, unless a path is given.
    #[serde(default)]
    user_id_from: Option<String>,
    #[serde(default)]
    session_variables: BTreeMap<String, String>,
    #[serde(default = "default_tokens")]
    tokens: Vec<String>,
}

fn default_namespace() -> String {
    DEFAULT_NAMESPACE.to_string()
}
fn default_tokens() -> Vec<String> {
    vec!["access_token".to_string()]
}

/// `claims_format` of Hasura's JWT config.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ClaimsFormat {
    /// A JSON object (Hasura's default).
    #[default]
    Json,
    /// The object serialised as a JSON string.
    StringifiedJson,
}

/// The native Hasura claims hook.
#[derive(Debug)]
pub struct HasuraClaims {
    settings: Settings,
    trigger: Trigger,
}

impl HasuraClaims {
    /// Builds the hook from a fixture binding, refusing configurations Hasura would reject.
    pub fn factory(
        binding: &HookBinding,
        _tenant: &Tenant,
    ) -> Result<Arc<dyn PostLoginHook>, String> {
        if !matches!(
            binding.trigger,
            Trigger::PostLogin | Trigger::CredentialsExchange
        ) {
            return Err(format!(
                "hasura-claims puts claims into tokens, so it runs on post-login and credentials-exchange only, not on {}",
                binding.trigger
            ));
        }
        let settings: Settings = serde_json::from_value(binding.settings.clone())
            .map_err(|e| format!("hasura-claims settings: {e}"))?;
        if let Some(default) = &settings.default_role {
            if let Some(allowed) = &settings.allowed_roles
                && !allowed.contains(default)
            {
                return Err(format!(
                    "default_role '{default}' is not among allowed_roles {allowed:?}: Hasura would refuse every request"
                ));
            }
            if !settings.default_allowed_roles.is_empty()
                && !settings.default_allowed_roles.contains(default)
            {
                return Err(format!(
                    "default_role '{default}' is not among default_allowed_roles {:?}: Hasura would refuse users without roles",
                    settings.default_allowed_roles
                ));
            }
        }
        if settings.default_role.is_none()
            && settings.default_allowed_roles.is_empty()
            && settings.allowed_roles.is_none()
            && settings.allowed_roles_from.is_none()
            && settings.default_role_from.is_none()
        {
            return Err(
                "give default_role (and default_allowed_roles for users without roles)".into(),
            );
        }
        for key in settings.session_variables.keys() {
            if !key.to_ascii_lowercase().starts_with("x-hasura-") {
                return Err(format!(
                    "session variable '{key}' must start with x-hasura- (Hasura ignores other keys)"
                ));
            }
        }
        for t in &settings.tokens {
            if t != "access_token" && t != "id_token" {
                return Err(format!("tokens: '{t}' must be access_token or id_token"));
            }
        }
        Ok(Arc::new(Self {
            settings,
            trigger: binding.trigger,
        }))
    }

    /// The claims object for an event, before formatting.
    fn claims(&self, event: &Event) -> Result<Map<String, Value>, HookError> {
        let s = &self.settings;
        let roles = match &s.allowed_roles_from {
            Some(path) => event.lookup(path).map(role_list).unwrap_or_default(),
            None => event.roles(),
        };
        let allowed: Vec<String> = match &s.allowed_roles {
            Some(fixed) => fixed.clone(),
            None if roles.is_empty() => s.default_allowed_roles.clone(),
            None => roles,
        };
        let wanted = s
            .default_role_from
            .as_deref()
            .and_then(|p| event.lookup(p))
            .and_then(|v| v.as_str().map(str::to_string))
            .or_else(|| s.default_role.clone());
        let allowed = match &wanted {
            // A default role named by the event is allowed too, as a backend's one role is.
            Some(d) if s.default_role_from.is_some() && !allowed.contains(d) => {
                let mut a = allowed;
                a.insert(0, d.clone());
                a
            }
            _ => allowed,
        };
        let default = match &wanted {
            Some(d) if allowed.contains(d) => d.clone(),
            _ => allowed.first().cloned().ok_or_else(|| {
                HookError::new(
                    "hasura-claims: no roles for this token and no default_allowed_roles are configured",
                )
            })?,
        };
        let user_id = match (&s.user_id_from, self.trigger) {
            (Some(path), _) => event.lookup(path).map(|v| session_string(&v)),
            (None, Trigger::CredentialsExchange) => Some(format!("{}@clients", event.client_id())),
            (None, _) => event.lookup("user.user_id").map(|v| session_string(&v)),
        }
        .ok_or_else(|| {
            HookError::new(format!(
                "hasura-claims: {} is empty for this user",
                s.user_id_from.as_deref().unwrap_or("user.user_id")
            ))
        })?;
        let mut claims = Map::new();
        claims.insert("x-hasura-default-role".into(), json!(default));
        claims.insert("x-hasura-allowed-roles".into(), json!(allowed));
        claims.insert("x-hasura-user-id".into(), json!(user_id));
        for (var, path) in &s.session_variables {
            if let Some(v) = event.lookup(path) {
                claims.insert(var.to_ascii_lowercase(), json!(session_string(&v)));
            }
        }
        Ok(claims)
    }
}

/// Roles from an event value: a list, or one comma-separated string.
fn role_list(v: Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// Hasura accepts only strings as session variables: arrays become Postgres array literals.
pub fn session_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| {
                    let s = session_string(i);
                    if s.is_empty()
                        || s.contains([',', '{', '}', '"', '\\', ' '])
                        || s.eq_ignore_ascii_case("null")
                    {
                        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
                    } else {
                        s
                    }
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[async_trait::async_trait]
impl PostLoginHook for HasuraClaims {
    fn kind(&self) -> &str {
        "hasura-claims"
    }

    fn pure(&self) -> bool {
        true
    }

    async fn on_execute_post_login(&self, event: &Event, api: &mut Api) -> Result<(), HookError> {
        let claims = self.claims(event)?;
        let value = match self.settings.claims_format {
            ClaimsFormat::Json => Value::Object(claims),
            ClaimsFormat::StringifiedJson => Value::String(Value::Object(claims).to_string()),
        };
        for t in &self.settings.tokens {
            if t == "id_token" {
                api.id_token_set_custom_claim(&self.settings.namespace, value.clone());
            } else {
                api.access_token_set_custom_claim(&self.settings.namespace, value.clone());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(settings: Value) -> HookBinding {
        HookBinding::native("hasura-claims", "t", settings)
    }

    fn tenant() -> Tenant {
        crate::tenant::load_embedded().unwrap()
    }

    #[test]
    fn arrays_become_postgres_literals() {
        assert_eq!(session_string(&json!(["a", "b"])), "{a,b}");
        assert_eq!(session_string(&json!(["a b", "c"])), "{\"a b\",c}");
        assert_eq!(session_string(&json!(42)), "42");
        assert_eq!(session_string(&json!(true)), "true");
    }

    #[test]
    fn refuses_default_outside_allowed() {
        let err = HasuraClaims::factory(
            &binding(json!({"default_role": "admin", "allowed_roles": ["user"]})),
            &tenant(),
        )
        .err()
        .expect("refused");
        assert!(err.contains("not among allowed_roles"), "{err}");
        let err = HasuraClaims::factory(
            &binding(json!({"default_role": "admin", "default_allowed_roles": ["user"]})),
            &tenant(),
        )
        .err()
        .expect("refused");
        assert!(err.contains("default_allowed_roles"), "{err}");
        assert!(
            HasuraClaims::factory(
                &binding(json!({"default_role": "user", "bogus": 1})),
                &tenant()
            )
            .is_err()
        );
    }

    #[tokio::test]
    async fn writes_string_claims() {
        let hook = HasuraClaims::factory(
            &binding(json!({"default_role": "user", "default_allowed_roles": ["user"], "session_variables": {"x-hasura-org-ids": "user.app_metadata.orgs"}})),
            &tenant(),
        )
        .unwrap();
        let mut event = Event::empty();
        event.user = json!({"user_id": "auth0|x", "app_metadata": {"orgs": [1, 2]}});
        event.authorization = json!({"roles": ["admin", "user"]});
        let mut api = Api::new(reqwest::Client::new());
        hook.on_execute_post_login(&event, &mut api).await.unwrap();
        let claims = &api.effects().access_claims[DEFAULT_NAMESPACE];
        assert_eq!(claims["x-hasura-default-role"], "user");
        assert_eq!(claims["x-hasura-allowed-roles"], json!(["admin", "user"]));
        assert_eq!(claims["x-hasura-user-id"], "auth0|x");
        assert_eq!(claims["x-hasura-org-ids"], "{1,2}");
    }
}
