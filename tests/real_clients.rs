//! Real, unmodified Auth0 client libraries (npm and PyPI) run against the mock.
//!
//! Each test starts the mock in-process on a random port, runs one script from
//! `tests/clients/` with `node` or the venv's `python`, and fails with the
//! script's stdout/stderr (which name the client, the step and what the mock
//! answered) when the script exits non-zero.
//!
//! Dependencies are installed on first use:
//! - `tests/clients/node_modules` by `npm ci` (pinned by `package-lock.json`);
//! - `tests/clients/.venv` by `python3 -m venv` + `pip install -r requirements.txt`;
//! - the browser test needs Debian's Chromium at `/usr/bin/chromium`
//!   (or `CHROMIUM_PATH`); it is never downloaded.
//!
//! See `tests/clients/README.md`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

#[path = "support/installs.rs"]
mod installs;
#[path = "support/upstream.rs"]
#[allow(dead_code)]
mod upstream;

use auth0_mock::{MockServer, ServerConfig};
use tokio::process::Command;
use tokio::sync::OnceCell;

const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);
const BROWSER_TIMEOUT: Duration = Duration::from_secs(180);

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

// ------------------------------------------------------------------ installs

static NODE_DEPS: OnceCell<Result<(), String>> = OnceCell::const_new();
static PYTHON_VENV: OnceCell<Result<PathBuf, String>> = OnceCell::const_new();

/// The Node client libraries of tests/clients, installed once per test process.
async fn node_deps() {
    let r = NODE_DEPS
        .get_or_init(|| async { installs::npm_ci(&clients_dir()).await })
        .await;
    if let Err(e) = r {
        panic!("cannot install the Node client libraries: {e}");
    }
}

/// tests/clients/.venv with requirements.txt installed; the venv's python.
async fn python_venv() -> PathBuf {
    let r = PYTHON_VENV
        .get_or_init(|| async {
            installs::python_venv(
                &clients_dir(),
                &["-r", "requirements.txt"],
                &["requirements.txt"],
            )
            .await
        })
        .await;
    match r {
        Ok(p) => p.clone(),
        Err(e) => panic!("cannot install the Python client libraries: {e}"),
    }
}

// ------------------------------------------------------------------ mock + scripts

async fn start_mock(tls: bool) -> MockServer {
    let mut cfg = ServerConfig::for_tests();
    cfg.tls = tls;
    MockServer::start(cfg)
        .await
        .unwrap_or_else(|e| panic!("cannot start the mock (tls={tls}): {e:?}"))
}

/// A mock on the embedded tenant with `tests/clients/actions/<name>.js` bound to post-login
/// after its hooks, with `secrets`: a tenant's Action run unchanged.
async fn start_mock_with_action(tls: bool, name: &str, secrets: &[(&str, &str)]) -> MockServer {
    start_mock_with_tenant(tls, tenant_with_action(name, secrets)).await
}

/// The embedded tenant with the post-login Action `tests/clients/actions/<name>.js`.
fn tenant_with_action(name: &str, secrets: &[(&str, &str)]) -> auth0_mock::tenant::Tenant {
    let file = clients_dir().join(format!("actions/{name}.js"));
    let code = std::fs::read_to_string(&file).expect("the Action's code");
    let mut tenant = auth0_mock::tenant::load_embedded().expect("the embedded tenant loads");
    let mut action = auth0_mock::tenant::HookBinding::native("action", name, serde_json::json!({}));
    action.code = Some((file.display().to_string(), code));
    for (k, v) in secrets {
        action.secrets.insert((*k).into(), (*v).into());
    }
    tenant.post_login.push(action);
    tenant
}

/// A mock serving `tenant`, loopback, free port.
async fn start_mock_with_tenant(tls: bool, tenant: auth0_mock::tenant::Tenant) -> MockServer {
    let mut cfg = ServerConfig::for_tests();
    cfg.tls = tls;
    cfg.tenant = Some(tenant);
    MockServer::start(cfg)
        .await
        .unwrap_or_else(|e| panic!("cannot start the mock: {e:?}"))
}

