//! Tenant data types. They deserialize straight from fixture files (Auth0 field names) and are
//! what the rest of the mock reads at request time.

use super::organization::{Organization, OrganizationRequireBehavior, OrganizationUsage};
use super::password_policy::{PasswordPolicy, PolicyLevel};

use super::scenario::Scenario;
use crate::protocol::{
    AuthMethod, GrantType, OobChannel, RotationType, TokenDialect, Trigger, is_management_audience,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Everything configured for one tenant. Immutable while serving, except users, which live in
/// the runtime store so metadata changes and control-API edits persist between logins.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// Display name (`tenant.friendly_name`).
    pub friendly_name: String,
    /// Audience used when a request names none (Auth0's tenant "Default Audience").
    pub default_audience: Option<String>,
    /// Applications.
    pub clients: Vec<Client>,
    /// APIs (resource servers).
    pub apis: Vec<ResourceServer>,
    /// Which clients may use client_credentials for which API, with which scopes.
    pub client_grants: Vec<ClientGrant>,
    /// Roles and their API permissions.
    pub roles: Vec<Role>,
    /// Connections; the first database connection is the default for the password grant.
    pub connections: Vec<Connection>,
    /// Tenant-level allowed logout URLs (used by `/v2/logout` without `client_id`).
    pub allowed_logout_urls: Vec<String>,
    /// Users as loaded from fixtures.
    pub users: Vec<User>,
    /// The signing key.
    pub signing_key: KeyPem,
    /// The announced next key, if any.
    pub next_key: Option<KeyPem>,
    /// Post-login trigger bindings, in order.
    pub post_login: Vec<HookBinding>,
    /// `pre-user-registration` bindings, in order: they may deny a sign-up or set metadata.
    pub pre_user_registration: Vec<HookBinding>,
    /// `post-user-registration` bindings, in order (the "sync at sign-up" hooks).
    pub post_user_registration: Vec<HookBinding>,
    /// `post-change-password` bindings, in order.
    pub post_change_password: Vec<HookBinding>,
    /// `credentials-exchange` bindings, in order: they may deny a client_credentials token or
    /// add claims to it (Hasura claims for backends).
    pub credentials_exchange: Vec<HookBinding>,
    /// Email templates (`emailTemplates:` in Deploy CLI shape): which emails are sent, from
    /// whom, and where their links lead.
    pub email_templates: Vec<EmailTemplate>,
    /// When logins need a second factor (`guardianPolicies:` in Deploy CLI shape).
    pub mfa_policy: MfaPolicy,
    /// Organizations.
    pub organizations: Vec<Organization>,
    /// `tenant.allow_organization_name_in_authentication_api`: `/authorize` takes an
    /// organization's name, and tokens carry `org_name` too.
    pub organization_names: bool,
    /// Named token scenarios.
    pub scenarios: Vec<Scenario>,
    /// Where this tenant came from ("embedded default tenant" or a directory), for messages.
    pub source: String,
    /// What loading found worth telling but not refusing, one line per file: sections and
    /// fields the mock does not use, Deploy CLI keywords without a mapping, parts of a
    /// directory export skipped. Logged at load; `auth0-mock check` prints them.
    pub load_warnings: Vec<String>,
    /// The file trigger bindings were read from and the prefix of their paths in it:
    /// (`…/tenant.yaml`, `triggers.`), or (`…/triggers/triggers.json`, empty) for a directory
    /// export. See [`Tenant::binding_location`].
    pub triggers_origin: (String, String),
}

impl Tenant {
    /// Looks up a client by id.
    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// Looks up an API by its identifier (the audience).
    pub fn api(&self, identifier: &str) -> Option<&ResourceServer> {
        self.apis.iter().find(|a| a.identifier == identifier)
    }

