//! Starting and stopping a mock: binds (port 0 works), fixes the issuer, serves http or https,
//! and hands back the base URL, so Rust tests can run one in-process.

use crate::error::FixtureError;
use crate::handle::MockHandle;
use crate::hooks::PostLoginHook;
use crate::keys::{KeyError, SigningKey};
use crate::mock::{ControlAccess, Mock, MockOptions};
use crate::serve::Limits;
use crate::tenant::Tenant;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// The port `auth0-mock` listens on by default: clear of Hasura (8080) and common dev servers
/// (3000, 5173, 8000).
pub const DEFAULT_PORT: u16 = 4455;

/// How many tasks a runtime worker runs between looks at the network. Tokio's default (61) is
/// tuned for cheap tasks; a token request holds a worker for an RSA signature (about 0.3 ms),
/// so 61 of them would leave newly arrived requests unseen for ~18 ms and let them jump the
/// queue unfairly afterwards. Looking every few tasks keeps the wait close to the fair share.
const EVENT_INTERVAL: u32 = 4;

/// The runtime the `auth0-mock` binary serves on: multi-threaded, one worker per core, and
/// network readiness checked every [`EVENT_INTERVAL`] tasks. In-process users may use it too,
/// or any multi-threaded runtime of their own.
pub fn server_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .event_interval(EVENT_INTERVAL)
        .build()
}

/// How to run a mock.
#[derive(Clone)]
pub struct ServerConfig {
    /// Address to bind (default 127.0.0.1; `0.0.0.0` in Docker).
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Public base URL / issuer. Default `http(s)://localhost:<port>/`. Never taken from `Host`.
    pub issuer: Option<String>,
    /// The tenant to serve; `None` loads `fixtures`, or the embedded default tenant.
    pub tenant: Option<Tenant>,
    /// Fixtures directory, when `tenant` is not given.
    pub fixtures: Option<PathBuf>,
    /// Serve https with a local CA.
    pub tls: bool,
    /// Where the CA is kept (default: `<temp>/auth0-mock-tls`).
    pub tls_dir: Option<PathBuf>,
    /// PEM of a signing key overriding the tenant's.
    pub key_pem: Option<String>,
    /// Hooks registered in code, run after the fixture's post-login bindings.
    pub hooks: Vec<Arc<dyn PostLoginHook>>,
    /// Who may use the control API.
    pub control: ControlAccess,
    /// JWKS `Cache-Control: max-age` in seconds.
    pub jwks_max_age: u64,
    /// Read deadlines and the connection limit.
    pub limits: Limits,
    /// Where the outbox's emails also go over SMTP (`--smtp`).
    pub smtp: Option<crate::mail::Smtp>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            issuer: None,
            tenant: None,
            fixtures: None,
            tls: false,
            tls_dir: None,
            key_pem: None,
            hooks: Vec::new(),
            control: ControlAccess::default(),
            jwks_max_age: 300,
            limits: Limits::default(),
            smtp: None,
        }
    }
}

impl ServerConfig {
    /// Loopback, a free port, the embedded tenant, plain http: what an in-process test wants.
    pub fn for_tests() -> Self {
        Self {
            port: 0,
            ..Self::default()
        }
    }
}

/// Why a mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Fixtures are invalid.
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    /// The port could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// TLS material could not be made.
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    /// The signing key override is invalid.
    #[error("signing key: {0}")]
    Key(#[from] KeyError),
    /// The issuer is not an absolute http(s) URL.
    #[error("issuer '{0}' must be an absolute http(s) URL")]
    Issuer(String),
}

