//! Periodic clean-up: pending accounts never verified, dead codes, old failures, ended sessions and
//! delivered mail past retention.

use chrono::TimeDelta;

use super::{now, Ctx};
use crate::store::{self, audit, codes, login_throttle, outbox, sessions, users};

const SESSION_RETENTION: TimeDelta = TimeDelta::days(7);
const OUTBOX_RETENTION: TimeDelta = TimeDelta::days(30);

pub fn run_once(ctx: &Ctx) -> anyhow::Result<()> {
    ctx.limits.prune();
    let now = now();
    let pending_ttl =
        TimeDelta::from_std(ctx.settings.pending_account_ttl).unwrap_or(TimeDelta::MAX);
    let audit_retention =
        TimeDelta::from_std(ctx.settings.audit_retention).unwrap_or(TimeDelta::MAX);
    let mut conn = ctx.pool.get()?;
    let (accounts, codes, sessions, mails, events) =
        store::write(&mut conn, |conn| -> diesel::QueryResult<_> {
            Ok((
                users::purge_pending_created_before(conn, now - pending_ttl)?,
                codes::purge(conn, now, now - super::codes::FAILURE_WINDOW)?,
                sessions::purge(conn, now - SESSION_RETENTION)?,
                outbox::purge(conn, now - OUTBOX_RETENTION)?,
                audit::purge(conn, now - audit_retention)?
                    + login_throttle::purge(conn, now - TimeDelta::days(1), now)?,
            ))
        })?;
    if accounts + codes + sessions + mails + events > 0 {
        tracing::info!(
            accounts,
            codes,
            sessions,
            mails,
            events,
            "maintenance purged old rows"
        );
    }
    Ok(())
}

pub async fn run(ctx: Ctx) {
    let mut interval = tokio::time::interval(ctx.settings.maintenance_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let ctx = ctx.clone();
        match tokio::task::spawn_blocking(move || run_once(&ctx)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = ?e, "maintenance failed; will retry"),
            Err(e) => tracing::error!(error = %e, "maintenance task failed"),
        }
    }
}
