//! What each CLI subcommand does. `main.rs` only parses arguments and calls these.

use crate::scenario::TokenRequest;
use crate::server::{MockServer, ServerConfig, issuer_for, load_tenant};
use crate::state::{ControlAccess, Mock};
use crate::tenant::Tenant;
use serde_json::json;
use std::path::Path;

/// The `HASURA_GRAPHQL_JWT_SECRET` value for a mock: JWKS URL, issuer and audience.
pub fn hasura_jwt_secret(issuer: &str, jwk_url: Option<&str>, audience: Option<&str>) -> String {
    let jwk_url = jwk_url
        .map(str::to_string)
        .unwrap_or_else(|| format!("{issuer}.well-known/jwks.json"));
    let mut v = json!({ "jwk_url": jwk_url, "issuer": issuer });
    if let Some(a) = audience {
        v["audience"] = json!(a);
    }
    v.to_string()
}

/// The key-based variant (no JWKS fetch): the signing certificate, as Hasura's Auth0 configurator
/// emits from `/pem`.
pub fn hasura_jwt_secret_key_based(issuer: &str, cert_pem: &str, audience: Option<&str>) -> String {
    let mut v = json!({ "type": "RS256", "key": cert_pem, "issuer": issuer });
    if let Some(a) = audience {
        v["audience"] = json!(a);
    }
    v.to_string()
}

/// The startup banner: everything a user needs to point a client at the mock.
pub fn banner(server: &MockServer, tenant: &Tenant) -> String {
    let issuer = server.issuer();
    let mut out = String::new();
    out.push_str(&format!(
        "\nauth0-mock is serving {} ({})\n\n",
        tenant.friendly_name, tenant.source
    ));
    out.push_str(&format!("  Domain / issuer     {issuer}\n"));
    out.push_str(&format!(
        "  Discovery           {issuer}.well-known/openid-configuration\n"
    ));
    out.push_str(&format!(
        "  JWKS                {issuer}.well-known/jwks.json\n"
    ));
    if let Some(ca) = server.ca_cert_path() {
        out.push_str(&format!(
            "  TLS CA certificate  {}   (NODE_EXTRA_CA_CERTS / SSL_CERT_FILE)\n",
            ca.display()
        ));
    }
    out.push_str("\n  Clients\n");
    for c in &tenant.clients {
        let secret = c
            .client_secret
            .as_deref()
            .map(|s| format!("  secret {s}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "    {:<24} client_id {}{secret}\n",
            format!("{} ({:?})", c.name, c.app_type),
            c.client_id
        ));
    }
    out.push_str("\n  APIs (audience)\n");
    for a in &tenant.apis {
        out.push_str(&format!("    {}\n", a.identifier));
    }
    out.push_str("\n  Users (email / password / roles)\n");
    for u in &tenant.users {
        out.push_str(&format!(
            "    {:<24} {:<18} {}{}\n",
            u.email.clone().or(u.username.clone()).unwrap_or_default(),
            u.password.clone().unwrap_or_default(),
            u.roles.join(","),
            if u.blocked { "  (blocked)" } else { "" }
        ));
    }
    let audience = tenant
        .default_audience
        .clone()
        .or(tenant.apis.first().map(|a| a.identifier.clone()));
    out.push_str(&format!(
        "\n  HASURA_GRAPHQL_JWT_SECRET='{}'\n",
        hasura_jwt_secret(issuer, None, audience.as_deref())
    ));
    out.push_str("\n  Control API         ");
    out.push_str(&format!(
        "{issuer}__mock  (loopback only unless --control-remote)\n"
    ));
    out
}

/// `auth0-mock serve`.
pub async fn serve(cfg: ServerConfig) -> Result<(), String> {
    let started = std::time::Instant::now();
    let tenant = load_tenant(&cfg).map_err(|e| e.to_string())?;
    let cfg = ServerConfig {
        tenant: Some(tenant.clone()),
        ..cfg
    };
    let server = MockServer::start(cfg).await.map_err(|e| e.to_string())?;
    println!("{}", banner(&server, &tenant));
    tracing::info!(addr = %server.addr(), issuer = %server.issuer(), ms = started.elapsed().as_millis() as u64, "listening");
    server.run_until_signal().await;
    Ok(())
}

