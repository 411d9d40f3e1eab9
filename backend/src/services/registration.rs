//! Registration, e-mail verification and code resending.
//!
//! A registration is not an account: it waits in `registrations` with its own code until that code is
//! verified, and reserves nothing meanwhile (several may name one address or username; the first verified
//! wins). Only the party that chose its password can activate it, with the registration token it was
//! given or with that password, so a second registration of someone else's address never hands its owner
//! an account with the stranger's password (pre-hijacking). An address that already has an account gets
//! a registration all the same, whose code is a decoy, and its owner a notice mail: the registrant sees
//! exactly what a new address would show.

use chrono::TimeDelta;
use shared::api::{
    CodeSentResponse, EmailVerification, RegisteredResponse, Registration, RegistrationProof,
    TokenResponse,
};
use shared::domain::Email;

use super::codes::{self, ensure_may_send_code, sent_response, Presented};
use super::flow::{self, Stop};
use super::sessions;
use super::{audit, ClientMeta, Ctx, Event, Subject};
use crate::auth::{policy, tokens};
use crate::error::AppError;
use crate::mail::{self, templates, MailKind};
use crate::store::codes::{CodeKey, CodeRow, Purpose};
use crate::store::registrations::{self, RegistrationRow};
use crate::store::users::{self, NewUser, UserRow};
use crate::store::{self, outbox, Conn, Timestamp};
use crate::webhooks;

/// At most one "someone tried to register with your address" notice per address in this period.
const NOTICE_INTERVAL: TimeDelta = TimeDelta::hours(1);

fn verification_key<'a>(email_key: &'a str, registration_id: &'a str) -> CodeKey<'a> {
    CodeKey {
        email_key,
        purpose: Purpose::VerifyEmail,
        subject: registration_id,
    }
}