    /// Looks up a connection by name.
    pub fn connection(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name == name)
    }

    /// The connection whose id (`con_…`) is `id`, as the Management API names connections.
    pub fn connection_by_id(&self, id: &str) -> Option<&Connection> {
        self.connections
            .iter()
            .find(|c| c.id.as_deref() == Some(id))
    }

    /// The connection used when a password grant names no realm.
    pub fn default_connection(&self) -> Option<&Connection> {
        self.connections
            .iter()
            .find(|c| c.strategy == "auth0")
            .or(self.connections.first())
    }

    /// The client grant for a client and audience, if the client may use client_credentials.
    pub fn client_grant(&self, client_id: &str, audience: &str) -> Option<&ClientGrant> {
        self.client_grants
            .iter()
            .find(|g| g.client_id == client_id && g.audience == audience)
    }

    /// The client's grant for the Management API: a grant whose audience is any
    /// `https://<host>/api/v2/` (a real export names the real tenant's domain there).
    pub fn management_grant(&self, client_id: &str) -> Option<&ClientGrant> {
        self.client_grants
            .iter()
            .find(|g| g.client_id == client_id && is_management_audience(&g.audience))
    }

    /// The permissions a user has on an API: those of their roles and those assigned to them
    /// directly, each once.
    pub fn permissions_for(&self, user: &User, audience: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let from_roles = self
            .roles
            .iter()
            .filter(|r| user.roles.contains(&r.name))
            .flat_map(|r| r.permissions.iter());
        for p in from_roles
            .chain(user.permissions.iter())
            .filter(|p| p.resource_server_identifier == audience)
        {
            if !out.contains(&p.permission_name) {
                out.push(p.permission_name.clone());
            }
        }
        out
    }

    /// The organization `/authorize` names: by id (`org_…`), or by name (case-insensitive)
    /// when the tenant allows names.
    pub fn organization(&self, value: &str) -> Option<&Organization> {
        let value = value.trim();
        if value.starts_with("org_") {
            self.organizations.iter().find(|o| o.id == value)
        } else {
            let lower = value.to_ascii_lowercase();
            self.organizations.iter().find(|o| o.name == lower)
        }
    }

    /// A role by its Management API id (`rol_…`).
    pub fn role_by_id(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// Whether brute-force protection guards `user`'s password logins (their connection's
    /// `brute_force_protection`, on unless the connection turns it off).
    pub fn brute_force_protects(&self, user: &User) -> bool {
        self.connection_of(user)
            .is_none_or(|c| c.options.brute_force_protection)
    }

    /// The connection a user belongs to: the one they name, else the default one (as the
    /// runtime store files users that name none).
    pub fn connection_of(&self, user: &User) -> Option<&Connection> {
        user.connection
            .as_deref()
            .and_then(|c| self.connection(c))
            .or_else(|| self.default_connection())
    }

    /// The bindings of one trigger, in run order.
    pub fn bindings(&self, trigger: Trigger) -> &[HookBinding] {
        match trigger {
            Trigger::PostLogin => &self.post_login,
            Trigger::PreUserRegistration => &self.pre_user_registration,
            Trigger::PostUserRegistration => &self.post_user_registration,
            Trigger::PostChangePassword => &self.post_change_password,
            Trigger::CredentialsExchange => &self.credentials_exchange,
        }
    }

    /// The settings of one email template: the tenant's entry, else Auth0's defaults (enabled,
    /// links valid for 5 days).
    pub fn email_template(&self, template: &str) -> EmailTemplate {
        self.email_templates
            .iter()
            .find(|t| t.template == template)
            .cloned()
            .unwrap_or_else(|| EmailTemplate::default_for(template))
    }

    /// Looks up a scenario by name.
    pub fn scenario(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// The API a request is for: the `audience` it names, else the tenant's default audience;
    /// `Ok(None)` when neither is set. An audience no API has is Auth0's "Service not found".
    pub fn requested_api(&self, audience: Option<&str>) -> Result<Option<&ResourceServer>, String> {
        match audience.or(self.default_audience.as_deref()) {
            None => Ok(None),
            Some(a) => self
                .api(a)
                .map(Some)
                .ok_or_else(|| format!("Service not found: {a}")),
        }
    }

    /// The API tokens are minted for when nothing names one: the default audience, else the
    /// first API (scenarios, the banner's Hasura configuration).
    pub fn default_api(&self) -> Option<&ResourceServer> {
        self.default_audience
            .as_deref()
            .and_then(|a| self.api(a))
            .or(self.apis.first())
    }

    /// Checks a scenario against this tenant: the user or client, the client a user token goes
    /// to and the audience must exist. `Err((path, reason))`, the path inside the scenario.
    pub fn check_scenario(&self, s: &Scenario) -> Result<(), (String, String)> {
        if s.lifetime
            .is_some_and(|l| !(-MAX_LIFETIME..=MAX_LIFETIME).contains(&l))
        {
            return Err((
                "lifetime".into(),
                "must be within ±100 years (in seconds): an `exp` past that breaks JWT libraries"
                    .into(),
            ));
        }
        match (&s.user, &s.client) {
            (Some(_), Some(_)) => {
                return Err(("user".into(), "give either user or client, not both".into()));
            }
            (None, None) => {
                return Err((
                    "user".into(),
                    "give a user (email/user_id) or a client (client_credentials)".into(),
                ));
            }
            (Some(u), None) => {
                if !self
                    .users
                    .iter()
                    .any(|x| x.user_id == *u || x.matches_login(u))
                {
                    return Err(("user".into(), format!("no user '{u}' in the tenant")));
                }
            }
            (None, Some(c)) => {
                if self.client(c).is_none() {
                    return Err(("client".into(), format!("no client '{c}' in the tenant")));
                }
            }
        }
        if let Some(c) = &s.client_id
            && self.client(c).is_none()
        {
            return Err(("client_id".into(), format!("no client '{c}' in the tenant")));
        }
        if let Some(a) = &s.audience
            && self.api(a).is_none()
        {
            return Err(("audience".into(), format!("no API '{a}' in the tenant")));
        }
        if s.audience.is_none() && self.default_api().is_none() {
            return Err((
                "audience".into(),
                "the tenant has no API to issue an access token for".into(),
            ));
        }
        if s.lifetime
            .is_some_and(|l| l.unsigned_abs() > MAX_TOKEN_LIFETIME)
        {
            return Err((
                "lifetime".into(),
                "must be within 100 years (in seconds)".into(),
            ));
        }
        Ok(())
    }

    /// Where the `index`-th binding of `trigger` is written, as (file, path in it), so an error
    /// found after loading (a hook's settings) names the place to fix in either format.
    pub fn binding_location(&self, trigger: Trigger, index: usize) -> (String, String) {
        let (file, prefix) = &self.triggers_origin;
        (file.clone(), format!("{prefix}{}[{index}]", trigger.id()))
    }

    /// Whether a role of that name is defined.
    pub fn has_role(&self, name: &str) -> bool {
        self.roles.iter().any(|r| r.name == name)
    }
}

/// The longest token lifetime a scenario may ask for: a century, in seconds.
pub const MAX_TOKEN_LIFETIME: u64 = 100 * 365 * 86_400;

/// A key as fixtures hold it: PEM text, and its certificate when one ships next to it.
#[derive(Debug, Clone)]
pub struct KeyPem {
    /// The private key (PKCS#1 or PKCS#8 PEM).
    pub key: String,
    /// Its self-signed certificate (PEM), published as `x5c` and at `/pem`.
    pub cert: Option<String>,
}

impl KeyPem {
    /// Builds the signing key, using the shipped certificate when there is one.
    pub(crate) fn load(&self) -> Result<crate::keys::SigningKey, crate::keys::KeyError> {
        match &self.cert {
            Some(cert) => crate::keys::SigningKey::from_pem_with_cert(&self.key, cert),
            None => crate::keys::SigningKey::from_pem(&self.key),
        }
    }
}

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
fn default_alg() -> String {
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

/// One entry of `emailTemplates:`, with the Deploy CLI's field names. The mock writes its own
/// plain-text bodies (Liquid `body` files are not rendered): what tests read is the code or the
/// link, which every message carries as a field too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailTemplate {
    /// `verify_email`, `reset_email`, …
    pub template: String,
    /// Whether the email is sent at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Sender address.
    #[serde(default)]
    pub from: Option<String>,
    /// Subject line.
    #[serde(default)]
    pub subject: Option<String>,
    /// Where the browser goes after following the link (`resultUrl`).
    #[serde(default, rename = "resultUrl")]
    pub result_url: Option<String>,
    /// How long the link works (`urlLifetimeInSeconds`; Auth0's default is 5 days).
    #[serde(default, rename = "urlLifetimeInSeconds")]
    pub url_lifetime_in_seconds: Option<i64>,
}

/// Auth0's default link lifetime for verification and reset emails: 5 days.
pub const DEFAULT_LINK_LIFETIME: i64 = 432_000;

impl EmailTemplate {
    /// Auth0's defaults for a template the tenant does not configure.
    pub fn default_for(template: &str) -> Self {
        Self {
            template: template.to_string(),
            enabled: true,
            from: None,
            subject: None,
            result_url: None,
            url_lifetime_in_seconds: None,
        }
    }

    /// How long its links work, in seconds.
    pub fn link_lifetime(&self) -> i64 {
        self.url_lifetime_in_seconds
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_LINK_LIFETIME)
            .min(MAX_LIFETIME)
    }
}

