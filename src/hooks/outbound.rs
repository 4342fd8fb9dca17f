//! Outbound HTTP for hooks (Hasura sync, webhooks, `fetch` in Actions): one shared client so
//! connections are reused, a hard timeout, a bounded read of every reply, and a record of every
//! call with secrets redacted and bodies cut to a size a record can hold.

use super::api::{Api, BodyCut, OutboundCall};
use super::console::floor_char_boundary;
pub use super::exchange::{MAX_RESPONSE_BYTES, OutboundError, OutboundRequest, OutboundResponse};
use super::local::{IN_PROCESS_HEADER, is_in_process};
use serde_json::{Map, Value};
use std::time::Instant;

/// Most bytes of each request or response body a hook record keeps: enough for the JSON a test
/// asserts on, while a record stays small next to the store's byte cap.
pub const RECORD_BODY_BYTES: usize = 16 * 1024;

/// Replaces every occurrence of each secret value in `text` with `[REDACTED]`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    // Longest first: a secret that begins another (a client id and its `<id>-secret`) must not
    // leave the longer one's tail showing.
    let mut secrets: Vec<&String> = secrets.iter().filter(|s| s.len() >= 3).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in secrets {
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
/// redacted, as are the given secret values anywhere in headers and bodies. The reply is read
/// up to [`MAX_RESPONSE_BYTES`] only.
pub async fn send(
    api: &mut Api,
    req: OutboundRequest,
    secrets: &[String],
) -> Result<OutboundResponse, OutboundError> {
    let started = Instant::now();
    let method = reqwest::Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| OutboundError::InvalidMethod(req.method.clone()))?;
    let in_process = is_in_process(&req);
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
    let (request_body, request_body_truncated) = match req.body.as_deref() {
        Some(b) => keep_body(b, b.len() as u64, secrets),
        None => (Value::Null, None),
    };
    let mut reply = Reply::default();
    let outcome = if in_process {
        serve_in_process(api, &req, &mut reply).await
    } else {
        let mut builder = api.http().request(method, &req.url).timeout(req.timeout);
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(b) = &req.body {
            builder = builder.body(b.clone());
        }
        exchange(builder, &mut reply).await
    };
    let (response_body, response_body_truncated) = match &outcome {
        Err(OutboundError::TooLarge { .. }) if reply.bytes.is_empty() => {
            let cut = BodyCut {
                kept_bytes: 0,
                total_bytes: reply.declared,
            };
            (Value::Null, Some(cut))
        }
        Err(OutboundError::TooLarge { .. }) => {
            let (body, cut) = keep_body(&reply.text(), 0, secrets);
            let cut = BodyCut {
                kept_bytes: cut.map_or(reply.bytes.len(), |c| c.kept_bytes),
                total_bytes: reply.declared,
            };
            (body, Some(cut))
        }
        Err(_) => (Value::Null, None),
        Ok(r) => keep_body(&r.body, r.body.len() as u64, secrets),
    };
    let call = OutboundCall {
        method: req.method.to_ascii_uppercase(),
        url: redact(&req.url, secrets),
        request_headers: recorded_headers,
        request_body,
        status: reply.status,
        response_body,
        error: outcome.as_ref().err().map(ToString::to_string),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        request_body_truncated,
        response_body_truncated,
    };
    api.record_call(call);
    outcome
}

/// Serves a call to the mock itself (see [`super::local`]), within the call's timeout.
async fn serve_in_process(
    api: &Api,
    req: &OutboundRequest,
    reply: &mut Reply,
) -> Result<OutboundResponse, OutboundError> {
    let Some(local) = api.local() else {
        return Err(OutboundError::Other(
            "auth0-mock serves require('auth0') in-process only while a server runs".into(),
        ));
    };
    let mut inner = req.clone();
    inner
        .headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case(IN_PROCESS_HEADER));
    let served = tokio::time::timeout(req.timeout, local.call(inner))
        .await
        .map_err(|_| OutboundError::TimedOut)??;
    reply.status = Some(served.status);
    Ok(served)
}

