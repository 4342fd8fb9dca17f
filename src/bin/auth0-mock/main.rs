//! The `auth0-mock` binary: parses the command line and hands over to the library.

mod commands;

/// mimalloc: token issuance allocates a few dozen small blocks per request, and glibc's
/// allocator was the largest cost after RSA signing itself in a profile of the token endpoint.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use auth0_mock::{
    ControlAccess, DEFAULT_PORT, DEFAULT_READ_TIMEOUT, Limits, ServerConfig, TokenRequest,
};
use clap::{Args, Parser, Subcommand};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// An offline imitation of Auth0 for end-to-end tests and local development (with Hasura).
#[derive(Parser)]
#[command(name = "auth0-mock", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the mock (the default).
    Serve(ServeArgs),
    /// Validate a fixtures directory; exits non-zero with the file, path and reason.
    Check {
        /// Fixtures directory.
        #[arg(long, env = "AUTH0_MOCK_FIXTURES")]
        fixtures: PathBuf,
    },
    /// Probe a running mock's /healthz (for Docker HEALTHCHECK; no curl needed).
    Healthcheck {
        /// Port of the mock.
        #[arg(long, env = "AUTH0_MOCK_PORT", default_value_t = DEFAULT_PORT)]
        port: u16,
        /// The mock serves https.
        #[arg(long, env = "AUTH0_MOCK_TLS")]
        tls: bool,
    },
    /// Write a new RS256 2048-bit signing key (PKCS#8 PEM) to stdout or a file.
    Keygen {
        /// Output file (default stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a signed token for a scenario, user or client, with no server running.
    Token(TokenArgs),
    /// Print the HASURA_GRAPHQL_JWT_SECRET value for this mock.
    HasuraJwtConfig {
        #[command(flatten)]
        serve: ServeArgs,
        /// JWKS URL as Hasura reaches it (e.g. http://auth0-mock:4455/.well-known/jwks.json in Docker).
        #[arg(long, env = "AUTH0_MOCK_JWK_URL")]
        jwk_url: Option<String>,
        /// Emit the key-based variant (the signing certificate) instead of jwk_url.
        #[arg(long)]
        key_based: bool,
    },
    /// Show what Hasura would derive from a token (role, session variables) or the exact error it would answer.
    HasuraVerify {
        /// A HASURA_GRAPHQL_JWT_SECRET value (JSON).
        #[arg(long, env = "HASURA_GRAPHQL_JWT_SECRET")]
        secret: String,
        /// The token (without "Bearer ").
        #[arg(long)]
        token: String,
        /// The x-hasura-role request header, if any.
        #[arg(long)]
        role: Option<String>,
    },
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "AUTH0_MOCK_PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Address to bind (0.0.0.0 inside Docker).
    #[arg(long, env = "AUTH0_MOCK_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Public base URL and issuer, e.g. http://localhost:4455 (default: http(s)://localhost:<port>/).
    #[arg(long, env = "AUTH0_MOCK_ISSUER")]
    issuer: Option<String>,
    /// Fixtures directory (default: the embedded default tenant).
    #[arg(long, env = "AUTH0_MOCK_FIXTURES")]
    fixtures: Option<PathBuf>,
    /// Serve https with a locally generated CA.
    #[arg(long, env = "AUTH0_MOCK_TLS")]
    tls: bool,
    /// Directory for the TLS CA (kept across restarts).
    #[arg(long, env = "AUTH0_MOCK_TLS_DIR")]
    tls_dir: Option<PathBuf>,
    /// Signing key PEM file (overrides the fixtures' key).
    #[arg(long, env = "AUTH0_MOCK_KEY")]
    key: Option<PathBuf>,
    /// Allow the control API from non-loopback clients (e.g. other containers).
    #[arg(long, env = "AUTH0_MOCK_CONTROL_REMOTE")]
    control_remote: bool,
    /// Accept control API calls carrying `Authorization: Bearer <token>` from anywhere.
    #[arg(long, env = "AUTH0_MOCK_CONTROL_TOKEN")]
    control_token: Option<String>,
    /// A browser origin whose pages may call the control API besides the mock's own hosts
    /// (repeat, or comma-separated in the environment).
    #[arg(long, env = "AUTH0_MOCK_CONTROL_ALLOW_ORIGINS", value_delimiter = ',')]
    control_allow_origin: Vec<String>,
    /// A host name the control API answers besides loopback names and the issuer's host
    /// (repeat, or comma-separated in the environment).
    #[arg(long, env = "AUTH0_MOCK_ALLOWED_HOSTS", value_delimiter = ',')]
    allowed_host: Vec<String>,
    /// JWKS Cache-Control max-age in seconds.
    #[arg(long, env = "AUTH0_MOCK_JWKS_MAX_AGE", default_value_t = 300)]
    jwks_max_age: u64,
    /// Seconds a client may take to send a request's headers or body, or to finish a TLS
    /// handshake; idle keep-alive connections close after it too.
    #[arg(long, env = "AUTH0_MOCK_READ_TIMEOUT", default_value_t = DEFAULT_READ_TIMEOUT.as_secs())]
    read_timeout: u64,
    /// Most connections open at once (default: 10,000, or less if the open-file limit is lower).
    #[arg(long, env = "AUTH0_MOCK_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Also send the outbox's emails over SMTP: `smtp://[user:password@]host[:port]` (Mailpit:
    /// `smtp://localhost:1025`).
    #[arg(long, env = "AUTH0_MOCK_SMTP")]
    smtp: Option<String>,
}

