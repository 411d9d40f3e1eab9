//! Password login. A wrong password and an unknown login get the same answer after the same argon2 work,
//! and the same throttle. Failures are counted where they come from: a source (an IP, an IPv6 /64) pauses
//! after a few consecutive failures, for a time that doubles with each further one up to a cap; all
//! sources together pause an account only after many more; and a device that signed in to the account
//! before (its device cookie) is paused by its own failures alone. So guessing stays slow, while someone
//! who only knows the username can pause neither the owner's own devices nor, from one source, anyone
//! else. The owner is told by mail when a pause first trips (at most hourly).

use chrono::TimeDelta;
use shared::api::{MfaRequiredResponse, TokenResponse};

use super::flow::{self, Flow, Stop, Tx};
use super::{mfa, sessions};
use super::{seconds_until, ClientMeta, Ctx, Event, Subject};
use crate::auth::device;
use crate::error::AppError;
use crate::mail::{self, templates, MailKind};
use crate::store::login_throttle::{self, ThrottleRow};
use crate::store::users::UserRow;
use crate::store::{outbox, registrations, users, Conn, Timestamp};
use crate::webhooks;

/// Failures older than this no longer count.
const FAILURE_MEMORY: TimeDelta = TimeDelta::hours(24);
/// At most one "your logins were paused" notice per account in this period: every source that trips its
/// own pause would otherwise mail the owner.
const NOTICE_INTERVAL: TimeDelta = TimeDelta::hours(1);

/// What an attempt reserved before any password work: the account it names, the throttle keys it
/// counted against, and whether it started a pause.
pub(crate) struct Reservation {
    /// The throttle subject: the account, or the login when it names none.
    subject: String,
    pub(crate) user: Option<UserRow>,
    counters: Vec<Counter>,
    tripped: bool,
}

impl Reservation {
    /// After a success: the source's or device's own count is cleared; of a shared count (the
    /// account-wide one) only the failure counted up front is taken back, never the others'.
    pub(crate) fn settle_success(&self, conn: &mut Conn) -> Result<(), AppError> {
        for counter in &self.counters {
            if counter.own {
                login_throttle::clear(conn, &counter.key)?;
            } else {
                counter.take_back(conn)?;
            }
        }
        Ok(())
    }

    /// After a right password that still needs its second step: this attempt counts neither way.
    pub(crate) fn take_back(&self, conn: &mut Conn) -> Result<(), AppError> {
        for counter in &self.counters {
            counter.take_back(conn)?;
        }
        Ok(())
    }
}

/// How a right password ends: signed in, or on to the second step.
pub enum SignIn {
    Done(LoggedIn),
    SecondStep(MfaRequiredResponse),
}

/// What a login presents besides the login and the password.
pub struct Attempt<'a> {
    pub login: &'a str,
    pub password: &'a str,
    /// The device cookie, if the client sent one.
    pub device: Option<&'a str>,
}

/// A successful login: the tokens, and the device cookie to set.
pub struct LoggedIn {
    pub tokens: TokenResponse,
    pub device: String,
}

impl LoggedIn {
    /// Every way in ends here once its session is open: the tokens, and the device cookie (the one
    /// presented if it is this account's).
    pub(crate) fn new(
        ctx: &Ctx,
        user: &UserRow,
        session: sessions::OpenedSession,
        device: Option<&str>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            device: device_cookie_for(ctx, &user.id, device),
            tokens: sessions::token_response(ctx, user, session)?,
        })
    }
}

