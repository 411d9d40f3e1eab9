//! Real mail servers: `smtp://user:pass@…` delivers over STARTTLS with AUTH (or not at all), `smtps://`
//! over implicit TLS, and `SMTP_CA_FILE` makes a relay with a private CA trusted. The relay here is an SMTP
//! server speaking TLS through rustls, with a CA and a certificate made by each test.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

use crate::helpers::{
    poll_until, six_digit_runs, spawn_app_with, TestApp, MAIL_DEADLINE, PASSWORD,
};

/// A user and password with the characters a URL must percent-encode, and a `+` it must leave alone.
const USER: &str = "mailer@portal.test";
const PASS: &str = "p@ss:w%rd+50% off";
const USER_IN_URL: &str = "mailer%40portal.test";
const PASS_IN_URL: &str = "p%40ss%3Aw%25rd+50%25%20off";

/// A private certificate authority and the certificate it signed for a relay at an IP address.
struct Pki {
    relay: Arc<rustls::ServerConfig>,
    /// Holds `ca.pem`.
    dir: tempfile::TempDir,
}

impl Pki {
    /// For a relay at 127.0.0.1.
    fn new() -> Self {
        Self::for_relay_at(IpAddr::from([127, 0, 0, 1]))
    }

    fn for_relay_at(ip: IpAddr) -> Self {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
            KeyUsagePurpose,
        };
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name
            .push(DnType::CommonName, "Private test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca.self_signed(&ca_key).unwrap();

        let relay_key = KeyPair::generate().unwrap();
        let mut relay = CertificateParams::new(vec![ip.to_string()]).unwrap();
        relay
            .distinguished_name
            .push(DnType::CommonName, "relay.test");
        relay.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let relay = relay.signed_by(&relay_key, &ca, &ca_key).unwrap();

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![relay.der().clone(), ca.der().clone()],
                rustls::pki_types::PrivatePkcs8KeyDer::from(relay_key.serialize_der()).into(),
            )
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        Self {
            relay: Arc::new(config),
            dir,
        }
    }

    /// The PEM file for `SMTP_CA_FILE`.
    fn ca_file(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }
}

/// How the relay offers TLS.
#[derive(Clone, Copy, PartialEq)]
enum Offer {
    /// Plain at first; `STARTTLS` when `starttls`. Either way it takes AUTH and mail in clear if asked.
    Submission { starttls: bool },
    /// TLS from the first byte (`smtps`).
    Implicit,
}

/// A message the relay accepted.
#[derive(Clone, Debug)]
struct Accepted {
    over_tls: bool,
    /// The user that authenticated on the connection, if any.
    user: Option<String>,
    subject: String,
    text: String,
}

/// What the relay saw, kept across connections.
#[derive(Default, Debug)]
struct Seen {
    connections: usize,
    handshakes: usize,
    failed_handshakes: usize,
    /// The verbs received before TLS, in order, across connections.
    in_clear: Vec<String>,
    /// `(user, password)` of every AUTH, decoded.
    logins: Vec<(String, String)>,
    mails: Vec<Accepted>,
}

/// An SMTP relay that requires AUTH with [`USER`] and [`PASS`] before it takes mail.
struct Relay {
    port: u16,
    seen: Arc<Mutex<Seen>>,
    accept_loop: JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl Relay {
    async fn start(offer: Offer, pki: &Pki) -> Self {
        Self::start_on(IpAddr::from([127, 0, 0, 1]), offer, pki).await
    }

    async fn start_on(ip: IpAddr, offer: Offer, pki: &Pki) -> Self {
        let listener = TcpListener::bind(SocketAddr::new(ip, 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Seen>> = Arc::default();
        let acceptor = TlsAcceptor::from(pki.relay.clone());
        let log = seen.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                log.lock().unwrap().connections += 1;
                tokio::spawn(serve(stream, offer, acceptor.clone(), log.clone()));
            }
        });
        Self {
            port,
            seen,
            accept_loop,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&Seen) -> T) -> T {
        f(&self.seen.lock().unwrap())
    }

    async fn wait_for_mail(&self) -> Accepted {
        let mail = poll_until(MAIL_DEADLINE, || async {
            self.with(|seen| seen.mails.first().cloned())
        })
        .await;
        mail.unwrap_or_else(|| panic!("no mail within {MAIL_DEADLINE:?}: {:?}", self.seen))
    }

    /// Waits until the server has come back `n` times (a failed delivery is retried).
    async fn wait_for_connections(&self, n: usize) {
        let reached = poll_until(MAIL_DEADLINE, || async {
            self.with(|seen| (seen.connections >= n).then_some(()))
        })
        .await;
        assert!(reached.is_some(), "fewer than {n} tries: {:?}", self.seen);
    }
}

