//! A client that sends its request body slowly is cut off after `REQUEST_TIMEOUT_SECONDS` (slowloris):
//! it gets `408` or a closed connection, however steadily it trickles; a body within the time is served.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app_with;

const HEAD: &str = "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                    Content-Type: application/json\r\nContent-Length: 100\r\n\r\n";

/// Everything the server sends until it closes the connection, or `None` if it is still open after
/// `deadline`.
async fn read_until_closed(
    stream: &mut tokio::net::tcp::OwnedReadHalf,
    deadline: Duration,
) -> Option<String> {
    let mut received = Vec::new();
    let closed = tokio::time::timeout(deadline, async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    closed
        .is_ok()
        .then(|| String::from_utf8_lossy(&received).into_owned())
}

#[tokio::test]
async fn a_body_trickled_byte_by_byte_is_cut_off() {
    let app = spawn_app_with(|vars| {
        vars.insert("REQUEST_TIMEOUT_SECONDS".into(), "1".into());
    })
    .await;
    let stream = TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    let (mut read, mut write) = stream.into_split();
    write.write_all(HEAD.as_bytes()).await.unwrap();
    write.write_all(b"{\"lo").await.unwrap();
    // One byte every 200 ms: each arrives well within any per-read timeout, the body never ends.
    let trickle = tokio::spawn(async move {
        for _ in 0..90 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if write.write_all(b" ").await.is_err() {
                return;
            }
        }
    });

    let answer = read_until_closed(&mut read, Duration::from_secs(20)).await;
    trickle.abort();
    let answer = answer.expect("the server kept the connection of a trickled body open");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "a trickled body got: {answer}"
    );
}

#[tokio::test]
async fn a_body_that_arrives_in_time_is_served() {
    let app = spawn_app_with(|vars| {
        vars.insert("REQUEST_TIMEOUT_SECONDS".into(), "10".into());
    })
    .await;
    let body = br#"{"login": "nobody", "password": "wrong password"}"#;
    let head = HEAD.replace("100", &body.len().to_string());
    let stream = TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    let (mut read, mut write) = stream.into_split();
    write.write_all(head.as_bytes()).await.unwrap();
    write.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    write.write_all(&body[10..]).await.unwrap();

    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(20), read.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap();
    let status_line = String::from_utf8_lossy(&buf[..n]);
    assert!(
        status_line.starts_with("HTTP/1.1 401"),
        "a slow but timely login got: {status_line}"
    );
}
