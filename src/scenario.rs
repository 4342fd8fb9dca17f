//! Claim scenarios: named, fixture-defined token situations (an admin, an expired token, a
//! wrong audience, a bad signature…) so test suites get exactly the token they need without a
//! login, from the CLI, over HTTP or through the next real login.

use crate::error::FixtureError;
use crate::tenant::{FixtureSource, Tenant};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A token defect a scenario can ask for. Each one breaks exactly one thing a verifier checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    /// `exp` one hour ago.
    Expired,
    /// `nbf` one hour ahead.
    NotYetValid,
    /// `iat` one hour ahead.
    IssuedInFuture,
    /// `iss` of another tenant.
    WrongIssuer,
    /// `aud` of another API.
    WrongAudience,
    /// Signed by a key that is not published (with the real `kid`).
    UnknownKey,
    /// Signature bytes corrupted.
    BadSignature,
    /// Correct signature, `kid` not in the JWKS.
    UnknownKid,
    /// No `kid` header.
    NoKid,
    /// `alg: none`, no signature.
    AlgNone,
    /// Hasura claims as a JSON string.
    StringifiedHasuraClaims,
    /// Hasura default role outside the allowed roles.
    DefaultRoleNotAllowed,
}

/// What a correct verifier does with the scenario's token.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Expectation {
    /// `accept` or `reject`, for an API verifying signature (by `kid`), issuer, audience, time.
    #[serde(default)]
    pub api: Option<String>,
    /// `ok`, or the Hasura error code (`invalid-jwt`, `jwt-invalid-claims`, `access-denied`…).
    #[serde(default)]
    pub hasura: Option<String>,
}

/// Changes to one token's claims.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClaimEdits {
    /// Claims added or overridden.
    #[serde(default)]
    pub set: Map<String, Value>,
    /// Claims removed.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Overrides of the Hasura session (`default_role`, `allowed_roles`, other `x-hasura-*`).
    #[serde(default)]
    pub hasura: Option<HasuraOverride>,
}

/// Override of Hasura's claims in a scenario.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HasuraOverride {
    /// `x-hasura-default-role`.
    #[serde(default)]
    pub default_role: Option<String>,
    /// `x-hasura-allowed-roles`.
    #[serde(default)]
    pub allowed_roles: Option<Vec<String>>,
}

/// One named situation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name (the file stem unless given).
    #[serde(default)]
    pub name: String,
    /// One line: the situation and what a correct API does with it.
    pub description: String,
    /// The user (email, username or user_id) the token is for.
    #[serde(default)]
    pub user: Option<String>,
    /// A client, for a client_credentials token instead of a user token.
    #[serde(default)]
    pub client: Option<String>,
    /// The client a user token is issued to (default: the first SPA).
    #[serde(default)]
    pub client_id: Option<String>,
    /// Audience (default: the tenant's default audience, else its first API).
    #[serde(default)]
    pub audience: Option<String>,
    /// Scope (default `openid profile email`).
    #[serde(default)]
    pub scope: Option<String>,
    /// Access token lifetime in seconds.
    #[serde(default)]
    pub lifetime: Option<i64>,
    /// Defects to apply.
    #[serde(default)]
    pub defects: Vec<Defect>,
    /// Access token edits.
    #[serde(default)]
    pub access_token: ClaimEdits,
    /// ID token edits.
    #[serde(default)]
    pub id_token: ClaimEdits,
    /// What a correct verifier does.
    #[serde(default)]
    pub expect: Expectation,
    /// The file it was loaded from, for error messages (empty for ad-hoc scenarios).
    #[serde(skip)]
    pub file: String,
}