async fn serve(stream: TcpStream, offer: Offer, acceptor: TlsAcceptor, seen: Arc<Mutex<Seen>>) {
    let handshake = |stream| async {
        let tls = acceptor.accept(stream).await;
        let mut seen = seen.lock().unwrap();
        match &tls {
            Ok(_) => seen.handshakes += 1,
            Err(_) => seen.failed_handshakes += 1,
        }
        tls.ok()
    };
    match offer {
        Offer::Implicit => {
            let Some(tls) = handshake(stream).await else {
                return;
            };
            let mut tls = BufReader::new(tls);
            if greet(&mut tls).await {
                converse(&mut tls, offer, true, &seen).await;
            }
        }
        Offer::Submission { .. } => {
            let mut plain = BufReader::new(stream);
            if !greet(&mut plain).await {
                return;
            }
            if converse(&mut plain, offer, false, &seen).await == Ending::StartTls {
                // The client waits for the 220 before its handshake: nothing is left in the buffer.
                let Some(tls) = handshake(plain.into_inner()).await else {
                    return;
                };
                converse(&mut BufReader::new(tls), offer, true, &seen).await;
            }
        }
    }
}

async fn greet<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut BufReader<S>) -> bool {
    stream
        .get_mut()
        .write_all(b"220 relay.test ESMTP\r\n")
        .await
        .is_ok()
}

#[derive(PartialEq)]
enum Ending {
    Closed,
    StartTls,
}

/// One SMTP conversation, over TLS or not, until QUIT, a closed connection, or STARTTLS.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    offer: Offer,
    over_tls: bool,
    seen: &Mutex<Seen>,
) -> Ending {
    let mut user: Option<String> = None;
    loop {
        let Some(command) = read_line(stream).await else {
            return Ending::Closed;
        };
        let mut words = command.split_whitespace();
        let verb = words.next().unwrap_or_default().to_ascii_uppercase();
        if !over_tls {
            seen.lock().unwrap().in_clear.push(verb.clone());
        }
        let reply: String = match verb.as_str() {
            "EHLO" => {
                let starttls = offer == Offer::Submission { starttls: true } && !over_tls;
                format!(
                    "250-relay.test\r\n{}250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
                    if starttls { "250-STARTTLS\r\n" } else { "" }
                )
            }
            "STARTTLS" if !over_tls => {
                if stream
                    .get_mut()
                    .write_all(b"220 2.0.0 go ahead\r\n")
                    .await
                    .is_err()
                {
                    return Ending::Closed;
                }
                return Ending::StartTls;
            }
            "AUTH" => {
                let mechanism = words.next().unwrap_or_default().to_ascii_uppercase();
                let initial = words.next().map(str::to_owned);
                let Some((name, password)) = authenticate(stream, &mechanism, initial).await else {
                    return Ending::Closed;
                };
                seen.lock()
                    .unwrap()
                    .logins
                    .push((name.clone(), password.clone()));
                if name == USER && password == PASS {
                    user = Some(name);
                    "235 2.7.0 accepted\r\n".into()
                } else {
                    "535 5.7.8 bad credentials\r\n".into()
                }
            }
            "MAIL" if user.is_none() => "530 5.7.0 authentication required\r\n".into(),
            "MAIL" | "RCPT" | "RSET" | "NOOP" => "250 OK\r\n".into(),
            "DATA" if user.is_some() => {
                if stream.get_mut().write_all(b"354 go on\r\n").await.is_err() {
                    return Ending::Closed;
                }
                let Some(raw) = read_data(stream).await else {
                    return Ending::Closed;
                };
                let message = mail_parser::MessageParser::default().parse(&raw[..]);
                let (subject, text) = message
                    .map(|m| {
                        let subject = m.subject().unwrap_or_default().to_owned();
                        let text = m.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
                        (subject, text)
                    })
                    .unwrap_or_default();
                seen.lock().unwrap().mails.push(Accepted {
                    over_tls,
                    user: user.clone(),
                    subject,
                    text,
                });
                "250 2.0.0 queued\r\n".into()
            }
            "DATA" => "503 5.5.1 no valid recipients\r\n".into(),
            "QUIT" => {
                let _ = stream.get_mut().write_all(b"221 2.0.0 bye\r\n").await;
                return Ending::Closed;
            }
            _ => "502 5.5.2 not implemented\r\n".into(),
        };
        if stream.get_mut().write_all(reply.as_bytes()).await.is_err() {
            return Ending::Closed;
        }
    }
}

