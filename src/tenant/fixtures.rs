//! Loading a tenant from a fixtures directory (or from the copy compiled into the binary).
//!
//! Layout: `tenant.yaml` (Deploy CLI field names) or, without it, a Deploy CLI directory
//! export (`tenant.json`, `clients/*.json`, …: see [`super::directory`]), an optional
//! `config.json` (the Deploy CLI's, for keyword mappings), `users.json` (bulk user-import
//! JSON), `keys/current.pem` and optionally `keys/next.pem` (each with an optional `.crt` beside
//! it), `scenarios/*.yaml`, and Action code at the paths the tenant names. Deploy CLI keywords
//! are replaced in the tenant's files and Action code before parsing ([`super::keywords`]).
//! Every failure names the file, the path inside it and the reason; what the mock does not use
//! is listed in [`Tenant::load_warnings`].

use super::directory;
use super::keywords::{DeploySettings, Keywords, LoadEnv};
use super::model::*;
use super::organization::Organization;
use super::parse::parse_yaml;
use super::scenario::Scenario;
use super::source::{EMBEDDED_SOURCE, FixtureSource};
use super::unused::{self, SummaryKind};
use crate::error::FixtureError;
use crate::protocol::{Trigger, is_management_audience};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
struct TenantSettings {
    #[serde(default)]
    friendly_name: Option<String>,
    #[serde(default)]
    default_audience: Option<String>,
    #[serde(default)]
    allowed_logout_urls: Vec<String>,
    #[serde(default)]
    allow_organization_name_in_authentication_api: bool,
}