#[derive(Args)]
struct TokenArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// A scenario from the fixtures (see `scenarios/`).
    #[arg(long)]
    scenario: Option<String>,
    /// A user (email, username or user_id).
    #[arg(long)]
    user: Option<String>,
    /// A client, for a client_credentials token.
    #[arg(long)]
    client: Option<String>,
    /// Audience.
    #[arg(long)]
    audience: Option<String>,
    /// Scope.
    #[arg(long)]
    scope: Option<String>,
    /// Extra access-token claim, `name=value` (value parsed as JSON when it is JSON).
    #[arg(long = "claim")]
    claims: Vec<String>,
    /// Lifetime in seconds.
    #[arg(long)]
    lifetime: Option<i64>,
    /// Print the whole JSON (tokens, scenario, expectation) instead of the access token.
    #[arg(long)]
    json: bool,
}

impl ServeArgs {
    fn config(&self) -> Result<ServerConfig, String> {
        let key_pem = match &self.key {
            Some(p) => {
                Some(std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?)
            }
            None => None,
        };
        Ok(ServerConfig {
            bind: self.bind,
            port: self.port,
            issuer: self.issuer.clone(),
            tenant: None,
            fixtures: self.fixtures.clone(),
            tls: self.tls,
            tls_dir: self.tls_dir.clone(),
            key_pem,
            hooks: Vec::new(),
            control: ControlAccess {
                allow_remote: self.control_remote,
                token: self.control_token.clone(),
                allowed_origins: self.control_allow_origin.clone(),
                allowed_hosts: self.allowed_host.clone(),
            },
            jwks_max_age: self.jwks_max_age,
            limits: Limits {
                read_timeout: Duration::from_secs(self.read_timeout.max(1)),
                max_connections: self.max_connections.map(|n| n.max(1)),
            },
            smtp: match &self.smtp {
                Some(url) => Some(auth0_mock::Smtp::from_url(url).map_err(|e| e.to_string())?),
                None => None,
            },
        })
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("auth0-mock: {message}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    match auth0_mock::server_runtime() {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => fail(format!("cannot start the async runtime: {e}")),
    }
}

async fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(args) => match args.config() {
            Ok(cfg) => match commands::serve(cfg).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            },
            Err(e) => fail(e),
        },
        Command::Check { fixtures } => match commands::check(&fixtures) {
            Ok(msg) => {
                println!("{msg}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Healthcheck { port, tls } => match commands::healthcheck(port, tls).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        },
        Command::Keygen { out } => match auth0_mock::new_signing_key_pem() {
            Ok(pem) => match out {
                Some(path) => match std::fs::write(&path, pem) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(format!("{}: {e}", path.display())),
                },
                None => {
                    print!("{pem}");
                    ExitCode::SUCCESS
                }
            },
            Err(e) => fail(e),
        },
        Command::Token(args) => {
            let mut claims = serde_json::Map::new();
            for c in &args.claims {
                let Some((k, v)) = c.split_once('=') else {
                    return fail(format!("--claim '{c}' must be name=value"));
                };
                let value = serde_json::from_str(v)
                    .unwrap_or_else(|_| serde_json::Value::String(v.to_string()));
                claims.insert(k.to_string(), value);
            }
            let req = TokenRequest {
                scenario: args.scenario.clone(),
                user: args.user.clone(),
                client: args.client.clone(),
                audience: args.audience.clone(),
                scope: args.scope.clone(),
                claims,
                lifetime: args.lifetime,
            };
            let cfg = match args.serve.config() {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            match commands::token(cfg, req).await {
                Ok(v) if args.json => {
                    println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Ok(v) => {
                    println!("{}", v["access_token"].as_str().unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::HasuraJwtConfig {
            serve,
            jwk_url,
            key_based,
        } => match commands::hasura_jwt_config(serve.config(), jwk_url, key_based) {
            Ok(v) => {
                println!("{v}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::HasuraVerify {
            secret,
            token,
            role,
        } => {
            match hasura_jwt::verify_cli(
                &secret,
                token.trim().trim_start_matches("Bearer ").trim(),
                role.as_deref(),
            )
            .await
            {
                Ok(out) => {
                    println!("{out}");
                    ExitCode::SUCCESS
                }
                Err(out) => {
                    println!("{out}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
