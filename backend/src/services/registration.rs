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
use super::flow::{self, Flow, Stop, Tx};
use super::sessions;
use super::{Event, Subject};
use crate::auth::{policy, tokens};
use crate::error::AppError;
use crate::mail::{self, templates, MailKind};
use crate::store::codes::{CodeKey, CodeRow, Purpose};
use crate::store::registrations::{self, RegistrationRow};
use crate::store::users::{self, NewUser, UserRow};
use crate::store::{self, outbox, Timestamp};
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
    flow: Flow<'_>,
    reg: Registration,
    captcha_solved: bool,
) -> Result<RegisteredResponse, AppError> {
    // A refused password spends no mail allowance (a person trying passwords is not sending mail); its
    // CPU is bounded by the admission the route took.
    policy::check(
        &reg.password,
        Some(&reg.username),
        &reg.email,
        flow.ctx.settings.password_min_score,
    )
    .map_err(|why| AppError::validation("password", why))?;
    let username_key = reg.username.canonical();
    let email_key = reg.email.canonical();
    {
        // The limits and the CAPTCHA come before the 409 and before any argon2 work, so neither probing
        // usernames nor a flood of registrations gets past them.
        let mut conn = flow.ctx.conn()?;
        ensure_may_send_code(&mut flow.on(&mut conn), &email_key, None, captcha_solved)?;
        if users::find_by_username_key(&mut conn, &username_key)?.is_some() {
            return Err(AppError::UsernameTaken);
        }
    }
    let password_hash = flow.ctx.hasher.hash(reg.password.expose())?;
    let (token, token_hash) = tokens::new_opaque_token();
    let pending_ttl =
        TimeDelta::from_std(flow.ctx.settings.pending_account_ttl).unwrap_or(TimeDelta::MAX);
    let row = RegistrationRow {
        id: uuid::Uuid::new_v4().to_string(),
        token_hash,
        username: reg.username.as_str().to_owned(),
        username_key,
        email: reg.email.as_str().to_owned(),
        email_key,
        password_hash,
        created_at: flow.now,
        expires_at: flow
            .now
            .checked_add_signed(pending_ttl)
            .unwrap_or(Timestamp::MAX),
        language: flow.meta.language.code().to_owned(),
    };
    let mut conn = flow.ctx.conn()?;
    let sent = flow.write_keyed(&mut conn, |tx| -> Result<_, AppError> {
        tx.lock(&[&flow::address_lock(&row.email_key)])?;
        registrations::insert(tx.conn, &row)?;
        let code = match users::find_by_email_key(tx.conn, &row.email_key)? {
            Some(owner) => {
                let key = verification_key(&row.email_key, &row.id);
                let (code, _) = codes::issue(tx, key, false)?;
                notify_owner(tx, &owner)?;
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
                tx.audit(Event::Registered, subject)?;
                send_verification_code(tx, &row)?
            }
        };
        Ok(sent_response(&reg.email, &code, tx.now))
    })?;
    flow.ctx.wake_mailer();
    Ok(RegisteredResponse::new(sent, token))
}

/// Tells the owner of an existing account that someone tried to register their address (at most hourly).
fn notify_owner(tx: &mut Tx<'_, '_>, owner: &UserRow) -> Result<(), AppError> {
    let kind = MailKind::AccountExists;
    if !outbox::queued_since(
        tx.conn,
        &owner.email,
        kind.as_str(),
        tx.now - NOTICE_INTERVAL,
    )? {
        let notice =
            templates::account_exists(owner.language(), &tx.ctx.settings.public_url, &owner.email);
        mail::queue(tx.conn, kind, &owner.email, notice, tx.now)?;
    }
    let subject = Subject {
        user_id: Some(&owner.id),
        email: Some(&owner.email),
        detail: None,
        actor_id: None,
    };
    tx.audit(Event::RegistrationForExistingAccount, subject)?;
    Ok(())
}

fn send_verification_code(
    tx: &mut Tx<'_, '_>,
    registration: &RegistrationRow,
) -> Result<CodeRow, AppError> {
    let key = verification_key(&registration.email_key, &registration.id);
    let (row, code) = codes::issue(tx, key, true)?;
    if let Some(code) = code {
        let message = templates::verify_email(
            registration.language(),
            &tx.ctx.settings.public_url,
            &registration.email,
            &registration.username,
            code.expose(),
            &codes::link_token(tx.ctx, key, &code),
            tx.ctx.settings.otp_ttl,
        );
        mail::queue(
            tx.conn,
            MailKind::VerifyEmail,
            &registration.email,
            message,
            tx.now,
        )?;
        let subject = Subject {
            user_id: Some(&registration.id),
            email: Some(&registration.email),
            detail: Some(Purpose::VerifyEmail.as_str()),
            ..Default::default()
        };
        tx.audit(Event::CodeSent, subject)?;
    }
    Ok(row)
}

/// Sends the code of the registration the token names, or else of the address's newest registration.
/// Concurrency: the cooldown check and the new code share one write transaction.
#[tracing::instrument(skip_all)]
pub fn resend(
    flow: Flow<'_>,
    email: Email,
    registration_token: Option<String>,
    captcha_solved: bool,
) -> Result<CodeSentResponse, AppError> {
    let email_key = email.canonical();
    let token_hash = registration_token.as_deref().map(tokens::hash_opaque_token);
    let mut conn = flow.ctx.conn()?;
    let response = flow.write_keyed(&mut conn, |tx| -> Result<_, AppError> {
        tx.lock(&[&flow::address_lock(&email_key)])?;
        let registration = match &token_hash {
            Some(hash) => registrations::find_by_token(tx.conn, &email_key, hash, tx.now)?,
            None => registrations::newest_for_email(tx.conn, &email_key, tx.now)?,
        };
        let subject = registration.as_ref().map_or("", |r| r.id.as_str());
        let key = verification_key(&email_key, subject);
        ensure_may_send_code(tx, &email_key, Some(key), captcha_solved)?;
        let taken = users::find_by_email_key(tx.conn, &email_key)?.is_some();
        let row = match registration {
            Some(mut registration) if !taken => {
                registrations::set_language(tx.conn, &registration.id, tx.meta.language)?;
                registration.language = tx.meta.language.code().to_owned();
                send_verification_code(tx, &registration)?
            }
            // Unknown, already an account, or a token that names nothing: a decoy answers the same.
            _ => codes::issue(tx, key, false)?.0,
        };
        Ok(sent_response(&email, &row, tx.now))
    })?;
    flow.ctx.wake_mailer();
    Ok(response)
}

