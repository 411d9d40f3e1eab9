//! Password login. A wrong password and an unknown login get the same answer after the same argon2 work,
//! and the same throttle: after a few consecutive failures the account (or the unknown name) pauses for a
//! time that doubles with each further failure, up to a cap, so guessing is slow while the owner is never
//! shut out for long. The owner is told by mail when the pause first trips.

use chrono::TimeDelta;
use shared::api::TokenResponse;

use super::sessions;
use super::{audit, seconds_until, ClientMeta, Ctx, Event, Subject};
use crate::auth::password;
use crate::error::AppError;
use crate::mail::{self, templates, MailKind};
use crate::store::login_throttle::{self, ThrottleRow};
use crate::store::users::UserRow;
use crate::store::{self, users, Conn, Timestamp};

/// Failures older than this no longer count.
const FAILURE_MEMORY: TimeDelta = TimeDelta::hours(24);

#[tracing::instrument(skip_all)]
pub fn login(
    ctx: &Ctx,
    login: &str,
    password_attempt: &str,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<TokenResponse, AppError> {
    let login_key = login.trim().to_lowercase();
    let mut conn = ctx.conn()?;
    let user = users::find_by_login(&mut conn, &login_key)?;
    let throttle_key = match &user {
        Some(user) => format!("user:{}", user.id),
        None => format!("login:{login_key}"),
    };
    let throttle = login_throttle::find(&mut conn, &throttle_key)?
        .filter(|t| now - t.updated_at < FAILURE_MEMORY);
    if let Some(until) = throttle
        .as_ref()
        .and_then(|t| t.locked_until)
        .filter(|until| *until > now)
    {
        let subject = Subject {
            user_id: user.as_ref().map(|u| u.id.as_str()),
            email: None,
            detail: None,
        };
        store::write(&mut conn, |conn| {
            audit(conn, Event::LoginThrottled, subject, meta, now)
        })?;
        return Err(AppError::RateLimited {
            retry_after: seconds_until(now, until),
        });
    }
    // The connection goes back to the pool during the slow hash.
    drop(conn);
    let verdict = match &user {
        None => {
            ctx.decoy_hash.burn(password_attempt);
            Err("unknown login")
        }
        Some(user) if !password::verify(password_attempt, &user.password_hash) => {
            Err("wrong password")
        }
        Some(_) => Ok(()),
    };
    let mut conn = ctx.conn()?;
    let user = match (user, verdict) {
        (Some(user), Ok(())) => user,
        (user, verdict) => {
            let reason = verdict.err().unwrap_or_default();
            store::write(&mut conn, |conn| -> Result<(), AppError> {
                let subject = Subject {
                    user_id: user.as_ref().map(|u| u.id.as_str()),
                    email: None,
                    detail: Some(reason),
                };
                audit(conn, Event::LoginFailed, subject, meta, now)?;
                record_failure(ctx, conn, &throttle_key, throttle, user.as_ref(), meta, now)
            })?;
            tracing::info!(reason, "login failed");
            return Err(AppError::InvalidCredentials);
        }
    };
    if !user.email_verified {
        return Err(AppError::EmailNotVerified);
    }
    let session = store::write(&mut conn, |conn| -> Result<_, AppError> {
        login_throttle::clear(conn, &throttle_key)?;
        let session = sessions::create(ctx, conn, &user.id, meta, now)?;
        let subject = Subject {
            user_id: Some(&user.id),
            email: Some(&user.email),
            detail: None,
        };
        audit(conn, Event::LoginSucceeded, subject, meta, now)?;
        Ok(session)
    })?;
    ctx.wake_mailer();
    tracing::info!(user = %user.id, session = %session.id, "logged in");
    sessions::token_response(ctx, &user, session)
}

/// How long logins pause after `failures` consecutive failures, if at all.
pub fn pause_after(
    failures: u32,
    threshold: u32,
    base: std::time::Duration,
    max: std::time::Duration,
) -> Option<std::time::Duration> {
    if threshold == 0 || failures < threshold {
        return None;
    }
    let doublings = (failures - threshold).min(30);
    Some(base.saturating_mul(1 << doublings).min(max))
}

fn record_failure(
    ctx: &Ctx,
    conn: &mut Conn,
    key: &str,
    previous: Option<ThrottleRow>,
    user: Option<&UserRow>,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<(), AppError> {
    let limits = &ctx.settings.limits;
    let failures = previous.map_or(0, |t| t.failures).saturating_add(1);
    let pause = pause_after(
        u32::try_from(failures).unwrap_or(u32::MAX),
        limits.login_lockout_threshold,
        limits.login_lockout_base,
        limits.login_lockout_max,
    );
    let locked_until = pause.map(|p| now + TimeDelta::from_std(p).unwrap_or(TimeDelta::MAX));
    login_throttle::save(
        conn,
        &ThrottleRow {
            key: key.to_owned(),
            failures,
            locked_until,
            updated_at: now,
        },
    )?;
    let just_tripped = u32::try_from(failures).ok() == Some(limits.login_lockout_threshold);
    if let (true, Some(user), Some(pause)) = (just_tripped, user, pause) {
        let notice =
            templates::login_throttled(&ctx.settings.public_url, &user.email, failures, pause);
        mail::queue(conn, MailKind::LoginThrottled, &user.email, notice, now)?;
        let subject = Subject {
            user_id: Some(&user.id),
            email: Some(&user.email),
            detail: Some("lockout started"),
        };
        audit(conn, Event::LoginThrottled, subject, meta, now)?;
        tracing::warn!(user = %user.id, failures, "logins paused after repeated wrong passwords");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_pause_starts_at_the_threshold_and_doubles_up_to_the_cap() {
        let (base, max) = (Duration::from_secs(30), Duration::from_secs(900));
        let pauses: Vec<Option<u64>> = (1..=11)
            .map(|n| pause_after(n, 5, base, max).map(|d| d.as_secs()))
            .collect();
        assert_eq!(
            pauses,
            [
                None,
                None,
                None,
                None,
                Some(30),
                Some(60),
                Some(120),
                Some(240),
                Some(480),
                Some(900),
                Some(900)
            ]
        );
        assert_eq!(pause_after(u32::MAX, 5, base, max), Some(max));
        assert_eq!(pause_after(100, 0, base, max), None);
    }
}