/// Longest token lifetime a scenario may ask for, either way (a century, in seconds).
pub const MAX_LIFETIME: i64 = 100 * 365 * 86400;

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

/// An API (Auth0 "resource server").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceServer {
    /// The Management API's id for it (24 hex digits; derived from the identifier at load
    /// when the fixture has none, so it is the same at every start).
    #[serde(default)]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The audience value.
    pub identifier: String,
    /// Only RS256 is supported.
    #[serde(default = "default_alg")]
    pub signing_alg: String,
    /// Access token lifetime (Auth0 default 86400).
    #[serde(default = "default_at_lifetime")]
    pub token_lifetime: i64,
    /// Lifetime for implicit-flow tokens (Auth0 default 7200).
    #[serde(default = "default_web_lifetime")]
    pub token_lifetime_for_web: i64,
    /// Scopes defined on the API.
    #[serde(default)]
    pub scopes: Vec<ScopeDef>,
    /// RBAC: user tokens only get scopes their roles grant.
    #[serde(default)]
    pub enforce_policies: bool,
    /// The access-token profile (`access_token` when absent).
    #[serde(default)]
    pub token_dialect: Option<TokenDialect>,
    /// Whether refresh tokens may be issued for this API.
    #[serde(default = "yes")]
    pub allow_offline_access: bool,
}

