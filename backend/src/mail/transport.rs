//! Delivery: SMTP through lettre as `SMTP_URL` says, or without it the development mailer, which logs each
//! mail and writes it as an `.eml` file readable by the server's user alone, deleted once its code is dead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters, TlsParametersBuilder};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use percent_encoding::percent_decode_str;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use secrecy::ExposeSecret;

use super::{templates, MailKind};
use crate::settings::Settings;
use crate::store::outbox::OutboxRow;

pub struct Transport {
    via: Via,
    /// `MAIL_CODE_IN_SUBJECT`: a code mail's subject starts with its code.
    code_in_subject: bool,
}

enum Via {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Development { dir: PathBuf },
}

/// Where the development mailer keeps its `.eml` files.
pub fn development_mail_dir(settings: &Settings) -> PathBuf {
    settings.data_dir.join("mail")
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let via = match (&settings.smtp_url, &settings.smtp_ca_file) {
            (Some(url), ca_file) => {
                let roots = match ca_file {
                    Some(path) => load_ca_file(path)?,
                    None => Vec::new(),
                };
                Via::Smtp(smtp(url.expose_secret(), &roots)?)
            }
            (None, Some(_)) => {
                bail!("SMTP_CA_FILE is set but SMTP_URL is not: the development mailer uses no TLS")
            }
            (None, None) => {
                let dir = development_mail_dir(settings);
                // The folder is ours alone, also when an older version made it readable by others.
                crate::private_files::create_dir_all(&dir)
                    .and_then(|()| crate::private_files::restrict(&dir))
                    .with_context(|| {
                        format!("creating the development mail folder {}", dir.display())
                    })?;
                Via::Development { dir }
            }
        };
        Ok(Self {
            via,
            code_in_subject: settings.mail_code_in_subject,
        })
    }

    pub fn describe(&self) -> String {
        match &self.via {
            Via::Smtp(_) => "SMTP".into(),
            Via::Development { dir, .. } => {
                format!("development mailer (stdout and {})", dir.display())
            }
        }
    }

    /// Sends one mail; the error text is what the outbox records.
    pub async fn send(&self, from: &Mailbox, row: &OutboxRow) -> Result<(), String> {
        let subject = subject_at_delivery(row, self.code_in_subject);
        let message = build(from, row, &subject)?;
        match &self.via {
            Via::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Via::Development { dir } => {
                let file = write_development_mail(dir, message.formatted())
                    .await
                    .map_err(|e| format!("writing the mail file: {e}"))?;
                // The development mailer exists to show the mail, code included.
                tracing::info!(
                    to = %row.recipient,
                    %subject,
                    file = %file.display(),
                    "development mailer:\n{}",
                    row.body_text.as_deref().unwrap_or_default()
                );
                Ok(())
            }
        }
    }
}

/// Writes `raw` as `<random>.eml` in `dir`, mode 0600 from its creation on.
async fn write_development_mail(dir: &Path, raw: Vec<u8>) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("{}.eml", uuid::Uuid::new_v4()));
    tokio::task::spawn_blocking(move || {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&path)?.write_all(&raw)?;
        Ok(path)
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Deletes the development mailer's `.eml` files last written before `max_age` ago, and answers how many
/// went. A missing folder holds nothing to delete.
pub fn purge_development_mail(dir: &Path, max_age: Duration) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let now = SystemTime::now();
    let mut purged = 0;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let metadata = entry.metadata()?;
        let is_eml = path.extension().is_some_and(|e| e == "eml");
        let age = now.duration_since(metadata.modified()?).unwrap_or_default();
        if is_eml && metadata.is_file() && age >= max_age {
            match std::fs::remove_file(&path) {
                Ok(()) => purged += 1,
                // Another instance on the same folder was quicker.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(purged)
}

/// The subject a mail goes out with. The outbox keeps a delivered mail's subject and erases its bodies,
/// so a code is never stored in a subject: a code mail gets its code in front here, at delivery, where
/// a phone's notification shows it (unless `MAIL_CODE_IN_SUBJECT` is off).
fn subject_at_delivery(row: &OutboxRow, code_in_subject: bool) -> String {
    match MailKind::parse(&row.kind) {
        Some(kind) if code_in_subject && kind.carries_code() => {
            templates::subject_with_code(&row.subject, row.body_text.as_deref().unwrap_or_default())
        }
        _ => row.subject.clone(),
    }
}

fn build(from: &Mailbox, row: &OutboxRow, subject: &str) -> Result<Message, String> {
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("bad recipient {}: {e}", row.recipient))?;
    let text = row.body_text.clone().unwrap_or_default();
    let html = row.body_html.clone().unwrap_or_default();
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .message_id(None);
    builder = builder.raw_header(HeaderValue::new(
        HeaderName::new_from_ascii_str("X-OTP-Portal-Kind"),
        row.kind.clone(),
    ));
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| format!("building the message: {e}"))
}