/// Activates a registration with its code and the token or password of the party that made it.
/// Concurrency: the code is spent by a conditional delete (only one of two racing requests sees it), and
/// the account is created in the same transaction under the unique indexes of `users`.
#[tracing::instrument(skip_all)]
pub fn verify(flow: Flow<'_>, verification: EmailVerification) -> Result<TokenResponse, AppError> {
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
    let mut conn = flow.ctx.conn()?;
    let activated = match proof {
        RegistrationProof::Token(token) => {
            let token_hash = tokens::hash_opaque_token(&token);
            // Wrong tries are committed with the refusal.
            flow.commit_keyed(&mut conn, |tx| {
                let Some(registration) =
                    registrations::find_by_token(tx.conn, &email_key, &token_hash, tx.now)?
                else {
                    return flow::refuse(AppError::CodeExpired);
                };
                lock_activation(tx, &registration)?;
                let key = verification_key(&email_key, &registration.id);
                codes::check(tx, key, presented)?;
                activate(tx, &registration)
            })?
        }
        RegistrationProof::Password(password) => {
            let (row, registration) = flow.commit_keyed(&mut conn, |tx| {
                tx.lock(&[&flow::address_lock(&email_key)])?;
                let row = codes::find_matching(tx, &email_key, Purpose::VerifyEmail, presented)?;
                match registrations::find(tx.conn, &row.subject, tx.now)? {
                    Some(registration) => Ok((row, registration)),
                    None => flow::refuse(AppError::CodeExpired),
                }
            })?;
            // Only a right code gets this far, so guessing never costs argon2 work.
            drop(conn);
            let right = flow
                .ctx
                .hasher
                .verify(&password, &registration.password_hash)?;
            let mut conn = flow.ctx.conn()?;
            flow.commit_keyed(&mut conn, |tx| {
                lock_activation(tx, &registration)?;
                if !right {
                    return flow::refuse(codes::refuse_matched(tx, &row)?);
                }
                if !codes::consume_matched(tx, &row)? {
                    return flow::refuse(AppError::CodeExpired);
                }
                activate(tx, &registration)
            })?
        }
    };
    let (user, session) = activated;
    flow.ctx.wake_mailer();
    tracing::info!(user = %user.id, "address verified, account created");
    sessions::token_response(flow.ctx, &user, session)
}

/// Locks what verifying `registration` may change or decide on: its address (codes, failures, the
/// account holding it) and its username, so that of two verifications of one name only the first
/// creates it and the second sees it.
fn lock_activation(tx: &mut Tx<'_, '_>, registration: &RegistrationRow) -> diesel::QueryResult<()> {
    tx.lock(&[
        &flow::address_lock(&registration.email_key),
        &flow::username_lock(&registration.username_key),
    ])
}

/// Turns a registration whose code was just spent into an account with a session. The first registration
/// of a username or address to get here wins; a later one is told so and removed.
fn activate(
    tx: &mut Tx<'_, '_>,
    registration: &RegistrationRow,
) -> Result<(UserRow, sessions::OpenedSession), Stop> {
    let lost_to = if users::find_by_email_key(tx.conn, &registration.email_key)?.is_some() {
        Some(AppError::AlreadyRegistered)
    } else if users::find_by_username_key(tx.conn, &registration.username_key)?.is_some() {
        Some(AppError::UsernameTaken)
    } else {
        None
    };
    registrations::delete(tx.conn, &registration.id)?;
    crate::store::codes::delete_for_subject(tx.conn, &registration.id)?;
    if let Some(refusal) = lost_to {
        return flow::refuse(refusal);
    }
    let inserted = users::insert_verified(
        tx.conn,
        &NewUser {
            id: &registration.id,
            username: &registration.username,
            username_key: &registration.username_key,
            email: &registration.email,
            email_key: &registration.email_key,
            password_hash: &registration.password_hash,
            created_at: registration.created_at,
            updated_at: tx.now,
            language: &registration.language,
        },
        tx.now,
    );
    if let Err(e) = inserted {
        // Another backend than SQLite may let a concurrent verification win between the checks above and
        // this insert; the unique indexes still decide, and the loser is told which name was taken.
        if store::is_unique_violation(&e) {
            return flow::refuse(AppError::UsernameTaken);
        }
        return Err(e.into());
    }
    let Some(user) = users::find(tx.conn, &registration.id)? else {
        return Err(anyhow::anyhow!("the account just created is missing").into());
    };
    let session = sessions::create(tx, &user.id)?;
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: None,
        actor_id: None,
    };
    tx.audit(Event::EmailVerified, subject)?;
    users::record_login(tx.conn, &user.id, tx.now)?;
    webhooks::queue(
        tx.conn,
        &tx.ctx.settings,
        webhooks::Event::Verified,
        &user.id,
        serde_json::json!({
            "username": user.username,
            "email": user.email,
            "session_id": session.id,
        }),
        tx.now,
    )?;
    Ok((user, session))
}
