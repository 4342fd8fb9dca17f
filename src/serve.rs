//! Serving connections: the accept loop, with the bounds a server on a shared machine needs.
//! A client that opens a connection and sends nothing (or half a request) must not hold it, or
//! a file descriptor, for ever: headers and bodies have a read deadline, TLS handshakes too, and
//! at most [`Limits::max_connections`] are open at once (below the process's open-file limit,
//! so the listener never spins on `EMFILE` and outbound calls still get sockets).

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

/// How long a client may take to send a request's headers (also how long an idle keep-alive
/// connection stays open), its body, or a TLS handshake. Auth0's clients send everything at
/// once; ten seconds is far beyond any real one and short enough to reclaim a stalled socket.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Most connections served at once when the open-file limit allows it.
pub const MAX_CONNECTIONS: usize = 10_000;

/// File descriptors kept free of client connections: the listener, fixtures, the TLS CA,
/// outbound calls from hooks.
const RESERVED_FDS: usize = 64;

/// Connection bounds of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deadline for a request's headers, its body, and a TLS handshake.
    pub read_timeout: Duration,
    /// Most open connections; `None` derives it from the open-file limit.
    pub max_connections: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_connections: None,
        }
    }
}

impl Limits {
    /// The connection limit in force: the configured one, else [`MAX_CONNECTIONS`] capped by
    /// the open-file limit less [`RESERVED_FDS`] (at least 1).
    pub fn connections(&self) -> usize {
        self.max_connections.unwrap_or_else(|| {
            open_file_limit()
                .saturating_sub(RESERVED_FDS)
                .clamp(1, MAX_CONNECTIONS)
        })
    }
}

/// The body read deadline, handed to the extractors with each request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyDeadline(pub Duration);

/// Raises the soft open-file limit to the hard one (as Go's runtime and most servers do: the
/// soft default of 1,024 is a historical accident) and returns the limit in force.
fn open_file_limit() -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
    }
    usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX)
}

/// Serves `app` on `listener` (over TLS when `tls` is given) until `shutdown` resolves, then
/// lets open connections finish for up to a second.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.connections()));
    let graceful = GracefulShutdown::new();
    // HTTP/1.1, or HTTP/2 where TLS negotiated it: no guessing from the first bytes (hyper's
    // `auto` builder waits for them without a deadline, so a silent client held its socket).
    let mut h1 = http1::Builder::new();
    h1.timer(TokioTimer::new())
        .header_read_timeout(limits.read_timeout);
    let mut h2 = http2::Builder::new(TokioExecutor::new());
    h2.timer(TokioTimer::new())
        .keep_alive_interval(limits.read_timeout)
        .keep_alive_timeout(limits.read_timeout);
    let (h1, h2) = (Arc::new(h1), Arc::new(h2));
    tokio::pin!(shutdown);
    loop {
        // The permit comes first: at the limit, new connections wait in the kernel's backlog
        // rather than taking descriptors.
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // EMFILE and friends pass; don't spin while they do.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = connection_service(app.clone(), peer, limits.read_timeout);
        let (h1, h2) = (h1.clone(), h2.clone());
        let tls = tls.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _permit = permit;
            let Some(acceptor) = tls else {
                let conn = h1.serve_connection(TokioIo::new(stream), service);
                let _ = watcher.watch(conn).await;
                return;
            };
            let Ok(Ok(stream)) =
                tokio::time::timeout(limits.read_timeout, acceptor.accept(stream)).await
            else {
                return;
            };
            if stream.get_ref().1.alpn_protocol() == Some(b"h2") {
                let _ = watcher
                    .watch(h2.serve_connection(TokioIo::new(stream), service))
                    .await;
            } else {
                let conn = h1.serve_connection(TokioIo::new(stream), service);
                let _ = watcher.watch(conn).await;
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(1), graceful.shutdown()).await;
}

/// The router as one connection's hyper service: each request carries the peer's address (as
/// axum's `ConnectInfo`) and the body deadline.
fn connection_service(
    app: Router,
    peer: SocketAddr,
    read_timeout: Duration,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone
+ Send
+ 'static {
    hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        req.extensions_mut().insert(BodyDeadline(read_timeout));
        app.clone().call(req.map(axum::body::Body::new))
    })
}