/// `smtps://` is implicit TLS (465), `smtp://` requires STARTTLS (587) unless `?tls=opportunistic` or
/// `?tls=none` (plain, for local relays and tests) says otherwise. User and password come from the URL,
/// percent-decoded. `roots` are trusted besides the public roots (`SMTP_CA_FILE`).
fn smtp(raw: &str, roots: &[Certificate]) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let url = url::Url::parse(raw).context("SMTP_URL is not a URL")?;
    // An IPv6 address without its URL brackets: the form a socket address and a certificate name take.
    let host = match url.host().context("SMTP_URL has no host")? {
        url::Host::Domain(name) => name.to_owned(),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
    };
    anyhow::ensure!(!host.is_empty(), "SMTP_URL has no host");
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let parameters = || -> anyhow::Result<TlsParameters> {
        let builder = roots.iter().cloned().fold(
            TlsParameters::builder(host.clone()),
            TlsParametersBuilder::add_root_certificate,
        );
        builder.build_rustls().context(if roots.is_empty() {
            "SMTP_URL: setting up TLS"
        } else {
            "SMTP_CA_FILE: a certificate in it is not usable as a CA"
        })
    };
    let (tls, default_port) = match (url.scheme(), tls.as_deref()) {
        ("smtps", None | Some("implicit" | "wrapper")) => (Tls::Wrapper(parameters()?), 465),
        ("smtp", None | Some("required" | "starttls")) => (Tls::Required(parameters()?), 587),
        ("smtp", Some("opportunistic")) => (Tls::Opportunistic(parameters()?), 587),
        ("smtp", Some("none")) => {
            anyhow::ensure!(
                roots.is_empty(),
                "SMTP_CA_FILE is set but SMTP_URL says tls=none: no certificate would be checked"
            );
            (Tls::None, 25)
        }
        (scheme, tls) => bail!(
            "SMTP_URL: unsupported scheme {scheme:?} with tls={tls:?}; use smtp://, smtps:// or smtp://…?tls=none"
        ),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
        .port(url.port().unwrap_or(default_port))
        .tls(tls);
    if !url.username().is_empty() {
        let user = percent_decode_str(url.username())
            .decode_utf8()
            .context("SMTP_URL: the user is not UTF-8 once percent-decoded")?
            .into_owned();
        let pass = percent_decode_str(url.password().unwrap_or_default())
            .decode_utf8()
            .context("SMTP_URL: the password is not UTF-8 once percent-decoded")?
            .into_owned();
        builder = builder.credentials(Credentials::new(user, pass));
    }
    Ok(builder.timeout(Some(Duration::from_secs(15))).build())
}

