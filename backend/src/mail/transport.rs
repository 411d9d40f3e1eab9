//! Delivery: SMTP through lettre as `SMTP_URL` says, or without it the development mailer, which logs each
//! mail and writes it as an `.eml` file readable by the server's user alone, deleted once its code is dead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use percent_encoding::percent_decode_str;
use secrecy::ExposeSecret;

use crate::settings::Settings;
use crate::store::outbox::OutboxRow;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Development { dir: PathBuf },
}

/// Where the development mailer keeps its `.eml` files.
pub fn development_mail_dir(settings: &Settings) -> PathBuf {
    settings.data_dir.join("mail")
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.smtp_url {
            Some(url) => smtp(url.expose_secret()).map(Self::Smtp),
            None => {
                let dir = development_mail_dir(settings);
                // The folder is ours alone, also when an older version made it readable by others.
                crate::private_files::create_dir_all(&dir)
                    .and_then(|()| crate::private_files::restrict(&dir))
                    .with_context(|| {
                        format!("creating the development mail folder {}", dir.display())
                    })?;
                Ok(Self::Development { dir })
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(_) => "SMTP".into(),
            Self::Development { dir, .. } => {
                format!("development mailer (stdout and {})", dir.display())
            }
        }
    }

    /// Sends one mail; the error text is what the outbox records.
    pub async fn send(&self, from: &Mailbox, row: &OutboxRow) -> Result<(), String> {
        let message = build(from, row)?;
        match self {
            Self::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Self::Development { dir } => {
                let file = write_development_mail(dir, message.formatted())
                    .await
                    .map_err(|e| format!("writing the mail file: {e}"))?;
                // The development mailer exists to show the mail, code included.
                tracing::info!(
                    to = %row.recipient,
                    subject = %row.subject,
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

fn build(from: &Mailbox, row: &OutboxRow) -> Result<Message, String> {
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("bad recipient {}: {e}", row.recipient))?;
    let text = row.body_text.clone().unwrap_or_default();
    let html = row.body_html.clone().unwrap_or_default();
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&row.subject)
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
/// `?tls=none` (plain, for local relays and tests) says otherwise. User and password come from the URL.
fn smtp(raw: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let url = url::Url::parse(raw).context("SMTP_URL is not a URL")?;
    let host = url.host_str().context("SMTP_URL has no host")?.to_owned();
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    type Smtp = AsyncSmtpTransport<Tokio1Executor>;
    let mut builder = match (url.scheme(), tls.as_deref()) {
        ("smtps", None | Some("implicit" | "wrapper")) => Smtp::relay(&host)?,
        ("smtp", None | Some("required" | "starttls")) => Smtp::starttls_relay(&host)?,
        ("smtp", Some("opportunistic")) => Smtp::builder_dangerous(&host)
            .port(587)
            .tls(Tls::Opportunistic(TlsParameters::new(host.clone())?)),
        ("smtp", Some("none")) => Smtp::builder_dangerous(&host).port(25),
        (scheme, tls) => bail!(
            "SMTP_URL: unsupported scheme {scheme:?} with tls={tls:?}; use smtp://, smtps:// or smtp://…?tls=none"
        ),
    };
    if let Some(port) = url.port() {
        builder = builder.port(port);
    }
    if !url.username().is_empty() {
        let user = percent_decode_str(url.username())
            .decode_utf8()?
            .into_owned();
        let pass = percent_decode_str(url.password().unwrap_or_default())
            .decode_utf8()?
            .into_owned();
        builder = builder.credentials(Credentials::new(user, pass));
    }
    Ok(builder.timeout(Some(Duration::from_secs(15))).build())
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
        ] {
            assert!(smtp(ok).is_ok(), "{ok} refused");
        }
        for bad in [
            "http://example.com",
            "smtp://",
            "smtps://host?tls=none",
            "not a url",
        ] {
            assert!(smtp(bad).is_err(), "{bad} accepted");
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
        let raw = String::from_utf8(build(&from, &row).unwrap().formatted()).unwrap();
        assert!(raw.contains("X-OTP-Portal-Kind: verify_email"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("multipart/alternative"));
    }
}