/// What arrived of a reply, kept for the record even when the call fails.
#[derive(Default)]
struct Reply {
    status: Option<u16>,
    /// The reply's `Content-Length`, when it gave one.
    declared: Option<u64>,
    bytes: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Sends the request and reads the reply into `reply`, stopping at [`MAX_RESPONSE_BYTES`]:
/// a `Content-Length` over it is refused before reading, and a body without one is read
/// chunk by chunk and left unread (its connection dropped) once past it.
async fn exchange(
    builder: reqwest::RequestBuilder,
    reply: &mut Reply,
) -> Result<OutboundResponse, OutboundError> {
    let mut res = builder.send().await.map_err(describe)?;
    let status = res.status().as_u16();
    reply.status = Some(status);
    reply.declared = res.content_length();
    if reply
        .declared
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(OutboundError::TooLarge { status });
    }
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
    while let Some(chunk) = res.chunk().await.map_err(describe)? {
        if !take_within(&mut reply.bytes, &chunk, MAX_RESPONSE_BYTES) {
            return Err(OutboundError::TooLarge { status });
        }
    }
    // Taken, not copied: a reply may be a MiB, and the record keeps its own cut of it.
    let bytes = std::mem::take(&mut reply.bytes);
    let body = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(OutboundResponse {
        status,
        headers,
        body,
    })
}

/// Appends `chunk` to `buf` as far as `cap` allows; false when the chunk did not fit whole
/// (the caller stops reading: what is in `buf` is all it will ever hold).
fn take_within(buf: &mut Vec<u8>, chunk: &[u8], cap: usize) -> bool {
    let room = cap.saturating_sub(buf.len());
    let fits = chunk.len() <= room;
    buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
    fits
}

/// A body as a record keeps it: redacted first (so a secret cannot straddle the cut), then
/// parsed as JSON when whole, or its first [`RECORD_BODY_BYTES`] as text with a cut marker
/// naming `total` bytes (0: unknown).
fn keep_body(text: &str, total: u64, secrets: &[String]) -> (Value, Option<BodyCut>) {
    let redacted = redact(text, secrets);
    if redacted.len() <= RECORD_BODY_BYTES {
        return (parse_or_text(&redacted), None);
    }
    let kept = &redacted[..floor_char_boundary(&redacted, RECORD_BODY_BYTES)];
    let cut = BodyCut {
        kept_bytes: kept.len(),
        total_bytes: (total > 0).then_some(total),
    };
    (Value::String(kept.to_string()), Some(cut))
}

fn describe(e: reqwest::Error) -> OutboundError {
    if e.is_timeout() {
        OutboundError::TimedOut
    } else if e.is_connect() {
        OutboundError::Connect(root_cause(&e))
    } else {
        OutboundError::Other(root_cause(&e))
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
    fn a_secret_that_begins_another_leaves_no_tail() {
        let shown = redact(
            "id=abc&secret=abc-secret",
            &["abc".into(), "abc-secret".into()],
        );
        assert_eq!(shown, "id=[REDACTED]&secret=[REDACTED]");
    }

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

    #[test]
    fn a_chunk_within_the_cap_is_taken_whole() {
        let mut buf = vec![0; 6];
        assert!(take_within(&mut buf, &[1; 4], 10));
        assert_eq!(buf.len(), 10);
    }

    #[test]
    fn a_chunk_past_the_cap_stops_the_read_with_the_buffer_full() {
        let mut buf = vec![0; 6];
        assert!(!take_within(&mut buf, &[1; 5], 10));
        assert_eq!(buf.len(), 10, "never more than the cap");
    }

    #[test]
    fn a_small_body_is_kept_whole_as_json() {
        let (body, cut) = keep_body(r#"{"a":1}"#, 7, &[]);
        assert_eq!((body, cut), (serde_json::json!({"a": 1}), None));
    }

    #[test]
    fn a_large_body_keeps_its_head_with_a_cut_marker() {
        let text = "é".repeat(RECORD_BODY_BYTES);
        let (body, cut) = keep_body(&text, text.len() as u64, &[]);
        assert!(body.as_str().is_some_and(|s| s.len() <= RECORD_BODY_BYTES));
        assert_eq!(
            cut,
            Some(BodyCut {
                kept_bytes: RECORD_BODY_BYTES,
                total_bytes: Some(2 * RECORD_BODY_BYTES as u64)
            })
        );
    }

    #[test]
    fn a_secret_across_the_cut_is_redacted_before_cutting() {
        let secret = "s3cr3t-value".to_string();
        let text = format!("{}{secret}", "x".repeat(RECORD_BODY_BYTES - 4));
        let (body, _) = keep_body(&text, 0, std::slice::from_ref(&secret));
        let kept = body.as_str().unwrap_or_default();
        assert!(!kept.contains("s3cr"), "no part of the secret is kept");
    }
}
