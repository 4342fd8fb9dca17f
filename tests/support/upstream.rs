//! A real local HTTP server for hooks and Actions to call: it records every request and answers
//! as the test says, at once or only when the test releases it (a stalled upstream).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// One request the upstream received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The HTTP method.
    pub method: Method,
    /// The request path.
    pub path: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The body as JSON, or as a JSON string when it is not JSON.
    pub body: Value,
    /// The body as text.
    pub text: String,
}

impl Seen {
    /// A header's value, or "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// How the upstream answers one request.
pub enum Answer {
    /// Answer at once.
    Now(Response),
    /// Answer only once [`Upstream::release`] is called or the upstream is dropped.
    Held(Response),
}

type Respond = Arc<dyn Fn(&Seen, usize) -> Answer + Send + Sync>;

#[derive(Clone)]
struct Shared {
    seen: Arc<Mutex<Vec<Seen>>>,
    answered: Arc<AtomicUsize>,
    arrived: Arc<Notify>,
    released: watch::Receiver<bool>,
    respond: Respond,
}

/// A running upstream server on 127.0.0.1.
pub struct Upstream {
    base: String,
    shared: Shared,
    release: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

async fn record_and_answer(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = String::from_utf8_lossy(&body).into_owned();
    let seen = Seen {
        method,
        path: uri.path().to_string(),
        headers,
        body: serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone())),
        text,
    };
    let count = {
        let mut all = shared.seen.lock().unwrap();
        all.push(seen.clone());
        all.len() - 1
    };
    shared.arrived.notify_waiters();
    let response = match (shared.respond)(&seen, count) {
        Answer::Now(r) => r,
        Answer::Held(r) => {
            let mut released = shared.released.clone();
            // A dropped sender (the test ended) releases too, so no connection task outlives it.
            while !*released.borrow_and_update() {
                if released.changed().await.is_err() {
                    break;
                }
            }
            r
        }
    };
    shared.answered.fetch_add(1, Ordering::SeqCst);
    response
}

impl Upstream {
    /// Starts a server answering every method and path with `respond(request, how many came
    /// before it)`.
    pub async fn start(respond: impl Fn(&Seen, usize) -> Answer + Send + Sync + 'static) -> Self {
        let (release, released) = watch::channel(false);
        let shared = Shared {
            seen: Arc::default(),
            answered: Arc::default(),
            arrived: Arc::default(),
            released,
            respond: Arc::new(respond),
        };
        let app = Router::new()
            .fallback(record_and_answer)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("a bound port");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base: format!("http://{addr}"),
            shared,
            release,
            task,
        }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// How many requests got their answer sent.
    pub fn answered(&self) -> usize {
        self.shared.answered.load(Ordering::SeqCst)
    }

    /// Waits until `n` requests have arrived; panics after 30 s so a broken hook fails the
    /// test instead of hanging it.
    pub async fn wait_for_requests(&self, n: usize) {
        let wait = async {
            loop {
                let arrived = self.shared.arrived.notified();
                if self.shared.seen.lock().unwrap().len() >= n {
                    return;
                }
                arrived.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .unwrap_or_else(|_| panic!("the upstream did not receive {n} request(s)"));
    }

    /// Lets every held answer go, now and from now on.
    pub fn release(&self) {
        let _ = self.release.send(true);
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A JSON response.
pub fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Hasura answering the guide's upsert with the user id it was given.
pub fn hasura_upsert_ok(request: &Seen) -> Response {
    json_response(
        StatusCode::OK,
        serde_json::json!({"data": {"insert_users_one": {"userId": request.body["variables"]["userId"].clone()}}}),
    )
}
