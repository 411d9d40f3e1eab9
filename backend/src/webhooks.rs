//! Account events for the product behind the portal, POSTed to `WEBHOOK_URL` per the Standard Webhooks
//! specification. An event is an outbox row written in the transaction of the change it reports (so it
//! is sent if and only if that change committed), delivered by its own worker after the request, retried
//! with backoff until the receiver answers `2xx`, with the same `webhook-id` on every attempt so the
//! receiver can drop a repeat.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::settings::{Settings, WebhookSettings};
use crate::store::outbox::{self, OutboxRow};
use crate::store::{Conn, Timestamp};

/// How long one delivery attempt may take before it counts as failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest receiver answer kept as the row's `last_error`.
const MAX_ERROR_CHARS: usize = 200;

/// The events a product can subscribe to (they all arrive at the one URL; `type` tells them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An address was verified: a new account exists.
    Verified,
    /// A session was opened (password, e-mailed code, or second step).
    Login,
    /// The password was changed or reset; every other session ended.
    PasswordChanged,
    /// An admin disabled the account; every session ended.
    Disabled,
    /// An admin enabled it again.
    Enabled,
    /// The account was deleted, by its owner or an admin.
    Deleted,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "user.verified",
            Self::Login => "user.login",
            Self::PasswordChanged => "user.password_changed",
            Self::Disabled => "user.disabled",
            Self::Enabled => "user.enabled",
            Self::Deleted => "user.deleted",
        }
    }
}

/// Queues `event` about the account `user_id` in the caller's transaction; nothing when no receiver is
/// configured. `data` adds to `user_id` what the event knows.
pub fn queue(
    conn: &mut Conn,
    settings: &Settings,
    event: Event,
    user_id: &str,
    data: Value,
    now: Timestamp,
) -> diesel::QueryResult<()> {
    let Some(hook) = &settings.webhook else {
        return Ok(());
    };
    let mut payload_data = json!({ "user_id": user_id });
    if let (Some(target), Value::Object(extra)) = (payload_data.as_object_mut(), data) {
        target.extend(extra);
    }
    let body = json!({
        "type": event.as_str(),
        "timestamp": now.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": payload_data,
    })
    .to_string();
    let row = OutboxRow::queued(
        format!("msg_{}", uuid::Uuid::new_v4().simple()),
        outbox::WEBHOOK,
        event.as_str(),
        &hook.url,
        event.as_str().to_owned(),
        (body, None),
        now,
    );
    outbox::insert(conn, &row)
}

/// `v1,` and the base64 HMAC-SHA-256 of `id.timestamp.body` under `key` (Standard Webhooks).
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// POSTs outbox rows of the webhook channel.
pub struct Sender {
    client: reqwest::Client,
    settings: WebhookSettings,
}

impl Sender {
    pub fn new(settings: WebhookSettings) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            // A receiver that redirects is misconfigured: following it would sign a body for another URL.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("otp-portal/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, settings })
    }

    pub fn describe(&self) -> String {
        format!("webhooks to {}", self.settings.url)
    }

    /// One attempt: `Ok` on a `2xx`, else why not.
    pub async fn deliver(&self, row: &OutboxRow) -> Result<(), String> {
        let Some(body) = &row.body_text else {
            return Err("the payload is gone".into());
        };
        // Signed at each attempt: receivers refuse timestamps far from their clock.
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signature(self.settings.key.expose_secret(), &row.id, timestamp, body);
        let response = self
            .client
            .post(&row.recipient)
            .header("content-type", "application/json")
            .header("webhook-id", &row.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.clone())
            .send()
            .await
            .map_err(|e| format!("{e}"))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = response.text().await.unwrap_or_default();
        let excerpt: String = text.chars().take(MAX_ERROR_CHARS).collect();
        Err(format!("the receiver answered {status}: {excerpt}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference implementations.
    #[test]
    fn the_signature_matches_the_specification_example() {
        let key = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = r#"{"test": 2432232314}"#;
        let signed = signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