/// Concurrency: the throttle is read and this attempt counted, as a failure until proven otherwise, in
/// one write transaction before any argon2 work, so forty parallel tries are counted exactly like forty
/// sequential ones (those past the threshold are refused without a hash). A success clears its own count,
/// and opens a session only if the password verified is still the account's (compare-and-set).
#[tracing::instrument(skip_all)]
pub fn login(flow: Flow<'_>, attempt: Attempt<'_>) -> Result<SignIn, AppError> {
    let password_attempt = attempt.password;
    let login_key = shared::domain::login_key(attempt.login);
    let mut conn = flow.ctx.conn()?;
    // Keyed by the throttle subject: logins to other accounts go on in parallel (PostgreSQL).
    let reservation = flow.commit_keyed(&mut conn, |tx| {
        let user = users::find_by_login(tx.conn, &login_key)?;
        let subject = match &user {
            Some(user) => account_subject(&user.id),
            None => format!("login:{login_key}"),
        };
        tx.lock(&[&flow::throttle_lock(&subject)])?;
        reserve_attempt(tx, &subject, user, attempt.device)
    })?;
    // The connection goes back to the pool during the slow hashes.
    drop(conn);
    let right = flow.ctx.hasher.verify_or_burn(
        password_attempt,
        reservation.user.as_ref().map(|u| u.password_hash.as_str()),
    )?;
    if let (true, Some(user)) = (right, &reservation.user) {
        let mut conn = flow.ctx.conn()?;
        let opened = flow.write_keyed(&mut conn, |tx| -> Result<_, AppError> {
            tx.lock(&[&flow::throttle_lock(&reservation.subject)])?;
            let current = users::find(tx.conn, &user.id)?;
            if current.as_ref().map(|u| &u.password_hash) != Some(&user.password_hash) {
                // A reset or change committed since the hash was read: the old password opens nothing.
                return Ok(None);
            }
            // Only after the right password: a stranger learns nothing about the account's state.
            if current.is_some_and(|u| u.disabled_at.is_some()) {
                return Err(AppError::AccountDisabled);
            }
            if user.mfa_enabled {
                reservation.take_back(tx.conn)?;
                return Ok(Some(SignIn::SecondStep(mfa::open_challenge(tx, user)?)));
            }
            reservation.settle_success(tx.conn)?;
            let session = open_session(tx, user)?;
            Ok(Some(SignIn::Done(LoggedIn::new(
                tx.ctx,
                user,
                session,
                attempt.device,
            )?)))
        })?;
        if let Some(sign_in) = opened {
            return Ok(sign_in);
        }
    }
    // Every failure costs this second hash too, so a wrong password, an unknown login and a pending
    // registration take the same time, and a registration made for an address that already has an
    // account answers `email_not_verified` exactly like any other pending one.
    let pending = registrations::newest_for_login(&mut *flow.ctx.conn()?, &login_key, flow.now)?;
    let pending_right = flow.ctx.hasher.verify_or_burn(
        password_attempt,
        pending.as_ref().map(|r| r.password_hash.as_str()),
    )?;
    let reason = match (&reservation.user, pending_right) {
        (_, true) => "pending registration",
        (None, false) => "unknown login",
        (Some(_), false) => "wrong password",
    };
    let mut conn = flow.ctx.conn()?;
    flow.write_keyed(&mut conn, |tx| {
        tx.lock(&[&flow::throttle_lock(&reservation.subject)])?;
        record_failure(tx, &reservation, reason)
    })?;
    flow.ctx.wake_mailer();
    tracing::info!(reason, "login failed");
    if pending_right {
        Err(AppError::EmailNotVerified)
    } else {
        Err(AppError::InvalidCredentials)
    }
}

/// Checks the password of a signed-in account before a change that needs it (a new password, turning the
/// factor off, new recovery codes, deleting the account) under the throttle of a login: a stolen access
/// token is no way around the pauses that slow down guessing. `Ok(false)` for a wrong password (recorded
/// and audited with `why`); `429 rate_limited` while this source or the account is paused.
pub(crate) fn confirm_password(
    flow: Flow<'_>,
    user: &UserRow,
    password: &str,
    why: &str,
) -> Result<bool, AppError> {
    let mut conn = flow.ctx.conn()?;
    let subject = account_subject(&user.id);
    let reservation = flow.commit_account(&mut conn, &user.id, |tx| {
        reserve_attempt(tx, &subject, Some(user.clone()), None)
    })?;
    drop(conn);
    let right = flow.ctx.hasher.verify(password, &user.password_hash)?;
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, &user.id, |tx| {
        if right {
            reservation.settle_success(tx.conn)
        } else {
            record_failure(tx, &reservation, why)
        }
    })?;
    if !right {
        flow.ctx.wake_mailer();
    }
    Ok(right)
}

/// The throttle subject of an account: its account-wide count has this key, its sources' and devices'
/// counts keys that start with it.
pub(crate) fn account_subject(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// Audits a failed attempt, and tells the owner if it started a pause.
pub(crate) fn record_failure(
    tx: &mut Tx<'_, '_>,
    reservation: &Reservation,
    reason: &str,
) -> Result<(), AppError> {
    let subject = Subject {
        user_id: reservation.user.as_ref().map(|u| u.id.as_str()),
        email: None,
        detail: Some(reason),
        actor_id: None,
    };
    tx.audit(Event::LoginFailed, subject)?;
    match (&reservation.user, reservation.tripped) {
        (Some(user), true) => tell_owner_of_pause(tx, user),
        _ => Ok(()),
    }
}

/// Opens a session for a sign-in that passed every check, and audits it.
pub(crate) fn open_session(
    tx: &mut Tx<'_, '_>,
    user: &UserRow,
) -> Result<sessions::OpenedSession, AppError> {
    // Every way in (password, second step, e-mailed code) ends here, inside the transaction that opens
    // the session, so an account disabled meanwhile opens nothing.
    if users::is_disabled(tx.conn, &user.id)? {
        return Err(AppError::AccountDisabled);
    }
    let session = sessions::create(tx, &user.id)?;
    users::record_login(tx.conn, &user.id, tx.now)?;
    webhooks::queue(
        tx.conn,
        &tx.ctx.settings,
        webhooks::Event::Login,
        &user.id,
        serde_json::json!({
            "session_id": session.id,
            "ip": tx.meta.ip,
            "user_agent": tx.meta.user_agent,
        }),
        tx.now,
    )?;
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: None,
        actor_id: None,
    };
    tx.audit(Event::LoginSucceeded, subject)?;
    tracing::info!(user = %user.id, session = %session.id, "signed in");
    Ok(session)
}

