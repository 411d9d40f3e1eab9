//! Issuing and checking e-mailed codes, and the per-address limit on wrong tries (NIST SP 800-63B): a
//! code dies after 5 wrong tries, and an address with 20 wrong tries in 24 hours gets no new code until
//! the oldest of them ages out.

use chrono::{Duration, TimeDelta};
use shared::api::CodeSentResponse;
use shared::domain::{Email, OtpCode};

use super::limits::Verdict;
use super::{audit, seconds_until, ClientMeta, Ctx, Event, Subject};
use crate::auth::otp;
use crate::error::AppError;
use crate::store::codes::{self, CodeRow, Purpose};
use crate::store::{Conn, Timestamp};

pub const MAX_TRIES_PER_CODE: i32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: TimeDelta = Duration::hours(24);

fn delta(d: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// Every check a request that would mail a code must pass, in the order that reveals least: the
/// address's wrong-try lockout, the resend cooldown of `purpose` (registration, which replaces the
/// pending account, has none), then the rate limits, which count only requests that got this far.
pub fn ensure_may_send_code(
    ctx: &Ctx,
    conn: &mut Conn,
    email_key: &str,
    cooldown_of: Option<Purpose>,
    captcha_solved: bool,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<(), AppError> {
    ensure_address_not_locked(conn, email_key, now)?;
    if let Some(purpose) = cooldown_of {
        ensure_cooldown_over(conn, email_key, purpose, now)?;
    }
    ensure_within_mail_limits(ctx, meta, email_key, captcha_solved)
}

/// Refuses to issue a code for an address that has used up its wrong tries.
fn ensure_address_not_locked(
    conn: &mut Conn,
    email_key: &str,
    now: Timestamp,
) -> Result<(), AppError> {
    let failures = codes::failures_since(conn, email_key, now - FAILURE_WINDOW)?;
    if failures.len() < MAX_FAILURES_PER_ADDRESS {
        return Ok(());
    }
    // Once this failure ages out, the count drops below the limit.
    let unlocking = failures[failures.len() - MAX_FAILURES_PER_ADDRESS];
    Err(AppError::TooManyAttempts {
        attempts_remaining: None,
        retry_after: seconds_until(now, unlocking + FAILURE_WINDOW),
    })
}

/// Decoys count like real codes, so the limits reveal nothing about which addresses have accounts.
fn ensure_within_mail_limits(
    ctx: &Ctx,
    meta: &ClientMeta,
    email_key: &str,
    captcha_solved: bool,
) -> Result<(), AppError> {
    match ctx.limits.mail(meta.addr, email_key, captcha_solved) {
        Verdict::Allowed => Ok(()),
        Verdict::CaptchaRequired => {
            tracing::warn!(ip = ?meta.addr, "mail request under pressure: CAPTCHA required");
            Err(AppError::CaptchaRequired)
        }
        Verdict::Refused { retry_after } => {
            tracing::warn!(ip = ?meta.addr, retry_after, "mail request refused by rate limit");
            Err(AppError::RateLimited { retry_after })
        }
    }
}

/// Refuses a new code while the previous one's resend cooldown runs.
fn ensure_cooldown_over(
    conn: &mut Conn,
    email_key: &str,
    purpose: Purpose,
    now: Timestamp,
) -> Result<(), AppError> {
    match codes::find(conn, email_key, purpose)? {
        Some(current) if now < current.resend_after => Err(AppError::ResendCooldown {
            retry_after: seconds_until(now, current.resend_after),
        }),
        _ => Ok(()),
    }
}

/// Makes a new current code for the address, voiding the previous one. With `real == false` the row is a
/// decoy: it behaves like a code (expiry, cooldown, attempts) but no code exists, so none is returned.
pub fn issue(
    ctx: &Ctx,
    conn: &mut Conn,
    email_key: &str,
    purpose: Purpose,
    real: bool,
    now: Timestamp,
) -> Result<(CodeRow, Option<OtpCode>), AppError> {
    let code = real.then(otp::generate);
    let row = CodeRow {
        email_key: email_key.to_owned(),
        purpose: purpose.as_str().to_owned(),
        code_hash: code
            .as_ref()
            .map(|c| otp::hash(&ctx.keys.code_key, purpose, email_key, c)),
        attempts: 0,
        created_at: now,
        expires_at: now + delta(ctx.settings.otp_ttl),
        resend_after: now + delta(ctx.settings.otp_resend_cooldown),
    };
    codes::replace(conn, &row)?;
    Ok((row, code))
}

pub fn sent_response(email: &Email, row: &CodeRow, now: Timestamp) -> CodeSentResponse {
    CodeSentResponse {
        email: email.as_str().to_owned(),
        expires_at: row.expires_at.and_utc(),
        expires_in: (row.expires_at - now).num_seconds().max(0),
        resend_after: row.resend_after.and_utc(),
    }
}

/// Checks `code` against the address's current code and spends it if it matches. Wrong tries are
/// recorded, so the caller must commit even when this returns an error-to-be.
pub fn check(
    ctx: &Ctx,
    conn: &mut Conn,
    email_key: &str,
    purpose: Purpose,
    code: &OtpCode,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<Result<(), AppError>, AppError> {
    let verdict = check_code(ctx, conn, email_key, purpose, code, now)?;
    let detail = match &verdict {
        Ok(()) => purpose.as_str().to_owned(),
        Err(e) => format!("{}: {}", purpose.as_str(), e.code().as_str()),
    };
    let event = if verdict.is_ok() {
        Event::CodeVerified
    } else {
        Event::CodeFailed
    };
    let subject = Subject {
        user_id: None,
        email: Some(email_key),
        detail: Some(&detail),
    };
    audit(conn, event, subject, meta, now)?;
    Ok(verdict)
}

fn check_code(
    ctx: &Ctx,
    conn: &mut Conn,
    email_key: &str,
    purpose: Purpose,
    code: &OtpCode,
    now: Timestamp,
) -> Result<Result<(), AppError>, AppError> {
    let Some(row) = codes::find(conn, email_key, purpose)? else {
        return Ok(Err(AppError::CodeExpired));
    };
    let exhausted = |row: &CodeRow| AppError::TooManyAttempts {
        attempts_remaining: Some(0),
        retry_after: seconds_until(now, row.resend_after),
    };
    if row.attempts >= MAX_TRIES_PER_CODE {
        return Ok(Err(exhausted(&row)));
    }
    if now >= row.expires_at {
        return Ok(Err(AppError::CodeExpired));
    }
    let right = row
        .code_hash
        .as_deref()
        .is_some_and(|stored| otp::matches(&ctx.keys.code_key, purpose, email_key, code, stored));
    if right {
        codes::consume(conn, email_key, purpose)?;
        return Ok(Ok(()));
    }
    let attempts = codes::record_wrong_try(conn, email_key, purpose, now)?;
    tracing::info!(purpose = purpose.as_str(), attempts, "wrong code");
    let remaining = MAX_TRIES_PER_CODE - attempts;
    if remaining <= 0 {
        return Ok(Err(exhausted(&row)));
    }
    Ok(Err(AppError::InvalidCode {
        attempts_remaining: u32::try_from(remaining).unwrap_or(0),
    }))
}
