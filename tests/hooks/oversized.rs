//! An upstream answering more than the 1 MiB the mock reads (the 50 MB webhook reply,
//! scaled to 3 MB): read no further than the limit, recorded with at most 16 KiB of the body
//! and a mark saying it was cut. How the login then goes (deny or continue) is checked with the
//! other failure modes in `failures.rs`; this is what the record keeps, for a reply that
//! declares its size and one streamed without a `Content-Length`.

use crate::failures::{Mode, OVERSIZED_BYTES, failing};
use crate::support::*;
use auth0_mock::MockServer;
use auth0_mock::tenant::HookBinding;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a record keeps of each body.
const RECORD_BODY_BYTES: usize = 16 * 1024;

/// A server answering every request with a chunked JSON-looking reply of [`OVERSIZED_BYTES`]
/// and no `Content-Length`, so only reading can find its size. Stops writing when the client
/// hangs up. Returns its URL.
async fn streaming_upstream() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_none() {
                    return;
                }
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'z'; 64 * 1024];
                for _ in 0..OVERSIZED_BYTES / chunk.len() {
                    let framed =
                        [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                    if socket.write_all(&framed).await.is_err() {
                        return;
                    }
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    format!("http://{addr}/hook")
}

/// Reads one request (head and `Content-Length` body); `None` when the client hung up.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<()> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut buf).await.ok().filter(|n| *n > 0)?;
        seen.extend_from_slice(&buf[..n]);
        if let Some(at) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&seen[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while seen.len() < head_end + length {
        let n = socket.read(&mut buf).await.ok().filter(|n| *n > 0)?;
        seen.extend_from_slice(&buf[..n]);
    }
    Some(())
}

/// A mock whose webhook (denying on failure) streams an oversized reply; alice has tried to
/// log in. Returns the mock, the login's answer and the webhook's record.
async fn streamed_login() -> (MockServer, (StatusCode, Value), Value) {
    let url = streaming_upstream().await;
    let hook = HookBinding::native(
        "webhook",
        "streams too much",
        json!({"url": url, "timeout_ms": 5000, "on_failure": "deny"}),
    );
    let server = start_with_hooks(vec![hook]).await;
    let login = alice_login(&server.base_url()).await;
    let record = records_of(&server.base_url(), "webhook").await.remove(0);
    (server, login, record)
}

#[tokio::test]
async fn a_streamed_reply_over_the_read_limit_denies_the_login() {
    let (server, (status, body), _) = streamed_login().await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let description = body["error_description"].as_str().unwrap_or("");
    assert!(
        description.contains("over the 1048576 bytes auth0-mock reads"),
        "{description}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_streamed_reply_over_the_read_limit_keeps_at_most_16_kib_of_it() {
    let (server, _, record) = streamed_login().await;
    let call = &record["calls"][0];
    let kept = call["response_body"].as_str().unwrap_or("");
    assert_eq!(kept.len(), RECORD_BODY_BYTES, "{}", kept.len());
    server.shutdown().await;
}

#[tokio::test]
async fn a_streamed_reply_over_the_read_limit_is_marked_cut_with_its_size_unknown() {
    let (server, _, record) = streamed_login().await;
    assert_eq!(
        record["calls"][0]["response_body_truncated"],
        json!({"kept_bytes": RECORD_BODY_BYTES, "total_bytes": null})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_declared_reply_over_the_read_limit_is_refused_unread_with_its_size() {
    let f = failing("webhook", Mode::Oversized, "deny").await;
    alice_login(&f.server.base_url()).await;
    let record = records_of(&f.server.base_url(), "webhook").await.remove(0);
    let call = &record["calls"][0];
    assert_eq!(call["response_body"], Value::Null, "{call}");
    let declared = call["response_body_truncated"]["total_bytes"].as_u64();
    assert!(
        declared.is_some_and(|n| n > OVERSIZED_BYTES as u64),
        "{call}"
    );
    f.server.shutdown().await;
}

#[tokio::test]
async fn the_hook_list_after_an_oversized_reply_stays_small() {
    let (server, _, _) = streamed_login().await;
    let listed = client()
        .get(format!("{}/__mock/hooks", server.base_url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(listed.len() < 4 * RECORD_BODY_BYTES, "{}", listed.len());
    server.shutdown().await;
}