/// MOCK_* variables every script reads.
fn mock_env(server: &MockServer) -> Vec<(String, String)> {
    let mut env = vec![
        ("MOCK_BASE_URL".to_string(), server.base_url()),
        ("MOCK_ISSUER".to_string(), server.issuer().to_string()),
    ];
    if let Some(ca) = server.ca_cert_path() {
        let ca = ca.display().to_string();
        env.push(("MOCK_CA".into(), ca.clone()));
        env.push(("NODE_EXTRA_CA_CERTS".into(), ca.clone()));
        env.push(("REQUESTS_CA_BUNDLE".into(), ca.clone()));
        env.push(("SSL_CERT_FILE".into(), ca));
    }
    env
}

/// Runs `program script` in tests/clients with `env`; panics with the script's
/// output unless it exits 0.
async fn run_client(
    client: &str,
    program: &Path,
    script: &str,
    env: Vec<(String, String)>,
    timeout: Duration,
) {
    let dir = clients_dir();
    let shown_env: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut cmd = Command::new(program);
    cmd.arg(script)
        .current_dir(&dir)
        .envs(env)
        .env("NO_COLOR", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env_remove("NODE_OPTIONS")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let started = Instant::now();
    let out = match tokio::time::timeout(timeout, cmd.output()).await {
        Err(_) => panic!(
            "real client `{client}` ({} {script}) did not finish within {timeout:?} (env: {})",
            program.display(),
            shown_env.join(" ")
        ),
        Ok(Err(e)) => panic!(
            "cannot run `{} {script}` for `{client}`: {e}",
            program.display()
        ),
        Ok(Ok(out)) => out,
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        panic!(
            "real client `{client}` failed against the mock ({}, after {:.1?})\n\
             command: {} {script}   (in {}, env: {})\n\
             --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
            out.status,
            started.elapsed(),
            program.display(),
            dir.display(),
            shown_env.join(" ")
        );
    }
    // Visible with --nocapture; proves which steps ran.
    print!("{stdout}");
    assert!(
        stdout.contains("all checks passed"),
        "real client `{client}` exited 0 without reporting success:\n{stdout}\n{stderr}"
    );
}

/// Runs the Chromium scenarios `scenarios` (letters, as `SPA_SCENARIOS`) of `spa.mjs` against
/// `server`, with `extra` variables besides the browser's path.
async fn run_spa(client: &str, scenarios: &str, server: &MockServer, extra: Vec<(String, String)>) {
    let mut env = vec![
        ("CHROMIUM_PATH".to_string(), chromium()),
        ("SPA_SCENARIOS".to_string(), scenarios.to_string()),
    ];
    env.extend(extra);
    run_node(client, "spa.mjs", server, env).await;
}

async fn run_node(client: &str, script: &str, server: &MockServer, extra: Vec<(String, String)>) {
    node_deps().await;
    let mut env = mock_env(server);
    env.extend(extra);
    let timeout = if matches!(script, "spa.mjs" | "dashboard.mjs") {
        BROWSER_TIMEOUT
    } else {
        SCRIPT_TIMEOUT
    };
    run_client(client, Path::new("node"), script, env, timeout).await;
}

async fn run_python(client: &str, script: &str, server: &MockServer) {
    let python = python_venv().await;
    run_client(client, &python, script, mock_env(server), SCRIPT_TIMEOUT).await;
}

fn chromium() -> String {
    installs::chromium()
}

// ------------------------------------------------------------------ tests

/// jose: createRemoteJWKSet + jwtVerify on M2M and password-grant access tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jose_verifies_access_tokens_with_remote_jwks() {
    let server = start_mock(false).await;
    run_node("jose", "jose.mjs", &server, vec![]).await;
    server.shutdown().await;
}

/// openid-client v6: discovery (allowInsecureRequests), client_credentials, and with the
/// web client a password grant (strict oauth4webapi ID-token checks), userinfo, refresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openid_client_discovery_and_client_credentials() {
    let server = start_mock(false).await;
    run_node("openid-client", "openid-client.mjs", &server, vec![]).await;
    server.shutdown().await;
}

/// express-oauth2-jwt-bearer: 200 with a mock token, 401 without or with a tampered one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn express_oauth2_jwt_bearer_protects_an_api() {
    let server = start_mock(false).await;
    run_node(
        "express-oauth2-jwt-bearer",
        "express-bearer.mjs",
        &server,
        vec![],
    )
    .await;
    server.shutdown().await;
}

