//! Passwords: recovery by e-mailed code (the request step answers the same for every address; the reset
//! step revokes every session of the account) and change from a signed-in session. Either way the owner
//! is told by mail.

use shared::api::{CodeSentResponse, PasswordReset};
use shared::domain::{Email, Password, Username};

use super::codes::{self, AccountCodeMail, Presented};
use super::flow::{self, Flow, Tx};
use super::sessions::Authenticated;
use super::{Event, Subject};
use serde_json::json;

use crate::auth::policy;
use crate::error::AppError;
use crate::mail::{self, templates, MailKind};
use crate::store::codes::{CodeKey, Purpose};
use crate::store::{login_throttle, sessions, users};
use crate::webhooks;

#[tracing::instrument(skip_all)]
pub fn forgot(
    flow: Flow<'_>,
    email: Email,
    captcha_solved: bool,
) -> Result<CodeSentResponse, AppError> {
    let mail = AccountCodeMail {
        kind: MailKind::PasswordReset,
        event: Event::PasswordResetRequested,
        render: templates::password_reset,
    };
    codes::mail_account_code(flow, &email, Purpose::PasswordReset, mail, captcha_solved)
}

/// Concurrency: the code is checked first without being spent (a wrong guess costs no argon2 work), then
/// spent by a conditional delete in the transaction that sets the password, so of two requests racing
/// with one code only one changes the password.
#[tracing::instrument(skip_all)]
pub fn reset(flow: Flow<'_>, reset: PasswordReset) -> Result<(), AppError> {
    let PasswordReset {
        email,
        code,
        new_password,
        link_token,
    } = reset;
    let presented = Presented {
        code: &code,
        link_token: link_token.as_deref(),
    };
    let email_key = email.canonical();
    let key = CodeKey::of_address(&email_key, Purpose::PasswordReset);
    // Checks that need no account run before the code is looked at; the one that names the username runs
    // only after the code proved the caller owns the address (it would otherwise reveal the username).
    policy::check(
        &new_password,
        None,
        &email,
        flow.ctx.settings.password_min_score,
    )
    .map_err(|why| AppError::validation("new_password", why))?;
    let mut conn = flow.ctx.conn()?;
    let (row, user) = flow.commit_keyed(&mut conn, |tx| {
        tx.lock(&[&flow::address_lock(&email_key)])?;
        let row = codes::peek(tx, key, presented)?;
        match users::find_by_email_key(tx.conn, &email_key)? {
            Some(user) => Ok((row, user)),
            None => flow::refuse(AppError::CodeExpired),
        }
    })?;
    if let Ok(username) = Username::parse(&user.username) {
        // Refused before the code is spent, so it stays usable with a better password.
        policy::check(
            &new_password,
            Some(&username),
            &email,
            flow.ctx.settings.password_min_score,
        )
        .map_err(|why| AppError::validation("new_password", why))?;
    }
    drop(conn);
    let password_hash = flow.ctx.hasher.hash(new_password.expose())?;
    let mut conn = flow.ctx.conn()?;
    let account = super::login::account_subject(&user.id);
    flow.write_keyed(&mut conn, |tx| -> Result<(), AppError> {
        // The account's throttle lock too: a login's last transaction holds it while it checks the
        // password it verified is still the account's and opens its session, so the two never overlap.
        tx.lock(&[
            &flow::address_lock(&email_key),
            &flow::throttle_lock(&account),
        ])?;
        if !codes::consume_matched(tx, &row)? {
            return Err(AppError::CodeExpired);
        }
        let change = NewPassword {
            hash: &password_hash,
            keep_session: None,
            event: Event::PasswordReset,
        };
        // The code proved control of the mailbox: whatever the password was meanwhile, it is replaced, and
        // the pauses strangers' wrong passwords caused end with it.
        login_throttle::clear_subject(tx.conn, &account)?;
        replace_password(tx, &user, None, change)
    })?;
    flow.ctx.wake_mailer();
    Ok(())
}

/// Changes the password of a signed-in account: the current password must be given, the new one must
/// pass the policy; every other session is signed out and the owner is told by mail.
#[tracing::instrument(skip_all)]
pub fn change_password(
    flow: Flow<'_>,
    auth: &Authenticated,
    current: &str,
    new_password: &Password,
) -> Result<(), AppError> {
    let user = users::find(&mut *flow.ctx.conn()?, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
    if !super::login::confirm_password(flow, &user, current, "wrong current password")? {
        return Err(AppError::validation(
            "current_password",
            "is not your current password",
        ));
    }
    if let (Ok(username), Ok(email)) = (Username::parse(&user.username), Email::parse(&user.email))
    {
        policy::check(
            new_password,
            Some(&username),
            &email,
            flow.ctx.settings.password_min_score,
        )
        .map_err(|why| AppError::validation("new_password", why))?;
    }
    let hash = flow.ctx.hasher.hash(new_password.expose())?;
    let mut conn = flow.ctx.conn()?;
    let change = NewPassword {
        hash: &hash,
        keep_session: Some(&auth.session_id),
        event: Event::PasswordChanged,
    };
    // Only over the password that was verified above: a reset or another change that committed meanwhile
    // (and signed this session out) wins.
    let verified = Some(user.password_hash.as_str());
    flow.write_account(&mut conn, &user.id, |tx| {
        replace_password(tx, &user, verified, change)
    })?;
    flow.ctx.wake_mailer();
    Ok(())
}

/// A password about to replace an account's current one, and how.
struct NewPassword<'a> {
    hash: &'a str,
    /// The session the change was made from, which stays signed in; every other one is revoked.
    keep_session: Option<&'a str>,
    event: Event,
}

/// Stores a new password in the caller's transaction: every other session is signed out, the owner is
/// told by mail, and the change is audited. With `expected` the password is replaced only if it is still
/// that hash (compare-and-set); otherwise the caller's session is gone and it gets `401`.
fn replace_password(
    tx: &mut Tx<'_, '_>,
    user: &users::UserRow,
    expected: Option<&str>,
    change: NewPassword<'_>,
) -> Result<(), AppError> {
    if !users::set_password(tx.conn, &user.id, expected, change.hash, tx.now)? {
        tracing::info!(user = %user.id, "password changed meanwhile: this change is dropped");
        return Err(AppError::Unauthorized);
    }
    let reason = change.event.as_str();
    let revoked =
        sessions::revoke_all_for_user(tx.conn, &user.id, change.keep_session, reason, tx.now)?;
    let notice =
        templates::password_changed(user.language(), &tx.ctx.settings.public_url, &user.email);
    mail::queue(
        tx.conn,
        MailKind::PasswordChanged,
        &user.email,
        notice,
        tx.now,
    )?;
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: None,
        actor_id: None,
    };
    tx.audit(change.event, subject)?;
    let how = if change.keep_session.is_some() {
        "change"
    } else {
        "reset"
    };
    webhooks::queue(
        tx.conn,
        &tx.ctx.settings,
        webhooks::Event::PasswordChanged,
        &user.id,
        json!({ "reason": how }),
        tx.now,
    )?;
    tracing::info!(user = %user.id, revoked, event = reason, "password replaced");
    Ok(())
}
