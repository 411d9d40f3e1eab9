//! Issuing and checking e-mailed codes, and the per-address limit on wrong tries (NIST SP 800-63B): a
//! code dies after 5 wrong tries, and once an address has 20 wrong tries in 24 hours its 6-digit codes
//! alone are refused until the oldest of them ages out. Its owner is never locked out by that: new codes
//! are still mailed, and the mailed link carries a 128-bit link token beside the code that no guesser
//! has, which is accepted throughout.

use chrono::{Duration, TimeDelta};
use shared::admin::CodeEvent;
use shared::api::{CodePurpose, CodeSentResponse, CodeStatusQuery};
use shared::domain::{Email, OtpCode};
use shared::i18n::Language;

use super::flow::{refuse, Flow, Stop, Tx};
use super::limits::{self, Verdict};
use super::{seconds_until, ClientMeta, Ctx, Event, Subject};
use crate::auth::otp;
use crate::error::AppError;
use crate::mail::{self, MailKind, Rendered};
use crate::store::code_events::{self, NewCodeEvent};
use crate::store::codes::{self, CodeKey, CodeRow, Purpose};
use crate::store::users;
use crate::store::{rate_limits, Conn, Timestamp};

pub const MAX_TRIES_PER_CODE: i32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: TimeDelta = Duration::hours(24);

fn delta(d: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// Every check a request that would mail a code must pass, in the order that reveals least: the resend
/// cooldown of that code (a new registration has none), then the rate limits, which count only requests
/// that got this far. An address locked against guessing still gets codes: its owner needs them, and the
/// lock is enforced where codes are checked.
pub fn ensure_may_send_code(
    tx: &mut Tx<'_, '_>,
    email_key: &str,
    cooldown_of: Option<CodeKey<'_>>,
    captcha_solved: bool,
) -> Result<(), AppError> {
    if let Some(key) = cooldown_of {
        ensure_cooldown_over(tx.conn, key, tx.now)?;
    }
    ensure_within_mail_limits(tx.ctx, tx.meta, email_key, captcha_solved)?;
    ensure_within_shared_mail_budgets(tx, email_key, captcha_solved)
}

/// The mail limits again, counted in the database: each instance's own tables above would let N
/// instances behind a load balancer send N times the mail to one mailbox (or through the relay). The
/// hard budgets of the address and the server are always counted here; the client's budgets and the
/// CAPTCHA tier too where several instances share the database (`limits::counted_in_database`). In the
/// same order as the tables above: a request refused by a narrower budget spends nothing broader.
fn ensure_within_shared_mail_budgets(
    tx: &mut Tx<'_, '_>,
    email_key: &str,
    captcha_solved: bool,
) -> Result<(), AppError> {
    let allowed = &tx.ctx.settings.limits;
    let hard = |key: String, per_hour| (key, per_hour, false);
    let soft = |key: String, per_hour| (key, per_hour, true);
    let mut budgets = Vec::with_capacity(7);
    if limits::counted_in_database(&tx.ctx.settings) {
        let client = limits::shared_key(allowed, "mail", tx.meta.addr);
        budgets.push(hard(client.clone(), allowed.mail_per_ip));
        budgets.push(hard(
            format!("{client}:address:{email_key}"),
            allowed.mail_per_address_per_ip,
        ));
        if !captcha_solved {
            budgets.push(soft(
                limits::shared_key(allowed, "captcha", tx.meta.addr),
                allowed.captcha_mail_per_ip,
            ));
            budgets.push(soft(
                format!("captcha:address:{email_key}"),
                allowed.captcha_mail_per_address,
            ));
            budgets.push(soft("captcha:total".to_owned(), allowed.captcha_mail_total));
        }
    }
    budgets.push(hard(
        format!("mail:address:{email_key}"),
        allowed.mail_per_address,
    ));
    budgets.push(hard("mail:total".to_owned(), allowed.mail_total));
    for (key, per_hour, soft) in budgets {
        if let Err(retry_after) = rate_limits::take(tx.conn, &key, per_hour, tx.now)? {
            if soft {
                tracing::warn!(ip = ?tx.meta.addr, "mail request under pressure (shared count): CAPTCHA required");
                return Err(AppError::CaptchaRequired);
            }
            tracing::warn!(retry_after, "mail request refused by a shared budget");
            return Err(AppError::RateLimited { retry_after });
        }
    }
    Ok(())
}

/// `Some(refusal)` while the address has used up its wrong tries: a 6-digit code alone is not enough.
fn guessing_lock(
    conn: &mut Conn,
    email_key: &str,
    now: Timestamp,
) -> Result<Option<AppError>, AppError> {
    let failures = codes::failures_since(conn, email_key, now - FAILURE_WINDOW)?;
    if failures.len() < MAX_FAILURES_PER_ADDRESS {
        return Ok(None);
    }
    // Once this failure ages out, the count drops below the limit.
    let unlocking = failures[failures.len() - MAX_FAILURES_PER_ADDRESS];
    Ok(Some(AppError::TooManyAttempts {
        attempts_remaining: None,
        retry_after: seconds_until(now, unlocking + FAILURE_WINDOW),
    }))
}

/// The link token mailed with `code` for `key`.
pub fn link_token(ctx: &Ctx, key: CodeKey<'_>, code: &OtpCode) -> String {
    otp::link_token(&ctx.keys.code_key, key.purpose, &binding(key), code)
}

/// What a check presents: the code, and the link token when the code came by the mailed link.
#[derive(Clone, Copy)]
pub struct Presented<'a> {
    pub code: &'a OtpCode,
    pub link_token: Option<&'a str>,
}