/// node-auth0 v4 AuthenticationClient over TLS (NODE_EXTRA_CA_CERTS = mock CA): client
/// credentials, password grants (SDK-validated ID tokens), refresh + revoke, userinfo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_auth0_sdk_over_tls() {
    let server = start_mock(true).await;
    assert!(
        server.base_url().starts_with("https://"),
        "a tls mock should have an https base_url, got {}",
        server.base_url()
    );
    assert!(
        server.ca_cert_path().is_some(),
        "a tls mock should expose ca_cert_path() for NODE_EXTRA_CA_CERTS"
    );
    run_node("auth0 (node-auth0 v4)", "auth0-node.mjs", &server, vec![]).await;
    server.shutdown().await;
}

/// openid-client v6 with `ClientSecretBasic`: `tokenRevocation` sends the credentials only in
/// HTTP Basic; the revoked refresh token then fails with `invalid_grant`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openid_client_revokes_with_client_secret_basic() {
    let server = start_mock(false).await;
    run_node(
        "openid-client (client_secret_basic revocation)",
        "openid-client-revoke.mjs",
        &server,
        vec![],
    )
    .await;
    server.shutdown().await;
}

/// passport-auth0 (Auth0's Express strategy) logs alice in through the login page in Chromium;
/// it loads the profile with `GET /userinfo?access_token=…`. It only speaks https.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passport_auth0_login_in_chromium() {
    let server = start_mock(true).await;
    run_node(
        "passport-auth0",
        "passport.mjs",
        &server,
        vec![("CHROMIUM_PATH".to_string(), chromium())],
    )
    .await;
    server.shutdown().await;
}

/// PyJWT: PyJWKClient + jwt.decode(RS256, audience, issuer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyjwt_decodes_access_tokens_with_jwks_client() {
    let server = start_mock(false).await;
    run_python("PyJWT", "pyjwt_client.py", &server).await;
    server.shutdown().await;
}

/// auth0-python 4.x: GetToken(protocol="http").login + TokenVerifier on the ID token,
/// client_credentials, wrong password, refresh (JSON with nulls), userinfo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_python_login_and_token_verifier() {
    let server = start_mock(false).await;
    run_python("auth0-python", "auth0_python.py", &server).await;
    server.shutdown().await;
}

/// The Python clients again, over https (REQUESTS_CA_BUNDLE / SSL_CERT_FILE = the mock CA).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_clients_over_tls() {
    let server = start_mock(true).await;
    run_python("auth0-python (tls)", "auth0_python.py", &server).await;
    run_python("PyJWT (tls)", "pyjwt_client.py", &server).await;
    server.shutdown().await;
}

/// @auth0/auth0-spa-js v2 in headless Chromium: redirect login, silent auth
/// (web_message iframe), logout, refresh-token rotation and revocation, one-click
/// login, JSON token bodies with a localStorage cache, refresh-token reuse, popup login.
///
/// The login-page screenshot goes to docs/login-page.png when that file is
/// missing or UPDATE_SCREENSHOTS is set, otherwise to the temp dir.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_in_chromium() {
    let docs_png = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/login-page.png");
    let screenshot = if std::env::var_os("UPDATE_SCREENSHOTS").is_some() || !docs_png.exists() {
        docs_png
    } else {
        std::env::temp_dir().join("auth0-mock-login-page.png")
    };
    let server = start_mock(false).await;
    assert!(
        server.base_url().starts_with("http://localhost:"),
        "the SPA test needs the mock on http://localhost:PORT (same site as the SPA), got {}",
        server.base_url()
    );
    let extra = vec![
        ("CHROMIUM_PATH".to_string(), chromium()),
        (
            "SCREENSHOT_PATH".to_string(),
            screenshot.display().to_string(),
        ),
    ];
    run_node("auth0-spa-js", "spa.mjs", &server, extra).await;
    server.shutdown().await;
}

/// A redirect Action (progressive profiling) with auth0-spa-js in Chromium: the login goes to
/// the app's own /profile page, which verifies the Action's `session_token` and posts the
/// user's answer back to `/continue`; `onContinuePostLogin` puts it in `user_metadata` and the
/// ID token, and the next (silent) login does not redirect again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_completes_a_redirect_action_through_continue_in_chromium() {
    const SECRET: &str = "progressive-profiling-secret";
    let server = start_mock_with_action(
        false,
        "progressive-profiling",
        &[("PROFILE_SECRET", SECRET)],
    )
    .await;
    let extra = vec![("PROFILE_SECRET".to_string(), SECRET.to_string())];
    run_spa("auth0-spa-js (redirect Action)", "L", &server, extra).await;
    server.shutdown().await;
}

