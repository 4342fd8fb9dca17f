//! Outbound HTTP for hooks (Hasura sync, webhooks, `fetch` in Actions): one shared client so
//! connections are reused, a hard timeout, and a record of every call with secrets redacted.

use super::api::{Api, OutboundCall};
use serde_json::{Map, Value};
use std::time::{Duration, Instant};

/// What came back from an outbound call.
#[derive(Debug, Clone)]
pub struct OutboundResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Response body as text.
    pub body: String,
}

#[cfg(test)]
impl OutboundResponse {
    /// A reply with no headers, as the hooks' unit tests feed them.
    pub(crate) fn plain(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![],
            body: body.to_string(),
        }
    }
}

/// An outbound request.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    /// HTTP method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body, sent as-is.
    pub body: Option<String>,
    /// Hard timeout for the whole call.
    pub timeout: Duration,
}

/// Replaces every occurrence of each secret value in `text` with `[REDACTED]`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 3) {
        out = out.replace(s.as_str(), "[REDACTED]");
    }
    out
}

/// Secret values of an event (`event.secrets`), for redaction.
pub fn secret_values(secrets: &Map<String, Value>) -> Vec<String> {
    secrets
        .values()
        .filter_map(|v| v.as_str().map(str::to_string))
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_or_text(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Sends a request with the hook's shared client and records it (redacted) on `api`.
/// Header names containing `secret`, `authorization`, `key`, `token` or `cookie` are always
/// redacted, as are the given secret values anywhere in headers and bodies.
pub async fn send(
    api: &mut Api,
    req: OutboundRequest,
    secrets: &[String],
) -> Result<OutboundResponse, String> {
    let started = Instant::now();
    let method = reqwest::Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("invalid HTTP method '{}'", req.method))?;
    let mut builder = api.http().request(method, &req.url).timeout(req.timeout);
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    if let Some(b) = &req.body {
        builder = builder.body(b.clone());
    }
    let mut recorded_headers = Map::new();
    for (k, v) in &req.headers {
        let lower = k.to_ascii_lowercase();
        let sensitive = ["secret", "authorization", "key", "token", "cookie"]
            .iter()
            .any(|s| lower.contains(s));
        let shown = if sensitive {
            "[REDACTED]".to_string()
        } else {
            redact(v, secrets)
        };
        recorded_headers.insert(lower, Value::String(shown));
    }
    let request_body = req
        .body
        .as_deref()
        .map(|b| parse_or_text(&redact(b, secrets)))
        .unwrap_or(Value::Null);
    let outcome = async {
        let res = builder.send().await.map_err(describe)?;
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let body = res.text().await.map_err(describe)?;
        Ok::<_, String>(OutboundResponse {
            status,
            headers,
            body,
        })
    }
    .await;
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let call = match &outcome {
        Ok(r) => OutboundCall {
            method: req.method.to_ascii_uppercase(),
            url: redact(&req.url, secrets),
            request_headers: recorded_headers,
            request_body,
            status: Some(r.status),
            response_body: parse_or_text(&redact(&r.body, secrets)),
            error: None,
            duration_ms,
        },
        Err(e) => OutboundCall {
            method: req.method.to_ascii_uppercase(),
            url: redact(&req.url, secrets),
            request_headers: recorded_headers,
            request_body,
            status: None,
            response_body: Value::Null,
            error: Some(e.clone()),
            duration_ms,
        },
    };
    api.record_call(call);
    outcome
}

fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        format!("connection failed: {}", root_cause(&e))
    } else {
        root_cause(&e)
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_secret_values() {
        assert_eq!(
            redact("x-hasura-admin-secret: hunter2", &["hunter2".into()]),
            "x-hasura-admin-secret: [REDACTED]"
        );
        assert_eq!(
            redact("ab", &["a".into()]),
            "ab",
            "tiny secrets are not redacted (would shred text)"
        );
    }
}