#[derive(Debug, Default, Deserialize)]
struct KeyFiles {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ActionDef {
    name: String,
    code: String,
    #[serde(default)]
    dependencies: Vec<NamedValue>,
    #[serde(default)]
    secrets: Vec<NamedValue>,
    #[serde(default)]
    supported_triggers: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct NamedValue {
    name: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    version: Option<String>,
}

/// `triggers:` by Deploy CLI key, each a list of bindings.
type Triggers = std::collections::BTreeMap<String, Vec<Map<String, Value>>>;

#[derive(Debug, Deserialize)]
struct TenantFile {
    #[serde(default)]
    tenant: TenantSettings,
    #[serde(default)]
    clients: Vec<Client>,
    #[serde(default, rename = "resourceServers")]
    resource_servers: Vec<ResourceServer>,
    #[serde(default, rename = "clientGrants")]
    client_grants: Vec<ClientGrant>,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    connections: Vec<Connection>,
    #[serde(default)]
    databases: Vec<Connection>,
    #[serde(default)]
    actions: Vec<ActionDef>,
    #[serde(default)]
    triggers: Triggers,
    #[serde(default)]
    keys: KeyFiles,
    #[serde(default)]
    users: Vec<User>,
    #[serde(default, rename = "emailTemplates")]
    email_templates: Vec<EmailTemplate>,
    #[serde(default, rename = "guardianPolicies")]
    guardian_policies: GuardianPolicies,
    #[serde(default)]
    organizations: Vec<Organization>,
}

/// `guardianPolicies:` of a Deploy CLI export.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardianPolicies {
    #[serde(default)]
    policies: Vec<String>,
}

impl GuardianPolicies {
    /// The policy, or the value Auth0 would refuse.
    fn policy(&self) -> Result<MfaPolicy, String> {
        match self.policies.as_slice() {
            [] => Ok(MfaPolicy::Never),
            [p] if p == "all-applications" => Ok(MfaPolicy::Always),
            [p] if p == "confidence-score" => Err(
                "'confidence-score' (adaptive MFA) is not supported by auth0-mock: use all-applications, or [] with api.multifactor.enable in an Action".into(),
            ),
            other => Err(format!(
                "unknown policies {other:?}: Auth0 takes [] or [all-applications]"
            )),
        }
    }
}

/// An Auth0-style id (`rol_…`, `cgr_…`) derived from what names the entity, so fixtures
/// without ids get the same ones at every start and tests can rely on them.
pub(crate) fn derived_id(prefix: &str, name: &str) -> String {
    let hash = crate::util::short_hash(name);
    format!("{prefix}{}", &hash[..16])
}

/// `verb:thing`, the shape of every Management API scope.
fn is_scope_word(s: &str) -> bool {
    s.split_once(':').is_some_and(|(verb, thing)| {
        let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        word(verb) && word(thing)
    })
}

/// Loads the tenant compiled into the binary.
pub fn load_embedded() -> Result<Tenant, FixtureError> {
    load(
        &FixtureSource::Embedded,
        "embedded default tenant",
        &LoadEnv::from_process(),
    )
}

/// Loads a tenant from a fixtures directory, reading the process environment for keywords
/// and `${NAME}` references.
pub fn load_dir(dir: &Path) -> Result<Tenant, FixtureError> {
    load_dir_with_env(dir, &LoadEnv::from_process())
}

/// [`load_dir`] with the environment given instead of read from the process.
pub fn load_dir_with_env(dir: &Path, env: &LoadEnv) -> Result<Tenant, FixtureError> {
    load(
        &FixtureSource::Dir(dir.to_path_buf()),
        &dir.display().to_string(),
        env,
    )
}

/// The tenant document as parsed, the paths in it the model does not read, and, for a
/// directory export, where its entries came from.
type Document = (TenantFile, Vec<String>, Option<directory::Origins>);

fn load(src: &FixtureSource, label: &str, env: &LoadEnv) -> Result<Tenant, FixtureError> {
    let settings = DeploySettings::read(src, env)?;
    let mut warnings = settings.warnings.clone();
    let tenant_yaml = src.describe("tenant.yaml");
    let (file, mut unused, origins): Document = match src.read("tenant.yaml")? {
        Some(text) => {
            let text = settings.keywords.apply(&tenant_yaml, &text)?;
            let (file, unused) = unused::parse_yaml_noting_unused(&tenant_yaml, &text)?;
            (file, unused, None)
        }
        None => match src {
            FixtureSource::Dir(dir)
                if directory::looks_like_export(dir, &settings.connections_directory) =>
            {
                let assembled = directory::assemble(src, dir, label, &settings)?;
                warnings.extend(assembled.notes);
                let origins = assembled.origins;
                let (file, unused) = unused::from_value_noting_unused(label, assembled.document)
                    .map_err(|e| origins.relocate(e))?;
                (file, unused, Some(origins))
            }
            _ => {
                return Err(FixtureError::Io {
                    file: tenant_yaml,
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "a fixtures directory needs tenant.yaml, or a Deploy CLI directory export (tenant.json, clients/, …)",
                    ),
                });
            }
        },
    };
    unused.extend(unused_by_meaning(&file));
    let (tenant_file, lines) = match &origins {
        None => (
            tenant_yaml.clone(),
            unused::summary(&tenant_yaml, &unused, SummaryKind::Tenant)
                .into_iter()
                .collect(),
        ),
        Some(o) => (label.to_string(), o.summaries(&unused)),
    };
    warnings.extend(lines);
    let built = build(
        src,
        file,
        &tenant_file,
        env,
        &settings.keywords,
        &mut warnings,
    );
    let mut tenant = match &origins {
        Some(o) => built.map_err(|e| o.relocate(e))?,
        None => built?,
    };
    warnings.extend(settings.keywords.leftover_warning());
    for w in &warnings {
        tracing::warn!("{w}");
    }
    if let Some(file) = origins.as_ref().and_then(directory::Origins::triggers_file) {
        tenant.triggers_origin = (file.to_string(), String::new());
    }
    tenant.source = label.to_string();
    tenant.load_warnings = warnings;
    Ok(tenant)
}