/// MFA in the browser: a post-login Action with `api.multifactor.enable('any')`; auth0-spa-js
/// in Chromium logs alice in, the login page leads to the OTP challenge, a TOTP computed in the
/// test passes it, and the ID token spa-js accepts says `amr: ["mfa"]`; a silent
/// `getTokenSilently` in the same session is not challenged again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_passes_an_actions_totp_challenge_in_chromium() {
    let server = start_mock_with_action(false, "require-mfa", &[]).await;
    let extra = vec![];
    run_spa("auth0-spa-js (MFA)", "M", &server, extra).await;
    server.shutdown().await;
}

/// MFA step-up with auth0-spa-js in Chromium: alice signs in with her password only; a
/// `getTokenSilently` asking for `acr_values=…/multi-factor` gets Auth0's `login_required`
/// "Multifactor authentication required", and with `interactiveErrorHandler: 'popup'` spa-js
/// opens the OTP challenge in a popup, where a TOTP computed in the test passes it, and the
/// token comes back with an ID token saying `amr: ["mfa"]`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_steps_up_to_mfa_in_a_popup_in_chromium() {
    let server = start_mock(false).await;
    let extra = vec![];
    run_spa("auth0-spa-js (MFA step-up)", "S", &server, extra).await;
    server.shutdown().await;
}

/// MFA on a refresh with auth0-spa-js in Chromium: the require-mfa Action challenges the
/// refresh-token exchange too, as in Auth0; `getTokenSilently` (with `useRefreshTokens`) throws
/// spa-js's `MfaRequiredError`, `client.mfa.verify` (the SPA given the MFA grant types)
/// completes it with a TOTP, and the next refresh is challenged
/// again rather than refused, so the rotated refresh token spa-js kept is the live one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_completes_an_mfa_challenged_refresh_with_its_mfa_client_in_chromium() {
    use auth0_mock::protocol::GrantType;
    let mut tenant = tenant_with_action("require-mfa", &[]);
    for c in tenant
        .clients
        .iter_mut()
        .filter(|c| c.name == "Default SPA")
    {
        let types = c.grant_types.get_or_insert_with(Vec::new);
        types.extend(
            [
                "http://auth0.com/oauth/grant-type/mfa-otp",
                "http://auth0.com/oauth/grant-type/mfa-oob",
                "http://auth0.com/oauth/grant-type/mfa-recovery-code",
            ]
            .map(|t| t.parse::<GrantType>().expect("a grant type")),
        );
    }
    let server = start_mock_with_tenant(false, tenant).await;
    let extra = vec![];
    run_spa("auth0-spa-js (MFA on a refresh)", "T", &server, extra).await;
    server.shutdown().await;
}

/// "Remember this device" with auth0-spa-js in Chromium: the remember-mfa Action allows it;
/// alice passes the OTP challenge with the box ticked, logs out, and her next login in that
/// browser comes straight back to the SPA without a challenge (Chromium kept `auth0-mf`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_skips_the_challenge_in_a_remembered_browser_in_chromium() {
    let server = start_mock_with_action(false, "remember-mfa", &[]).await;
    let extra = vec![];
    run_spa("auth0-spa-js (remember this device)", "U", &server, extra).await;
    server.shutdown().await;
}

/// Organizations with auth0-spa-js in Chromium: `authorizationParams.organization` yields an ID
/// token whose `org_id` spa-js checks and accepts, silent renewal keeps it, the access token's
/// Hasura claims carry `x-hasura-org-id` (verified by the Hasura verifier of `auth0-mock
/// hasura-verify`), a user who is not a member comes back with `access_denied`, and an invitee
/// following the emailed invitation through `authorizationParams: {invitation, organization}`
/// joins the organization.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_logs_into_an_organization_in_chromium() {
    let mut tenant = auth0_mock::tenant::load_embedded().expect("the embedded tenant loads");
    let org = serde_json::json!({
        "id": "org_wonderland0000001", "name": "wonderland", "display_name": "Wonderland Ltd",
        "connections": [{"name": "Username-Password-Authentication"}],
        "members": [{"user": "auth0|alice", "roles": ["user"]}],
    });
    tenant
        .organizations
        .push(serde_json::from_value(org).expect("an organization"));
    for c in &mut tenant.clients {
        c.organization_usage = auth0_mock::tenant::OrganizationUsage::Allow;
        c.initiate_login_uri = Some("http://localhost:3000/login".into());
    }
    if let Some(h) = tenant
        .post_login
        .iter_mut()
        .find(|h| h.kind == "hasura-claims")
    {
        h.settings["session_variables"] = serde_json::json!({"x-hasura-org-id": "organization.id"});
    }
    let server = start_mock_with_tenant(false, tenant).await;
    let extra = vec![
        (
            "ORGANIZATION".to_string(),
            "org_wonderland0000001".to_string(),
        ),
        (
            "AUTH0_MOCK_BIN".to_string(),
            env!("CARGO_BIN_EXE_auth0-mock").to_string(),
        ),
    ];
    run_spa("auth0-spa-js (organizations)", "N", &server, extra).await;
    server.shutdown().await;
}