/// Loads `scenarios/*.yaml`.
pub fn load_all(src: &FixtureSource) -> Result<Vec<Scenario>, FixtureError> {
    let mut out = Vec::new();
    for rel in src.list_yaml("scenarios")? {
        let text = src.read(&rel)?.unwrap_or_default();
        let file = src.describe(&rel);
        let mut s: Scenario = crate::tenant::parse_yaml(&file, &text)?;
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

/// Checks that every scenario references users, clients and APIs that exist.
pub fn validate_all(tenant: &Tenant) -> Result<(), FixtureError> {
    for s in &tenant.scenarios {
        validate(tenant, s)
            .map_err(|(path, reason)| FixtureError::invalid(&s.file, path, reason))?;
    }
    Ok(())
}

/// Checks one scenario against a tenant; `Err((path, reason))`.
pub fn validate(tenant: &Tenant, s: &Scenario) -> Result<(), (String, String)> {
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
            if !tenant
                .users
                .iter()
                .any(|x| x.user_id == *u || x.matches_login(u))
            {
                return Err(("user".into(), format!("no user '{u}' in the tenant")));
            }
        }
        (None, Some(c)) => {
            if tenant.client(c).is_none() {
                return Err(("client".into(), format!("no client '{c}' in the tenant")));
            }
        }
    }
    if let Some(c) = &s.client_id
        && tenant.client(c).is_none()
    {
        return Err(("client_id".into(), format!("no client '{c}' in the tenant")));
    }
    if let Some(a) = &s.audience
        && tenant.api(a).is_none()
    {
        return Err(("audience".into(), format!("no API '{a}' in the tenant")));
    }
    if s.audience.is_none() && tenant.default_audience.is_none() && tenant.apis.is_empty() {
        return Err((
            "audience".into(),
            "the tenant has no API to issue an access token for".into(),
        ));
    }
    for (field, v) in [("expect.api", &s.expect.api)] {
        if let Some(v) = v
            && v != "accept"
            && v != "reject"
        {
            return Err((field.into(), format!("'{v}' must be accept or reject")));
        }
    }
    Ok(())
}

/// Issuer used by the `wrong_issuer` defect.
pub const WRONG_ISSUER: &str = "https://another-tenant.auth0-mock.test/";
/// Audience used by the `wrong_audience` defect.
pub const WRONG_AUDIENCE: &str = "https://another-api.auth0-mock.test";
/// `kid` used by the `unknown_kid` defect.
pub const UNKNOWN_KID: &str = "unknown-kid-not-in-jwks";

/// Applies a scenario's claim edits and (for access tokens) its defects to `claims`, and
/// returns the JWT header to sign with.
pub fn edit_claims(
    mock: &crate::state::Mock,
    s: &Scenario,
    claims: &mut Map<String, Value>,
    access: bool,
) -> Map<String, Value> {
    let key = mock.keys.read().current.clone();
    let mut header = crate::token::jwt_header(&key);
    let edits = if access { &s.access_token } else { &s.id_token };
    let ns = crate::hooks::hasura_claims::DEFAULT_NAMESPACE;
    if let Some(h) = &edits.hasura {
        let obj = claims
            .entry(ns.to_string())
            .or_insert_with(|| serde_json::json!({}));
        if let Some(map) = obj.as_object_mut() {
            if let Some(d) = &h.default_role {
                map.insert("x-hasura-default-role".into(), Value::String(d.clone()));
            }
            if let Some(a) = &h.allowed_roles {
                map.insert("x-hasura-allowed-roles".into(), serde_json::json!(a));
            }
        }
    }
    for (k, v) in &edits.set {
        claims.insert(k.clone(), v.clone());
    }
    for k in &edits.remove {
        claims.remove(k);
    }
    if !access {
        return header;
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .unwrap_or_else(|| mock.clock.now());
    if let Some(lifetime) = s.lifetime {
        claims.insert("exp".into(), serde_json::json!(iat + lifetime));
    }
    let lifetime = claims
        .get("exp")
        .and_then(Value::as_i64)
        .unwrap_or(iat + 86400)
        - iat;
    for d in &s.defects {
        match d {
            Defect::Expired => {
                claims.insert("iat".into(), serde_json::json!(iat - 3600 - lifetime));
                claims.insert("exp".into(), serde_json::json!(iat - 3600));
            }
            Defect::NotYetValid => {
                claims.insert("nbf".into(), serde_json::json!(iat + 3600));
            }
            Defect::IssuedInFuture => {
                claims.insert("iat".into(), serde_json::json!(iat + 3600));
                claims.insert("exp".into(), serde_json::json!(iat + 3600 + lifetime));
            }
            Defect::WrongIssuer => {
                claims.insert("iss".into(), serde_json::json!(WRONG_ISSUER));
            }
            Defect::WrongAudience => {
                claims.insert("aud".into(), serde_json::json!(WRONG_AUDIENCE));
            }
            Defect::StringifiedHasuraClaims => {
                if let Some(v) = claims.get(ns).cloned()
                    && v.is_object()
                {
                    claims.insert(ns.into(), Value::String(v.to_string()));
                }
            }
            Defect::DefaultRoleNotAllowed => {
                if let Some(map) = claims.get_mut(ns).and_then(Value::as_object_mut) {
                    let allowed: Vec<String> = map
                        .get("x-hasura-allowed-roles")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    let outside = ["admin", "superuser", "not-an-allowed-role"]
                        .into_iter()
                        .find(|r| !allowed.iter().any(|a| a == r))
                        .unwrap_or("x");
                    map.insert("x-hasura-default-role".into(), serde_json::json!(outside));
                }
            }
            Defect::NoKid => {
                header.remove("kid");
            }
            Defect::UnknownKid => {
                header.insert("kid".into(), serde_json::json!(UNKNOWN_KID));
            }
            Defect::AlgNone => {
                header.insert("alg".into(), serde_json::json!("none"));
                header.remove("kid");
            }
            Defect::UnknownKey | Defect::BadSignature => {}
        }
    }
    header
}

fn stranger_key() -> Result<&'static crate::keys::SigningKey, crate::error::OAuthError> {
    static KEY: std::sync::OnceLock<Result<crate::keys::SigningKey, String>> =
        std::sync::OnceLock::new();
    KEY.get_or_init(|| crate::keys::SigningKey::generate().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| {
            crate::error::OAuthError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                e.clone(),
            )
        })
}