/// A running mock.
pub struct MockServer {
    addr: SocketAddr,
    issuer: String,
    ca_path: Option<PathBuf>,
    mock: Arc<Mock>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl ServerConfig {
    /// The tenant this config asks for: `tenant`, else `fixtures`, else the embedded one.
    pub fn load_tenant(&self) -> Result<Tenant, FixtureError> {
        match (&self.tenant, &self.fixtures) {
            (Some(t), _) => Ok(t.clone()),
            (None, Some(dir)) => crate::tenant::load_dir(dir),
            (None, None) => crate::tenant::load_embedded(),
        }
    }

    /// The issuer of a mock listening on `port`: `issuer`, or `http(s)://localhost:<port>/`.
    pub fn issuer_for(&self, port: u16) -> Result<String, StartError> {
        match &self.issuer {
            Some(i) => normalize_issuer(i),
            None => Ok(format!(
                "{}://localhost:{port}/",
                if self.tls { "https" } else { "http" }
            )),
        }
    }

    fn mock(&self, tenant: Tenant, issuer: String) -> Result<Mock, StartError> {
        let key_override = self
            .key_pem
            .as_deref()
            .map(SigningKey::from_pem)
            .transpose()?;
        let options = MockOptions {
            issuer,
            https: self.tls,
            jwks_max_age: self.jwks_max_age,
            control: self.control.clone(),
            hooks: self.hooks.clone(),
            key_override,
            smtp: self.smtp.clone(),
        };
        Ok(Mock::new(tenant, options)?)
    }
}

/// Normalises an issuer: absolute http(s), exactly one trailing slash.
fn normalize_issuer(issuer: &str) -> Result<String, StartError> {
    let trimmed = issuer.trim().trim_end_matches('/');
    let parsed = url::Url::parse(trimmed).map_err(|_| StartError::Issuer(issuer.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(StartError::Issuer(issuer.to_string()));
    }
    Ok(format!("{trimmed}/"))
}

impl MockServer {
    /// Starts a mock and returns once it accepts connections.
    pub async fn start(cfg: ServerConfig) -> Result<Self, StartError> {
        let tenant = cfg.load_tenant()?;
        let addr = SocketAddr::new(cfg.bind, cfg.port);
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|source| StartError::Bind { addr, source })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| StartError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let issuer = cfg.issuer_for(local.port())?;
        let mock = Arc::new(cfg.mock(tenant, issuer.clone())?);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let mut ca_path = None;
        let acceptor = if cfg.tls {
            let host = url::Url::parse(&issuer)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            let dir = cfg
                .tls_dir
                .clone()
                .unwrap_or_else(|| std::env::temp_dir().join("auth0-mock-tls"));
            let material = crate::tls::material(&dir, &[host])?;
            ca_path = Some(material.ca_path.clone());
            Some(crate::tls::acceptor(&material)?)
        } else {
            None
        };
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|source| StartError::Bind { addr, source })?;
        let app = crate::http::router(mock.clone());
        let shutdown = async {
            let _ = rx.await;
        };
        let task = tokio::spawn(crate::serve::serve(
            listener, acceptor, app, cfg.limits, shutdown,
        ));
        // Off the startup path: seed the crypto library's random generator (its first use
        // takes tens of milliseconds; the first token would pay it) and build the outbound
        // HTTP client (loading root certificates).
        let warm = mock.clone();
        tokio::task::spawn_blocking(move || {
            let _ = aws_lc_rs::rand::fill(&mut [0u8; 16]);
            if let Err(e) = warm.http() {
                tracing::warn!("{e}");
            }
        });
        Ok(Self {
            addr: local,
            issuer,
            ca_path,
            mock,
            shutdown: Some(tx),
            task,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The issuer (with trailing slash).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The base URL (issuer without trailing slash), what clients call the "domain".
    pub fn base_url(&self) -> String {
        self.issuer.trim_end_matches('/').to_string()
    }

    /// The CA certificate file when serving https.
    pub fn ca_cert_path(&self) -> Option<PathBuf> {
        self.ca_path.clone()
    }

    /// In-process control: mint tokens, add users, move the clock, read hook records.
    pub fn handle(&self) -> MockHandle {
        MockHandle::new(self.mock.clone())
    }

    /// A mock that does not listen, set up exactly as [`MockServer::start`] would set it up
    /// on `cfg.port`: for minting tokens offline and checking fixtures (the CLI's `token`,
    /// `check` and `hasura-jwt-config`).
    pub fn offline(cfg: &ServerConfig) -> Result<MockHandle, StartError> {
        let tenant = cfg.load_tenant()?;
        let issuer = cfg.issuer_for(cfg.port)?;
        Ok(MockHandle::new(Arc::new(cfg.mock(tenant, issuer)?)))
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until the process is interrupted (Ctrl-C / SIGTERM).
    pub async fn run_until_signal(self) {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(t) => t,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        self.shutdown().await;
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
        self.shutdown().await;
    }
}