/// Runs scenario P: every client requires an organization and prompts for it as `behaviour`;
/// alice is a member of two organizations and logs into looking-glass.
async fn spa_organization_prompt(behaviour: auth0_mock::tenant::OrganizationRequireBehavior) {
    let mut tenant = auth0_mock::tenant::load_embedded().expect("the embedded tenant loads");
    for (id, name) in [
        ("org_wonderland0000001", "wonderland"),
        ("org_lookingglass00001", "looking-glass"),
    ] {
        let org = serde_json::json!({
            "id": id, "name": name,
            "connections": [{"name": "Username-Password-Authentication"}],
            "members": [{"user": "auth0|alice", "roles": ["user"]}],
        });
        tenant
            .organizations
            .push(serde_json::from_value(org).expect("an organization"));
    }
    for c in &mut tenant.clients {
        c.organization_usage = auth0_mock::tenant::OrganizationUsage::Require;
        c.organization_require_behavior = behaviour;
    }
    let server = start_mock_with_tenant(false, tenant).await;
    let extra = vec![
        (
            "ORGANIZATION".to_string(),
            "org_lookingglass00001".to_string(),
        ),
        ("ORGANIZATION_NAME".to_string(), "looking-glass".to_string()),
        ("ORG_PROMPT".to_string(), behaviour.as_str().to_string()),
    ];
    run_spa("auth0-spa-js (organization prompt)", "P", &server, extra).await;
    server.shutdown().await;
}

/// `post_login_prompt` with auth0-spa-js in Chromium: `loginWithRedirect()` without an
/// organization, alice signs in, picks an organization on the picker, and spa-js gets an ID
/// token with that `org_id`, kept by silent renewal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_picks_an_organization_after_the_login_in_chromium() {
    spa_organization_prompt(auth0_mock::tenant::OrganizationRequireBehavior::PostLoginPrompt).await;
}

/// `pre_login_prompt` with auth0-spa-js in Chromium: the organization's name first (a wrong one
/// shows Auth0's error), then the login page, then an ID token with that `org_id`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_names_the_organization_before_the_login_in_chromium() {
    spa_organization_prompt(auth0_mock::tenant::OrganizationRequireBehavior::PreLoginPrompt).await;
}

/// A social connection with auth0-spa-js in Chromium: `connection=google-oauth2` goes to the
/// mock's provider page, a first login creates `google-oauth2|<21 digits>`, and a later one
/// through the login page's "Continue with Google" reuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_logs_in_with_google_through_the_mock_provider_in_chromium() {
    let mut tenant = auth0_mock::tenant::load_embedded().expect("the embedded tenant loads");
    let google = serde_json::json!({"name": "google-oauth2", "strategy": "google-oauth2"});
    tenant
        .connections
        .push(serde_json::from_value(google).expect("a connection"));
    let server = start_mock_with_tenant(false, tenant).await;
    let extra = vec![];
    run_spa("auth0-spa-js (social)", "O", &server, extra).await;
    server.shutdown().await;
}

/// MFA over the back channel: node-auth0's password grant against the same Action gets
/// `mfa_required` with an `mfa_token`; the MFA API lists and challenges the authenticator, and
/// openid-client finishes with the `mfa-otp` grant (a wrong code, then the right one, then the
/// spent token refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_sdks_complete_mfa_required_with_the_mfa_otp_grant() {
    let server = start_mock_with_action(true, "require-mfa", &[]).await;
    run_node(
        "auth0 + openid-client (MFA)",
        "auth0-node-mfa.mjs",
        &server,
        vec![],
    )
    .await;
    server.shutdown().await;
}

