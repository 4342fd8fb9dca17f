//! Tenant data types. They deserialize straight from fixture files (Auth0 field names) and are
//! what the rest of the mock reads at request time.

mod api;
mod client;
mod connection;
mod email_template;
mod hook_binding;
mod user;

pub use api::*;
pub use client::*;
pub use connection::*;
pub use email_template::*;
pub use hook_binding::*;
pub use user::*;

use super::organization::Organization;

use super::scenario::Scenario;
use crate::protocol::{Trigger, is_management_audience};

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
