//! Password login. A wrong password and an unknown login get the same answer after the same argon2 work,
//! and the same throttle: after a few consecutive failures the account (or the unknown name) pauses for a
//! time that doubles with each further failure, up to a cap, so guessing is slow while the owner is never
//! shut out for long. The owner is told by mail when the pause first trips.

use chrono::TimeDelta;
use shared::api::TokenResponse;

use super::sessions;
use super::{audit, seconds_until, ClientMeta, Ctx, Event, Subject};
use crate::error::AppError;
use crate::mail::{self, templates, MailKind};
use crate::store::login_throttle::{self, ThrottleRow};
use crate::store::users::UserRow;
use crate::store::{self, registrations, users, Conn, Timestamp};

/// Failures older than this no longer count.
const FAILURE_MEMORY: TimeDelta = TimeDelta::hours(24);

/// What an attempt reserved before any password work: the account it names, its throttle key, and
/// whether this attempt started a pause.
struct Reservation {
    user: Option<UserRow>,
    throttle_key: String,
    tripped: bool,
}

/// Concurrency: the throttle is read and this attempt counted, as a failure until proven otherwise, in
/// one write transaction before any argon2 work, so forty parallel tries are counted exactly like forty
/// sequential ones (those past the threshold are refused without a hash). A success clears the count,
/// and opens a session only if the password verified is still the account's (compare-and-set).
#[tracing::instrument(skip_all)]
pub fn login(
    ctx: &Ctx,
    login: &str,
    password_attempt: &str,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<TokenResponse, AppError> {
    let login_key = login_key(login);
    let mut conn = ctx.conn()?;
    let reservation = store::write(&mut conn, |conn| {
        reserve_attempt(ctx, conn, &login_key, meta, now)
    })??;
    // The connection goes back to the pool during the slow hashes.
    drop(conn);
    let right = match &reservation.user {
        Some(user) => ctx.hasher.verify(password_attempt, &user.password_hash)?,
        None => {
            ctx.hasher.burn(password_attempt)?;
            false
        }
    };
    if let (true, Some(user)) = (right, &reservation.user) {
        let mut conn = ctx.conn()?;
        let opened = store::write(&mut conn, |conn| -> Result<_, AppError> {
            let current = users::find(conn, &user.id)?;
            if current.as_ref().map(|u| &u.password_hash) != Some(&user.password_hash) {
                // A reset or change committed since the hash was read: the old password opens nothing.
                return Ok(None);
            }
            login_throttle::clear(conn, &reservation.throttle_key)?;
            let session = sessions::create(ctx, conn, &user.id, meta, now)?;
            let subject = Subject {
                user_id: Some(&user.id),
                email: Some(&user.email),
                detail: None,
            };
            audit(conn, Event::LoginSucceeded, subject, meta, now)?;
            Ok(Some(session))
        })?;
        if let Some(session) = opened {
            tracing::info!(user = %user.id, session = %session.id, "logged in");
            return sessions::token_response(ctx, user, session);
        }
    }
    // Every failure costs this second hash too, so a wrong password, an unknown login and a pending
    // registration take the same time, and a registration made for an address that already has an
    // account answers `email_not_verified` exactly like any other pending one.
    let pending = registrations::newest_for_login(&mut *ctx.conn()?, &login_key, now)?;
    let pending_right = match &pending {
        Some(registration) => ctx
            .hasher
            .verify(password_attempt, &registration.password_hash)?,
        None => {
            ctx.hasher.burn(password_attempt)?;
            false
        }
    };
    let reason = match (&reservation.user, pending_right) {
        (_, true) => "pending registration",
        (None, false) => "unknown login",
        (Some(_), false) => "wrong password",
    };
    let mut conn = ctx.conn()?;
    store::write(&mut conn, |conn| -> Result<(), AppError> {
        let subject = Subject {
            user_id: reservation.user.as_ref().map(|u| u.id.as_str()),
            email: None,
            detail: Some(reason),
        };
        audit(conn, Event::LoginFailed, subject, meta, now)?;
        match (&reservation.user, reservation.tripped) {
            (Some(user), true) => tell_owner_of_pause(ctx, conn, user, meta, now),
            _ => Ok(()),
        }
    })?;
    ctx.wake_mailer();
    tracing::info!(reason, "login failed");
    if pending_right {
        Err(AppError::EmailNotVerified)
    } else {
        Err(AppError::InvalidCredentials)
    }
}

/// The lower-cased login, cut to the longest address there can be, so that no name of any length is
/// stored in a throttle key.
fn login_key(login: &str) -> String {
    const MAX_CHARS: usize = 254;
    login
        .trim()
        .chars()
        .take(MAX_CHARS)
        .collect::<String>()
        .to_lowercase()
}

/// Refuses while the account (or unknown name) is paused; otherwise counts this attempt as a failure
/// up front, starting the pause if it reaches the threshold.
fn reserve_attempt(
    ctx: &Ctx,
    conn: &mut Conn,
    login_key: &str,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<Result<Reservation, AppError>, AppError> {
    let user = users::find_by_login(conn, login_key)?;
    let throttle_key = match &user {
        Some(user) => format!("user:{}", user.id),
        None => format!("login:{login_key}"),
    };
    let previous =
        login_throttle::find(conn, &throttle_key)?.filter(|t| now - t.updated_at < FAILURE_MEMORY);
    if let Some(until) = previous
        .as_ref()
        .and_then(|t| t.locked_until)
        .filter(|until| *until > now)
    {
        let subject = Subject {
            user_id: user.as_ref().map(|u| u.id.as_str()),
            email: None,
            detail: None,
        };
        audit(conn, Event::LoginThrottled, subject, meta, now)?;
        return Ok(Err(AppError::RateLimited {
            retry_after: seconds_until(now, until),
        }));
    }
    let limits = &ctx.settings.limits;
    let failures = previous.map_or(0, |t| t.failures).saturating_add(1);
    let pause = pause_after(
        u32::try_from(failures).unwrap_or(u32::MAX),
        limits.login_lockout_threshold,
        limits.login_lockout_base,
        limits.login_lockout_max,
    );
    let locked_until = pause.map(|p| {
        now.checked_add_signed(TimeDelta::from_std(p).unwrap_or(TimeDelta::MAX))
            .unwrap_or(Timestamp::MAX)
    });
    login_throttle::save(
        conn,
        &ThrottleRow {
            key: throttle_key.clone(),
            failures,
            locked_until,
            updated_at: now,
        },
    )?;
    let tripped = u32::try_from(failures).ok() == Some(limits.login_lockout_threshold);
    Ok(Ok(Reservation {
        user,
        throttle_key,
        tripped,
    }))
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

/// The owner hears of a pause the first time their account's logins stop, and what to do.
fn tell_owner_of_pause(
    ctx: &Ctx,
    conn: &mut Conn,
    user: &UserRow,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<(), AppError> {
    let limits = &ctx.settings.limits;
    let failures = i32::try_from(limits.login_lockout_threshold).unwrap_or(i32::MAX);
    let pause = limits.login_lockout_base.min(limits.login_lockout_max);
    let notice = templates::login_throttled(&ctx.settings.public_url, &user.email, failures, pause);
    mail::queue(conn, MailKind::LoginThrottled, &user.email, notice, now)?;
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: Some("lockout started"),
    };
    audit(conn, Event::LoginThrottled, subject, meta, now)?;
    tracing::warn!(user = %user.id, failures, "logins paused after repeated wrong passwords");
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