/// MFA by SMS with Auth0's own MFA client: node-auth0's password grant gets `mfa_required`;
/// `@auth0/auth0-auth-js` (the MfaClient inside spa-js and nextjs-auth0) lists bob's SMS
/// authenticator, challenges it, reads the texted code from the outbox and verifies with the
/// `mfa-oob` grant (a wrong binding code first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_auth_js_mfa_client_passes_an_sms_challenge_with_the_mfa_oob_grant() {
    const PHONE: &str = "+14155550123";
    let mut tenant = tenant_with_action("require-mfa", &[]);
    let bob = tenant
        .users
        .iter_mut()
        .find(|u| u.user_id == "auth0|bob")
        .expect("bob is a default user");
    bob.mfa = Some(auth0_mock::tenant::MfaFactors {
        phone_number: Some(PHONE.into()),
        ..Default::default()
    });
    let server = start_mock_with_tenant(true, tenant).await;
    run_node(
        "@auth0/auth0-auth-js MfaClient (SMS)",
        "auth0-auth-js-mfa-oob.mjs",
        &server,
        vec![("MFA_PHONE".to_string(), PHONE.to_string())],
    )
    .await;
    server.shutdown().await;
}

/// node-auth0 v4 over TLS, `database`: `signUp` (then `user_exists` and `invalid_password` as
/// `AuthApiError`s), `oauth.passwordGrant` as the new user, the outbox's verification link
/// (the next ID token has `email_verified: true`), `changePassword` (text answer), the reset
/// link and form; then the new password works and the old one gets `invalid_grant`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_auth0_sdk_signs_up_resets_and_verifies_through_the_outbox() {
    let server = start_mock(true).await;
    run_node(
        "auth0 (node-auth0 v4, database)",
        "auth0-node-lifecycle.mjs",
        &server,
        vec![],
    )
    .await;
    server.shutdown().await;
}

/// @auth0/auth0-spa-js v2 in headless Chromium, scenario K alone: the session cookie from
/// `POST /__mock/login` added with Playwright's `context.addCookies`, then `loginWithRedirect`
/// comes back with a code and no login page; a user armed with `POST /__mock/login/next` is
/// signed in by the login page itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_logs_in_with_one_request_and_no_form_in_chromium() {
    let server = start_mock(false).await;
    let extra = vec![];
    run_spa("auth0-spa-js (one-request logins)", "K", &server, extra).await;
    server.shutdown().await;
}

/// node-auth0 v4 `ManagementClient` with clientId/clientSecret over TLS, as a backend drives a
/// real tenant: `users.create`, `users.getAll({q})`, `roles.create` + `addPermissions`,
/// `users.assignRoles`/`getRoles`/`getPermissions`, `jobs.importUsers` (multipart) + `jobs.get`,
/// then the new user's password-grant token carries the role in its Hasura claims; a token
/// without `read:users` is a `ManagementApiError` `insufficient_scope`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_auth0_management_client_runs_a_backend_script() {
    let server = start_mock(true).await;
    run_node(
        "auth0 (node-auth0 v4, management)",
        "auth0-node-management.mjs",
        &server,
        vec![],
    )
    .await;
    server.shutdown().await;
}

/// node-auth0 v4 `ManagementClient` drives organizations as a B2B backend does: create (with
/// an enabled connection), `getByName`, `addMembers` + `addMemberRoles`, `getUserOrganizations`,
/// `createInvitation` (the email reaches the outbox), `getInvitations`/`deleteInvitation`,
/// `update`, `delete`, then a 404 `ManagementApiError`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_auth0_management_client_manages_organizations_and_invitations() {
    let server = start_mock(true).await;
    run_node(
        "auth0 (node-auth0 v4, organizations)",
        "auth0-node-organizations.mjs",
        &server,
        vec![],
    )
    .await;
    server.shutdown().await;
}

/// auth0-python 4.x `Auth0` management over TLS: the same backend script as the Node one,
/// with a token from `GetToken.client_credentials`, `jobs.import_users` from a file object,
/// and `Auth0Error` `insufficient_scope` for a narrow token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_python_management_runs_a_backend_script() {
    let server = start_mock(true).await;
    run_python(
        "auth0-python (management)",
        "auth0_python_management.py",
        &server,
    )
    .await;
    server.shutdown().await;
}

/// auth0-python 4.x `Database`: `signup` (then `Auth0Error` `user_exists` and
/// `invalid_password`), `GetToken.login` + `TokenVerifier` as the new user, the outbox's
/// verification link, `change_password` (its text answer comes back as a string), the reset
/// link and form; then the new password works and the old one gets `invalid_grant`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_python_signs_up_resets_and_verifies_through_the_outbox() {
    let server = start_mock(false).await;
    run_python(
        "auth0-python (database)",
        "auth0_python_lifecycle.py",
        &server,
    )
    .await;
    server.shutdown().await;
}