impl Presented<'_> {
    /// Whether this is the code of `row` (and, when a link token is presented, its token too).
    fn matches(&self, ctx: &Ctx, key: CodeKey<'_>, row: &CodeRow) -> bool {
        let code_right = matches(ctx, key, row, self.code);
        match self.link_token {
            None => code_right,
            Some(token) => {
                code_right
                    && otp::link_token_matches(
                        &ctx.keys.code_key,
                        key.purpose,
                        &binding(key),
                        self.code,
                        token,
                    )
            }
        }
    }
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
fn ensure_cooldown_over(conn: &mut Conn, key: CodeKey<'_>, now: Timestamp) -> Result<(), AppError> {
    match codes::find(conn, key)? {
        Some(current) if now < current.resend_after => Err(AppError::ResendCooldown {
            retry_after: seconds_until(now, current.resend_after),
        }),
        _ => Ok(()),
    }
}

/// The string hashed with a code besides its purpose: the address, and the registration it is for.
fn binding(key: CodeKey<'_>) -> String {
    if key.subject.is_empty() {
        key.email_key.to_owned()
    } else {
        format!("{}\n{}", key.email_key, key.subject)
    }
}

/// Makes a new current code for `key`, voiding the previous one. With `real == false` the row is a
/// decoy: it behaves like a code (expiry, cooldown, attempts) but no code exists, so none is returned.
pub fn issue(
    tx: &mut Tx<'_, '_>,
    key: CodeKey<'_>,
    real: bool,
) -> Result<(CodeRow, Option<OtpCode>), AppError> {
    let code = real.then(otp::generate);
    if real {
        // A decoy is no code: the code log shows only what a person could have received.
        let previous = codes::find(tx.conn, key)?;
        if previous.is_some_and(|p| p.code_hash.is_some() && tx.now < p.expires_at) {
            log_code_event(tx, key, CodeEvent::Replaced)?;
        }
        log_code_event(tx, key, CodeEvent::Issued)?;
    }
    let row = CodeRow {
        email_key: key.email_key.to_owned(),
        purpose: key.purpose.as_str().to_owned(),
        subject: key.subject.to_owned(),
        code_hash: code
            .as_ref()
            .map(|c| otp::hash(&tx.ctx.keys.code_key, key.purpose, &binding(key), c)),
        attempts: 0,
        created_at: tx.now,
        expires_at: tx.now + delta(tx.ctx.settings.otp_ttl),
        resend_after: tx.now + delta(tx.ctx.settings.otp_resend_cooldown),
    };
    codes::replace(tx.conn, &row)?;
    Ok((row, code))
}

