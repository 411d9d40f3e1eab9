//! Signing in with an e-mailed code instead of the password: the same code rules, limits and answers
//! for unknown addresses as registration (a decoy code, no mail), a code bound to this purpose, and the
//! second factor still asked for when the account has one.

use shared::api::{CodeSentResponse, LoginByCode};
use shared::domain::Email;

use super::codes::{self, AccountCodeMail, Presented};
use super::flow;
use super::login::{self, LoggedIn, SignIn};
use super::{mfa, ClientMeta, Ctx, Event};
use crate::error::AppError;
use crate::mail::{templates, MailKind};
use crate::store::codes::{CodeKey, Purpose};
use crate::store::{users, Timestamp};

/// Mails a sign-in code to the address if it has an account; answers the same either way.
#[tracing::instrument(skip_all)]
pub fn request(
    ctx: &Ctx,
    email: Email,
    captcha_solved: bool,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<CodeSentResponse, AppError> {
    let mail = AccountCodeMail {
        kind: MailKind::LoginCode,
        event: Event::LoginCodeRequested,
        render: templates::login_code,
    };
    codes::mail_account_code(ctx, &email, Purpose::Login, mail, captcha_solved, meta, now)
}

/// Signs in with the code, or opens the second step when the account has a second factor.
/// Concurrency: the code is spent by a conditional delete in the transaction that opens the session.
#[tracing::instrument(skip_all)]
pub fn verify(
    ctx: &Ctx,
    attempt: LoginByCode,
    device: Option<&str>,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<SignIn, AppError> {
    let email_key = attempt.email.canonical();
    let key = CodeKey::of_address(&email_key, Purpose::Login);
    let presented = Presented {
        code: &attempt.code,
        link_token: attempt.link_token.as_deref(),
    };
    let mut conn = ctx.conn()?;
    let outcome = flow::commit(&mut conn, |conn| {
        codes::check(ctx, conn, key, presented, meta, now)?;
        let Some(user) = users::find_by_email_key(conn, &email_key)? else {
            return flow::refuse(AppError::CodeExpired);
        };
        if user.mfa_enabled {
            return Ok(SignIn::SecondStep(mfa::open_challenge(
                ctx, conn, &user, meta, now,
            )?));
        }
        let session = login::open_session(ctx, conn, &user, meta, now)?;
        Ok(SignIn::Done(LoggedIn::new(ctx, &user, session, device)?))
    })?;
    ctx.wake_mailer();
    Ok(outcome)
}
