//! Periodic clean-up: pending accounts never verified, dead codes, old failures, ended sessions and
//! delivered mail past retention.

use chrono::TimeDelta;

use super::{now, Ctx};
use crate::mail::transport;
use crate::store::{
    self, audit, code_events, codes, login_throttle, mfa, outbox, registrations, sessions,
};

const SESSION_RETENTION: TimeDelta = TimeDelta::days(7);
const OUTBOX_RETENTION: TimeDelta = TimeDelta::days(30);

pub fn run_once(ctx: &Ctx) -> anyhow::Result<()> {
    ctx.limits.prune();
    purge_development_mail(ctx);
    let now = now();
    let audit_retention =
        TimeDelta::from_std(ctx.settings.audit_retention).unwrap_or(TimeDelta::MAX);
    let mut conn = ctx.pool.get()?;
    let (accounts, codes, sessions, mails, events) =
        store::write(&mut conn, |conn| -> diesel::QueryResult<_> {
            Ok((
                purge_expired_registrations(conn, now)?,
                codes::purge(conn, now, now - super::codes::FAILURE_WINDOW)?,
                sessions::purge(conn, now - SESSION_RETENTION)?,
                outbox::purge(conn, now - OUTBOX_RETENTION)?,
                audit::purge(conn, now - audit_retention)?
                    + code_events::purge(conn, now - audit_retention)?
                    + crate::auth::keyring::purge(conn, ctx.settings.access_token_ttl, now)?
                    + mfa::purge_challenges(conn, now - TimeDelta::days(1))?
                    + crate::store::passkeys::purge_expired_ceremonies(conn, now)?
                    + crate::store::captcha::purge(conn, now)?
                    + crate::store::rate_limits::purge(conn, now)?
                    + crate::store::changes::purge(conn, now - store::changes::SQLITE_RETENTION)?
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

/// Registrations past their purge time go, with their codes.
fn purge_expired_registrations(
    conn: &mut store::Conn,
    now: store::Timestamp,
) -> diesel::QueryResult<usize> {
    let ids = registrations::purge_expired(conn, now)?;
    for id in &ids {
        codes::delete_for_subject(conn, id)?;
    }
    Ok(ids.len())
}

/// The development mailer's files carry codes in the clear: they go once those codes are dead. A failure
/// here does not hold up the database's clean-up.
fn purge_development_mail(ctx: &Ctx) {
    let dir = transport::development_mail_dir(&ctx.settings);
    match transport::purge_development_mail(&dir, ctx.settings.otp_ttl) {
        Ok(0) => {}
        Ok(files) => tracing::info!(files, "maintenance deleted old development mail"),
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "cannot delete old development mail")
        }
    }
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