/// A mail that carries a code to an account: its kind, the event it is audited as, and its template.
pub struct AccountCodeMail {
    pub kind: MailKind,
    pub event: Event,
    /// `(public_url, email, code, link_token, ttl)`.
    pub render: fn(Language, &str, &str, &str, &str, std::time::Duration) -> Rendered,
}

/// The request step of a flow that mails a code to an account (password reset, sign-in by code): every
/// address gets the same answer, only an account's address gets a mail (the others a decoy code).
/// Concurrency: the cooldown check and the new code share one write transaction.
pub fn mail_account_code(
    flow: Flow<'_>,
    email: &Email,
    purpose: Purpose,
    mail: AccountCodeMail,
    captcha_solved: bool,
) -> Result<CodeSentResponse, AppError> {
    let email_key = email.canonical();
    let key = CodeKey::of_address(&email_key, purpose);
    let mut conn = flow.ctx.conn()?;
    let response = flow.write_keyed(&mut conn, |tx| -> Result<_, AppError> {
        tx.lock(&[&super::flow::address_lock(&email_key)])?;
        ensure_may_send_code(tx, &email_key, Some(key), captcha_solved)?;
        let user = users::find_by_email_key(tx.conn, &email_key)?;
        let (row, code) = issue(tx, key, user.is_some())?;
        if let (Some(user), Some(code)) = (user, code) {
            let message = (mail.render)(
                user.language(),
                &tx.ctx.settings.public_url,
                &user.email,
                code.expose(),
                &link_token(tx.ctx, key, &code),
                tx.ctx.settings.otp_ttl,
            );
            mail::queue(tx.conn, mail.kind, &user.email, message, tx.now)?;
            let subject = Subject {
                user_id: Some(&user.id),
                email: Some(&user.email),
                detail: None,
                actor_id: None,
            };
            tx.audit(mail.event, subject)?;
        }
        Ok(sent_response(email, &row, tx.now))
    })?;
    flow.ctx.wake_mailer();
    Ok(response)
}

/// How long the code a mailed link carries has left: the link's code and token must both be right
/// (so the answer is the same for every address to anyone without the mail), nothing is written, and
/// nothing is counted (a 128-bit link token is not guessed).
pub fn status(
    ctx: &Ctx,
    query: &CodeStatusQuery,
    now: Timestamp,
) -> Result<CodeSentResponse, AppError> {
    let purpose = match query.purpose {
        CodePurpose::VerifyEmail => Purpose::VerifyEmail,
        CodePurpose::PasswordReset => Purpose::PasswordReset,
        CodePurpose::Login => Purpose::Login,
    };
    let presented = Presented {
        code: &query.code,
        link_token: Some(&query.link_token),
    };
    let rows = codes::find_all(&mut *ctx.conn()?, &query.email.canonical(), purpose)?;
    rows.iter()
        .filter(|row| now < row.expires_at && row.attempts < MAX_TRIES_PER_CODE)
        .find(|row| {
            row.key()
                .is_some_and(|key| presented.matches(ctx, key, row))
        })
        .map(|row| sent_response(&query.email, row, now))
        .ok_or(AppError::CodeExpired)
}

pub fn sent_response(email: &Email, row: &CodeRow, now: Timestamp) -> CodeSentResponse {
    CodeSentResponse {
        email: email.as_str().to_owned(),
        expires_at: row.expires_at.and_utc(),
        expires_in: (row.expires_at - now).num_seconds().max(0),
        resend_after: row.resend_after.and_utc(),
    }
}

/// Checks `code` against the code of `key` and spends it if it matches. Wrong tries are recorded: a
/// refusal is a [`Stop::Refused`], which commits them.
pub fn check(tx: &mut Tx<'_, '_>, key: CodeKey<'_>, presented: Presented<'_>) -> Result<(), Stop> {
    let row = peek(tx, key, presented)?;
    if !consume_matched(tx, &row)? {
        return refuse(AppError::CodeExpired);
    }
    Ok(())
}

