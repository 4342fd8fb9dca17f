//! Connections: databases, social and passwordless, with their options.

use super::api::yes;
use super::client::Client;
use crate::tenant::password_policy::{PasswordPolicy, PolicyLevel};

use serde::{Deserialize, Serialize};

/// A connection (identity source).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    /// Name, used as `realm`.
    pub name: String,
    /// `auth0` for database connections.
    #[serde(default = "default_strategy")]
    pub strategy: String,
    /// Connection id as Actions see it.
    #[serde(default)]
    pub id: Option<String>,
    /// Auth0's `options` (the sign-up and password rules of a database connection).
    #[serde(default)]
    pub options: ConnectionOptions,
    /// The applications (by name or client id) that may use it; absent, every one.
    #[serde(default)]
    pub enabled_clients: Option<Vec<String>>,
}

/// The social (and generic OAuth2) strategies the mock plays the provider for.
pub const SOCIAL_STRATEGIES: &[&str] = &[
    "google-oauth2",
    "github",
    "apple",
    "windowslive",
    "facebook",
    "oauth2",
];

impl Connection {
    /// Whether users arrive through an upstream provider ("Continue with Google").
    pub fn is_social(&self) -> bool {
        SOCIAL_STRATEGIES.contains(&self.strategy.as_str())
    }

    /// The provider's name on the login page's button.
    pub fn provider_label(&self) -> &str {
        match self.strategy.as_str() {
            "google-oauth2" => "Google",
            "github" => "GitHub",
            "apple" => "Apple",
            "windowslive" => "Microsoft Account",
            "facebook" => "Facebook",
            _ => &self.name,
        }
    }

    /// Whether the application may use this connection (`enabled_clients`, by name or id).
    pub fn enabled_for(&self, client: &Client) -> bool {
        self.enabled_clients.as_ref().is_none_or(|list| {
            list.iter()
                .any(|c| c == &client.name || c == &client.client_id)
        })
    }

    /// Whether users sign up and log in with a password here (`strategy: auth0`).
    pub fn is_database(&self) -> bool {
        self.strategy == "auth0"
    }

    /// The passwordless channel of an `email` or `sms` connection.
    pub fn passwordless(&self) -> Option<PasswordlessChannel> {
        match self.strategy.as_str() {
            "email" => Some(PasswordlessChannel::Email),
            "sms" => Some(PasswordlessChannel::Sms),
            _ => None,
        }
    }

    /// The password rules of this connection.
    pub fn password_policy(&self) -> PasswordPolicy {
        PasswordPolicy::from_options(
            self.options.password_policy,
            self.options.password_complexity_options.min_length,
        )
    }
}

/// The `options` of a connection that the mock acts on, with Auth0's names. Others an export
/// carries (`customScripts`, `attributes`, …) are accepted and listed as unused at load.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConnectionOptions {
    /// Refuses sign-ups on every path (Universal Login and `/dbconnections/signup`); users can
    /// still be created through the Management API.
    #[serde(default)]
    pub disable_signup: bool,
    /// Sign-up asks for a username besides the email, and login accepts either.
    #[serde(default)]
    pub requires_username: bool,
    /// `none`, `low`, `fair`, `good` or `excellent`; absent is `none`, as Auth0 enforces it
    /// (new connections are created with `good`, and exports say so).
    #[serde(default, rename = "passwordPolicy")]
    pub password_policy: Option<PolicyLevel>,
    /// `{ min_length }`: overrides the level's minimum length.
    #[serde(default)]
    pub password_complexity_options: PasswordComplexity,
    /// Auth0 blocks an account for an IP after 10 failed logins (on by default).
    #[serde(default = "yes")]
    pub brute_force_protection: bool,
    /// `validation.username.{min,max}`: the username's length bounds (1–15 by default).
    #[serde(default)]
    pub validation: ConnectionValidation,
    /// Passwordless connections: `totp.{time_step, length}`, the code's lifetime in seconds and
    /// its digits.
    #[serde(default)]
    pub totp: Totp,
    /// Passwordless email connections: `email.{from, subject}` of the code or link email.
    /// A social connection's `email: true` (a permission flag) reads as empty settings, which
    /// the loader lists as unused.
    #[serde(default, deserialize_with = "email_settings")]
    pub email: Option<PasswordlessEmail>,
    /// Passwordless SMS connections: the sender.
    #[serde(default)]
    pub from: Option<String>,
    /// Social connections: when the provider's profile (name) overwrites the user's root
    /// attributes; Auth0 syncs on each login unless told otherwise.
    #[serde(default)]
    pub set_user_root_attributes: RootAttributes,
}

/// A connection's `set_user_root_attributes`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RootAttributes {
    /// The provider's profile is copied at every login (Auth0's default).
    #[default]
    OnEachLogin,
    /// Only when the user is created.
    OnFirstLogin,
    /// Never by a login (the Management API sets them).
    NeverOnLogin,
}

/// How a passwordless connection reaches its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordlessChannel {
    /// `strategy: email`.
    Email,
    /// `strategy: sms`.
    Sms,
}

/// `options.totp` of a passwordless connection.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Totp {
    /// How long a code works, in seconds (Auth0's default is 3 minutes).
    #[serde(default = "default_time_step")]
    pub time_step: i64,
    /// Digits of a code (Universal Login says "Enter the 6-digit code").
    #[serde(default = "default_code_length")]
    pub length: usize,
}

impl Default for Totp {
    fn default() -> Self {
        Self {
            time_step: default_time_step(),
            length: default_code_length(),
        }
    }
}

fn default_time_step() -> i64 {
    180
}
fn default_code_length() -> usize {
    6
}

/// `options.email` of a passwordless email connection.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PasswordlessEmail {
    /// Sender.
    #[serde(default)]
    pub from: Option<String>,
    /// Subject.
    #[serde(default)]
    pub subject: Option<String>,
}

/// Reads `options.email`: settings `{from, subject}`, or the boolean permission flag of a
/// social connection (Facebook's `email: true`), which carries no settings.
fn email_settings<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<PasswordlessEmail>, D::Error> {
    struct Settings;
    impl<'de> serde::de::Visitor<'de> for Settings {
        type Value = Option<PasswordlessEmail>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("email settings {from, subject}, or a boolean")
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Some(PasswordlessEmail::default()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(Settings)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            PasswordlessEmail::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                .map(Some)
        }
    }
    d.deserialize_any(Settings)
}

/// `options.password_complexity_options`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct PasswordComplexity {
    /// Minimum password length.
    #[serde(default)]
    pub min_length: Option<u32>,
}

/// `options.validation`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct ConnectionValidation {
    /// Username length bounds.
    #[serde(default)]
    pub username: Option<UsernameLength>,
}

/// `options.validation.username`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct UsernameLength {
    /// Shortest username (Auth0's default 1).
    #[serde(default = "one")]
    pub min: usize,
    /// Longest username (Auth0's default 15, at most 128).
    #[serde(default = "fifteen")]
    pub max: usize,
}

impl Default for UsernameLength {
    fn default() -> Self {
        Self { min: 1, max: 15 }
    }
}

fn one() -> usize {
    1
}
fn fifteen() -> usize {
    15
}

fn default_strategy() -> String {
    "auth0".to_string()
}
