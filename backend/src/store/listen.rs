//! On PostgreSQL: hears every instance's changes to accounts and sessions (`store::changes`) and
//! applies them to this instance's cache of signed-in state, which is on only while this is listening.
//!
//! A connection of its own with `tokio-postgres` (the asynchronous client of the same author as the
//! `postgres` crate): diesel's libpq connections can only be polled for notifications, which would add
//! a polling interval to every revocation; this one wakes the moment the server sends one. It is made
//! from the pool's `DATABASE_URL` and trusts the server exactly as libpq does with it: `sslmode` and
//! `sslrootcert`, which tokio-postgres does not read, are read here (`connection`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures_util::StreamExt;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, RootCertStore};
use rustls_pki_types::pem::PemObject;
use tokio_postgres::AsyncMessage;

use super::changes::{self, ACK_CHANNEL, CHANNEL};
use crate::auth::cache::AuthCache;

/// How often the listening connection proves it is alive, renewing the cache's lease. Well under the
/// lease: on a saturated machine one answer was seen to take a second (two instances, their load
/// generators and PostgreSQL on two cores), and with a heartbeat a second apart that alone let the
/// lease run out, turning the memory off (and every request to the database) until the next answer.
const HEARTBEAT: Duration = Duration::from_millis(250);

/// How long after a heartbeat was sent the cache may serve from memory without another answer. A
/// connection cut without a word from the network (its backend still listed as listening, so writers
/// wait for it) stops the answers; the cache then turns itself off within this, before any writer
/// stops waiting for this instance's acknowledgement (`auth::cache::ACK_WAIT`, longer).
pub const LEASE: Duration = Duration::from_secs(2);

/// A heartbeat unanswered this long ends the connection (the lease ran out long before).
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(5);
const _: () = assert!(HEARTBEAT.as_millis() * 4 <= LEASE.as_millis());

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
    // libpq's default root certificate file, looked up at each connection as libpq does.
    let default_root = std::env::home_dir().map(|home| home.join(".postgresql").join("root.crt"));
    let (config, tls) = connection(database_url, default_root)?;
    let (client, mut connection) = config
        .connect(tls)
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
    let sent = Instant::now();
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .context("asking for the listening backend")?
        .get(0);
    match cache.upgrade() {
        Some(cache) => cache.renew(sent + LEASE),
        None => return Ok(()),
    }
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    heartbeat.tick().await;
    let outcome = loop {
        tokio::select! {
            message = notifications.recv() => {
                let Some(message) = message else {
                    break Err(anyhow::anyhow!("the listening connection closed"));
                };
                let Some(cache) = cache.upgrade() else { break Ok(()) };
                if let Err(e) = handle(message, &cache, &client, pid).await {
                    break Err(e);
                }
            }
            _ = heartbeat.tick() => {
                let sent = Instant::now();
                match tokio::time::timeout(HEARTBEAT_TIMEOUT, client.simple_query("")).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => break Err(anyhow::Error::new(e).context("heartbeat")),
                    Err(_) => break Err(anyhow::anyhow!("the heartbeat went unanswered")),
                }
                let Some(cache) = cache.upgrade() else { break Ok(()) };
                // What the server sent before its answer came first on the connection and waits in the
                // channel: applied before the lease is renewed on the strength of that answer.
                let mut pending = Ok(());
                while let Ok(message) = notifications.try_recv() {
                    pending = handle(message, &cache, &client, pid).await;
                    if pending.is_err() {
                        break;
                    }
                }
                if let Err(e) = pending {
                    break Err(e);
                }
                cache.renew(sent + LEASE);
            }
        }
    };
    driver.abort();
    outcome
}

/// Applies one notification: an acknowledgement of another instance, or a change, which is then
/// acknowledged in turn.
async fn handle(
    (is_ack, payload): (bool, String),
    cache: &AuthCache,
    client: &tokio_postgres::Client,
    pid: i32,
) -> anyhow::Result<()> {
    if is_ack {
        if let Some((tag, from)) = decode_ack(&payload) {
            cache.acknowledged(tag, from);
        }
        return Ok(());
    }
    match changes::decode(&payload) {
        Some((tag, changes)) => {
            cache.apply(&changes);
            // Applied: the writer may answer its client once every instance has said so.
            let ack = format!("SELECT pg_notify('{ACK_CHANNEL}', '{tag:016x} {pid}')");
            client
                .batch_execute(&ack)
                .await
                .context("acknowledging a change")?;
        }
        // Not ours: someone else's NOTIFY on the channel; forget everything to be safe.
        None => cache.set_on(true),
    }
    Ok(())
}