/// Checks `code` against the code of `key` without spending it, for flows with slow work (a password
/// hash) between the check and the change; they spend it with [`consume_matched`] in the transaction
/// that makes the change. A wrong code is recorded (the refusal commits it).
pub fn peek(
    tx: &mut Tx<'_, '_>,
    key: CodeKey<'_>,
    presented: Presented<'_>,
) -> Result<CodeRow, Stop> {
    let refusal = match usable(tx.conn, key, tx.now) {
        Err(Stop::Refused(refusal)) => refusal,
        Err(failed) => return Err(failed),
        Ok(row) => match locked_out(tx.conn, key.email_key, presented, tx.now)? {
            Some(refusal) => refusal,
            None if presented.matches(tx.ctx, key, &row) => return Ok(row),
            None => wrong_try(tx.conn, key, false, tx.now)?,
        },
    };
    record_check(tx, key, Err(&refusal))?;
    refuse(refusal)
}

/// For a verification by password, where the code itself says which registration it is for: finds the
/// live code of the address's `purpose` that `code` matches, without spending it. A miss counts as a wrong
/// try against every live code of the address (a guess could have hit any of them).
pub fn find_matching(
    tx: &mut Tx<'_, '_>,
    email_key: &str,
    purpose: Purpose,
    presented: Presented<'_>,
) -> Result<CodeRow, Stop> {
    let rows = codes::find_all(tx.conn, email_key, purpose)?;
    let live: Vec<&CodeRow> = rows
        .iter()
        .filter(|r| tx.now < r.expires_at && r.attempts < MAX_TRIES_PER_CODE)
        .collect();
    let any_key = CodeKey::of_address(email_key, purpose);
    if live.is_empty() {
        let refusal = match rows.iter().find(|r| tx.now < r.expires_at) {
            Some(exhausted) => too_many(exhausted, tx.now),
            None => AppError::CodeExpired,
        };
        record_check(tx, any_key, Err(&refusal))?;
        return refuse(refusal);
    }
    if let Some(refusal) = locked_out(tx.conn, email_key, presented, tx.now)? {
        record_check(tx, any_key, Err(&refusal))?;
        return refuse(refusal);
    }
    if let Some(hit) = live
        .iter()
        .find(|r| r.key().is_some_and(|key| presented.matches(tx.ctx, key, r)))
    {
        return Ok((*hit).clone());
    }
    codes::record_failure(tx.conn, email_key, tx.now)?;
    let mut fewest_left = MAX_TRIES_PER_CODE;
    for row in &live {
        if let Some(key) = row.key() {
            let attempts = codes::record_wrong_try(tx.conn, key)?.unwrap_or(MAX_TRIES_PER_CODE);
            fewest_left = fewest_left.min(MAX_TRIES_PER_CODE - attempts);
        }
    }
    let refusal = AppError::InvalidCodeOrPassword {
        attempts_remaining: u32::try_from(fewest_left).unwrap_or(0),
    };
    record_check(tx, any_key, Err(&refusal))?;
    refuse(refusal)
}

/// Spends a code found by [`peek`] or [`find_matching`]; `false` if another request spent or replaced it
/// meanwhile.
pub fn consume_matched(tx: &mut Tx<'_, '_>, row: &CodeRow) -> Result<bool, AppError> {
    let Some(key) = row.key() else {
        return Ok(false);
    };
    let spent = codes::consume(tx.conn, key, row.code_hash.as_deref().unwrap_or_default())?;
    let verdict = if spent {
        Ok(())
    } else {
        Err(AppError::CodeExpired)
    };
    record_check(tx, key, verdict.as_ref().map(drop))?;
    Ok(spent)
}

/// A right code with a wrong password: a wrong try against that code.
pub fn refuse_matched(tx: &mut Tx<'_, '_>, row: &CodeRow) -> Result<AppError, AppError> {
    let Some(key) = row.key() else {
        return Ok(AppError::CodeExpired);
    };
    let refusal = wrong_try(tx.conn, key, true, tx.now)?;
    record_check(tx, key, Err(&refusal))?;
    Ok(refusal)
}

