//! What each CLI subcommand does, through the library's public API. `main.rs` only parses
//! arguments and calls these.

use auth0_mock::tenant::Tenant;
use auth0_mock::{MockServer, ServerConfig, TokenRequest};
use std::path::Path;

/// The startup banner: everything a user needs to point a client at the mock.
fn banner(server: &MockServer, tenant: &Tenant, smtp: Option<&str>) -> String {
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
    out.push_str(&format!(
        "  Dashboard           {issuer}__mock/ui   (tenant, token debugger, hook runs, Action tester, outbox)\n"
    ));
    if let Some(ca) = server.ca_cert_path() {
        out.push_str(&format!(
            "  TLS CA certificate  {}   (NODE_EXTRA_CA_CERTS / SSL_CERT_FILE)\n",
            ca.display()
        ));
    }
    out.push_str("\n  Clients (name, app_type, client_id, secret)\n");
    // Auth0's own app type names (`spa`, `regular_web`, …), in columns as wide as the longest.
    let app_type = |c: &auth0_mock::tenant::Client| {
        serde_json::to_value(c.app_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let name_w = tenant
        .clients
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    let type_w = tenant
        .clients
        .iter()
        .map(|c| app_type(c).len())
        .max()
        .unwrap_or(0);
    let id_w = tenant
        .clients
        .iter()
        .map(|c| c.client_id.len())
        .max()
        .unwrap_or(0);
    for c in &tenant.clients {
        let line = format!(
            "    {:<name_w$}  {:<type_w$}  {:<id_w$}  {}",
            c.name,
            app_type(c),
            c.client_id,
            c.client_secret.as_deref().unwrap_or("")
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str("\n  APIs (audience)\n");
    for a in &tenant.apis {
        out.push_str(&format!("    {}\n", a.identifier));
    }
    out.push_str("\n  Users (email / password / roles)\n");
    for u in &tenant.users {
        out.push_str(&format!(
            "    {:<24} {:<18} {}{}\n",
            u.login_name(),
            u.password.clone().unwrap_or_default(),
            u.roles.join(","),
            if u.blocked { "  (blocked)" } else { "" }
        ));
    }
    out.push_str(&format!(
        "\n  HASURA_GRAPHQL_JWT_SECRET='{}'\n",
        server.handle().hasura_jwt_secret(None)
    ));
    out.push_str("\n  Control API         ");
    out.push_str(&format!(
        "{issuer}__mock  (loopback or the control token; the mock's own host names; no cross-site pages)\n"
    ));
    let granted: Vec<&str> = tenant
        .clients
        .iter()
        .filter(|c| tenant.management_grant(&c.client_id).is_some())
        .map(|c| c.name.as_str())
        .collect();
    let granted = if granted.is_empty() {
        "no client has a grant to it".to_string()
    } else {
        format!(
            "client_credentials, audience {issuer}api/v2/: {}",
            granted.join(", ")
        )
    };
    out.push_str(&format!(
        "  Management API      {issuer}api/v2  (a Management API token; {granted})\n"
    ));
    let relay = smtp
        .map(|t| format!("; also sent over SMTP to {t}"))
        .unwrap_or_default();
    out.push_str(&format!(
        "  Outbox              {issuer}__mock/outbox  (verification, reset and passwordless emails and texts{relay})\n"
    ));
    out
}

/// `auth0-mock serve`.
pub async fn serve(cfg: ServerConfig) -> Result<(), String> {
    let started = std::time::Instant::now();
    let tenant = cfg.load_tenant().map_err(|e| e.to_string())?;
    let smtp = cfg.smtp.as_ref().map(|s| s.target().to_string());
    let cfg = ServerConfig {
        tenant: Some(tenant.clone()),
        ..cfg
    };
    let server = MockServer::start(cfg).await.map_err(|e| e.to_string())?;
    println!("{}", banner(&server, &tenant, smtp.as_deref()));
    tracing::info!(addr = %server.addr(), issuer = %server.issuer(), ms = started.elapsed().as_millis() as u64, "listening");
    server.run_until_signal().await;
    Ok(())
}

/// `auth0-mock check --fixtures DIR`: loads and validates everything serve would, and lists
/// what loading warned about (unused sections and fields, keywords without a mapping).
pub fn check(dir: &Path) -> Result<String, String> {
    let cfg = ServerConfig {
        fixtures: Some(dir.to_path_buf()),
        ..ServerConfig::default()
    };
    let handle = MockServer::offline(&cfg).map_err(|e| e.to_string())?;
    let tenant = handle.tenant();
    let mut out = format!(
        "{}: OK ({} clients, {} APIs, {} users, {} post-login hooks, {} scenarios)",
        dir.display(),
        tenant.clients.len(),
        tenant.apis.len(),
        tenant.users.len(),
        tenant.post_login.len(),
        tenant.scenarios.len()
    );
    for warning in &tenant.load_warnings {
        out.push_str(&format!("\nwarning: {warning}"));
    }
    Ok(out)
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

/// `auth0-mock token`: mints a token with no server running, signed with the key the server
/// would use, for the issuer it would have.
pub async fn token(cfg: ServerConfig, req: TokenRequest) -> Result<serde_json::Value, String> {
    let handle = MockServer::offline(&cfg).map_err(|e| e.to_string())?;
    let minted = handle.mint(req).await.map_err(|e| e.to_string())?;
    serde_json::to_value(minted).map_err(|e| e.to_string())
}

/// `auth0-mock hasura-jwt-config`: the `HASURA_GRAPHQL_JWT_SECRET` for the mock a config
/// describes (jwk_url form, or the key-based form).
pub fn hasura_jwt_config(
    cfg: Result<ServerConfig, String>,
    jwk_url: Option<String>,
    key_based: bool,
) -> Result<String, String> {
    let handle = MockServer::offline(&cfg?).map_err(|e| e.to_string())?;
    Ok(if key_based {
        handle.hasura_jwt_secret_key_based()
    } else {
        handle.hasura_jwt_secret(jwk_url.as_deref())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_banner_lists_clients_with_auth0s_app_types_in_aligned_columns() {
        let tenant = auth0_mock::tenant::load_embedded().unwrap();
        let server = MockServer::start(ServerConfig::for_tests()).await.unwrap();
        let text = banner(&server, &tenant, None);
        assert!(
            text.contains("    Default SPA      spa              auth0-mock-spa\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "    Default Web App  regular_web      auth0-mock-web  auth0-mock-web-secret\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "    Default M2M      non_interactive  auth0-mock-m2m  auth0-mock-m2m-secret\n"
            ),
            "{text}"
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn the_banner_points_to_the_dashboard() {
        let tenant = auth0_mock::tenant::load_embedded().unwrap();
        let server = MockServer::start(ServerConfig::for_tests()).await.unwrap();
        let text = banner(&server, &tenant, None);
        let issuer = server.issuer();
        assert!(
            text.contains(&format!("  Dashboard           {issuer}__mock/ui   (")),
            "{text}"
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn the_banner_names_the_management_api_and_the_clients_granted_it() {
        let tenant = auth0_mock::tenant::load_embedded().unwrap();
        let server = MockServer::start(ServerConfig::for_tests()).await.unwrap();
        let text = banner(&server, &tenant, None);
        let issuer = server.issuer();
        assert!(
            text.contains(&format!(
                "Management API      {issuer}api/v2  (a Management API token; client_credentials, audience {issuer}api/v2/: Default M2M)"
            )),
            "{text}"
        );
        server.shutdown().await;
    }
}