/// `auth0-mock check --fixtures DIR`: loads and validates everything serve would.
pub fn check(dir: &Path) -> Result<String, String> {
    let tenant = crate::tenant::load_dir(dir).map_err(|e| e.to_string())?;
    let users = tenant.users.len();
    Mock::new(
        tenant.clone(),
        "http://localhost/".into(),
        false,
        None,
        Vec::new(),
        ControlAccess::default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "{}: OK ({} clients, {} APIs, {} users, {} post-login hooks, {} scenarios)",
        dir.display(),
        tenant.clients.len(),
        tenant.apis.len(),
        users,
        tenant.post_login.len(),
        tenant.scenarios.len()
    ))
}

/// `auth0-mock healthcheck`: GETs `/healthz` on the local mock; for Docker `HEALTHCHECK`.
pub async fn healthcheck(port: u16, tls: bool) -> Result<(), String> {
    let scheme = if tls { "https" } else { "http" };
    let url = format!("{scheme}://127.0.0.1:{port}/healthz");
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .tls_danger_accept_invalid_certs(true)
        .build()
        .map_err(|e| e.to_string())?;
    let res = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if res.status().is_success() {
        Ok(())
    } else {
        Err(format!("{url}: HTTP {}", res.status()))
    }
}

/// `auth0-mock keygen`: a new RS256 2048-bit key as PKCS#8 PEM.
pub fn keygen() -> Result<String, String> {
    let key = crate::keys::SigningKey::generate().map_err(|e| e.to_string())?;
    Ok(key.private_pem().to_string())
}

/// `auth0-mock token`: mints a token with no server running, signed with the key the server
/// would use, for the issuer it would have.
pub async fn token(cfg: ServerConfig, req: TokenRequest) -> Result<serde_json::Value, String> {
    let tenant = load_tenant(&cfg).map_err(|e| e.to_string())?;
    let issuer = issuer_for(&cfg, cfg.port).map_err(|e| e.to_string())?;
    let key = cfg
        .key_pem
        .as_deref()
        .map(crate::keys::SigningKey::from_pem)
        .transpose()
        .map_err(|e| e.to_string())?;
    let mock = Mock::new(
        tenant.clone(),
        issuer,
        cfg.tls,
        key,
        Vec::new(),
        ControlAccess::default(),
    )
    .map_err(|e| e.to_string())?;
    let scenario = crate::scenario::resolve_request(&tenant, &req)?;
    let set = crate::scenario::mint(&mock, &scenario)
        .await
        .map_err(|e| e.to_string())?;
    Ok(crate::scenario::minted_json(&scenario, &set))
}

/// `auth0-mock hasura-jwt-config`: the `HASURA_GRAPHQL_JWT_SECRET` for the mock a config
/// describes (jwk_url form, or the key-based form).
pub fn hasura_jwt_config(
    cfg: Result<ServerConfig, String>,
    jwk_url: Option<String>,
    key_based: bool,
) -> Result<String, String> {
    let cfg = cfg?;
    let tenant = load_tenant(&cfg).map_err(|e| e.to_string())?;
    let issuer = issuer_for(&cfg, cfg.port).map_err(|e| e.to_string())?;
    let audience = tenant
        .default_audience
        .clone()
        .or(tenant.apis.first().map(|a| a.identifier.clone()));
    if key_based {
        let pem = cfg
            .key_pem
            .clone()
            .unwrap_or(tenant.signing_key.key.clone());
        let key = crate::keys::SigningKey::from_pem(&pem).map_err(|e| e.to_string())?;
        Ok(hasura_jwt_secret_key_based(
            &issuer,
            &key.cert_pem(),
            audience.as_deref(),
        ))
    } else {
        Ok(hasura_jwt_secret(
            &issuer,
            jwk_url.as_deref(),
            audience.as_deref(),
        ))
    }
}