/// Paths that parse but mean nothing to the mock: bindings of a trigger it does not run, and
/// `options.email` on a connection that is not passwordless email (a social permission flag).
fn unused_by_meaning(file: &TenantFile) -> Vec<String> {
    let mut out = Vec::new();
    for (id, entries) in &file.triggers {
        if Trigger::from_id(id).is_none() && !entries.is_empty() {
            out.push(format!("triggers.{id}"));
        }
    }
    for (section, list) in [
        ("databases", &file.databases),
        ("connections", &file.connections),
    ] {
        for (i, c) in list.iter().enumerate() {
            if c.options.email.is_some() && c.passwordless() != Some(PasswordlessChannel::Email) {
                out.push(format!("{section}[{i}].options.email"));
            }
        }
    }
    out
}

/// Validates a parsed tenant document and builds the tenant; `tenant_file` is the name its
/// errors carry.
fn build(
    src: &FixtureSource,
    file: TenantFile,
    tenant_file: &str,
    env: &LoadEnv,
    keywords: &Keywords,
    warnings: &mut Vec<String>,
) -> Result<Tenant, FixtureError> {
    let tenant_file = tenant_file.to_string();
    let now = crate::clock::Clock::default().now();
    let inv =
        |path: String, reason: String| FixtureError::invalid(tenant_file.clone(), path, reason);

    // Connections: Deploy CLI writes database connections under `databases`.
    let mut connections = file.databases;
    connections.extend(file.connections);
    if connections.is_empty() {
        connections.push(Connection {
            name: "Username-Password-Authentication".into(),
            strategy: "auth0".into(),
            id: None,
            options: Default::default(),
            enabled_clients: None,
        });
    }
    for c in connections.iter_mut().filter(|c| c.id.is_none()) {
        c.id = Some(format!("con_{}", crate::util::short_hash(&c.name)));
    }
    for (i, c) in connections.iter().enumerate() {
        check_connection_options(c).map_err(|(field, reason)| {
            inv(
                format!("connections[name={}].options.{field}", c.name),
                reason,
            )
        })?;
        if connections[..i].iter().any(|o| o.name == c.name) {
            return Err(inv(
                format!("connections[name={}]", c.name),
                "duplicate connection name".into(),
            ));
        }
    }

    // Clients.
    let mut clients = file.clients;
    for (i, c) in clients.iter_mut().enumerate() {
        if c.client_id.trim().is_empty() {
            c.client_id = slug(&c.name);
            tracing::info!(client = %c.name, client_id = %c.client_id, "client has no client_id in fixtures; derived it from the name");
        }
        if !c.is_public() && c.client_secret.as_deref().unwrap_or("").is_empty() {
            return Err(inv(
                format!("clients[{i}].client_secret"),
                format!(
                    "client '{}' authenticates with {} and needs a client_secret",
                    c.name,
                    c.auth_method().as_str()
                ),
            ));
        }
        if c.jwt_configuration.alg != "RS256" {
            return Err(inv(
                format!("clients[{i}].jwt_configuration.alg"),
                "only RS256 is supported".into(),
            ));
        }
        for (j, url) in c.callbacks.iter().enumerate() {
            if url::Url::parse(url).is_err() {
                return Err(inv(
                    format!("clients[{i}].callbacks[{j}]"),
                    format!("'{url}' is not an absolute URL"),
                ));
            }
        }
    }
    for (i, c) in clients.iter().enumerate() {
        if clients[..i].iter().any(|o| o.client_id == c.client_id) {
            return Err(inv(
                format!("clients[{i}].client_id"),
                format!("duplicate client_id '{}'", c.client_id),
            ));
        }
    }

    // APIs.
    let mut apis = file.resource_servers;
    for a in apis.iter_mut().filter(|a| a.id.is_empty()) {
        a.id = crate::util::short_hash(&a.identifier);
    }
    for (i, a) in apis.iter().enumerate() {
        if is_management_audience(&a.identifier) {
            return Err(inv(
                format!("resourceServers[{i}].identifier"),
                "You can not configure the 'Auth0 Management API' (auth0-mock serves it as /api/v2/)".into(),
            ));
        }
        if a.identifier.trim().is_empty() {
            return Err(inv(
                format!("resourceServers[{i}].identifier"),
                "must not be empty".into(),
            ));
        }
        if a.signing_alg != "RS256" {
            return Err(inv(
                format!("resourceServers[{i}].signing_alg"),
                format!(
                    "'{}' is not supported; auth0-mock signs with RS256",
                    a.signing_alg
                ),
            ));
        }
        if apis[..i].iter().any(|o| o.identifier == a.identifier) {
            return Err(inv(
                format!("resourceServers[{i}].identifier"),
                format!("duplicate identifier '{}'", a.identifier),
            ));
        }
    }
    if let Some(aud) = &file.tenant.default_audience
        && !apis.iter().any(|a| &a.identifier == aud)
    {
        return Err(inv(
            "tenant.default_audience".into(),
            format!("no resourceServer has identifier '{aud}'"),
        ));
    }

    // Client grants: the Deploy CLI names clients by name.
    let mut client_grants = file.client_grants;
    for (i, g) in client_grants.iter_mut().enumerate() {
        match clients
            .iter()
            .find(|c| c.client_id == g.client_id || c.name == g.client_id)
        {
            Some(c) => g.client_id = c.client_id.clone(),
            None => {
                return Err(inv(
                    format!("clientGrants[{i}].client_id"),
                    format!("no client named '{}'", g.client_id),
                ));
            }
        }
        if g.id.is_empty() {
            g.id = derived_id("cgr_", &format!("{}\n{}", g.client_id, g.audience));
        }
        if is_management_audience(&g.audience) {
            tracing::info!(
                grant = i,
                client = %g.client_id,
                audience = %g.audience,
                "clientGrants: this audience is the Auth0 Management API; auth0-mock serves it as its own /api/v2/ (tokens for it carry the grant's scopes)"
            );
            if let Some((j, s)) = g.scope.iter().enumerate().find(|(_, s)| !is_scope_word(s)) {
                return Err(inv(
                    format!("clientGrants[{i}].scope[{j}]"),
                    format!("'{s}' is not a Management API scope (they read like read:users)"),
                ));
            }
            continue;
        }
        let Some(api) = apis.iter().find(|a| a.identifier == g.audience) else {
            return Err(inv(
                format!("clientGrants[{i}].audience"),
                format!("no resourceServer '{}'", g.audience),
            ));
        };
        for (j, s) in g.scope.iter().enumerate() {
            if !api.has_scope(s) {
                return Err(inv(
                    format!("clientGrants[{i}].scope[{j}]"),
                    format!("API '{}' defines no scope '{s}'", api.identifier),
                ));
            }
        }
    }

    // Roles.
    let mut roles = file.roles;
    for r in roles.iter_mut().filter(|r| r.id.is_empty()) {
        r.id = derived_id("rol_", &r.name);
    }
    for (i, r) in roles.iter().enumerate() {
        if roles[..i].iter().any(|o| o.name == r.name || o.id == r.id) {
            return Err(inv(
                format!("roles[{i}].name"),
                format!("duplicate role '{}'", r.name),
            ));
        }
        for (j, p) in r.permissions.iter().enumerate() {
            if !apis
                .iter()
                .any(|a| a.identifier == p.resource_server_identifier)
            {
                return Err(inv(
                    format!("roles[{i}].permissions[{j}].resource_server_identifier"),
                    format!("no resourceServer '{}'", p.resource_server_identifier),
                ));
            }
        }
    }

    // Users: inline in tenant.yaml and/or users.json.
    let mut users = file.users;
    let users_file = src.describe("users.json");
    let mut users_origin: Vec<(String, usize)> =
        (0..users.len()).map(|i| (tenant_file.clone(), i)).collect();
    if let Some(text) = src.read("users.json")? {
        let (more, unused): (Vec<User>, _) = unused::parse_yaml_noting_unused(&users_file, &text)?;
        warnings.extend(unused::summary(&users_file, &unused, SummaryKind::Entry));
        users_origin.extend((0..more.len()).map(|i| (users_file.clone(), i)));
        users.extend(more);
    }
    for (idx, u) in users.iter_mut().enumerate() {
        let (f, i) = &users_origin[idx];
        let here = |field: &str| {
            if f == &users_file {
                format!("[{i}].{field}")
            } else {
                format!("users[{i}].{field}")
            }
        };
        if u.email.is_none() && u.username.is_none() && u.phone_number.is_none() {
            return Err(FixtureError::invalid(
                f,
                here("email"),
                "a user needs an email or a username",
            ));
        }
        if u.user_id.is_empty() && u.identities.is_empty() {
            let login = u.email.clone().or(u.username.clone()).unwrap_or_default();
            u.user_id = crate::util::short_hash(&login);
        }
        u.normalize(now);
        if u.user_id.is_empty() {
            return Err(FixtureError::invalid(
                f,
                here("identities[0]"),
                "an identity needs provider and user_id (or give the user a user_id)",
            ));
        }
        for r in &u.roles {
            if !roles.iter().any(|role| &role.name == r) {
                return Err(FixtureError::invalid(
                    f,
                    here("roles"),
                    format!("unknown role '{r}' (define it under roles: in tenant.yaml)"),
                ));
            }
        }
        if let Some(secret) = u.mfa.as_ref().and_then(|m| m.totp_secret.as_deref())
            && !totp_rs::Secret::Encoded(secret.to_string())
                .to_bytes()
                .is_ok_and(|b| !b.is_empty())
        {
            return Err(FixtureError::invalid(
                f,
                here("mfa.totp_secret"),
                "not a base32 TOTP secret (A-Z and 2-7, as authenticator apps take)",
            ));
        }
        if let Some(phone) = u.mfa.as_ref().and_then(|m| m.phone_number.as_deref())
            && !crate::util::is_e164(phone)
        {
            return Err(FixtureError::invalid(
                f,
                here("mfa.phone_number"),
                "not an E.164 phone number (+ and 1 to 15 digits)",
            ));
        }
        if let Some(email) = u.mfa.as_ref().and_then(|m| m.email.as_deref())
            && !email.contains('@')
        {
            return Err(FixtureError::invalid(
                f,
                here("mfa.email"),
                "not an email address",
            ));
        }
        if let Some(c) = &u.connection
            && !connections.iter().any(|k| &k.name == c)
        {
            return Err(FixtureError::invalid(
                f,
                here("connection"),
                format!("unknown connection '{c}'"),
            ));
        }
    }
    for (idx, u) in users.iter().enumerate() {
        if users[..idx].iter().any(|o| o.user_id == u.user_id) {
            let (f, i) = &users_origin[idx];
            return Err(FixtureError::invalid(
                f,
                format!("[{i}].user_id"),
                format!("duplicate user_id '{}'", u.user_id),
            ));
        }
    }

    // Keys: a PEM key, and optionally its certificate next to it (`.crt`), which spares
    // startup an RSA signature.
    let read_key = |path: Option<&String>,
                    default_rel: &str,
                    field: &str|
     -> Result<Option<KeyPem>, FixtureError> {
        let rel = path.cloned().unwrap_or_else(|| default_rel.to_string());
        let text = src.read(&rel)?;
        match (text, path) {
            (None, Some(p)) => Err(inv(
                format!("keys.{field}"),
                format!("file '{p}' not found"),
            )),
            (None, None) => Ok(None),
            (Some(key), _) => {
                crate::keys::parse_private_pem(&key)
                    .map_err(|e| FixtureError::invalid(src.describe(&rel), "$", e.to_string()))?;
                let cert_rel = match rel.rsplit_once('.') {
                    Some((stem, _)) => format!("{stem}.crt"),
                    None => format!("{rel}.crt"),
                };
                let cert = src.read(&cert_rel)?;
                Ok(Some(KeyPem { key, cert }))
            }
        }
    };
    let signing_key = match read_key(file.keys.current.as_ref(), "keys/current.pem", "current")? {
        Some(k) => k,
        None => {
            tracing::warn!(
                "fixtures have no keys/current.pem: signing with the publicly known embedded test key"
            );
            let embedded = |rel: &str| {
                EMBEDDED_SOURCE
                    .iter()
                    .find(|(p, _)| *p == rel)
                    .map(|(_, t)| t.to_string())
            };
            KeyPem {
                key: embedded("keys/current.pem").unwrap_or_default(),
                cert: embedded("keys/current.crt"),
            }
        }
    };
    let next_key = read_key(file.keys.next.as_ref(), "keys/next.pem", "next")?;

    // Trigger bindings: native hooks and Actions, in trigger order.
    let mut bindings: std::collections::HashMap<Trigger, Vec<HookBinding>> = Default::default();
    for (id, entries) in &file.triggers {
        // A trigger the mock does not run is among the load's unused paths.
        let Some(trigger) = Trigger::from_id(id) else {
            continue;
        };
        let loaded = load_bindings(
            trigger,
            entries,
            &file.actions,
            src,
            &tenant_file,
            (env, keywords),
        )?;
        bindings.insert(trigger, loaded);
    }
    let mut take = |t: Trigger| bindings.remove(&t).unwrap_or_default();
    let post_login = take(Trigger::PostLogin);
    let pre_user_registration = take(Trigger::PreUserRegistration);
    let post_user_registration = take(Trigger::PostUserRegistration);
    let post_change_password = take(Trigger::PostChangePassword);
    let credentials_exchange = take(Trigger::CredentialsExchange);

    let scenarios = load_scenarios(src)?;

    let mut organizations = file.organizations;
    resolve_organizations(&mut organizations, &users, &roles, &connections)
        .map_err(|(path, reason)| FixtureError::invalid(&tenant_file, path, reason))?;
    let tenant = Tenant {
        friendly_name: file
            .tenant
            .friendly_name
            .unwrap_or_else(|| "auth0-mock".into()),
        default_audience: file.tenant.default_audience,
        clients,
        apis,
        client_grants,
        roles,
        connections,
        allowed_logout_urls: file.tenant.allowed_logout_urls,
        users,
        signing_key,
        next_key,
        post_login,
        pre_user_registration,
        post_user_registration,
        post_change_password,
        credentials_exchange,
        email_templates: file.email_templates,
        mfa_policy: file
            .guardian_policies
            .policy()
            .map_err(|e| FixtureError::invalid(&tenant_file, "guardianPolicies.policies", e))?,
        organizations,
        organization_names: file.tenant.allow_organization_name_in_authentication_api,
        scenarios,
        source: String::new(),
        load_warnings: Vec::new(),
        triggers_origin: (tenant_file.clone(), "triggers.".into()),
    };
    for s in &tenant.scenarios {
        tenant
            .check_scenario(s)
            .map_err(|(path, reason)| FixtureError::invalid(&s.file, path, reason))?;
    }
    Ok(tenant)
}