/// `TAG PID` of an acknowledgement.
fn decode_ack(payload: &str) -> Option<(u64, i32)> {
    let (tag, pid) = payload.split_once(' ')?;
    Some((u64::from_str_radix(tag, 16).ok()?, pid.parse().ok()?))
}

/// libpq's `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> anyhow::Result<Self> {
        Ok(match value {
            "disable" => Self::Disable,
            "allow" => Self::Allow,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            // Not repeated: nothing of DATABASE_URL goes to the log.
            _ => bail!(
                "sslmode in DATABASE_URL is none of disable, allow, prefer, require, verify-ca and \
                 verify-full"
            ),
        })
    }
}

/// DATABASE_URL split into what tokio-postgres reads and what it cannot: it knows no `verify-ca`,
/// `verify-full` nor `allow`, and no `sslrootcert`.
#[derive(Debug, PartialEq, Eq)]
struct SslParameters {
    /// The URL (or `key=value` string) without `sslmode` and `sslrootcert`, the rest as written.
    rest: String,
    mode: Option<Mode>,
    root_cert: Option<String>,
}

/// Takes `sslmode` and `sslrootcert` out of a `postgres://` URL's query or a `key=value` string (the
/// last of each counts, as with libpq). Whatever cannot be read is left to tokio-postgres, which
/// refuses it with an error that quotes none of the string.
fn split_ssl_parameters(database_url: &str) -> anyhow::Result<SslParameters> {
    let (mut mode, mut root_cert) = (None, None);
    let mut take = |key: &str, value: &str| -> anyhow::Result<bool> {
        match key {
            "sslmode" => mode = Some(Mode::parse(value)?),
            "sslrootcert" => root_cert = Some(value.to_owned()),
            _ => return Ok(false),
        }
        Ok(true)
    };
    let rest = if let Some(after_scheme) = ["postgres://", "postgresql://"]
        .iter()
        .find_map(|scheme| database_url.strip_prefix(scheme))
    {
        // As tokio-postgres reads it: the credentials end at the first `@`, the query starts at the
        // first `?` after them.
        let authority = database_url.len() - after_scheme.len();
        let from = authority + after_scheme.find('@').map_or(0, |at| at + 1);
        match database_url[from..].find('?').map(|q| from + q) {
            None => database_url.to_owned(),
            Some(query) => {
                let mut kept = Vec::new();
                for pair in database_url[query + 1..].split('&') {
                    if pair.is_empty() {
                        continue;
                    }
                    let taken = match pair.split_once('=') {
                        Some((key, value)) => {
                            take(&percent_decoded(key)?, &percent_decoded(value)?)?
                        }
                        None => false,
                    };
                    if !taken {
                        kept.push(pair);
                    }
                }
                let before = &database_url[..query];
                if kept.is_empty() {
                    before.to_owned()
                } else {
                    format!("{before}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let mut kept = Vec::new();
        let mut pairs = KeyValues::new(database_url);
        loop {
            match pairs.next_pair() {
                Pair::End => break,
                Pair::Unreadable(remainder) => {
                    kept.push(remainder);
                    break;
                }
                Pair::Read { raw, key, value } => {
                    if !take(key, &value)? {
                        kept.push(raw);
                    }
                }
            }
        }
        kept.join(" ")
    };
    Ok(SslParameters {
        rest,
        mode,
        root_cert,
    })
}

/// A URL component as libpq and tokio-postgres decode it (`%XX`, nothing else).
fn percent_decoded(component: &str) -> anyhow::Result<String> {
    Ok(percent_encoding::percent_decode_str(component)
        .decode_utf8()
        .context("DATABASE_URL: a query parameter is not UTF-8 once percent-decoded")?
        .into_owned())
}

/// The `key = value` pairs of a libpq keyword/value string, read as tokio-postgres reads them (a value
/// in single quotes may hold spaces; a backslash escapes the next character).
struct KeyValues<'a> {
    s: &'a str,
    at: usize,
}

enum Pair<'a> {
    End,
    /// From here on the string is not `key = value` pairs: left as it is.
    Unreadable(&'a str),
    /// `raw` is the pair as written.
    Read {
        raw: &'a str,
        key: &'a str,
        value: String,
    },
}

impl<'a> KeyValues<'a> {
    fn new(s: &'a str) -> Self {
        Self { s, at: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.at..].chars().next()
    }

    fn skip_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let start = self.at;
        while let Some(c) = self.peek().filter(|&c| f(c)) {
            self.at += c.len_utf8();
        }
        &self.s[start..self.at]
    }

    fn next_pair(&mut self) -> Pair<'a> {
        self.skip_while(char::is_whitespace);
        let start = self.at;
        if start == self.s.len() {
            return Pair::End;
        }
        let key = self.skip_while(|c| !c.is_whitespace() && c != '=');
        self.skip_while(char::is_whitespace);
        if key.is_empty() || self.peek() != Some('=') {
            return Pair::Unreadable(&self.s[start..]);
        }
        self.at += 1;
        self.skip_while(char::is_whitespace);
        let quoted = self.peek() == Some('\'');
        if quoted {
            self.at += 1;
        }
        let mut value = String::new();
        loop {
            match self.peek() {
                None if quoted => return Pair::Unreadable(&self.s[start..]),
                None => break,
                Some('\'') if quoted => {
                    self.at += 1;
                    break;
                }
                Some(c) if c.is_whitespace() && !quoted => break,
                Some(c) => {
                    self.at += c.len_utf8();
                    if c == '\\' {
                        if let Some(escaped) = self.peek() {
                            self.at += escaped.len_utf8();
                            value.push(escaped);
                        }
                    } else {
                        value.push(c);
                    }
                }
            }
        }
        Pair::Read {
            raw: &self.s[start..self.at],
            key,
            value,
        }
    }
}

/// How the server's certificate is checked.
#[derive(Debug)]
enum Check {
    /// Not at all: libpq's `allow`, `prefer` and `require` without a root certificate file.
    Nothing,
    /// It must lead to one of the roots, whatever name it is for: `verify-ca`, and the modes above
    /// when the root certificate file exists.
    Chain(Arc<RootCertStore>),
    /// ...and be valid for the host (or IP address) the connection is made to: `verify-full`.
    ChainAndName(Arc<RootCertStore>),
}

/// The listener's connection, made from DATABASE_URL as libpq makes the pool's from it: tokio-postgres
/// reads all of it but `sslmode` and `sslrootcert`, which decide the TLS here. `default_root` is
/// libpq's `~/.postgresql/root.crt`.
fn connection(
    database_url: &str,
    default_root: Option<PathBuf>,
) -> anyhow::Result<(
    tokio_postgres::Config,
    tokio_postgres_rustls::MakeRustlsConnect,
)> {
    let split = split_ssl_parameters(database_url)?;
    let mut config: tokio_postgres::Config = split
        .rest
        .parse()
        .context("reading DATABASE_URL for the listener")?;
    let (ssl_mode, check) =
        certificate_check(split.mode, split.root_cert.as_deref(), default_root)?;
    config.ssl_mode(ssl_mode);
    Ok((config, tls(check)?))
}

/// libpq's rules (the "SSL Support" page of its manual):
/// - `verify-ca` and `verify-full` need the root certificate file: `sslrootcert`, by default
///   `~/.postgresql/root.crt`;
/// - when that file exists, `allow`, `prefer` and `require` check the chain too ("if a root CA file
///   exists, the behavior of sslmode=require will be the same as that of verify-ca");
/// - `sslrootcert=system` (libpq 16 and later) is the public roots, makes `verify-full` the default and
///   refuses a weaker mode, since anyone can get a publicly trusted certificate for a name of their own.
///   Here the public roots are Mozilla's, built into the binary (`webpki-roots`, as for mail and
///   webhooks), not the operating system's store.
///
/// tokio-postgres has no `allow` (plain first, TLS if the server insists): it is `prefer` here, which
/// reaches the same servers and encrypts where it can. Unlike libpq, `prefer` does not retry without
/// TLS once a handshake failed (a certificate refused): the listener then waits and tries again.
fn certificate_check(
    mode: Option<Mode>,
    root_cert: Option<&str>,
    default_root: Option<PathBuf>,
) -> anyhow::Result<(tokio_postgres::config::SslMode, Check)> {
    use tokio_postgres::config::SslMode;
    let system = root_cert == Some("system");
    let mode = mode.unwrap_or(if system {
        Mode::VerifyFull
    } else {
        Mode::Prefer
    });
    anyhow::ensure!(
        !system || mode == Mode::VerifyFull,
        "sslrootcert=system needs sslmode=verify-full (as libpq says: anyone can get a publicly \
         trusted certificate for a name of their own)"
    );
    let ssl_mode = match mode {
        Mode::Disable => return Ok((SslMode::Disable, Check::Nothing)),
        Mode::Allow | Mode::Prefer => SslMode::Prefer,
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
    };
    let verify = matches!(mode, Mode::VerifyCa | Mode::VerifyFull);
    let roots = if system {
        RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned())
    } else {
        // An empty `sslrootcert` is no `sslrootcert` to libpq.
        match root_cert.filter(|file| !file.is_empty()).map(PathBuf::from).or(default_root) {
            // As libpq: a file that cannot be found is no file.
            Some(path) if std::fs::metadata(&path).is_ok() => load_roots(&path)?,
            Some(path) if verify => bail!(
                "sslrootcert: the root certificate file {} does not exist (sslmode=verify-ca and \
                 verify-full need one; sslrootcert=system means the public roots)",
                path.display()
            ),
            None if verify => bail!(
                "sslrootcert is not set and there is no home directory for libpq's default \
                 ~/.postgresql/root.crt (sslmode=verify-ca and verify-full need a root certificate file)"
            ),
            _ => return Ok((ssl_mode, Check::Nothing)),
        }
    };
    let roots = Arc::new(roots);
    Ok((
        ssl_mode,
        match mode {
            Mode::VerifyFull => Check::ChainAndName(roots),
            _ => Check::Chain(roots),
        },
    ))
}

