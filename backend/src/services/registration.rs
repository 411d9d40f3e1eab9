//! Registration, e-mail verification and code resending. Registration never reveals whether an address
//! already has an account: such an address gets a decoy code row and its owner a notice mail.

use chrono::TimeDelta;
use shared::api::{CodeSentResponse, Registration, TokenResponse};
use shared::domain::{Email, OtpCode};

use super::codes::{self, ensure_may_send_code, sent_response};
use super::sessions;
use super::{audit, ClientMeta, Ctx, Event, Subject};
use crate::auth::{password, policy};
use crate::error::AppError;
use crate::mail::{self, templates, MailKind};
use crate::store::codes::Purpose;
use crate::store::users::{self, NewUser, UserRow};
use crate::store::{self, outbox, Timestamp};

/// At most one "someone tried to register with your address" notice per address in this period.
const NOTICE_INTERVAL: TimeDelta = TimeDelta::hours(1);

#[tracing::instrument(skip_all)]
pub fn register(
    ctx: &Ctx,
    reg: Registration,
    captcha_solved: bool,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<CodeSentResponse, AppError> {
    policy::check(
        &reg.password,
        Some(&reg.username),
        &reg.email,
        ctx.settings.password_min_score,
    )
    .map_err(|why| AppError::validation("password", why))?;
    // Hash before taking the write lock: argon2 is the slow part.
    let password_hash = password::hash(reg.password.expose())?;
    let username_key = reg.username.canonical();
    let email_key = reg.email.canonical();
    let mut conn = ctx.conn()?;
    let response = store::write(&mut conn, |conn| -> Result<_, AppError> {
        let by_email = users::find_by_email_key(conn, &email_key)?;
        if let Some(holder) = users::find_by_username_key(conn, &username_key)? {
            let replacing_own_pending = by_email
                .as_ref()
                .is_some_and(|u| u.id == holder.id && !u.email_verified);
            if !replacing_own_pending {
                return Err(AppError::UsernameTaken);
            }
        }
        ensure_may_send_code(ctx, conn, &email_key, None, captcha_solved, meta, now)?;

        let user_id = match by_email {
            Some(owner) if owner.email_verified => {
                let (row, _) =
                    codes::issue(ctx, conn, &email_key, Purpose::VerifyEmail, false, now)?;
                let since = now - NOTICE_INTERVAL;
                if !outbox::queued_since(
                    conn,
                    &owner.email,
                    MailKind::AccountExists.as_str(),
                    since,
                )? {
                    let notice = templates::account_exists(&ctx.settings.public_url, &owner.email);
                    mail::queue(conn, MailKind::AccountExists, &owner.email, notice, now)?;
                }
                let subject = Subject {
                    user_id: Some(&owner.id),
                    email: Some(&owner.email),
                    detail: None,
                };
                audit(
                    conn,
                    Event::RegistrationForExistingAccount,
                    subject,
                    meta,
                    now,
                )?;
                return Ok(sent_response(&reg.email, &row, now));
            }
            Some(pending) => {
                users::replace_pending(
                    conn,
                    &pending.id,
                    reg.username.as_str(),
                    &username_key,
                    &password_hash,
                    now,
                )?;
                pending.id
            }
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                users::insert(
                    conn,
                    &NewUser {
                        id: &id,
                        username: reg.username.as_str(),
                        username_key: &username_key,
                        email: reg.email.as_str(),
                        email_key: &email_key,
                        password_hash: &password_hash,
                        created_at: now,
                        updated_at: now,
                    },
                )
                .map_err(|e| {
                    if store::is_unique_violation(&e) {
                        AppError::UsernameTaken
                    } else {
                        e.into()
                    }
                })?;
                id
            }
        };
        let subject = Subject {
            user_id: Some(&user_id),
            email: Some(reg.email.as_str()),
            detail: None,
        };
        audit(conn, Event::Registered, subject, meta, now)?;
        let row = send_verification_code(ctx, conn, &reg.email, reg.username.as_str(), meta, now)?;
        Ok(sent_response(&reg.email, &row, now))
    })?;
    ctx.wake_mailer();
    Ok(response)
}

fn send_verification_code(
    ctx: &Ctx,
    conn: &mut store::Conn,
    email: &Email,
    username: &str,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<store::codes::CodeRow, AppError> {
    let (row, code) = codes::issue(
        ctx,
        conn,
        &email.canonical(),
        Purpose::VerifyEmail,
        true,
        now,
    )?;
    if let Some(code) = code {
        let message = templates::verify_email(
            &ctx.settings.public_url,
            email.as_str(),
            username,
            code.expose(),
            ctx.settings.otp_ttl,
        );
        mail::queue(conn, MailKind::VerifyEmail, email.as_str(), message, now)?;
        let subject = Subject {
            email: Some(email.as_str()),
            detail: Some(Purpose::VerifyEmail.as_str()),
            ..Default::default()
        };
        audit(conn, Event::CodeSent, subject, meta, now)?;
    }
    Ok(row)
}

#[tracing::instrument(skip_all)]
pub fn resend(
    ctx: &Ctx,
    email: Email,
    captcha_solved: bool,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<CodeSentResponse, AppError> {
    let email_key = email.canonical();
    let mut conn = ctx.conn()?;
    let response = store::write(&mut conn, |conn| -> Result<_, AppError> {
        let cooldown = Some(Purpose::VerifyEmail);
        ensure_may_send_code(ctx, conn, &email_key, cooldown, captcha_solved, meta, now)?;
        let pending = users::find_by_email_key(conn, &email_key)?.filter(|u| !u.email_verified);
        let row = match pending {
            // Mail goes to the address as the account holder typed it.
            Some(user) => {
                let to = Email::parse(&user.email).unwrap_or_else(|_| email.clone());
                send_verification_code(ctx, conn, &to, &user.username, meta, now)?
            }
            None => codes::issue(ctx, conn, &email_key, Purpose::VerifyEmail, false, now)?.0,
        };
        Ok(sent_response(&email, &row, now))
    })?;
    ctx.wake_mailer();
    Ok(response)
}

#[tracing::instrument(skip_all)]
pub fn verify(
    ctx: &Ctx,
    email: Email,
    code: OtpCode,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<TokenResponse, AppError> {
    let email_key = email.canonical();
    let mut conn = ctx.conn()?;
    // Wrong tries must be committed, so the transaction returns the refusal as a value.
    let (user, session) =
        store::write(&mut conn, |conn| -> Result<Result<_, AppError>, AppError> {
            if let Err(refusal) = codes::check(
                ctx,
                conn,
                &email_key,
                Purpose::VerifyEmail,
                &code,
                meta,
                now,
            )? {
                return Ok(Err(refusal));
            }
            let Some(user) =
                users::find_by_email_key(conn, &email_key)?.filter(|u| !u.email_verified)
            else {
                return Ok(Err(AppError::CodeExpired));
            };
            users::mark_verified(conn, &user.id, now)?;
            let user = UserRow {
                email_verified: true,
                verified_at: Some(now),
                updated_at: now,
                ..user
            };
            let session = sessions::create(ctx, conn, &user.id, meta, now)?;
            let subject = Subject {
                user_id: Some(&user.id),
                email: Some(&user.email),
                detail: Some("email verified"),
            };
            audit(conn, Event::LoginSucceeded, subject, meta, now)?;
            Ok(Ok((user, session)))
        })??;
    sessions::token_response(ctx, &user, session)
}