/// The CA certificates of `SMTP_CA_FILE`: every `CERTIFICATE` block of the PEM file, at least one.
fn load_ca_file(path: &Path) -> anyhow::Result<Vec<Certificate>> {
    let pem = std::fs::read(path)
        .with_context(|| format!("SMTP_CA_FILE: cannot read {}", path.display()))?;
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .map(|der| {
            let der = der.with_context(|| {
                format!("SMTP_CA_FILE: {} is not a valid PEM file", path.display())
            })?;
            Certificate::from_der(der.to_vec()).with_context(|| {
                format!(
                    "SMTP_CA_FILE: a certificate in {} is not valid",
                    path.display()
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(
        !certificates.is_empty(),
        "SMTP_CA_FILE: {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        path.display()
    );
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    // lettre's connection pool needs a runtime to exist in.
    #[tokio::test]
    async fn smtp_urls_of_the_contract_are_accepted() {
        for ok in [
            "smtp://127.0.0.1:2525?tls=none",
            "smtp://user:app%20pass@smtp.gmail.com:587",
            "smtps://user:pass@smtp.gmail.com",
            "smtp://relay.internal?tls=opportunistic",
            "smtps://user:pass@[2001:db8::25]:465",
        ] {
            assert!(smtp(ok, &[]).is_ok(), "{ok} refused");
        }
        for bad in [
            "http://example.com",
            "smtp://",
            "smtp://?tls=none",
            "smtp://:pass@/?tls=none",
            "smtps://host?tls=none",
            "not a url",
        ] {
            assert!(smtp(bad, &[]).is_err(), "{bad} accepted");
        }
    }

    #[tokio::test]
    async fn the_development_mailer_writes_private_files() {
        let tmp = tempfile::tempdir().unwrap();
        let file = write_development_mail(tmp.path(), b"Subject: hi\r\n\r\n123456".to_vec())
            .await
            .unwrap();
        assert_eq!(file.extension().unwrap(), "eml");
        assert_eq!(std::fs::read(&file).unwrap(), b"Subject: hi\r\n\r\n123456");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn development_mail_older_than_its_codes_is_purged() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |name: &str, age: Duration| {
            let path = tmp.path().join(name);
            let file = std::fs::File::create(&path).unwrap();
            file.set_modified(SystemTime::now() - age).unwrap();
            path
        };
        let old = write("old.eml", Duration::from_secs(301));
        let fresh = write("fresh.eml", Duration::from_secs(10));
        let other = write("notes.txt", Duration::from_secs(3600));
        assert_eq!(
            purge_development_mail(tmp.path(), Duration::from_secs(300)).unwrap(),
            1
        );
        assert!(!old.exists());
        assert!(fresh.exists() && other.exists(), "only old .eml files go");
        let missing = tmp.path().join("no-such-folder");
        assert_eq!(
            purge_development_mail(&missing, Duration::from_secs(300)).unwrap(),
            0
        );
    }

    fn outbox_row(kind: &str, subject: &str, text: &str) -> OutboxRow {
        OutboxRow {
            id: "1".into(),
            kind: kind.into(),
            recipient: "alice@example.com".into(),
            subject: subject.into(),
            body_text: Some(text.into()),
            body_html: Some(format!("<p>{text}</p>")),
            status: "queued".into(),
            attempts: 0,
            last_error: None,
            created_at: chrono::Utc::now().naive_utc(),
            next_attempt_at: chrono::Utc::now().naive_utc(),
            locked_until: None,
            sent_at: None,
            channel: "mail".into(),
        }
    }

    #[test]
    fn code_mails_get_their_code_in_front_of_the_subject_at_delivery_unless_turned_off() {
        let mail = templates::login_code(
            shared::i18n::Language::ENGLISH,
            "https://portal.test",
            "alice@example.com",
            "386559",
            "LiNk",
            Duration::from_secs(300),
        );
        let row = outbox_row("login_code", &mail.subject, &mail.text);
        assert_eq!(
            subject_at_delivery(&row, true),
            "386559 is your OTP Portal sign-in code"
        );
        assert_eq!(
            subject_at_delivery(&row, false),
            "Your OTP Portal sign-in code"
        );
        // Only code mails: a notice quoting digits keeps its subject.
        let notice = outbox_row("login_throttled", "Sign-in was paused", "\n    123456\n");
        assert_eq!(subject_at_delivery(&notice, true), "Sign-in was paused");
        // The subject goes out as given.
        let from: Mailbox = "OTP Portal <no-reply@localhost>".parse().unwrap();
        let raw = build(&from, &row, &subject_at_delivery(&row, true)).unwrap();
        let raw = String::from_utf8(raw.formatted()).unwrap();
        assert!(
            raw.contains("Subject: 386559 is your OTP Portal sign-in code"),
            "{raw}"
        );
    }

    fn ca_pem() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().pem()
    }

    #[test]
    fn the_ca_file_needs_at_least_one_readable_certificate() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("missing.pem");
        let err = format!("{:#}", load_ca_file(&missing).unwrap_err());
        assert!(
            err.contains("SMTP_CA_FILE") && err.contains("missing.pem"),
            "{err}"
        );

        let empty = tmp.path().join("key-only.pem");
        let key = rcgen::KeyPair::generate().unwrap().serialize_pem();
        std::fs::write(&empty, key).unwrap();
        let err = format!("{:#}", load_ca_file(&empty).unwrap_err());
        assert!(err.contains("holds no PEM certificate"), "{err}");

        let broken = tmp.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let err = format!("{:#}", load_ca_file(&broken).unwrap_err());
        assert!(err.contains("SMTP_CA_FILE"), "{err}");

        // PEM of something that is not a certificate: refused when the TLS settings are made.
        let garbage = tmp.path().join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let roots = load_ca_file(&garbage).unwrap();
        let err = smtp("smtps://relay.internal", &roots).unwrap_err();
        assert!(format!("{err:#}").contains("SMTP_CA_FILE"), "{err:#}");

        let two = tmp.path().join("two.pem");
        std::fs::write(&two, format!("{}\n{}", ca_pem(), ca_pem())).unwrap();
        assert_eq!(load_ca_file(&two).unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_bad_ca_file_stops_the_start() {
        let tmp = tempfile::tempdir().unwrap();
        let ca = tmp.path().join("ca.pem");
        std::fs::write(&ca, ca_pem()).unwrap();
        let ca = ca.display().to_string();
        let settings = |vars: &[(&str, &str)]| {
            let vars: std::collections::HashMap<String, String> = vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            Settings::from_lookup(|k| vars.get(k).cloned()).unwrap()
        };
        let relay = ("SMTP_URL", "smtp://user:pass@relay.internal:587");
        assert!(Transport::from_settings(&settings(&[relay, ("SMTP_CA_FILE", &ca)])).is_ok());
        let nowhere = tmp.path().join("nowhere.pem").display().to_string();
        let err = Transport::from_settings(&settings(&[relay, ("SMTP_CA_FILE", &nowhere)]))
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("nowhere.pem"), "{err:#}");
        let plain = ("SMTP_URL", "smtp://127.0.0.1:2525?tls=none");
        assert!(Transport::from_settings(&settings(&[plain, ("SMTP_CA_FILE", &ca)])).is_err());
        let dev = ("DATA_DIR", tmp.path().to_str().unwrap());
        assert!(Transport::from_settings(&settings(&[dev, ("SMTP_CA_FILE", &ca)])).is_err());
    }

    #[test]
    fn a_message_carries_its_kind_and_both_bodies() {
        let row = OutboxRow {
            id: "1".into(),
            kind: "verify_email".into(),
            recipient: "alice@example.com".into(),
            subject: "Hi".into(),
            body_text: Some("plain 123456".into()),
            body_html: Some("<p>html 123456</p>".into()),
            status: "queued".into(),
            attempts: 0,
            last_error: None,
            created_at: chrono::Utc::now().naive_utc(),
            next_attempt_at: chrono::Utc::now().naive_utc(),
            locked_until: None,
            sent_at: None,
            channel: "mail".into(),
        };
        let from: Mailbox = "OTP Portal <no-reply@localhost>".parse().unwrap();
        let raw = String::from_utf8(build(&from, &row, "Hi").unwrap().formatted()).unwrap();
        assert!(raw.contains("X-OTP-Portal-Kind: verify_email"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("multipart/alternative"));
    }
}
