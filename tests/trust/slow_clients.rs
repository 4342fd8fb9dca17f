//! Clients that open connections and then send nothing, half a request, or a body that never
//! ends must not hold a connection (and a file descriptor) for ever, nor lock others out.

use crate::inputs::raw_exchange;
use crate::support::*;
use auth0_mock::{Limits, MockServer, ServerConfig};
use reqwest::StatusCode;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A mock whose clients get one second to send their headers or body.
async fn impatient(max_connections: Option<usize>) -> MockServer {
    let mut cfg = ServerConfig::for_tests();
    cfg.limits = Limits {
        read_timeout: Duration::from_secs(1),
        max_connections,
    };
    MockServer::start(cfg).await.unwrap()
}

/// Whether the server closes `stream` (end of file or reset) before a 10 s read timeout.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = Vec::new();
    match stream.read_to_end(&mut buf) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

#[tokio::test]
async fn a_client_that_stalls_in_its_headers_is_disconnected() {
    let server = impatient(None).await;
    let addr = server.addr();
    let closed = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            .unwrap();
        closed_by_server(&mut s)
    })
    .await
    .unwrap();
    assert!(closed);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = impatient(None).await;
    let addr = server.addr();
    let closed = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut first = [0u8; 12];
        s.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"HTTP/1.1 200");
        closed_by_server(&mut s)
    })
    .await
    .unwrap();
    assert!(closed);
}

#[tokio::test]
async fn a_body_that_never_ends_is_a_408() {
    let server = impatient(None).await;
    let addr = server.addr();
    let answer = tokio::task::spawn_blocking(move || {
        raw_exchange(
            addr,
            b"POST /oauth/token HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
              grant_type=",
        )
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"invalid_request\""), "{answer}");
}

#[tokio::test]
async fn idle_connections_past_the_limit_do_not_lock_others_out() {
    let server = impatient(Some(4)).await;
    let addr = server.addr();
    let idle: Vec<TcpStream> = (0..12).map(|_| TcpStream::connect(addr).unwrap()).collect();
    let res = client()
        .get(format!("{}/healthz", server.base_url()))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    drop(idle);
}

/// The finding as reported: the binary with 128 open files, 140 idle connections, then a real
/// request.
#[tokio::test]
async fn with_128_open_files_140_idle_connections_do_not_lock_others_out() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 128 && exec \"$0\" --port \"$1\" --read-timeout 1")
        .arg(env!("CARGO_BIN_EXE_auth0-mock"))
        .arg(port.to_string())
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://localhost:{port}");
    let mut up = false;
    for _ in 0..100 {
        if client().get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the mock started");
    let idle: Vec<TcpStream> = (0..140)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    let res = client()
        .get(format!("{base}/healthz"))
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    drop(idle);
    let _ = child.kill().await;
}
