//! The `event` a hook sees, in the shape of Auth0's post-login `event` object so Actions
//! written for Auth0 read the same fields here.

use super::api::Effects;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The event of a trigger. Fields are JSON values in Auth0's shape, because they are handed
/// as-is to JavaScript Actions and webhooks; accessors cover what Rust hooks usually need.
/// A field that is `null` is left out, as Auth0 leaves out what a trigger does not have (a
/// `/dbconnections/signup` call has no `event.transaction`; post-registration has no client).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    /// `event.user`: user_id, email, name, app_metadata, user_metadata, …
    #[serde(skip_serializing_if = "Value::is_null")]
    pub user: Value,
    /// `event.authorization`: `{ roles: [...] }`.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub authorization: Value,
    /// `event.client`: client_id, name, metadata.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub client: Value,
    /// `event.connection`: id, name, strategy, metadata.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub connection: Value,
    /// `event.request`: ip, method, hostname, user_agent, query, body, language, geoip.
    pub request: Value,
    /// `event.transaction`: id, protocol, requested_scopes, redirect_uri, response_type, state, …
    #[serde(skip_serializing_if = "Value::is_null")]
    pub transaction: Value,
    /// `event.resource_server`: `{ identifier }` when an audience was requested.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub resource_server: Value,
    /// `event.stats`: `{ logins_count }`.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub stats: Value,
    /// `event.secrets`: this hook's secrets only.
    pub secrets: Map<String, Value>,
    /// `event.tenant`: `{ id }`.
    pub tenant: Value,
    /// `event.session`: `{ id }` for browser logins.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub session: Value,
    /// `event.authentication`: `{ methods: [{ name, timestamp }] }`.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub authentication: Value,
    /// `event.organization`: `{ id, name, display_name, metadata }` on an organization login.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub organization: Value,
}

impl Default for Event {
    fn default() -> Self {
        Self::empty()
    }
}

impl Event {
    /// An event with every field present but empty, for tests and custom callers.
    pub fn empty() -> Self {
        Self {
            user: json!({}),
            authorization: json!({ "roles": [] }),
            client: json!({}),
            connection: json!({}),
            request: json!({}),
            transaction: json!({}),
            resource_server: Value::Null,
            stats: json!({ "logins_count": 0 }),
            secrets: Map::new(),
            tenant: json!({ "id": "auth0-mock" }),
            session: Value::Null,
            authentication: json!({ "methods": [] }),
            organization: Value::Null,
        }
    }

    /// The event of a trigger that logs no one in (registration, password change, credentials
    /// exchange): only `tenant`; the caller adds what the trigger has.
    pub fn outside_login(tenant_id: &str) -> Self {
        Self {
            user: Value::Null,
            authorization: Value::Null,
            client: Value::Null,
            connection: Value::Null,
            request: json!({}),
            transaction: Value::Null,
            resource_server: Value::Null,
            stats: Value::Null,
            secrets: Map::new(),
            tenant: json!({ "id": tenant_id }),
            session: Value::Null,
            authentication: Value::Null,
            organization: Value::Null,
        }
    }

    fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
        v.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// `event.user.user_id`.
    pub fn user_id(&self) -> &str {
        Self::str_at(&self.user, "user_id")
    }

    /// `event.client.client_id`.
    pub fn client_id(&self) -> &str {
        Self::str_at(&self.client, "client_id")
    }

    /// `event.transaction.id`.
    pub fn transaction_id(&self) -> &str {
        Self::str_at(&self.transaction, "id")
    }

    /// `event.transaction.protocol` (`oidc-basic-profile`, `oauth2-refresh-token`, …).
    pub fn protocol(&self) -> &str {
        Self::str_at(&self.transaction, "protocol")
    }

    /// `event.authorization.roles`.
    pub fn roles(&self) -> Vec<String> {
        self.authorization
            .get("roles")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Makes metadata written by one hook visible to the next, as Auth0 does within a flow.
    pub fn apply(&mut self, effects: &Effects) {
        for (field, changes) in [
            ("app_metadata", &effects.app_metadata),
            ("user_metadata", &effects.user_metadata),
        ] {
            if changes.is_empty() {
                continue;
            }
            if let Some(user) = self.user.as_object_mut() {
                let entry = user.entry(field).or_insert_with(|| json!({}));
                if !entry.is_object() {
                    *entry = json!({});
                }
                if let Some(map) = entry.as_object_mut() {
                    for (k, v) in changes {
                        if v.is_null() {
                            map.remove(k);
                        } else {
                            map.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
        }
    }
}

impl Event {
    /// The value at a dotted path such as `user.app_metadata.org_id`, or `None`. Hooks use it to
    /// map event fields into claims and GraphQL variables.
    pub fn lookup(&self, path: &str) -> Option<Value> {
        let (root, rest) = path.split_once('.').unwrap_or((path, ""));
        let base = match root {
            "user" => &self.user,
            "authorization" => &self.authorization,
            "client" => &self.client,
            "connection" => &self.connection,
            "request" => &self.request,
            "transaction" => &self.transaction,
            "resource_server" => &self.resource_server,
            "stats" => &self.stats,
            "tenant" => &self.tenant,
            "session" => &self.session,
            "organization" => &self.organization,
            "secrets" => return lookup_value(&Value::Object(self.secrets.clone()), rest),
            _ => return None,
        };
        lookup_value(base, rest)
    }
}

/// Follows a dotted path (`a.b.0.c`) into a JSON value.
pub fn lookup_value(value: &Value, path: &str) -> Option<Value> {
    let mut cur = value;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    if cur.is_null() {
        None
    } else {
        Some(cur.clone())
    }
}
