//! On PostgreSQL: hears every instance's changes to accounts and sessions (`store::changes`) and
//! applies them to this instance's cache of signed-in state, which is on only while this is listening.
//!
//! A connection of its own with `tokio-postgres` (the asynchronous client of the same author as the
//! `postgres` crate): diesel's libpq connections can only be polled for notifications, which would add
//! a polling interval to every revocation; this one wakes the moment the server sends one.

use std::sync::{Arc, Weak};
use std::time::Duration;

use anyhow::Context;
use futures_util::StreamExt;
use tokio_postgres::AsyncMessage;

use super::changes::{self, ACK_CHANNEL, CHANNEL};
use crate::auth::cache::AuthCache;

/// How often the listening connection proves it is alive: a connection cut without a word from the
/// network would otherwise leave the cache on while changes go unheard.
const HEARTBEAT: Duration = Duration::from_secs(5);

/// The listening connection's `application_name`, taken once it listens.
pub const APPLICATION_NAME: &str = changes::LISTENER_NAME;

/// Between attempts to listen again.
const RETRY: Duration = Duration::from_secs(1);

/// Listens on a thread of its own until `cache` is dropped.
pub fn spawn(database_url: String, cache: &Arc<AuthCache>) -> anyhow::Result<()> {
    let cache = Arc::downgrade(cache);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime of the PostgreSQL listener")?;
    std::thread::Builder::new()
        .name("pg-listen".into())
        .spawn(move || runtime.block_on(listen(database_url, cache)))
        .context("starting the PostgreSQL listener")?;
    Ok(())
}

async fn listen(database_url: String, cache: Weak<AuthCache>) {
    let mut failures = 0u32;
    while cache.strong_count() > 0 {
        match session(&database_url, &cache).await {
            Ok(()) => return,
            Err(e) => {
                if let Some(cache) = cache.upgrade() {
                    cache.set_on(false);
                }
                failures += 1;
                // The first failure of a run says why; a server that stays away is not logged every second.
                if failures == 1 || failures.is_power_of_two() {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "not listening for other instances' sign-outs: every request reads the \
                         database until this is back"
                    );
                }
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// One listening connection, until it fails (an error) or the cache is gone (`Ok`).
async fn session(database_url: &str, cache: &Weak<AuthCache>) -> anyhow::Result<()> {
    let config: tokio_postgres::Config = database_url
        .parse()
        .context("reading DATABASE_URL for the listener")?;
    let (client, mut connection) = config
        .connect(tls()?)
        .await
        .context("connecting the listener to PostgreSQL")?;
    let (sender, mut notifications) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    let message = (n.channel() == ACK_CHANNEL, n.payload().to_owned());
                    if sender.send(message).is_err() {
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    // Named only once it listens: writers wait for the acknowledgements of the backends of that name
    // (`pg_stat_activity`), and an operator or a test can tell it apart there.
    client
        .batch_execute(&format!(
            "LISTEN {CHANNEL}; LISTEN {ACK_CHANNEL}; SET application_name = '{APPLICATION_NAME}'"
        ))
        .await
        .context("listening")?;
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .context("asking for the listening backend")?
        .get(0);
    match cache.upgrade() {
        Some(cache) => cache.set_on(true),
        None => return Ok(()),
    }
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    let outcome = loop {
        tokio::select! {
            message = notifications.recv() => {
                let Some((is_ack, payload)) = message else {
                    break Err(anyhow::anyhow!("the listening connection closed"));
                };
                let Some(cache) = cache.upgrade() else { break Ok(()) };
                if is_ack {
                    if let Some((tag, from)) = decode_ack(&payload) {
                        cache.acknowledged(tag, from);
                    }
                    continue;
                }
                match changes::decode(&payload) {
                    Some((tag, changes)) => {
                        cache.apply(&changes);
                        // Applied: the writer may answer its client once every instance has said so.
                        let ack = format!("SELECT pg_notify('{ACK_CHANNEL}', '{tag:016x} {pid}')");
                        if let Err(e) = client.batch_execute(&ack).await {
                            break Err(anyhow::Error::new(e).context("acknowledging a change"));
                        }
                    }
                    // Not ours: someone else's NOTIFY on the channel; forget everything to be safe.
                    None => cache.set_on(true),
                }
            }
            _ = heartbeat.tick() => {
                if cache.strong_count() == 0 {
                    break Ok(());
                }
                match tokio::time::timeout(HEARTBEAT, client.simple_query("")).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => break Err(anyhow::Error::new(e).context("heartbeat")),
                    Err(_) => break Err(anyhow::anyhow!("the heartbeat went unanswered")),
                }
            }
        }
    };
    driver.abort();
    outcome
}

/// `TAG PID` of an acknowledgement.
fn decode_ack(payload: &str) -> Option<(u64, i32)> {
    let (tag, pid) = payload.split_once(' ')?;
    Some((u64::from_str_radix(tag, 16).ok()?, pid.parse().ok()?))
}

/// TLS as libpq's `sslmode=require` (and `prefer`, the default) does it: the connection is encrypted,
/// the server's certificate is not checked, so this connection is exactly as trusted as the pool's,
/// which libpq opens with the same URL. `verify-ca` and `verify-full` are not understood here: such a
/// URL is refused by the listener's parser and that instance reads the database for every request.
fn tls() -> anyhow::Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("setting up TLS for the listener")?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(LikeLibpqRequire(provider)))
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Accepts any certificate, but the handshake's signatures must still be made with the certificate's
/// key (as with `sslmode=require`: no authentication of the server, no tampering within the session).
#[derive(Debug)]
struct LikeLibpqRequire(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for LikeLibpqRequire {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