/// AUTH PLAIN (with or without an initial response) or AUTH LOGIN: the user and password sent.
async fn authenticate<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    mechanism: &str,
    initial: Option<String>,
) -> Option<(String, String)> {
    let decode = |b64: &str| String::from_utf8(BASE64.decode(b64.trim()).ok()?).ok();
    match mechanism {
        "PLAIN" => {
            let response = match initial {
                Some(response) => response,
                None => ask(stream, "334 \r\n").await?,
            };
            let plain = decode(&response)?;
            let mut parts = plain.split('\0');
            let (_authzid, name, password) = (parts.next()?, parts.next()?, parts.next()?);
            Some((name.to_owned(), password.to_owned()))
        }
        "LOGIN" => {
            let name = match initial {
                Some(name) => name,
                None => ask(stream, "334 VXNlcm5hbWU6\r\n").await?,
            };
            let password = ask(stream, "334 UGFzc3dvcmQ6\r\n").await?;
            Some((decode(&name)?, decode(&password)?))
        }
        _ => None,
    }
}

async fn ask<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    prompt: &str,
) -> Option<String> {
    stream.get_mut().write_all(prompt.as_bytes()).await.ok()?;
    read_line(stream).await
}

async fn read_line<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut BufReader<S>) -> Option<String> {
    let mut line = Vec::new();
    match stream.read_until(b'\n', &mut line).await {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(String::from_utf8_lossy(&line).trim_end().to_owned()),
    }
}

/// The message after `DATA`, up to the lone dot, dot-stuffing undone.
async fn read_data<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    loop {
        let mut line = Vec::new();
        if stream.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        if line == b".\r\n" || line == b".\n" {
            return Some(raw);
        }
        let unstuffed = line
            .strip_prefix(b".")
            .filter(|l| l.starts_with(b"."))
            .unwrap_or(&line);
        raw.extend_from_slice(unstuffed);
    }
}

/// The application, mailing through `smtp_url` (and trusting `ca_file`), retrying a failed delivery
/// after a second.
async fn app_mailing_to(smtp_url: String, ca_file: Option<String>) -> TestApp {
    spawn_app_with(|vars| {
        vars.insert("SMTP_URL".into(), smtp_url);
        if let Some(ca_file) = ca_file {
            vars.insert("SMTP_CA_FILE".into(), ca_file);
        }
        vars.insert("MAIL_RETRY_BASE_SECONDS".into(), "1".into());
    })
    .await
}

/// Waits until the outbox has tried the mail to `email` at least twice, and answers its last error.
async fn retried_error(app: &TestApp, email: &str) -> String {
    let retried = poll_until(MAIL_DEADLINE, || async {
        let pool = otp_portal::store::connect(&app.database_url).unwrap();
        let mut conn = pool.get().unwrap();
        let rows = otp_portal::store::outbox::to_address(&mut conn, email, None).unwrap();
        let [row] = &rows[..] else {
            panic!("one mail expected: {rows:?}")
        };
        assert_eq!(row.status, "queued", "{row:?}");
        (row.attempts >= 2).then(|| row.last_error.clone().unwrap_or_default())
    })
    .await;
    retried.unwrap_or_else(|| panic!("the mail to {email} was not tried twice"))
}

/// Registers alice and answers her verification code once the relay has it.
async fn register_and_receive(app: &TestApp, relay: &Relay) -> Accepted {
    app.register("alice", "alice@example.com", PASSWORD).await;
    let mail = relay.wait_for_mail().await;
    let code = six_digit_runs(&mail.text)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no code in {mail:?}"));
    assert!(mail.subject.starts_with(&code), "{mail:?}");
    app.verify("alice@example.com", &code).await;
    mail
}

#[tokio::test]
async fn smtp_with_a_user_delivers_over_starttls_after_auth_with_the_decoded_credentials() {
    let pki = Pki::new();
    let relay = Relay::start(Offer::Submission { starttls: true }, &pki).await;
    let url = format!(
        "smtp://{USER_IN_URL}:{PASS_IN_URL}@127.0.0.1:{}",
        relay.port
    );
    let app = app_mailing_to(url, Some(pki.ca_file())).await;

    let mail = register_and_receive(&app, &relay).await;

    assert!(mail.over_tls, "{mail:?}");
    assert_eq!(mail.user.as_deref(), Some(USER));
    relay.with(|seen| {
        assert_eq!(seen.logins, [(USER.to_owned(), PASS.to_owned())]);
        // Before STARTTLS, nothing but the greeting and the upgrade crossed the wire.
        assert_eq!(seen.in_clear, ["EHLO", "STARTTLS"]);
        assert_eq!(seen.handshakes, 1);
    });
}