fn default_at_lifetime() -> i64 {
    86400
}
fn default_web_lifetime() -> i64 {
    7200
}
fn yes() -> bool {
    true
}

impl ResourceServer {
    /// The access-token profile.
    pub fn dialect(&self) -> TokenDialect {
        self.token_dialect.unwrap_or(TokenDialect::AccessToken)
    }

    /// Whether the API defines `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s.value == scope)
    }
}

/// A scope defined on an API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScopeDef {
    /// The scope string.
    pub value: String,
    /// What it allows.
    #[serde(default)]
    pub description: String,
}

/// Authorization of a client for client_credentials on one API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientGrant {
    /// The Management API's id for it (`cgr_…`; derived at load when absent).
    #[serde(default)]
    pub id: String,
    /// The client (id, or name as the Deploy CLI writes it; resolved at load).
    pub client_id: String,
    /// The API identifier.
    pub audience: String,
    /// Scopes the client may get.
    #[serde(default)]
    pub scope: Vec<String>,
}

/// A role with API permissions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    /// The Management API's id for it (`rol_…`; derived from the name at load when absent, so
    /// a test can rely on it across starts).
    #[serde(default)]
    pub id: String,
    /// Role name, as users reference it.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Permissions on APIs.
    #[serde(default)]
    pub permissions: Vec<Permission>,
}

/// One API permission of a role or a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Permission {
    /// The scope granted.
    pub permission_name: String,
    /// The API it applies to.
    pub resource_server_identifier: String,
}

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

/// One entry of a trigger: an Auth0 Action (by `action_name`) or a native hook
/// (by `hook`), with its settings as written in the fixture.
#[derive(Debug, Clone)]
pub struct HookBinding {
    /// The trigger it is bound to.
    pub trigger: Trigger,
    /// `hasura-claims`, `hasura-sync`, `webhook`, `action`, …
    pub kind: String,
    /// Display name used in logs and records.
    pub name: String,
    /// The entry's settings (everything but `hook`/`name`).
    pub settings: Value,
    /// Secrets, with `${ENV}` references already resolved.
    pub secrets: Map<String, Value>,
    /// The Action's code and the file it came from, for `action` bindings.
    pub code: Option<(String, String)>,
    /// Declared npm dependencies of an Action.
    pub dependencies: Vec<String>,
}

impl HookBinding {
    /// A native hook binding without secrets, as a `hook:` entry of `triggers.post-login`
    /// would load: what Rust callers and tests push into [`Tenant::post_login`].
    pub fn native(kind: &str, name: &str, settings: Value) -> Self {
        Self {
            trigger: Trigger::PostLogin,
            kind: kind.to_string(),
            name: name.to_string(),
            settings,
            secrets: Map::new(),
            code: None,
            dependencies: Vec::new(),
        }
    }
}