/// Loads `scenarios/*.yaml`; a scenario without a `name` is named after its file.
/// The connection options Auth0 would refuse, as `(field, reason)`: a bound outside Auth0's
/// range would otherwise be clamped silently.
fn check_connection_options(c: &Connection) -> Result<(), (&'static str, String)> {
    let o = &c.options;
    if c.passwordless().is_some() {
        if !(4..=12).contains(&o.totp.length) {
            return Err(("totp.length", "must be between 4 and 12 digits".into()));
        }
        if !(1..=86_400).contains(&o.totp.time_step) {
            return Err((
                "totp.time_step",
                "must be between 1 and 86400 seconds".into(),
            ));
        }
    }
    if let Some(min) = o.password_complexity_options.min_length
        && !(1..=128).contains(&min)
    {
        return Err((
            "password_complexity_options.min_length",
            "must be between 1 and 128".into(),
        ));
    }
    if let Some(u) = o.validation.username
        && !(u.min >= 1 && u.min <= u.max && u.max <= 128)
    {
        return Err(("validation.username", "needs 1 <= min <= max <= 128".into()));
    }
    Ok(())
}

/// Loads one trigger's entries: Actions (by `action_name`, their code and secrets) and native
/// hooks (by `hook`), in order.
fn load_bindings(
    trigger: Trigger,
    entries: &[Map<String, Value>],
    actions: &[ActionDef],
    src: &FixtureSource,
    tenant_file: &str,
    (env, keywords): (&LoadEnv, &Keywords),
) -> Result<Vec<HookBinding>, FixtureError> {
    let inv =
        |path: String, reason: String| FixtureError::invalid(tenant_file.to_string(), path, reason);
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let path = format!("triggers.{}[{i}]", trigger.id());
        if let Some(action_name) = entry.get("action_name").and_then(Value::as_str) {
            let Some(action) = actions.iter().find(|a| a.name == action_name) else {
                return Err(inv(
                    path,
                    format!("no action named '{action_name}' under actions:"),
                ));
            };
            if !action.supported_triggers.is_empty()
                && !action
                    .supported_triggers
                    .iter()
                    .any(|t| t.get("id").and_then(Value::as_str) == Some(trigger.id()))
            {
                return Err(inv(
                    path,
                    format!("action '{action_name}' does not list {trigger} in supported_triggers"),
                ));
            }
            // Relative to the fixtures root in both formats, and with Windows separators read
            // as `/`, as the Deploy CLI reads it.
            let code_rel = action.code.replace('\\', "/");
            let code_rel = code_rel.trim_start_matches("./").to_string();
            let code = src.read(&code_rel)?.ok_or_else(|| {
                inv(
                    format!("actions[name={action_name}].code"),
                    format!("code file '{}' not found", action.code),
                )
            })?;
            let code = keywords.apply(&src.describe(&code_rel), &code)?;
            let mut secrets = Map::new();
            for s in &action.secrets {
                let v = s.value.clone().unwrap_or(Value::String(String::new()));
                secrets.insert(
                    s.name.clone(),
                    resolve_env(
                        env,
                        &v,
                        tenant_file,
                        &format!("actions[name={action_name}].secrets"),
                    )?,
                );
            }
            let dependencies = action
                .dependencies
                .iter()
                .map(|d| match &d.version {
                    Some(v) => format!("{}@{v}", d.name),
                    None => d.name.clone(),
                })
                .collect();
            out.push(HookBinding {
                trigger,
                kind: "action".into(),
                name: action.name.clone(),
                settings: Value::Object(entry.clone()),
                secrets,
                code: Some((src.describe(&code_rel), code)),
                dependencies,
            });
        } else if let Some(kind) = entry.get("hook").and_then(Value::as_str) {
            let mut settings = entry.clone();
            settings.remove("hook");
            let name = settings
                .remove("name")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| kind.to_string());
            let secrets = match settings.remove("secrets") {
                Some(Value::Object(m)) => m,
                None => Map::new(),
                Some(_) => {
                    return Err(inv(
                        format!("{path}.secrets"),
                        "must be a mapping of name: value".into(),
                    ));
                }
            };
            let settings = resolve_env(env, &Value::Object(settings), tenant_file, &path)?;
            let secrets = match resolve_env(
                env,
                &Value::Object(secrets),
                tenant_file,
                &format!("{path}.secrets"),
            )? {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            out.push(HookBinding {
                trigger,
                secrets,
                ..HookBinding::native(kind, &name, settings)
            });
        } else {
            return Err(inv(
                path,
                "an entry needs `action_name` (an Auth0 Action) or `hook` (a native hook)".into(),
            ));
        }
    }
    Ok(out)
}