/// Concurrency: nothing is reserved, so two registrations never conflict; the registration row, its code
/// and its mail are written in one transaction.
#[tracing::instrument(skip_all)]
pub fn register(
    ctx: &Ctx,
    reg: Registration,
    captcha_solved: bool,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<RegisteredResponse, AppError> {
    // A refused password spends no mail allowance (a person trying passwords is not sending mail); its
    // CPU is bounded by the admission the route took.
    policy::check(
        &reg.password,
        Some(&reg.username),
        &reg.email,
        ctx.settings.password_min_score,
    )
    .map_err(|why| AppError::validation("password", why))?;
    let username_key = reg.username.canonical();
    let email_key = reg.email.canonical();
    {
        // The limits and the CAPTCHA come before the 409 and before any argon2 work, so neither probing
        // usernames nor a flood of registrations gets past them.
        let mut conn = ctx.conn()?;
        ensure_may_send_code(ctx, &mut conn, &email_key, None, captcha_solved, meta, now)?;
        if users::find_by_username_key(&mut conn, &username_key)?.is_some() {
            return Err(AppError::UsernameTaken);
        }
    }
    let password_hash = ctx.hasher.hash(reg.password.expose())?;
    let (token, token_hash) = tokens::new_opaque_token();
    let pending_ttl =
        TimeDelta::from_std(ctx.settings.pending_account_ttl).unwrap_or(TimeDelta::MAX);
    let row = RegistrationRow {
        id: uuid::Uuid::new_v4().to_string(),
        token_hash,
        username: reg.username.as_str().to_owned(),
        username_key,
        email: reg.email.as_str().to_owned(),
        email_key,
        password_hash,
        created_at: now,
        expires_at: now
            .checked_add_signed(pending_ttl)
            .unwrap_or(Timestamp::MAX),
        language: meta.language.code().to_owned(),
    };
    let mut conn = ctx.conn()?;
    let sent = store::write(&mut conn, |conn| -> Result<_, AppError> {
        registrations::insert(conn, &row)?;
        let code = match users::find_by_email_key(conn, &row.email_key)? {
            Some(owner) => {
                let key = verification_key(&row.email_key, &row.id);
                let (code, _) = codes::issue(ctx, conn, key, false, meta, now)?;
                notify_owner(ctx, conn, &owner, meta, now)?;
                code
            }
            None => {
                // The registration's id becomes the account's: the timeline starts here.
                let subject = Subject {
                    user_id: Some(&row.id),
                    email: Some(&row.email),
                    detail: Some(&row.username),
                    actor_id: None,
                };
                audit(conn, Event::Registered, subject, meta, now)?;
                send_verification_code(ctx, conn, &row, meta, now)?
            }
        };
        Ok(sent_response(&reg.email, &code, now))
    })?;
    ctx.wake_mailer();
    Ok(RegisteredResponse::new(sent, token))
}

/// Tells the owner of an existing account that someone tried to register their address (at most hourly).
fn notify_owner(
    ctx: &Ctx,
    conn: &mut Conn,
    owner: &UserRow,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<(), AppError> {
    let kind = MailKind::AccountExists;
    if !outbox::queued_since(conn, &owner.email, kind.as_str(), now - NOTICE_INTERVAL)? {
        let notice =
            templates::account_exists(owner.language(), &ctx.settings.public_url, &owner.email);
        mail::queue(conn, kind, &owner.email, notice, now)?;
    }
    let subject = Subject {
        user_id: Some(&owner.id),
        email: Some(&owner.email),
        detail: None,
        actor_id: None,
    };
    audit(
        conn,
        Event::RegistrationForExistingAccount,
        subject,
        meta,
        now,
    )?;
    Ok(())
}

fn send_verification_code(
    ctx: &Ctx,
    conn: &mut Conn,
    registration: &RegistrationRow,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<CodeRow, AppError> {
    let key = verification_key(&registration.email_key, &registration.id);
    let (row, code) = codes::issue(ctx, conn, key, true, meta, now)?;
    if let Some(code) = code {
        let message = templates::verify_email(
            registration.language(),
            &ctx.settings.public_url,
            &registration.email,
            &registration.username,
            code.expose(),
            &codes::link_token(ctx, key, &code),
            ctx.settings.otp_ttl,
        );
        mail::queue(
            conn,
            MailKind::VerifyEmail,
            &registration.email,
            message,
            now,
        )?;
        let subject = Subject {
            user_id: Some(&registration.id),
            email: Some(&registration.email),
            detail: Some(Purpose::VerifyEmail.as_str()),
            ..Default::default()
        };
        audit(conn, Event::CodeSent, subject, meta, now)?;
    }
    Ok(row)
}

/// Sends the code of the registration the token names, or else of the address's newest registration.
/// Concurrency: the cooldown check and the new code share one write transaction.
#[tracing::instrument(skip_all)]
pub fn resend(
    ctx: &Ctx,
    email: Email,
    registration_token: Option<String>,
    captcha_solved: bool,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<CodeSentResponse, AppError> {
    let email_key = email.canonical();
    let token_hash = registration_token.as_deref().map(tokens::hash_opaque_token);
    let mut conn = ctx.conn()?;
    let response = store::write(&mut conn, |conn| -> Result<_, AppError> {
        let registration = match &token_hash {
            Some(hash) => registrations::find_by_token(conn, &email_key, hash, now)?,
            None => registrations::newest_for_email(conn, &email_key, now)?,
        };
        let subject = registration.as_ref().map_or("", |r| r.id.as_str());
        let key = verification_key(&email_key, subject);
        ensure_may_send_code(ctx, conn, &email_key, Some(key), captcha_solved, meta, now)?;
        let taken = users::find_by_email_key(conn, &email_key)?.is_some();
        let row = match registration {
            Some(mut registration) if !taken => {
                registrations::set_language(conn, &registration.id, meta.language)?;
                registration.language = meta.language.code().to_owned();
                send_verification_code(ctx, conn, &registration, meta, now)?
            }
            // Unknown, already an account, or a token that names nothing: a decoy answers the same.
            _ => codes::issue(ctx, conn, key, false, meta, now)?.0,
        };
        Ok(sent_response(&email, &row, now))
    })?;
    ctx.wake_mailer();
    Ok(response)
}

/// Activates a registration with its code and the token or password of the party that made it.
/// Concurrency: the code is spent by a conditional delete (only one of two racing requests sees it), and
/// the account is created in the same transaction under the unique indexes of `users`.
#[tracing::instrument(skip_all)]
pub fn verify(
    ctx: &Ctx,
    verification: EmailVerification,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<TokenResponse, AppError> {
    let EmailVerification {
        email,
        code,
        proof,
        link_token,
    } = verification;
    let email_key = email.canonical();
    let presented = Presented {
        code: &code,
        link_token: link_token.as_deref(),
    };
    let mut conn = ctx.conn()?;
    let activated = match proof {
        RegistrationProof::Token(token) => {
            let token_hash = tokens::hash_opaque_token(&token);
            // Wrong tries are committed with the refusal.
            flow::commit(&mut conn, |conn| {
                let Some(registration) =
                    registrations::find_by_token(conn, &email_key, &token_hash, now)?
                else {
                    return flow::refuse(AppError::CodeExpired);
                };
                let key = verification_key(&email_key, &registration.id);
                codes::check(ctx, conn, key, presented, meta, now)?;
                activate(ctx, conn, &registration, meta, now)
            })?
        }
        RegistrationProof::Password(password) => {
            let (row, registration) = flow::commit(&mut conn, |conn| {
                let row = codes::find_matching(
                    ctx,
                    conn,
                    &email_key,
                    Purpose::VerifyEmail,
                    presented,
                    meta,
                    now,
                )?;
                match registrations::find(conn, &row.subject, now)? {
                    Some(registration) => Ok((row, registration)),
                    None => flow::refuse(AppError::CodeExpired),
                }
            })?;
            // Only a right code gets this far, so guessing never costs argon2 work.
            drop(conn);
            let right = ctx.hasher.verify(&password, &registration.password_hash)?;
            let mut conn = ctx.conn()?;
            flow::commit(&mut conn, |conn| {
                if !right {
                    return flow::refuse(codes::refuse_matched(ctx, conn, &row, meta, now)?);
                }
                if !codes::consume_matched(ctx, conn, &row, meta, now)? {
                    return flow::refuse(AppError::CodeExpired);
                }
                activate(ctx, conn, &registration, meta, now)
            })?
        }
    };
    let (user, session) = activated;
    ctx.wake_mailer();
    tracing::info!(user = %user.id, "address verified, account created");
    sessions::token_response(ctx, &user, session)
}

/// Turns a registration whose code was just spent into an account with a session. The first registration
/// of a username or address to get here wins; a later one is told so and removed.
fn activate(
    ctx: &Ctx,
    conn: &mut Conn,
    registration: &RegistrationRow,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<(UserRow, sessions::OpenedSession), Stop> {
    let lost_to = if users::find_by_email_key(conn, &registration.email_key)?.is_some() {
        Some(AppError::AlreadyRegistered)
    } else if users::find_by_username_key(conn, &registration.username_key)?.is_some() {
        Some(AppError::UsernameTaken)
    } else {
        None
    };
    registrations::delete(conn, &registration.id)?;
    crate::store::codes::delete_for_subject(conn, &registration.id)?;
    if let Some(refusal) = lost_to {
        return flow::refuse(refusal);
    }
    let inserted = users::insert_verified(
        conn,
        &NewUser {
            id: &registration.id,
            username: &registration.username,
            username_key: &registration.username_key,
            email: &registration.email,
            email_key: &registration.email_key,
            password_hash: &registration.password_hash,
            created_at: registration.created_at,
            updated_at: now,
            language: &registration.language,
        },
        now,
    );
    if let Err(e) = inserted {
        // Another backend than SQLite may let a concurrent verification win between the checks above and
        // this insert; the unique indexes still decide, and the loser is told which name was taken.
        if store::is_unique_violation(&e) {
            return flow::refuse(AppError::UsernameTaken);
        }
        return Err(e.into());
    }
    let Some(user) = users::find(conn, &registration.id)? else {
        return Err(anyhow::anyhow!("the account just created is missing").into());
    };
    let session = sessions::create(ctx, conn, &user.id, meta, now)?;
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: None,
        actor_id: None,
    };
    audit(conn, Event::EmailVerified, subject, meta, now)?;
    users::record_login(conn, &user.id, now)?;
    webhooks::queue(
        conn,
        &ctx.settings,
        webhooks::Event::Verified,
        &user.id,
        serde_json::json!({
            "username": user.username,
            "email": user.email,
            "session_id": session.id,
        }),
        now,
    )?;
    Ok((user, session))
}
