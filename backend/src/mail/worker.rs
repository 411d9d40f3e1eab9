//! The outbox workers: each leases the due rows of its channel (mail, or webhooks), delivers them, and
//! records the outcome. A failed delivery is retried with exponential backoff (base doubling up to a
//! cap) until it is too old, then marked failed. The channels have a worker each, so a slow webhook
//! receiver never holds up a code mail.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use futures_util::StreamExt;
use lettre::message::Mailbox;
use tokio::sync::Notify;

use super::transport::Transport;
use crate::services::now;
use crate::settings::Settings;
use crate::store::{outbox, DbPool};
use crate::webhooks::Sender;

const BATCH: i64 = 50;
/// Within lettre's default pool of 10 connections to the relay.
const MAIL_CONCURRENCY: usize = 8;
const LEASE: TimeDelta = TimeDelta::minutes(2);
const IDLE_POLL: Duration = Duration::from_secs(1);

pub struct Worker {
    pub pool: DbPool,
    pub delivery: Delivery,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub settings: Arc<Settings>,
    pub wakeup: Arc<Notify>,
}

/// How a worker delivers its rows.
pub enum Delivery {
    Mail { transport: Transport, from: Mailbox },
    Webhook(Sender),
}

impl Delivery {
    fn channel(&self) -> &'static str {
        match self {
            Self::Mail { .. } => outbox::MAIL,
            Self::Webhook(_) => outbox::WEBHOOK,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Mail { transport, .. } => transport.describe(),
            Self::Webhook(sender) => sender.describe(),
        }
    }

    /// Deliveries in flight at once. Mail goes over the transport's pool of SMTP connections, so a
    /// burst of registrations is not mailed one round trip at a time (a relay a few milliseconds away
    /// would otherwise cap the worker at a few hundred mails a second, one far away at tens). Webhooks
    /// go one at a time, so a receiver sees an account's events in the order they happened.
    fn concurrency(&self) -> usize {
        match self {
            Self::Mail { .. } => MAIL_CONCURRENCY,
            Self::Webhook(_) => 1,
        }
    }

    async fn deliver(&self, row: &outbox::OutboxRow) -> Result<(), String> {
        match self {
            Self::Mail { transport, from } => transport.send(from, row).await,
            Self::Webhook(sender) => sender.deliver(row).await,
        }
    }
}

/// Delay before attempt `attempts + 1`: base·2^(attempts-1), capped.
pub fn backoff(base: Duration, max: Duration, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1));
    base.saturating_mul(factor).min(max)
}

impl Worker {
    pub async fn run(self) {
        let channel = self.delivery.channel();
        tracing::info!(channel, transport = %self.delivery.describe(), "outbox worker started");
        loop {
            let pool = self.pool.clone();
            let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = pool.get()?;
                let now = now();
                Ok(outbox::claim_due(
                    &mut conn,
                    channel,
                    now,
                    now + LEASE,
                    BATCH,
                )?)
            })
            .await;
            let rows = match claimed {
                Ok(Ok(rows)) => rows,
                Ok(Err(e)) => {
                    tracing::warn!(error = ?e, "mail worker cannot read the outbox; retrying");
                    tokio::time::sleep(IDLE_POLL).await;
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "mail worker task failed");
                    continue;
                }
            };
            if rows.is_empty() {
                tokio::select! {
                    () = self.wakeup.notified() => {}
                    () = tokio::time::sleep(IDLE_POLL) => {}
                }
                continue;
            }
            let worker = &self;
            futures_util::stream::iter(rows)
                .for_each_concurrent(self.delivery.concurrency(), |row| async move {
                    let outcome = worker.delivery.deliver(&row).await;
                    worker.record(row, outcome).await;
                })
                .await;
        }
    }

    async fn record(&self, row: outbox::OutboxRow, outcome: Result<(), String>) {
        let metrics = self.metrics.clone();
        let pool = self.pool.clone();
        let settings = self.settings.clone();
        let id = row.id.clone();
        let result = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            let now = now();
            match outcome {
                Ok(()) => {
                    tracing::info!(mail = %row.id, kind = %row.kind, channel = %row.channel, "delivered");
                    outbox::mark_sent(&mut conn, &row.id, now)?;
                    metrics.delivery(&row.channel, "sent");
                }
                Err(error) => {
                    let attempts = u32::try_from(row.attempts + 1).unwrap_or(u32::MAX);
                    let age = (now - row.created_at).to_std().unwrap_or_default();
                    if age >= settings.mail_give_up_after {
                        tracing::error!(mail = %row.id, %error, attempts, "mail abandoned");
                        outbox::mark_failed(&mut conn, &row.id, &error)?;
                        metrics.delivery(&row.channel, "failed");
                    } else {
                        let delay = backoff(settings.mail_retry_base, settings.mail_retry_max, attempts);
                        tracing::warn!(mail = %row.id, %error, attempts, retry_in = ?delay, "mail delivery failed");
                        let next = now + TimeDelta::from_std(delay).unwrap_or(TimeDelta::MAX);
                        outbox::mark_retry(&mut conn, &row.id, &error, next)?;
                        metrics.delivery(&row.channel, "retry");
                    }
                }
            }
            Ok(())
        })
        .await;
        // If the outcome cannot be written the lease expires and the mail is tried again: a duplicate is
        // better than a loss.
        if !matches!(result, Ok(Ok(()))) {
            tracing::error!(mail = %id, ?result, "could not record a delivery outcome");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let base = Duration::from_secs(2);
        let max = Duration::from_secs(300);
        let delays: Vec<u64> = (1..=10).map(|n| backoff(base, max, n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(backoff(base, max, 1000), max);
    }
}
