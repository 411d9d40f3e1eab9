//! Delivery: SMTP through lettre as `SMTP_URL` says, or without it the development mailer, which logs each
//! mail and writes it as an `.eml` file.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use percent_encoding::percent_decode_str;
use secrecy::ExposeSecret;

use crate::settings::Settings;
use crate::store::outbox::OutboxRow;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Development {
        dir: PathBuf,
        files: AsyncFileTransport<Tokio1Executor>,
    },
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.smtp_url {
            Some(url) => smtp(url.expose_secret()).map(Self::Smtp),
            None => {
                let dir = settings.data_dir.join("mail");
                std::fs::create_dir_all(&dir).with_context(|| {
                    format!("creating the development mail folder {}", dir.display())
                })?;
                Ok(Self::Development {
                    files: AsyncFileTransport::new(&dir),
                    dir,
                })
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
            Self::Development { files, .. } => {
                let file = files.send(message).await.map_err(|e| e.to_string())?;
                // The development mailer exists to show the mail, code included.
                tracing::info!(
                    to = %row.recipient,
                    subject = %row.subject,
                    file = %file,
                    "development mailer:\n{}",
                    row.body_text.as_deref().unwrap_or_default()
                );
                Ok(())
            }
        }
    }
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
        };
        let from: Mailbox = "OTP Portal <no-reply@localhost>".parse().unwrap();
        let raw = String::from_utf8(build(&from, &row).unwrap().formatted()).unwrap();
        assert!(raw.contains("X-OTP-Portal-Kind: verify_email"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("multipart/alternative"));
    }
}