fn load_scenarios(src: &FixtureSource) -> Result<Vec<Scenario>, FixtureError> {
    let mut out = Vec::new();
    for rel in src.list_yaml("scenarios")? {
        let text = src.read(&rel)?.unwrap_or_default();
        let file = src.describe(&rel);
        let mut s: Scenario = parse_yaml(&file, &text)?;
        s.file = file;
        if s.name.is_empty() {
            let stem = rel.rsplit('/').next().unwrap_or(&rel);
            s.name = stem
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .to_string();
        }
        out.push(s);
    }
    Ok(out)
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.trim_matches('-').to_string()
}

/// Replaces `${NAME}` and `${NAME:-default}` in every string of `value` with the environment,
/// so secrets such as Hasura's admin secret never have to sit in a fixture file.
pub(crate) fn resolve_env(
    env: &LoadEnv,
    value: &Value,
    file: &str,
    path: &str,
) -> Result<Value, FixtureError> {
    Ok(match value {
        Value::String(s) => Value::String(expand(env, s, file, path)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| resolve_env(env, v, file, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(
                    k.clone(),
                    resolve_env(env, v, file, &format!("{path}.{k}"))?,
                );
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

fn expand(env: &LoadEnv, s: &str, file: &str, path: &str) -> Result<String, FixtureError> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(FixtureError::invalid(
                file,
                path,
                format!("unterminated ${{ in '{s}'"),
            ));
        };
        let expr = &after[..end];
        let (name, default) = match expr.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (expr, None),
        };
        match (env.get(name), default) {
            (Some(v), _) => out.push_str(v),
            (None, Some(d)) => out.push_str(d),
            (None, None) => {
                return Err(FixtureError::invalid(
                    file,
                    path,
                    format!(
                        "environment variable {name} is not set (write ${{{name}:-default}} for a fallback)"
                    ),
                ));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Completes and checks the organizations as loaded: ids derived where absent, names lower
/// case and unique, connections and roles that exist, members resolved from email to user id.
/// The error is `(field path, reason)`.
fn resolve_organizations(
    orgs: &mut [Organization],
    users: &[User],
    roles: &[Role],
    connections: &[Connection],
) -> Result<(), (String, String)> {
    for (i, o) in orgs.iter_mut().enumerate() {
        let at = |f: &str| format!("organizations[{i}].{f}");
        if o.name.is_empty() || o.name != o.name.to_ascii_lowercase() {
            return Err((
                at("name"),
                "an organization name is lower case and not empty, as Auth0 requires".into(),
            ));
        }
        if o.id.is_empty() {
            o.id = derived_id("org_", &o.name);
        } else if !o.id.starts_with("org_") {
            return Err((
                at("id"),
                format!("'{}' is not an organization id (org_…)", o.id),
            ));
        }
        for (j, c) in o.connections.iter().enumerate() {
            if !connections.iter().any(|k| k.name == c.name) {
                return Err((
                    at(&format!("connections[{j}].name")),
                    format!("unknown connection '{}'", c.name),
                ));
            }
        }
        for (j, m) in o.members.iter_mut().enumerate() {
            let by_email: Vec<&User> = users
                .iter()
                .filter(|u| {
                    u.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(&m.user))
                })
                .collect();
            if by_email.len() > 1 {
                return Err((
                    at(&format!("members[{j}].user")),
                    format!(
                        "'{}' is the email of several users (of different connections): give the user_id",
                        m.user
                    ),
                ));
            }
            let user = users
                .iter()
                .find(|u| u.user_id == m.user)
                .or(by_email.first().copied())
                .ok_or_else(|| {
                    (
                        at(&format!("members[{j}].user")),
                        format!("unknown user '{}'", m.user),
                    )
                })?;
            m.user = user.user_id.clone();
            if let Some(r) = m
                .roles
                .iter()
                .find(|r| !roles.iter().any(|role| &role.name == *r))
            {
                return Err((
                    at(&format!("members[{j}].roles")),
                    format!("unknown role '{r}'"),
                ));
            }
        }
    }
    for (i, o) in orgs.iter().enumerate() {
        if orgs[..i].iter().any(|p| p.id == o.id || p.name == o.name) {
            return Err((
                format!("organizations[{i}]"),
                format!("duplicate organization '{}'", o.name),
            ));
        }
    }
    Ok(())
}
