//! Slow clients over raw TCP: a client trickling its headers is cut by the header read
//! timeout, one trickling its body gets 408, and with every connection taken by slow
//! clients a new one waits, then is served once they are cut.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

/// A server whose clients get `header` seconds for their headers and `body` for a body,
/// with at most `max` connections.
async fn server(header: u64, body: u64, max: usize) -> TestApp {
    TestApp::spawn_tuned(Default::default(), false, |s| {
        s.connections.header_read_timeout_secs = header;
        s.connections.body_read_timeout_secs = body;
        s.connections.max_connections = max;
    })
    .await
}

async fn connect(app: &TestApp) -> TcpStream {
    let addr = app.base.trim_start_matches("http://");
    TcpStream::connect(addr).await.unwrap()
}

/// Writes `bytes` one at a time, `gap` apart, until the server closes the connection
/// or `limit` passes; returns when it was closed (None: never).
async fn trickle(
    stream: &mut TcpStream,
    bytes: &[u8],
    gap: Duration,
    limit: Duration,
) -> Option<Duration> {
    let started = Instant::now();
    let mut probe = [0u8; 1024];
    for b in bytes.iter().cycle() {
        if started.elapsed() > limit {
            return None;
        }
        if stream.write_all(&[*b]).await.is_err() {
            return Some(started.elapsed());
        }
        // Closed (EOF or reset) while we wait for the next byte?
        match tokio::time::timeout(gap, stream.read(&mut probe)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => return Some(started.elapsed()),
            Err(_) => {}
        }
    }
    None
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_within_the_timeout() {
    let app = server(2, 30, 64).await;
    let mut slow = connect(&app).await;
    let head =
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    // A byte a second: never idle, never finishing its headers.
    let cut = trickle(
        &mut slow,
        head,
        Duration::from_secs(1),
        Duration::from_secs(15),
    )
    .await;
    let cut = cut.expect("the slow client was cut");
    assert!(
        cut >= Duration::from_millis(1500) && cut < Duration::from_secs(6),
        "cut after {cut:?}, the timeout being 2 s"
    );
    // A client with whole headers is served on the same server.
    let health = app
        .client
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_client_trickling_its_body_gets_408() {
    let app = server(1, 2, 64).await;
    let mut slow = connect(&app).await;
    slow.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"query\": \"",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    // A byte every 200 ms: 400 bytes would take 80 s.
    while started.elapsed() < Duration::from_secs(15) {
        if slow.write_all(b" ").await.is_err() {
            break;
        }
        let mut buf = [0u8; 4096];
        match tokio::time::timeout(Duration::from_millis(200), slow.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
            break;
        }
    }
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&answer).to_string();
    assert!(
        text.starts_with("HTTP/1.1 408"),
        "answer after {elapsed:?}: {text:?}"
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "answered after {elapsed:?}"
    );
    let body: Value = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "REQUEST_TIMEOUT");

    // A body sent at an ordinary pace, after a pause longer than the header timeout,
    // is served: the header deadline ends with the headers.
    let mut ok = connect(&app).await;
    let query = br#"{"query":"{ __typename }"}"#;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer {}\r\nContent-Length: {}\r\n\r\n",
        app.admin,
        query.len()
    );
    ok.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    ok.write_all(query).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), ok.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");

    // The same connection, kept alive and quiet for longer than the header timeout,
    // serves a second request: the deadline runs from a request's first byte.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    ok.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let n = tokio::time::timeout(Duration::from_secs(5), ok.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 200"), "second request: {text}");
}

#[tokio::test]
async fn with_every_connection_held_new_ones_wait_then_are_served() {
    let app = server(3, 30, 4).await;
    let mut slow = Vec::new();
    for _ in 0..4 {
        let mut s = connect(&app).await;
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    // Keep them trickling so no idle timeout applies.
    let keep = tokio::spawn(async move {
        for _ in 0..20 {
            for s in &mut slow {
                let _ = s.write_all(b"X").await;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        slow
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let health = tokio::time::timeout(
        Duration::from_secs(15),
        app.client.get(format!("{}/health", app.base)).send(),
    )
    .await
    .expect("served once the slow clients were cut")
    .unwrap();
    let waited = started.elapsed();
    assert_eq!(health.status(), 200);
    assert!(
        waited >= Duration::from_millis(1500),
        "a fifth connection waited for a free slot (waited {waited:?})"
    );
    assert!(waited < Duration::from_secs(8), "waited {waited:?}");
    keep.abort();
}

/// The slowloris attack on a server process: four times as many trickling clients as
/// it takes connections. `/health` is answered once the first wave is cut, the process
/// lives and its memory settles.
#[tokio::test]
async fn a_slowloris_crowd_does_not_hold_a_server_process() {
    use crate::process::ServerProcess;
    let mut server = ServerProcess::start(&[
        ("COSO_HEADER_READ_TIMEOUT_SECS", "2"),
        ("COSO_MAX_CONNECTIONS", "50"),
    ])
    .await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut crowd = Vec::new();
    for _ in 0..200 {
        let addr = addr.clone();
        crowd.push(tokio::spawn(async move {
            let Ok(mut s) = TcpStream::connect(&addr).await else {
                return;
            };
            let _ = s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await;
            // A minute of trickling: longer than the test waits for `/health`.
            for _ in 0..120 {
                if s.write_all(b"X").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let mut served = false;
    while started.elapsed() < Duration::from_secs(20) {
        if server.healthy().await {
            served = true;
            break;
        }
    }
    let waited = started.elapsed();
    assert!(served, "/health was not served within 20 s of the attack");
    eprintln!(
        "slowloris: /health served after {waited:?}, peak {:.0} MiB",
        server.peak_mib()
    );
    for c in crowd {
        c.abort();
    }
    assert!(server.alive(), "the process lives");
    let rss = server.settle_rss(300.0, Duration::from_secs(10)).await;
    assert!(rss <= 300.0, "memory settles ({rss:.0} MiB)");
}

#[tokio::test]
async fn a_silent_connection_is_closed_by_the_idle_or_header_timeout() {
    let app = TestApp::spawn_tuned(Default::default(), false, |s| {
        s.connections.idle_timeout_secs = 1;
        s.connections.header_read_timeout_secs = 0;
    })
    .await;
    let mut silent = connect(&app).await;
    let started = Instant::now();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(10), silent.read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "closed, not left open: {read:?}"
    );
    let closed = started.elapsed();
    assert!(closed < Duration::from_secs(4), "closed after {closed:?}");

    // With the header timeout on, a new connection owes its first request head within
    // it, silent or not, whatever the idle timeout.
    let app = server(1, 30, 8).await;
    let mut silent = connect(&app).await;
    let started = Instant::now();
    let read = tokio::time::timeout(Duration::from_secs(10), silent.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "closed: {read:?}");
    let closed = started.elapsed();
    assert!(
        closed >= Duration::from_millis(800) && closed < Duration::from_secs(3),
        "closed after {closed:?}, the header timeout being 1 s"
    );
}