#[tokio::test]
async fn smtp_to_a_server_without_starttls_sends_nothing_in_clear_and_retries() {
    let pki = Pki::new();
    // This relay would take AUTH and mail in clear: the client must not offer them.
    let relay = Relay::start(Offer::Submission { starttls: false }, &pki).await;
    let url = format!(
        "smtp://{USER_IN_URL}:{PASS_IN_URL}@127.0.0.1:{}",
        relay.port
    );
    let app = app_mailing_to(url, Some(pki.ca_file())).await;

    app.register("alice", "alice@example.com", PASSWORD).await;
    // The first try fails, and the mail is tried again.
    let error = retried_error(&app, "alice@example.com").await;
    assert!(error.contains("STARTTLS"), "{error}");
    relay.wait_for_connections(2).await;

    relay.with(|seen| {
        assert!(seen.mails.is_empty(), "{seen:?}");
        assert!(
            seen.logins.is_empty(),
            "credentials sent in clear: {seen:?}"
        );
        for verb in ["AUTH", "MAIL", "RCPT", "DATA"] {
            assert!(
                !seen.in_clear.contains(&verb.to_owned()),
                "{verb} in clear: {seen:?}"
            );
        }
        assert!(seen.in_clear.iter().any(|v| v == "EHLO"), "{seen:?}");
    });
}

#[tokio::test]
async fn smtps_delivers_over_implicit_tls() {
    let pki = Pki::new();
    let relay = Relay::start(Offer::Implicit, &pki).await;
    let url = format!(
        "smtps://{USER_IN_URL}:{PASS_IN_URL}@127.0.0.1:{}",
        relay.port
    );
    let app = app_mailing_to(url, Some(pki.ca_file())).await;

    let mail = register_and_receive(&app, &relay).await;

    assert!(
        mail.over_tls && mail.user.as_deref() == Some(USER),
        "{mail:?}"
    );
    relay.with(|seen| {
        assert!(seen.in_clear.is_empty(), "{seen:?}");
        assert_eq!(seen.logins, [(USER.to_owned(), PASS.to_owned())]);
    });
}

#[tokio::test]
async fn a_relay_signed_by_a_private_ca_is_refused_without_smtp_ca_file() {
    let pki = Pki::new();
    let relay = Relay::start(Offer::Implicit, &pki).await;
    let url = format!(
        "smtps://{USER_IN_URL}:{PASS_IN_URL}@127.0.0.1:{}",
        relay.port
    );
    let app = app_mailing_to(url, None).await;

    app.register("alice", "alice@example.com", PASSWORD).await;
    let error = retried_error(&app, "alice@example.com").await;
    assert!(error.contains("UnknownIssuer"), "{error}");
    // The retried handshakes fail on the unknown issuer; nothing is said, let alone a password.
    let failed = poll_until(MAIL_DEADLINE, || async {
        relay.with(|seen| (seen.failed_handshakes >= 2).then_some(()))
    })
    .await;
    relay.with(|seen| {
        assert!(failed.is_some(), "{seen:?}");
        assert_eq!(seen.handshakes, 0, "{seen:?}");
        assert!(seen.logins.is_empty() && seen.mails.is_empty(), "{seen:?}");
    });
}

#[tokio::test]
async fn smtp_ca_file_makes_a_relay_signed_by_a_private_ca_trusted_for_starttls() {
    let pki = Pki::new();
    let relay = Relay::start(Offer::Submission { starttls: true }, &pki).await;
    let url = format!(
        "smtp://{USER_IN_URL}:{PASS_IN_URL}@127.0.0.1:{}",
        relay.port
    );

    // Without the CA file, the STARTTLS handshake is refused and no mail crosses.
    let untrusting = app_mailing_to(url.clone(), None).await;
    untrusting
        .register("bob", "bob@example.com", PASSWORD)
        .await;
    let error = retried_error(&untrusting, "bob@example.com").await;
    assert!(error.contains("UnknownIssuer"), "{error}");
    let refused = poll_until(MAIL_DEADLINE, || async {
        relay.with(|seen| (seen.failed_handshakes >= 2).then_some(()))
    })
    .await;
    relay.with(|seen| {
        assert!(refused.is_some(), "{seen:?}");
        assert!(seen.mails.is_empty() && seen.logins.is_empty(), "{seen:?}");
        assert!(
            seen.in_clear.iter().all(|v| v == "EHLO" || v == "STARTTLS"),
            "{seen:?}"
        );
    });

    // With it, the same relay is trusted.
    let trusting = app_mailing_to(url, Some(pki.ca_file())).await;
    let mail = register_and_receive(&trusting, &relay).await;
    assert!(mail.over_tls, "{mail:?}");
}

#[tokio::test]
async fn a_relay_at_an_ipv6_address_is_reached_and_its_certificate_checked() {
    let ip = IpAddr::from(std::net::Ipv6Addr::LOCALHOST);
    let pki = Pki::for_relay_at(ip);
    let relay = Relay::start_on(ip, Offer::Implicit, &pki).await;
    let url = format!("smtps://{USER_IN_URL}:{PASS_IN_URL}@[::1]:{}", relay.port);
    let app = app_mailing_to(url, Some(pki.ca_file())).await;

    let mail = register_and_receive(&app, &relay).await;

    assert!(
        mail.over_tls && mail.user.as_deref() == Some(USER),
        "{mail:?}"
    );
}