/// Signs `claims` under `header`, applying signature defects (alg none, bad signature,
/// unknown key).
pub fn sign_with_defects(
    mock: &crate::state::Mock,
    s: &Scenario,
    header: Map<String, Value>,
    claims: &Map<String, Value>,
) -> Result<String, crate::error::OAuthError> {
    let key = mock.keys.read().current.clone();
    let header = if header.is_empty() {
        crate::token::jwt_header(&key)
    } else {
        header
    };
    if s.defects.contains(&Defect::AlgNone) {
        let h = serde_json::to_vec(&header).unwrap_or_default();
        let c = serde_json::to_vec(claims).unwrap_or_default();
        return Ok(format!(
            "{}.{}.",
            crate::util::b64url(&h),
            crate::util::b64url(&c)
        ));
    }
    let signer: &crate::keys::SigningKey = if s.defects.contains(&Defect::UnknownKey) {
        stranger_key()?
    } else {
        &key
    };
    let token = crate::token::sign_jwt(signer, &header, claims)?;
    if s.defects.contains(&Defect::BadSignature) {
        let (head, sig) = token.rsplit_once('.').unwrap_or((&token, ""));
        let mut bytes =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig)
                .unwrap_or_default();
        if let Some(b) = bytes.get_mut(10) {
            *b ^= 0x5a;
        }
        return Ok(format!("{head}.{}", crate::util::b64url(&bytes)));
    }
    Ok(token)
}

/// Parameters of an ad-hoc token (`auth0-mock token --user … --claim k=v`, `POST /__mock/token`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// A scenario to start from.
    #[serde(default)]
    pub scenario: Option<String>,
    /// User (email, username or id).
    #[serde(default)]
    pub user: Option<String>,
    /// Client for a client_credentials token.
    #[serde(default)]
    pub client: Option<String>,
    /// Audience.
    #[serde(default)]
    pub audience: Option<String>,
    /// Scope.
    #[serde(default)]
    pub scope: Option<String>,
    /// Extra access-token claims.
    #[serde(default)]
    pub claims: Map<String, Value>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub lifetime: Option<i64>,
}

/// Turns a token request into a scenario (named scenario plus overrides).
pub fn resolve_request(tenant: &Tenant, req: &TokenRequest) -> Result<Scenario, String> {
    let mut s = match &req.scenario {
        Some(name) => tenant.scenario(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = tenant.scenarios.iter().map(|s| s.name.as_str()).collect();
            format!("unknown scenario '{name}' (known: {})", known.join(", "))
        })?,
        None => Scenario {
            name: "ad-hoc".into(),
            description: "ad-hoc token".into(),
            user: None,
            client: None,
            client_id: None,
            audience: None,
            scope: None,
            lifetime: None,
            defects: vec![],
            access_token: ClaimEdits::default(),
            id_token: ClaimEdits::default(),
            expect: Expectation::default(),
            file: String::new(),
        },
    };
    if req.user.is_some() {
        s.user = req.user.clone();
        s.client = None;
    }
    if req.client.is_some() {
        s.client = req.client.clone();
        s.user = None;
    }
    if req.audience.is_some() {
        s.audience = req.audience.clone();
    }
    if req.scope.is_some() {
        s.scope = req.scope.clone();
    }
    if req.lifetime.is_some() {
        s.lifetime = req.lifetime;
    }
    for (k, v) in &req.claims {
        s.access_token.set.insert(k.clone(), v.clone());
    }
    if s.user.is_none() && s.client.is_none() {
        s.user = tenant.users.first().map(|u| u.user_id.clone());
    }
    validate(tenant, &s).map_err(|(path, reason)| format!("{path}: {reason}"))?;
    Ok(s)
}

