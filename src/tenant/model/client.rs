//! Applications (clients): their type, grants, token settings and allowed URLs.

use crate::tenant::organization::{OrganizationRequireBehavior, OrganizationUsage};

use crate::protocol::{AuthMethod, GrantType, RotationType};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Auth0's application types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AppType {
    /// Single-page app: public client, PKCE.
    #[default]
    Spa,
    /// Server-side web app with a secret.
    RegularWeb,
    /// Mobile/desktop: public client.
    Native,
    /// Machine-to-machine.
    NonInteractive,
    /// A client that belongs to an API (Auth0 links it by `resource_server_identifier`), as
    /// Deploy CLI exports carry them: machine-to-machine, like `non_interactive`.
    ResourceServer,
}

/// An application (Auth0 "client").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Client {
    /// Display name.
    pub name: String,
    /// Mock-only in fixtures (Auth0 assigns it): the client id.
    #[serde(default)]
    pub client_id: String,
    /// Mock-only in fixtures: the secret for confidential clients.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Application type.
    #[serde(default)]
    pub app_type: AppType,
    /// Allowed Callback URLs, matched exactly.
    #[serde(default)]
    pub callbacks: Vec<String>,
    /// Allowed Origins (CORS).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Allowed Web Origins (CORS and web_message).
    #[serde(default)]
    pub web_origins: Vec<String>,
    /// Allowed Logout URLs.
    #[serde(default)]
    pub allowed_logout_urls: Vec<String>,
    /// Grant types; when absent, Auth0's defaults for the app type.
    #[serde(default)]
    pub grant_types: Option<Vec<GrantType>>,
    /// `none`, `client_secret_post` or `client_secret_basic`; defaults by app type.
    #[serde(default)]
    pub token_endpoint_auth_method: Option<AuthMethod>,
    /// ID token settings.
    #[serde(default)]
    pub jwt_configuration: JwtConfiguration,
    /// Refresh token rotation settings.
    #[serde(default)]
    pub refresh_token: RefreshTokenConfig,
    /// The application's metadata (`client_metadata`): `event.client.metadata` in Actions.
    #[serde(default)]
    pub client_metadata: Map<String, Value>,
    /// How the client uses organizations (`deny`, `allow`, `require`).
    #[serde(default)]
    pub organization_usage: OrganizationUsage,
    /// What a `require` client does without an organization.
    #[serde(default)]
    pub organization_require_behavior: OrganizationRequireBehavior,
    /// "Allow Cross-Origin Authentication": whether embedded login (auth0.js `login` and
    /// `passwordlessLogin` through `/co/authenticate`) may be used from the app's origins.
    #[serde(default)]
    pub cross_origin_authentication: bool,
    /// "Application Login URI": the application's route that starts a login, where
    /// organization invitation links point (`?invitation=…&organization=…`).
    #[serde(default)]
    pub initiate_login_uri: Option<String>,
    /// Mock-only convenience: accept any `http(s)://localhost` or `127.0.0.1` URL, on any port
    /// and path, as a callback, web origin and logout URL. Real Auth0 has no such switch.
    #[serde(default)]
    pub allow_loopback_urls: bool,
}

/// ID token configuration of a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JwtConfiguration {
    /// ID token lifetime; Auth0's default is 36000 s.
    #[serde(default = "default_id_token_lifetime")]
    pub lifetime_in_seconds: i64,
    /// Signing algorithm; only RS256 is supported by the mock.
    #[serde(default = "default_alg")]
    pub alg: String,
}

impl Default for JwtConfiguration {
    fn default() -> Self {
        Self {
            lifetime_in_seconds: default_id_token_lifetime(),
            alg: default_alg(),
        }
    }
}

fn default_id_token_lifetime() -> i64 {
    36000
}
pub(super) fn default_alg() -> String {
    "RS256".to_string()
}

/// Refresh token rotation settings of a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshTokenConfig {
    /// `rotating` (the mock's default) or `non-rotating`.
    #[serde(default = "default_rotation")]
    pub rotation_type: RotationType,
    /// Absolute lifetime in seconds (Auth0 default 30 days).
    #[serde(default = "default_refresh_lifetime")]
    pub token_lifetime: i64,
    /// Seconds a rotated token may still be reused (Auth0 default 0).
    #[serde(default)]
    pub leeway: i64,
}

impl Default for RefreshTokenConfig {
    fn default() -> Self {
        Self {
            rotation_type: default_rotation(),
            token_lifetime: default_refresh_lifetime(),
            leeway: 0,
        }
    }
}

fn default_rotation() -> RotationType {
    RotationType::Rotating
}
fn default_refresh_lifetime() -> i64 {
    2_592_000
}

impl Client {
    /// The grant types this client may use: its own list, else Auth0's defaults for its type.
    pub fn grants(&self) -> &[GrantType] {
        use GrantType::*;
        if let Some(g) = &self.grant_types {
            return g;
        }
        match self.app_type {
            AppType::Spa | AppType::Native => &[AuthorizationCode, Implicit, RefreshToken],
            AppType::RegularWeb => &[AuthorizationCode, Implicit, RefreshToken, ClientCredentials],
            AppType::NonInteractive | AppType::ResourceServer => &[ClientCredentials],
        }
    }

    /// Whether this client may use `grant`.
    pub fn allows_grant(&self, grant: GrantType) -> bool {
        self.grants().contains(&grant)
    }

    /// The token endpoint authentication method: its own, else Auth0's default for its type.
    pub fn auth_method(&self) -> AuthMethod {
        match self.token_endpoint_auth_method {
            Some(m) => m,
            None if matches!(self.app_type, AppType::Spa | AppType::Native) => AuthMethod::None,
            None => AuthMethod::ClientSecretPost,
        }
    }

    /// Public clients authenticate with nothing and must use PKCE.
    pub fn is_public(&self) -> bool {
        self.auth_method() == AuthMethod::None
    }

    /// Whether `url` is an allowed callback (exact match, or loopback when allowed).
    pub fn accepts_callback(&self, url: &str) -> bool {
        self.callbacks.iter().any(|c| c == url)
            || (self.allow_loopback_urls && is_loopback_url(url))
    }

    /// Whether `url` is an allowed logout URL.
    pub fn accepts_logout_url(&self, url: &str) -> bool {
        self.allowed_logout_urls.iter().any(|c| c == url)
            || (self.allow_loopback_urls && is_loopback_url(url))
    }

    /// Whether a browser origin may call the token endpoint or receive web messages.
    pub fn accepts_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.web_origins
            .iter()
            .chain(self.allowed_origins.iter())
            .any(|o| o.trim_end_matches('/') == origin)
            || self
                .callbacks
                .iter()
                .any(|c| origin_of(c).as_deref() == Some(origin))
            || (self.allow_loopback_urls && is_loopback_url(origin))
    }
}

/// `scheme://host[:port]` of a URL, as a browser would put in `Origin`.
pub fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    match parsed.origin() {
        url::Origin::Tuple(..) => Some(parsed.origin().ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// Whether a URL points at this machine over http(s) (`localhost`, `127.0.0.1`, `[::1]`).
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return false;
    }
    match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
