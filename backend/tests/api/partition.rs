//! An instance cut off from PostgreSQL without a word (its packets dropped, nothing closed, its
//! listening backend still listed) must not go on answering from memory for a session another instance
//! ended: the writer stops waiting for its acknowledgement after `ACK_WAIT`, and by then the cut-off
//! instance's lease has run out and its memory is off. Between the instance and the server runs a relay
//! the test can stop passing bytes, as a silent network failure does.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::helpers::{expect_json, expect_problem, poll_until, spawn_app_with, PASSWORD};
use crate::instances::{metric, one_portal, with_metrics, CACHE_HITS, CACHE_ON};

/// A TCP relay to one address that can stop passing bytes in both directions, holding back what it
/// has read, without closing anything.
struct Relay {
    port: u16,
    cut: Arc<watch::Sender<bool>>,
}

impl Relay {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(watch::Sender::new(false));
        let relay_cut = cut.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let Ok(outbound) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (from_client, to_client) = inbound.into_split();
                let (from_server, to_server) = outbound.into_split();
                tokio::spawn(pipe(from_client, to_server, relay_cut.subscribe()));
                tokio::spawn(pipe(from_server, to_client, relay_cut.subscribe()));
            }
        });
        Self { port, cut }
    }

    fn set_cut(&self, cut: bool) {
        self.cut.send_replace(cut);
    }
}

async fn pipe(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut cut: watch::Receiver<bool>) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        // While cut, what was read waits here and nothing more is read: both ends see silence.
        if cut.wait_for(|cut| !cut).await.is_err() {
            return;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            return;
        }
    }
}

fn instance(vars: &mut HashMap<String, String>) {
    one_portal(vars);
    with_metrics(vars);
}

#[tokio::test]
async fn an_instance_cut_off_silently_stops_answering_from_memory_before_a_sign_out_elsewhere_returns(
) {
    if crate::helpers::test_postgres_url().is_none() {
        eprintln!(
            "skipped: needs TEST_DATABASE_URL (PostgreSQL); on SQLite every process reads the \
             changes table before using its memory and there is no network to lose"
        );
        return;
    }
    let a = spawn_app_with(instance).await;
    let mut through_relay = url::Url::parse(&a.database_url).unwrap();
    let upstream = format!(
        "{}:{}",
        through_relay.host_str().unwrap(),
        through_relay.port().unwrap_or(5432)
    );
    let relay = Relay::start(upstream).await;
    through_relay.set_host(Some("127.0.0.1")).unwrap();
    through_relay.set_port(Some(relay.port)).unwrap();
    let b = spawn_app_with(|vars| {
        instance(vars);
        vars.insert("DATABASE_URL".into(), through_relay.to_string());
    })
    .await;
    assert_eq!(
        metric(&b, CACHE_ON).await,
        1.0,
        "b listens through the relay"
    );

    a.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let session = a.login_ok("alice", PASSWORD).await;
    for _ in 0..2 {
        expect_json(b.me(&session.access_token).await, StatusCode::OK).await;
    }
    let hits = metric(&b, CACHE_HITS).await;
    expect_json(b.me(&session.access_token).await, StatusCode::OK).await;
    assert!(
        metric(&b, CACHE_HITS).await > hits,
        "b answers the session from memory"
    );

    // The network between b and the database goes silent, and a signs the session out: a waits for
    // b's acknowledgement, which cannot come, then answers.
    relay.set_cut(true);
    assert_eq!(a.logout(&session.access_token).await.status(), 204);

    // From now on b must not accept the session. Its memory is off (the lease ran out before a stopped
    // waiting), so it asks the database, which it cannot reach until the network is back.
    let asked = {
        let (client, url, token) = (
            b.client.clone(),
            b.url("/api/me"),
            session.access_token.clone(),
        );
        tokio::spawn(async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .map(|answer| answer.status())
        })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    if asked.is_finished() {
        let status = asked.await.unwrap().expect("b answers");
        assert_ne!(
            status,
            StatusCode::OK,
            "b accepted a session signed out on a"
        );
    } else {
        relay.set_cut(false);
        let status = asked.await.unwrap().expect("b answers");
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "once the database answers"
        );
    }
    relay.set_cut(false);

    // Back on the network b refuses the session, listens again, and hears the next sign-out at once.
    expect_problem(b.me(&session.access_token).await, 401, "unauthorized").await;
    poll_until(Duration::from_secs(15), || async {
        (metric(&b, CACHE_ON).await == 1.0).then_some(())
    })
    .await
    .expect("b uses its memory again");
    let next = a.login_ok("alice", PASSWORD).await;
    for _ in 0..2 {
        expect_json(b.me(&next.access_token).await, StatusCode::OK).await;
    }
    assert_eq!(a.logout(&next.access_token).await.status(), 204);
    expect_problem(b.me(&next.access_token).await, 401, "unauthorized").await;
}