/// Mints a scenario's tokens without a browser: a user token goes through the claim-only
/// (pure) hooks so it carries the same claims a real login would; a client token is a
/// client_credentials token.
pub async fn mint(
    mock: &crate::state::Mock,
    s: &Scenario,
) -> Result<crate::token::TokenSet, crate::error::OAuthError> {
    let tenant = mock.tenant();
    let audience = s
        .audience
        .clone()
        .or(tenant.default_audience.clone())
        .or(tenant.apis.first().map(|a| a.identifier.clone()));
    if let Some(client_id) = &s.client {
        let aud = audience
            .ok_or_else(|| crate::error::OAuthError::invalid_request("the tenant has no API"))?;
        let scope: Vec<String> = match &s.scope {
            Some(sc) => crate::login::split_scope(Some(sc)),
            None => tenant
                .client_grant(client_id, &aud)
                .map(|g| g.scope.clone())
                .unwrap_or_default(),
        };
        let set = mock.mint_client_token(client_id, &aud, &scope)?;
        let mut claims = decode_claims(&set.access_token);
        let header = edit_claims(mock, s, &mut claims, true);
        let access_token = sign_with_defects(mock, s, header, &claims)?;
        return Ok(crate::token::TokenSet {
            access_token,
            ..set
        });
    }
    let login = s.user.clone().unwrap_or_default();
    let user = mock
        .store
        .lock()
        .find_user(&login)
        .cloned()
        .ok_or_else(|| crate::error::OAuthError::invalid_request(format!("no user '{login}'")))?;
    let client = match &s.client_id {
        Some(c) => tenant.client(c).cloned(),
        None => tenant
            .clients
            .iter()
            .find(|c| c.is_public())
            .or(tenant.clients.first())
            .cloned(),
    }
    .ok_or_else(|| crate::error::OAuthError::invalid_request("the tenant has no client"))?;
    let requested =
        crate::login::split_scope(Some(s.scope.as_deref().unwrap_or("openid profile email")));
    let mut event = crate::login::user_event(&user, &client, audience.as_deref());
    event.transaction = serde_json::json!({ "id": crate::util::random_id(12), "protocol": "oauth2-token-exchange", "requested_scopes": requested });
    let effects = mock
        .pipeline()
        .run_pure(
            event,
            &mock.http().map_err(|e| {
                crate::error::OAuthError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    e,
                )
            })?,
            &mock.records,
        )
        .await;
    let scope = crate::login::granted_scopes(
        &tenant,
        &client,
        &user.roles,
        audience.as_deref(),
        &requested,
    );
    let now = mock.clock.now();
    let grant = crate::login::Grant {
        user,
        client_id: client.client_id.clone(),
        audience,
        scope,
        nonce: None,
        sid: None,
        auth_time: now,
        include_auth_time: false,
        access_claims: effects.access_claims,
        id_claims: effects.id_claims,
        gty: None,
        implicit: false,
        scenario: None,
        permissions: vec![],
    };
    let now_claims = mock.access_claims(&grant, now);
    let (mut claims, lifetime) = now_claims.ok_or_else(|| {
        crate::error::OAuthError::invalid_request("no API audience for the access token")
    })?;
    let header = edit_claims(mock, s, &mut claims, true);
    let access_token = sign_with_defects(mock, s, header, &claims)?;
    let mut id = mock.id_claims(&grant, now, None, None);
    let id_header = edit_claims(mock, s, &mut id, false);
    let id_token = Some(crate::token::sign_jwt(
        &mock.keys.read().current,
        &id_header,
        &id,
    )?);
    Ok(crate::token::TokenSet {
        access_token,
        id_token,
        refresh_token: None,
        scope: grant.scope.join(" "),
        expires_in: lifetime,
        token_type: "Bearer",
    })
}

/// A minted scenario as the CLI and the control API report it: the tokens with the scenario's
/// name, description and what a correct verifier does with them.
pub fn minted_json(s: &Scenario, set: &crate::token::TokenSet) -> Value {
    serde_json::json!({
        "scenario": s.name,
        "description": s.description,
        "expect": s.expect,
        "access_token": set.access_token,
        "id_token": set.id_token,
        "token_type": set.token_type,
        "expires_in": set.expires_in,
        "scope": set.scope,
    })
}

fn decode_claims(jwt: &str) -> Map<String, Value> {
    jwt.split('.')
        .nth(1)
        .and_then(|p| {
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p).ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}
