//! The binary stops gracefully on Ctrl-C as on SIGTERM: a request in flight is still answered, then the
//! process exits 0.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{free_port, poll_until};

fn stop_while_a_request_is_in_flight(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_otp-portal"))
        .arg("serve")
        .env_clear()
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir.path())
        .env("RUST_LOG", "info")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let up = tokio::runtime::Runtime::new().unwrap().block_on(async {
        poll_until(Duration::from_secs(30), || async {
            TcpStream::connect(("127.0.0.1", port)).ok().map(drop)
        })
        .await
    });
    assert!(up.is_some(), "the server did not start listening");

    // A request whose body is only half sent: in flight when the signal comes.
    let body = br#"{"email":"alice@example.com"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /api/auth/password/forgot HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body[10..]).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 202"),
        "the request in flight was not answered after {signal}: {answer:?}"
    );

    let status = child.wait().unwrap();
    let mut log = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        status.success(),
        "exit status {status} after {signal}; log:\n{log}"
    );
    assert!(log.contains("shutting down gracefully"), "{log}");
}

#[test]
fn ctrl_c_stops_gracefully() {
    stop_while_a_request_is_in_flight("-INT");
}

#[test]
fn sigterm_stops_gracefully() {
    stop_while_a_request_is_in_flight("-TERM");
}