/// The device cookie a successful sign-in leaves: the one presented if it is this account's, else a new
/// one (a device signed in to another account before becomes this account's device).
pub fn device_cookie_for(ctx: &Ctx, user_id: &str, presented: Option<&str>) -> String {
    match presented.filter(|d| device::verify(&ctx.keys.device_key, user_id, d).is_some()) {
        Some(known) => known.to_owned(),
        None => device::issue(&ctx.keys.device_key, user_id),
    }
}

/// A throttle key and the failures after which it pauses.
struct Counter {
    key: String,
    threshold: u32,
    /// Whether a success clears it.
    own: bool,
}

impl Counter {
    fn take_back(&self, conn: &mut Conn) -> Result<(), AppError> {
        let threshold = i32::try_from(self.threshold).unwrap_or(i32::MAX);
        Ok(login_throttle::take_back_one(conn, &self.key, threshold)?)
    }
}

/// The counters a login is held to: a trusted device's own; otherwise its source's and the account's.
fn counters(
    ctx: &Ctx,
    subject: &str,
    user: Option<&UserRow>,
    device: Option<&str>,
    meta: &ClientMeta,
) -> Vec<Counter> {
    let limits = &ctx.settings.limits;
    let trusted = user
        .zip(device)
        .and_then(|(user, device)| device::verify(&ctx.keys.device_key, &user.id, device));
    if let Some(nonce) = trusted {
        return vec![Counter {
            key: format!("{subject}|device:{nonce}"),
            threshold: limits.login_lockout_threshold,
            own: true,
        }];
    }
    let source = super::limits::client_key(meta.addr, limits.ipv6_prefix);
    vec![
        Counter {
            key: format!("{subject}|net:{source}"),
            threshold: limits.login_lockout_threshold,
            own: true,
        },
        Counter {
            key: subject.to_owned(),
            threshold: limits.login_lockout_account_threshold,
            own: false,
        },
    ]
}

/// Refuses while any counter of this login is paused; otherwise counts this attempt as a failure on each
/// up front, starting a pause where it reaches the threshold.
pub(crate) fn reserve_attempt(
    tx: &mut Tx<'_, '_>,
    subject: &str,
    user: Option<UserRow>,
    device: Option<&str>,
) -> Result<Reservation, Stop> {
    let counters = counters(tx.ctx, subject, user.as_ref(), device, tx.meta);
    let mut previous = Vec::with_capacity(counters.len());
    let mut paused_until = None;
    for counter in &counters {
        let row = login_throttle::find(tx.conn, &counter.key)?
            .filter(|t| tx.now - t.updated_at < FAILURE_MEMORY);
        if let Some(until) = row
            .as_ref()
            .and_then(|t| t.locked_until)
            .filter(|u| *u > tx.now)
        {
            paused_until = paused_until.max(Some(until));
        }
        previous.push(row);
    }
    if let Some(until) = paused_until {
        let subject = Subject {
            user_id: user.as_ref().map(|u| u.id.as_str()),
            email: None,
            detail: None,
            actor_id: None,
        };
        tx.audit(Event::LoginThrottled, subject)?;
        return flow::refuse(AppError::RateLimited {
            retry_after: seconds_until(tx.now, until),
        });
    }
    let limits = &tx.ctx.settings.limits;
    let mut tripped = false;
    for (counter, previous) in counters.iter().zip(previous) {
        let failures = previous.map_or(0, |t| t.failures).saturating_add(1);
        let count = u32::try_from(failures).unwrap_or(u32::MAX);
        let pause = pause_after(
            count,
            counter.threshold,
            limits.login_lockout_base,
            limits.login_lockout_max,
        );
        let locked_until = pause.map(|p| {
            tx.now
                .checked_add_signed(TimeDelta::from_std(p).unwrap_or(TimeDelta::MAX))
                .unwrap_or(Timestamp::MAX)
        });
        login_throttle::save(
            tx.conn,
            &ThrottleRow {
                key: counter.key.clone(),
                failures,
                locked_until,
                updated_at: tx.now,
            },
        )?;
        tripped |= count == counter.threshold;
    }
    Ok(Reservation {
        subject: subject.to_owned(),
        user,
        counters,
        tripped,
    })
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
fn tell_owner_of_pause(tx: &mut Tx<'_, '_>, user: &UserRow) -> Result<(), AppError> {
    let kind = MailKind::LoginThrottled;
    if outbox::queued_since(
        tx.conn,
        &user.email,
        kind.as_str(),
        tx.now - NOTICE_INTERVAL,
    )? {
        return Ok(());
    }
    let limits = &tx.ctx.settings.limits;
    let failures = i32::try_from(limits.login_lockout_threshold).unwrap_or(i32::MAX);
    let pause = limits.login_lockout_base.min(limits.login_lockout_max);
    let notice = templates::login_throttled(
        user.language(),
        &tx.ctx.settings.public_url,
        &user.email,
        failures,
        pause,
    );
    mail::queue(
        tx.conn,
        MailKind::LoginThrottled,
        &user.email,
        notice,
        tx.now,
    )?;
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: Some("lockout started"),
        actor_id: None,
    };
    tx.audit(Event::LoginThrottled, subject)?;
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