/// @auth0/auth0-spa-js v2 in headless Chromium, scenario G alone:
/// `loginWithRedirect({authorizationParams: {screen_hint: "signup"}})` → the mock's sign-up
/// page → a new email and password → `handleRedirectCallback`; `getUser()` is the new user and
/// the access token verifies with jose and carries the Hasura claims.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_spa_js_signs_up_through_the_signup_page_in_chromium() {
    let server = start_mock(false).await;
    let extra = vec![];
    run_spa("auth0-spa-js (sign-up)", "G", &server, extra).await;
    server.shutdown().await;
}

/// auth0.js (`auth0-js`, `WebAuth`) in headless Chromium, scenario H alone, from a page of the
/// static server (cross-origin requests to the mock): `signup` (then `user_exists` and
/// `invalid_password` with the policy), `changePassword` (Auth0's sentence as text); the
/// outbox's reset link changes the password and its verification link sets `email_verified`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_js_signs_up_and_resets_a_password_in_chromium() {
    let server = start_mock(false).await;
    let extra = vec![];
    run_spa("auth0.js (WebAuth)", "H", &server, extra).await;
    server.shutdown().await;
}

/// node-auth0 v4 over TLS, `passwordless`: `sendEmail({send: "code"})` and `loginWithEmail`
/// (the SDK validates the ID token; the user is `email|…` with a verified email), a wrong or
/// used code → `invalid_grant`, `sendSMS` + `loginWithSMS` (`sms|…`), `bad.phone_number`,
/// `bad.connection`, `invalid_client`; a magic link (`send: "link"` with `authParams`) → the
/// callback → `oauth.authorizationCodeGrant`, without a refresh token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_auth0_sdk_logs_in_with_passwordless_codes_and_magic_links() {
    let server = start_mock(true).await;
    run_node(
        "auth0 (node-auth0 v4, passwordless)",
        "auth0-node-passwordless.mjs",
        &server,
        vec![],
    )
    .await;
    server.shutdown().await;
}

/// auth0-python 4.x `Passwordless`: `email(send="code")` (the JSON answer), then
/// `GetToken.passwordless_login(realm="email")` + `TokenVerifier` (an `email|…` user with a
/// verified email), wrong and used codes → `Auth0Error` `invalid_grant`, `sms` +
/// `passwordless_login(realm="sms")`, `bad.phone_number`, `invalid_client`; a magic link
/// (`send="link"` with `auth_params`) → the callback → `GetToken.authorization_code`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_python_logs_in_with_passwordless_codes_and_magic_links() {
    let server = start_mock(false).await;
    run_python(
        "auth0-python (passwordless)",
        "auth0_python_passwordless.py",
        &server,
    )
    .await;
    server.shutdown().await;
}

/// auth0.js (`auth0-js`, `WebAuth`) in headless Chromium, scenario I alone: `passwordlessStart`
/// with `send: "code"` from the page (a public SPA sends no secret; the code reaches the outbox)
/// and with `send: "link"` from an implicit-flow `WebAuth`; the magic link, opened in the
/// browser, comes back to the page, `parseHash` validates the ID token (an `email|…` user) and
/// `checkSession` finds the session the link started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_js_starts_passwordless_and_signs_in_with_a_magic_link_in_chromium() {
    let server = start_mock(false).await;
    let extra = vec![];
    run_spa("auth0.js (WebAuth, passwordless)", "I", &server, extra).await;
    server.shutdown().await;
}

