//! Signing in with an e-mailed code instead of the password: the same code rules, limits and answers
//! for unknown addresses as registration (a decoy code, no mail), a code bound to this purpose, and the
//! second factor still asked for when the account has one.

use shared::api::{CodeSentResponse, LoginByCode};
use shared::domain::Email;

use super::codes::{self, AccountCodeMail, Presented};
use super::flow::{self, Flow};
use super::login::{self, LoggedIn, SignIn};
use super::{mfa, Event};
use crate::error::AppError;
use crate::mail::{templates, MailKind};
use crate::store::codes::{CodeKey, Purpose};
use crate::store::users;

/// Mails a sign-in code to the address if it has an account; answers the same either way.
#[tracing::instrument(skip_all)]
pub fn request(
    flow: Flow<'_>,
    email: Email,
    captcha_solved: bool,
) -> Result<CodeSentResponse, AppError> {
    let mail = AccountCodeMail {
        kind: MailKind::LoginCode,
        event: Event::LoginCodeRequested,
        render: templates::login_code,
    };
    codes::mail_account_code(flow, &email, Purpose::Login, mail, captcha_solved)
}

/// Signs in with the code, or opens the second step when the account has a second factor.
/// Concurrency: the code is spent by a conditional delete in the transaction that opens the session.
#[tracing::instrument(skip_all)]
pub fn verify(
    flow: Flow<'_>,
    attempt: LoginByCode,
    device: Option<&str>,
) -> Result<SignIn, AppError> {
    let email_key = attempt.email.canonical();
    let key = CodeKey::of_address(&email_key, Purpose::Login);
    let presented = Presented {
        code: &attempt.code,
        link_token: attempt.link_token.as_deref(),
    };
    let mut conn = flow.ctx.conn()?;
    let outcome = flow.commit_keyed(&mut conn, |tx| {
        // The account the address names (read before locking, to name its lock too): the session is
        // opened under the account's lock, as every flow for one account is.
        let owner = users::find_by_email_key(tx.conn, &email_key)?.map(|user| user.id);
        let mut keys = vec![flow::address_lock(&email_key)];
        keys.extend(owner.as_deref().map(flow::account_lock));
        tx.lock(&keys)?;
        codes::check(tx, key, presented)?;
        let Some(user) = users::find_by_email_key(tx.conn, &email_key)? else {
            return flow::refuse(AppError::CodeExpired);
        };
        // An account made for the address in between (possible only if it was deleted and made again)
        // is not the one the code was mailed to.
        if owner.as_deref() != Some(user.id.as_str()) {
            return flow::refuse(AppError::CodeExpired);
        }
        if user.mfa_enabled {
            return Ok(SignIn::SecondStep(mfa::open_challenge(tx, &user)?));
        }
        let session = login::open_session(tx, &user)?;
        Ok(SignIn::Done(LoggedIn::new(tx.ctx, &user, session, device)?))
    })?;
    flow.ctx.wake_mailer();
    Ok(outcome)
}