/// Every certificate of a root certificate file (PEM, one or more), at least one, each usable as a root.
fn load_roots(path: &Path) -> anyhow::Result<RootCertStore> {
    let pem = std::fs::read(path)
        .with_context(|| format!("sslrootcert: cannot read {}", path.display()))?;
    let mut roots = RootCertStore::empty();
    for (n, der) in CertificateDer::pem_slice_iter(&pem).enumerate() {
        let der = der
            .with_context(|| format!("sslrootcert: {} is not a valid PEM file", path.display()))?;
        roots.add(der).with_context(|| {
            format!(
                "sslrootcert: certificate {} in {} is not usable as a root",
                n + 1,
                path.display()
            )
        })?;
    }
    anyhow::ensure!(
        !roots.is_empty(),
        "sslrootcert: {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        path.display()
    );
    Ok(roots)
}

/// The TLS of the listening connection, when its `ssl_mode` asks for it: ring as the provider, the
/// server's certificate checked as `check` says.
fn tls(check: Check) -> anyhow::Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("setting up TLS for the listener")?
        .dangerous()
        .with_custom_certificate_verifier(verifier(check, provider)?)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The check of the server's certificate that `check` names, with `provider`'s signature algorithms.
fn verifier(
    check: Check,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> anyhow::Result<Arc<dyn ServerCertVerifier>> {
    let webpki = |roots, provider| {
        WebPkiServerVerifier::builder_with_provider(roots, provider)
            .build()
            .context("sslrootcert: setting up the check of the server's certificate")
    };
    Ok(match check {
        Check::Nothing => Arc::new(LikeLibpqRequire(provider)),
        Check::Chain(roots) => Arc::new(LikeLibpqVerifyCa(webpki(roots, provider)?)),
        Check::ChainAndName(roots) => webpki(roots, provider)?,
    })
}

/// libpq's `verify-ca`: the certificate must lead to one of the roots, whatever name it is for. The
/// verifier of `verify-full` checks the chain (dates, signatures, usages) first and the name last, so a
/// name it refuses is the only error let through: the chain was good.
#[derive(Debug)]
struct LikeLibpqVerifyCa(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for LikeLibpqVerifyCa {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            outcome => outcome,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.0.root_hint_subjects()
    }
}

/// libpq's `require` (and `allow` and `prefer`) without a root certificate file: any certificate is
/// accepted, but the handshake's signatures must still be made with the certificate's key (no
/// authentication of the server, no tampering within the session). The connection is exactly as
/// trusted as the pool's, which libpq opens with the same URL.
#[derive(Debug)]
struct LikeLibpqRequire(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for LikeLibpqRequire {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
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
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    use tokio_postgres::config::SslMode as Wire;

    const PASSWORD: &str = "correct-horse-battery";

    fn split(database_url: &str) -> SslParameters {
        split_ssl_parameters(database_url).unwrap()
    }

    #[test]
    fn a_url_gives_its_sslmode_and_sslrootcert_and_keeps_everything_else_as_written() {
        let url = format!(
            "postgres://portal:{PASSWORD}@db.example.com:6432/portal?application_name=x&\
             sslmode=verify-full&connect_timeout=5&sslrootcert=%2Fetc%2Fpg%20ca%2Froot.crt"
        );
        let split = split(&url);
        assert_eq!(
            split,
            SslParameters {
                rest: format!(
                    "postgres://portal:{PASSWORD}@db.example.com:6432/portal?application_name=x&\
                     connect_timeout=5"
                ),
                mode: Some(Mode::VerifyFull),
                root_cert: Some("/etc/pg ca/root.crt".into()),
            }
        );
        let config: tokio_postgres::Config = split.rest.parse().unwrap();
        assert_eq!(config.get_password(), Some(PASSWORD.as_bytes()));
        assert_eq!(config.get_user(), Some("portal"));
        assert_eq!(config.get_dbname(), Some("portal"));
        assert_eq!(config.get_ports(), [6432]);
        assert_eq!(config.get_application_name(), Some("x"));
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(5)));
    }

    #[test]
    fn a_url_without_ssl_parameters_is_left_alone_and_the_last_of_a_parameter_counts() {
        for url in [
            "postgres://db.example.com/portal",
            "postgresql://u@db.example.com/portal?application_name=x",
        ] {
            assert_eq!(
                split(url),
                SslParameters {
                    rest: url.into(),
                    mode: None,
                    root_cert: None
                }
            );
        }
        let only = split(
            "postgresql://db/portal?sslmode=disable&sslmode=verify-ca&sslrootcert=a&sslrootcert=b",
        );
        assert_eq!(only.rest, "postgresql://db/portal");
        assert_eq!(only.mode, Some(Mode::VerifyCa));
        assert_eq!(only.root_cert.as_deref(), Some("b"));
        assert_eq!(
            split("postgres://db/p?sslmode=allow").mode,
            Some(Mode::Allow)
        );
    }

    #[test]
    fn the_query_starts_after_the_credentials_as_tokio_postgres_reads_them() {
        let url = "postgres://u:pa?ss&sslmode=disable@db/portal?sslmode=require";
        let split = split(url);
        assert_eq!(split.rest, "postgres://u:pa?ss&sslmode=disable@db/portal");
        assert_eq!(split.mode, Some(Mode::Require));
        let config: tokio_postgres::Config = split.rest.parse().unwrap();
        assert_eq!(config.get_password(), Some(&b"pa?ss&sslmode=disable"[..]));
    }

    #[test]
    fn a_key_value_string_gives_its_sslmode_and_sslrootcert_and_keeps_everything_else() {
        let split = split(
            "host=db.example.com user=portal password='a secret\\' one' sslmode = verify-ca \
             sslrootcert='/etc/pg ca/root.crt' dbname=portal",
        );
        assert_eq!(
            split,
            SslParameters {
                rest: "host=db.example.com user=portal password='a secret\\' one' dbname=portal"
                    .into(),
                mode: Some(Mode::VerifyCa),
                root_cert: Some("/etc/pg ca/root.crt".into()),
            }
        );
        let config: tokio_postgres::Config = split.rest.parse().unwrap();
        assert_eq!(config.get_password(), Some(&b"a secret' one"[..]));
        assert_eq!(config.get_dbname(), Some("portal"));
        // What is not pairs is left for tokio-postgres to refuse.
        let split = split_ssl_parameters("host=db sslmode=require dangling").unwrap();
        assert_eq!(
            (split.rest.as_str(), split.mode),
            ("host=db dangling", Some(Mode::Require))
        );
        assert!(split.rest.parse::<tokio_postgres::Config>().is_err());
    }

    #[test]
    fn no_error_about_the_url_quotes_its_password() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let empty = empty.display();
        for (url, says) in [
            (format!("postgres://portal:{PASSWORD}@db/portal?sslmode=verify"), "sslmode"),
            (
                format!("postgres://portal:{PASSWORD}@db/portal?sslmode=verify-ca&sslrootcert=/nowhere/root.crt"),
                "/nowhere/root.crt does not exist",
            ),
            (
                format!("postgres://portal:{PASSWORD}@db/portal?sslmode=verify-full&sslrootcert={empty}"),
                "holds no PEM certificate",
            ),
            (
                format!("postgres://portal:{PASSWORD}@db/portal?sslmode=require&sslrootcert=system"),
                "needs sslmode=verify-full",
            ),
            (
                format!("postgres://portal:{PASSWORD}@db/portal?sslmode=verify-full"),
                "no home directory",
            ),
            (
                format!("postgres://portal:{PASSWORD}@db/portal?sslmode=verify-ca&sslcert=/c.crt"),
                "unknown option",
            ),
            (
                format!("postgres://portal:{PASSWORD}@db/portal?sslrootcert=%FF"),
                "not UTF-8",
            ),
            (
                format!("host=db password={PASSWORD} sslmode=verify-ca sslrootcert=/nowhere/root.crt"),
                "does not exist",
            ),
            (
                format!("host=db password='{PASSWORD}' sslmode=require dangling"),
                "reading DATABASE_URL",
            ),
        ] {
            let Err(error) = connection(&url, None) else {
                panic!("accepted: {url}");
            };
            let text = format!("{error:#} {error:?}");
            assert!(!text.contains(PASSWORD), "{text}");
            assert!(text.contains(says), "{says:?} not in {text}");
        }
    }

    #[test]
    fn libpqs_rules_decide_what_is_checked() {
        let pki = Pki::new("Database CA");
        let ca = pki.root_file();
        let missing = pki.dir.path().join("missing.crt");
        let check = |mode, root: Option<&Path>, default: Option<&Path>| {
            certificate_check(
                mode,
                root.map(|p| p.to_str().unwrap()),
                default.map(Path::to_path_buf),
            )
        };
        use Mode::*;
        // Nothing checked when no root file exists (or TLS is off).
        for (mode, wire) in [
            (None, Wire::Prefer),
            (Some(Allow), Wire::Prefer),
            (Some(Prefer), Wire::Prefer),
            (Some(Require), Wire::Require),
        ] {
            assert!(
                matches!(check(mode, None, Some(&missing)), Ok((w, Check::Nothing)) if w == wire)
            );
            assert!(
                matches!(check(mode, Some(&missing), None), Ok((w, Check::Nothing)) if w == wire)
            );
            assert!(matches!(check(mode, None, None), Ok((w, Check::Nothing)) if w == wire));
            // A root file that exists, given or libpq's default, is checked in every mode that encrypts.
            assert!(matches!(check(mode, Some(&ca), None), Ok((w, Check::Chain(_))) if w == wire));
            assert!(matches!(check(mode, None, Some(&ca)), Ok((w, Check::Chain(_))) if w == wire));
        }
        assert!(matches!(
            certificate_check(Some(VerifyCa), Some(""), Some(ca.clone())),
            Ok((Wire::Require, Check::Chain(_)))
        ));
        assert!(matches!(
            check(Some(Disable), Some(&missing), Some(&ca)),
            Ok((Wire::Disable, Check::Nothing))
        ));
        assert!(matches!(
            check(Some(VerifyCa), Some(&ca), None),
            Ok((Wire::Require, Check::Chain(_)))
        ));
        assert!(matches!(
            check(Some(VerifyCa), None, Some(&ca)),
            Ok((Wire::Require, Check::Chain(_)))
        ));
        assert!(matches!(
            check(Some(VerifyFull), Some(&ca), Some(&missing)),
            Ok((Wire::Require, Check::ChainAndName(_)))
        ));
        for mode in [VerifyCa, VerifyFull] {
            let error = check(Some(mode), None, Some(&missing)).unwrap_err();
            assert!(
                format!("{error:#}").contains("missing.crt does not exist"),
                "{error:#}"
            );
        }
        // The public roots: verify-full by default, and nothing weaker.
        assert!(matches!(
            certificate_check(None, Some("system"), None),
            Ok((Wire::Require, Check::ChainAndName(roots))) if roots.len() > 100
        ));
        for mode in [Disable, Allow, Prefer, Require, VerifyCa] {
            assert!(certificate_check(Some(mode), Some("system"), None).is_err());
        }
    }

    #[test]
    fn verify_full_wants_the_chain_and_the_name_verify_ca_the_chain_only() {
        let pki = Pki::new("Database CA");
        let cert = pki.server(&["localhost"], |_| {});
        let stranger = Pki::new("Another CA").server(&["localhost"], |_| {});
        let full = || pki.check(Mode::VerifyFull);
        let ca = || pki.check(Mode::VerifyCa);

        assert!(verify(full(), &cert, "localhost").is_ok());
        for other in ["db.example.com", "127.0.0.1"] {
            assert!(
                matches!(
                    verify(full(), &cert, other),
                    Err(rustls::Error::InvalidCertificate(
                        CertificateError::NotValidForName
                            | CertificateError::NotValidForNameContext { .. }
                    ))
                ),
                "{other}"
            );
        }
        for name in ["localhost", "db.example.com", "127.0.0.1"] {
            assert!(verify(ca(), &cert, name).is_ok(), "{name}");
        }
        // A certificate of another CA: refused by both, whatever its name.
        for check in [full(), ca()] {
            assert!(matches!(
                verify(check, &stranger, "localhost"),
                Err(rustls::Error::InvalidCertificate(
                    CertificateError::UnknownIssuer
                ))
            ));
        }
        assert!(matches!(
            verify(ca(), &stranger, "db.example.com"),
            Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer
            ))
        ));
        // verify-ca lets a wrong name through and nothing else: not an expired certificate.
        let expired = pki.server(&["localhost"], |params| {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        });
        assert!(matches!(
            verify(ca(), &expired, "db.example.com"),
            Err(rustls::Error::InvalidCertificate(
                CertificateError::Expired | CertificateError::ExpiredContext { .. }
            ))
        ));
        // require: anything, as libpq.
        assert!(verify(Check::Nothing, &stranger, "db.example.com").is_ok());
    }

    #[test]
    fn a_root_file_may_hold_several_certificates() {
        let (first, second) = (Pki::new("First CA"), Pki::new("Second CA"));
        let both = first.dir.path().join("both.pem");
        std::fs::write(&both, format!("{}{}", first.ca.pem(), second.ca.pem())).unwrap();
        for pki in [&first, &second] {
            let cert = pki.server(&["localhost"], |_| {});
            let (_, check) =
                certificate_check(Some(Mode::VerifyFull), both.to_str(), None).unwrap();
            assert!(verify(check, &cert, "localhost").is_ok());
        }
    }

    /// A self-signed server certificate named as its own root: rustls-webpki accepts it as OpenSSL does
    /// when it is not a CA certificate (Debian's snakeoil certificate: `CA:FALSE`), and refuses it when
    /// it says it is one (`CA:TRUE`, what `openssl req -x509` writes by default, as in the PostgreSQL
    /// manual's recipe), which OpenSSL accepts: webpki never takes a CA certificate as the server's.
    #[test]
    fn a_self_signed_server_certificate_is_its_own_root_unless_it_is_a_ca_certificate() {
        let dir = tempfile::tempdir().unwrap();
        for (is_ca, accepted) in [
            (IsCa::ExplicitNoCa, true),
            (IsCa::Ca(BasicConstraints::Unconstrained), false),
        ] {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(vec!["localhost".into()]).unwrap();
            params
                .distinguished_name
                .push(DnType::CommonName, "localhost");
            params.is_ca = is_ca;
            let cert = params.self_signed(&key).unwrap();
            let file = dir.path().join("server.crt");
            std::fs::write(&file, cert.pem()).unwrap();
            for (mode, name) in [
                (Mode::VerifyCa, "127.0.0.1"),
                (Mode::VerifyFull, "localhost"),
            ] {
                let (_, check) = certificate_check(Some(mode), file.to_str(), None).unwrap();
                let outcome = verify(check, cert.der(), name);
                match accepted {
                    true => assert!(outcome.is_ok(), "{outcome:?}"),
                    false => assert!(
                        format!("{outcome:?}").contains("CaUsedAsEndEntity"),
                        "{outcome:?}"
                    ),
                }
            }
        }
    }

    /// The listener and libpq (the pool's client) agree on every URL: both connect or both refuse,
    /// against the PostgreSQL server of TEST_DATABASE_URL with its own certificate as the root.
    #[tokio::test]
    async fn the_listener_accepts_the_test_servers_certificate_exactly_when_libpq_does() {
        let Some((url, own)) = test_server_with_tls().await else {
            return;
        };
        let other = Pki::new("Another CA");
        let other = other.root_file();
        let other = other.display();
        let localhost = {
            let mut url = url::Url::parse(&url).unwrap();
            url.set_host(Some("localhost")).unwrap();
            url.to_string()
        };
        let cases = [
            (
                format!("{url}?sslmode=verify-ca&sslrootcert={own}"),
                Some(true),
            ),
            (
                format!("{localhost}?sslmode=verify-full&sslrootcert={own}"),
                Some(true),
            ),
            (
                format!("{url}?sslmode=require&sslrootcert={own}"),
                Some(true),
            ),
            (
                format!("{url}?sslmode=disable&sslrootcert={other}"),
                Some(false),
            ),
            (format!("{url}?sslmode=verify-ca&sslrootcert={other}"), None),
            (
                format!("{url}?sslmode=verify-full&sslrootcert={other}"),
                None,
            ),
            (format!("{url}?sslmode=require&sslrootcert={other}"), None),
            (
                format!("{url}?sslmode=verify-ca&sslrootcert=/nowhere/root.crt"),
                None,
            ),
        ];
        for (url, encrypted) in cases {
            let libpq = {
                use diesel::Connection;
                diesel::PgConnection::establish(&url).is_ok()
            };
            let listener = encrypted_connection(&url).await;
            assert_eq!(
                listener.as_ref().ok(),
                encrypted.as_ref(),
                "{url}: {listener:?}"
            );
            assert_eq!(libpq, encrypted.is_some(), "libpq on {url}");
        }
        // The name is checked by verify-full: 127.0.0.1 is not in the test server's certificate
        // (Debian's snakeoil certificate is for `localhost`), whichever client asks.
        let by_ip = format!("{url}?sslmode=verify-full&sslrootcert={own}");
        let libpq = {
            use diesel::Connection;
            diesel::PgConnection::establish(&by_ip).is_ok()
        };
        assert_eq!(encrypted_connection(&by_ip).await.is_ok(), libpq);
    }

    /// TEST_DATABASE_URL when its server has TLS on and its certificate file is readable here.
    async fn test_server_with_tls() -> Option<(String, String)> {
        let Some(url) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| url.starts_with("postgres"))
        else {
            eprintln!("skipped: needs TEST_DATABASE_URL (PostgreSQL)");
            return None;
        };
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        let show = |name: &'static str| {
            let client = &client;
            async move {
                let row = client
                    .query_one(&format!("SHOW {name}"), &[])
                    .await
                    .unwrap();
                row.get::<_, String>(0)
            }
        };
        if show("ssl").await != "on" {
            eprintln!("skipped: the server of TEST_DATABASE_URL has ssl off");
            return None;
        }
        let cert_file = show("ssl_cert_file").await;
        if !cert_file.starts_with('/') || std::fs::read(&cert_file).is_err() {
            eprintln!("skipped: the server's certificate file {cert_file} is not readable here");
            return None;
        }
        Some((url, cert_file))
    }

    /// Connects as the listener does; whether the connection is encrypted.
    async fn encrypted_connection(url: &str) -> anyhow::Result<bool> {
        let (config, tls) = connection(url, None)?;
        let (client, connection) = config.connect(tls).await?;
        tokio::spawn(connection);
        let row = client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await?;
        Ok(row.get(0))
    }

    fn verify(
        check: Check,
        cert: &CertificateDer<'_>,
        host: &str,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        verifier(check, provider).unwrap().verify_server_cert(
            cert,
            &[],
            &ServerName::try_from(host.to_owned()).unwrap(),
            &[],
            UnixTime::now(),
        )
    }

    /// A CA made for the test, its certificate in a PEM file of its own.
    struct Pki {
        dir: tempfile::TempDir,
        ca: rcgen::Certificate,
        key: KeyPair,
    }

    impl Pki {
        fn new(name: &str) -> Self {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.distinguished_name.push(DnType::CommonName, name);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            let ca = params.self_signed(&key).unwrap();
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("root.crt"), ca.pem()).unwrap();
            Self { dir, ca, key }
        }

        fn root_file(&self) -> PathBuf {
            self.dir.path().join("root.crt")
        }

        fn check(&self, mode: Mode) -> Check {
            certificate_check(Some(mode), self.root_file().to_str(), None)
                .unwrap()
                .1
        }

        /// A server certificate for `names` signed by this CA.
        fn server(
            &self,
            names: &[&str],
            adjust: impl FnOnce(&mut CertificateParams),
        ) -> CertificateDer<'static> {
            let key = KeyPair::generate().unwrap();
            let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
            let mut params = CertificateParams::new(names).unwrap();
            adjust(&mut params);
            params
                .signed_by(&key, &self.ca, &self.key)
                .unwrap()
                .der()
                .clone()
        }
    }
}