/// The refusal for a 6-digit code presented without its link token while the address is locked; such
/// tries are not counted (the lock already holds), and a link token is always let through to be checked.
fn locked_out(
    conn: &mut Conn,
    email_key: &str,
    presented: Presented<'_>,
    now: Timestamp,
) -> Result<Option<AppError>, AppError> {
    if presented.link_token.is_some() {
        return Ok(None);
    }
    guessing_lock(conn, email_key, now)
}

fn matches(ctx: &Ctx, key: CodeKey<'_>, row: &CodeRow, code: &OtpCode) -> bool {
    row.code_hash.as_deref().is_some_and(|stored| {
        otp::matches(&ctx.keys.code_key, key.purpose, &binding(key), code, stored)
    })
}

fn too_many(row: &CodeRow, now: Timestamp) -> AppError {
    AppError::TooManyAttempts {
        attempts_remaining: Some(0),
        retry_after: seconds_until(now, row.resend_after),
    }
}

/// The code of `key` if it can still be tried.
fn usable(conn: &mut Conn, key: CodeKey<'_>, now: Timestamp) -> Result<CodeRow, Stop> {
    let Some(row) = codes::find(conn, key)? else {
        return refuse(AppError::CodeExpired);
    };
    if row.attempts >= MAX_TRIES_PER_CODE {
        return refuse(too_many(&row, now));
    }
    if now >= row.expires_at {
        return refuse(AppError::CodeExpired);
    }
    Ok(row)
}

/// Counts a wrong try against the code and the address; the refusal to answer.
fn wrong_try(
    conn: &mut Conn,
    key: CodeKey<'_>,
    with_password: bool,
    now: Timestamp,
) -> Result<AppError, AppError> {
    codes::record_failure(conn, key.email_key, now)?;
    let Some(attempts) = codes::record_wrong_try(conn, key)? else {
        return Ok(AppError::CodeExpired);
    };
    tracing::info!(purpose = key.purpose.as_str(), attempts, "wrong code");
    let remaining = MAX_TRIES_PER_CODE - attempts;
    if remaining <= 0 {
        return Ok(match codes::find(conn, key)? {
            Some(row) => too_many(&row, now),
            None => AppError::CodeExpired,
        });
    }
    let attempts_remaining = u32::try_from(remaining).unwrap_or(0);
    Ok(if with_password {
        AppError::InvalidCodeOrPassword { attempts_remaining }
    } else {
        AppError::InvalidCode { attempts_remaining }
    })
}

fn record_check(
    tx: &mut Tx<'_, '_>,
    key: CodeKey<'_>,
    verdict: Result<(), &AppError>,
) -> Result<(), AppError> {
    let detail = match verdict {
        Ok(()) => key.purpose.as_str().to_owned(),
        Err(e) => format!("{}: {}", key.purpose.as_str(), e.code().as_str()),
    };
    let event = if verdict.is_ok() {
        Event::CodeVerified
    } else {
        Event::CodeFailed
    };
    let logged = match verdict {
        Ok(()) => CodeEvent::Verified,
        Err(AppError::CodeExpired) => CodeEvent::Expired,
        Err(_) => CodeEvent::Failed,
    };
    log_code_event(tx, key, logged)?;
    let subject = Subject {
        user_id: None,
        email: Some(key.email_key),
        detail: Some(&detail),
        actor_id: None,
    };
    tx.audit(event, subject)?;
    Ok(())
}

fn log_code_event(tx: &mut Tx<'_, '_>, key: CodeKey<'_>, event: CodeEvent) -> Result<(), AppError> {
    tx.ctx.metrics.code(key.purpose.as_str(), event.as_str());
    code_events::record(
        tx.conn,
        &NewCodeEvent {
            at: tx.now,
            email: key.email_key,
            purpose: key.purpose.as_str(),
            event: event.as_str(),
            ip: tx.meta.ip.as_deref(),
        },
    )?;
    Ok(())
}
