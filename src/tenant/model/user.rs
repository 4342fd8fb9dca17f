//! Users as fixtures give them, their second factors, and the tenant's MFA policy.

use super::api::Permission;
use super::connection::SOCIAL_STRATEGIES;

use crate::protocol::OobChannel;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user, in Auth0's bulk user-import shape plus mock-only `password` and `roles`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct User {
    /// `auth0|…`; a bare id gets Auth0's `auth0|` prefix at load.
    #[serde(default)]
    pub user_id: String,
    /// Email (also the login name).
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: bool,
    /// Optional username (also accepted at login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Phone number in E.164 form (SMS passwordless users).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the phone number is verified.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub phone_verified: bool,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Nickname.
    #[serde(default)]
    pub nickname: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Picture URL.
    #[serde(default)]
    pub picture: Option<String>,
    /// Application metadata (what Actions and Hasura claims read).
    #[serde(default)]
    pub app_metadata: Map<String, Value>,
    /// User metadata.
    #[serde(default)]
    pub user_metadata: Map<String, Value>,
    /// Blocked users cannot log in.
    #[serde(default)]
    pub blocked: bool,
    /// Mock-only: plaintext password.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Mock-only: role names.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Mock-only: API permissions assigned to the user directly (`POST
    /// /api/v2/users/{id}/permissions`), on top of those of their roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<Permission>,
    /// Connection name (defaults to the default database connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// Creation time, RFC 3339; defaults to load time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update time, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// When the password was last reset or changed, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_password_reset: Option<String>,
    /// `identities` of a bulk-import record: a user with no `user_id` takes
    /// `<provider>|<user_id>` and the connection of the first (as Auth0's social users).
    #[serde(default, skip_serializing)]
    pub identities: Vec<Value>,
    /// Mock-only: enrolled second factors. Never shown (not in `event.user`, not in the
    /// Management API), as Auth0 never shows a factor's secret.
    #[serde(default, skip_serializing)]
    pub mfa: Option<MfaFactors>,
}

/// A user's enrolled second factors (`"mfa"` in users.json, mock-only): a TOTP authenticator
/// with a known base32 secret, so a test computes the code; a phone and an email address the
/// codes of out-of-band challenges go to (through the outbox, where a test reads them); and
/// Auth0's one recovery code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaFactors {
    /// Base32 secret of the TOTP authenticator (SHA-1, 6 digits, 30 s, as Google
    /// Authenticator).
    #[serde(default)]
    pub totp_secret: Option<String>,
    /// The SMS factor's phone number (E.164).
    #[serde(default)]
    pub phone_number: Option<String>,
    /// The email factor's address.
    #[serde(default)]
    pub email: Option<String>,
    /// The recovery code; a use replaces it with a new one, as Auth0.
    #[serde(default)]
    pub recovery_code: Option<String>,
}

impl MfaFactors {
    /// Whether any factor is enrolled (then a login is challenged, not enrolled).
    pub fn enrolled(&self) -> bool {
        self.totp_secret.is_some() || self.phone_number.is_some() || self.email.is_some()
    }

    /// Where an out-of-band code on `channel` goes, when that factor is enrolled.
    pub fn oob_address(&self, channel: OobChannel) -> Option<&str> {
        match channel {
            OobChannel::Sms => self.phone_number.as_deref(),
            OobChannel::Email => self.email.as_deref(),
        }
    }

    /// The out-of-band factor a challenge uses when none is named: SMS, else email.
    pub fn default_oob(&self) -> Option<OobChannel> {
        [OobChannel::Sms, OobChannel::Email]
            .into_iter()
            .find(|c| self.oob_address(*c).is_some())
    }
}

/// When the tenant asks for a second factor: Auth0's "Require Multi-factor Auth" setting,
/// `guardianPolicies: {policies: [all-applications]}` in a Deploy CLI export (`[]` is never).
/// Actions (`api.multifactor.enable`) and `acr_values` ask for it per login either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MfaPolicy {
    /// Only when an Action or the request asks.
    #[default]
    Never,
    /// Every interactive login and password grant.
    Always,
}

impl User {
    /// Whether `given` is this user's password (compared in constant time). A user without a
    /// password (a social user, a blocked fixture user) has none to match.
    pub fn has_password(&self, given: &str) -> bool {
        self.password
            .as_deref()
            .is_some_and(|p| crate::util::constant_time_eq(p, given))
    }

    /// The login name shown on the login page and in the banner: email, else username, else
    /// phone number.
    pub fn login_name(&self) -> &str {
        self.email
            .as_deref()
            .or(self.username.as_deref())
            .or(self.phone_number.as_deref())
            .unwrap_or_default()
    }

    /// The user as Auth0 presents it to Actions (`event.user`) and the Management API: the
    /// stored fields without the mock-only ones, plus `identities`.
    pub fn to_auth0_json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()));
        if let Some(m) = v.as_object_mut() {
            m.remove("roles");
            m.remove("permissions");
            m.remove("connection");
            let (provider, id) = self
                .user_id
                .split_once('|')
                .unwrap_or(("auth0", &self.user_id));
            m.insert(
                "identities".into(),
                serde_json::json!([{
                    "provider": provider,
                    "user_id": id,
                    "connection": self.connection.as_deref().unwrap_or("Username-Password-Authentication"),
                    "isSocial": SOCIAL_STRATEGIES.contains(&provider),
                }]),
            );
        }
        v
    }

    /// Whether `login` (email or username, case-insensitive like Auth0) names this user.
    pub fn matches_login(&self, login: &str) -> bool {
        let login = login.trim();
        self.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(login))
            || self
                .username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(login))
            || self.phone_number.as_deref() == Some(login)
    }

    /// Fills Auth0's derived defaults: `auth0|` prefix, name, nickname, picture.
    pub fn normalize(&mut self, now: i64) {
        if self.user_id.is_empty()
            && let Some(first) = self.identities.first()
            && let (Some(provider), Some(id)) = (
                first.get("provider").and_then(Value::as_str),
                first.get("user_id").and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }),
            )
        {
            self.user_id = format!("{provider}|{id}");
            if self.connection.is_none() {
                // Auth0 names a social connection after its strategy by default.
                self.connection = Some(
                    first
                        .get("connection")
                        .and_then(Value::as_str)
                        .unwrap_or(provider)
                        .to_string(),
                );
            }
        }
        if !self.user_id.contains('|') && !self.user_id.is_empty() {
            self.user_id = format!("auth0|{}", self.user_id);
        }
        let login = self.login_name().to_string();
        if self.name.is_none() {
            self.name = Some(login.clone());
        }
        if self.nickname.is_none() {
            self.nickname = Some(login.split('@').next().unwrap_or_default().to_string());
        }
        if self.picture.is_none() {
            let initials: String = login.chars().take(2).collect::<String>().to_lowercase();
            self.picture = Some(format!(
                "https://s.gravatar.com/avatar/{}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F{initials}.png",
                crate::util::short_hash(&login)
            ));
        }
        let stamp = crate::clock::rfc3339(now);
        if self.created_at.is_none() {
            self.created_at = Some(stamp.clone());
        }
        if self.updated_at.is_none() {
            self.updated_at = Some(stamp);
        }
    }
}

/// Applies metadata changes the way Auth0 does everywhere (Actions, the Management API): keys
/// are set at the first level and a `null` value deletes the key.
pub fn merge_metadata(target: &mut Map<String, Value>, changes: &Map<String, Value>) {
    for (k, v) in changes {
        if v.is_null() {
            target.remove(k);
        } else {
            target.insert(k.clone(), v.clone());
        }
    }
}