/// A real SMTP receiver (Python's aiosmtpd, started here) gets the mock's emails when the mock
/// runs with `--smtp`: a sign-up's verification email arrives with the outbox's link in its
/// body, from Auth0's default sender, to the new address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_delivers_the_outbox_emails_to_a_real_receiver() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let python = python_venv().await;
    let mut receiver = Command::new(&python)
        .arg("smtp_receiver.py")
        .current_dir(clients_dir())
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the SMTP receiver starts");
    let mut lines = BufReader::new(receiver.stdout.take().expect("its stdout")).lines();
    let next_line = async |lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>| {
        tokio::time::timeout(SCRIPT_TIMEOUT, lines.next_line())
            .await
            .expect("the SMTP receiver answers in time")
            .expect("its stdout is readable")
            .expect("it is still running")
    };
    let first = next_line(&mut lines).await;
    let port = first
        .strip_prefix("LISTENING ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"));

    let mut cfg = ServerConfig::for_tests();
    cfg.smtp =
        Some(auth0_mock::Smtp::from_url(&format!("smtp://127.0.0.1:{port}")).expect("an SMTP URL"));
    let server = MockServer::start(cfg).await.expect("the mock starts");
    let base = server.base_url();
    let res = reqwest::Client::new()
        .post(format!("{base}/dbconnections/signup"))
        .json(&serde_json::json!({
            "client_id": "auth0-mock-spa",
            "connection": "Username-Password-Authentication",
            "email": "smtp-check@example.com",
            "password": "Str0ng-passw0rd!",
        }))
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let outbox: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/__mock/outbox?to=smtp-check%40example.com"))
        .send()
        .await
        .expect("the mock answers")
        .json()
        .await
        .expect("JSON messages");
    let link = outbox[0]["link"]
        .as_str()
        .expect("a verification link")
        .to_string();

    let mail: serde_json::Value =
        serde_json::from_str(&next_line(&mut lines).await).expect("a JSON line per mail");
    assert_eq!(mail["to"], serde_json::json!(["smtp-check@example.com"]));
    assert_eq!(mail["from"], "no-reply@auth0user.net");
    assert_eq!(mail["subject"], "Verify your email");
    assert!(
        mail["body"].as_str().unwrap_or("").contains(&link),
        "the mailed body carries the outbox's link: {mail}"
    );
    server.shutdown().await;
    let _ = receiver.kill().await;
}

/// auth0.js (`auth0-js`, `WebAuth`) in headless Chromium, scenario J alone: embedded
/// (cross-origin) login. `login({realm, username, password})` posts `/co/authenticate` and leaves
/// for `/authorize?login_ticket=…`, which comes back to the page (implicit flow), where
/// `parseHash` validates alice's ID token and the access token has the Hasura claims; a wrong
/// password calls back with `access_denied` "Wrong email or password." without a redirect; then
/// `passwordlessStart({send: "code"})`, the code from the outbox, a wrong code (`access_denied`)
/// and `passwordlessLogin({verificationCode})` → back on the page with a new `email|…` user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_js_embedded_login_and_passwordless_login_in_chromium() {
    let server = start_mock(false).await;
    let extra = vec![];
    run_spa(
        "auth0.js (WebAuth, cross-origin login)",
        "J",
        &server,
        extra,
    )
    .await;
    server.shutdown().await;
}

/// The dashboard at /__mock/ui in Chromium, on the guide's Actions with a stand-in for
/// Hasura's GraphQL endpoint: the tenant overview, the token debugger (its verdict checked
/// against `auth0-mock hasura-verify`), the live hook timeline, the Action tester, the header
/// buttons and Reset. With `SCREENSHOT_DIR` set it saves the README's screenshots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_works_in_chromium() {
    use axum::response::IntoResponse;
    let hasura = upstream::Upstream::start(|seen, _| {
        let user = seen.body["variables"]["userId"].clone();
        upstream::Answer::Now(
            axum::Json(serde_json::json!({"data": {"insert_users_one": {"userId": user}}}))
                .into_response(),
        )
    })
    .await;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/actions-example");
    let env = auth0_mock::tenant::LoadEnv::from_pairs([
        ("HASURA_GRAPHQL_URL", hasura.url("/v1/graphql")),
        (
            "HASURA_GRAPHQL_ADMIN_SECRET",
            "dashboard-admin-secret".to_string(),
        ),
    ]);
    let tenant = auth0_mock::tenant::load_dir_with_env(&fixtures, &env)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", fixtures.display()));
    let mut cfg = ServerConfig::for_tests();
    cfg.tenant = Some(tenant);
    let server = MockServer::start(cfg).await.expect("the mock starts");
    let mut extra = vec![
        ("CHROMIUM_PATH".to_string(), chromium()),
        (
            "AUTH0_MOCK_BIN".to_string(),
            env!("CARGO_BIN_EXE_auth0-mock").to_string(),
        ),
    ];
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR") {
        extra.push(("SCREENSHOT_DIR".to_string(), dir));
    }
    run_node("dashboard", "dashboard.mjs", &server, extra).await;
    server.shutdown().await;
}
