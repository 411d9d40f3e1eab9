//! The account's own data: everything kept about it, as one JSON document (GDPR access), and its
//! deletion (GDPR erasure). Also the erasure an admin's delete uses.

use shared::admin::{AccountExport, ExportedFactor, ExportedSession};
use shared::api::{FactorCode, User};
use shared::i18n::Language;

use super::flow::{Flow, Tx};
use super::sessions::{user_view, Authenticated};
use super::views;
use super::{audit, flow, login, mfa, ClientMeta, Event, Subject};
use crate::error::AppError;
use crate::mail::templates::{self, DeletedBy};
use crate::mail::{self, MailKind};
use crate::store::codes::Purpose;
use crate::store::users::{self, UserRow};
use crate::store::{
    audit as audit_store, code_events, codes, login_throttle, mfa as mfa_store, outbox, sessions,
};
use crate::webhooks;

/// Sets the language of the account's mails; a change is audited with the new code.
/// Concurrency: one conditional update; the last of two racing changes stands.
#[tracing::instrument(skip_all)]
pub fn set_language(
    flow: Flow<'_>,
    auth: &Authenticated,
    language: Language,
) -> Result<User, AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, &auth.user_id, |tx| -> Result<_, AppError> {
        if users::set_language(tx.conn, &auth.user_id, language, tx.now)? {
            let subject = Subject {
                user_id: Some(&auth.user_id),
                detail: Some(language.code()),
                ..Default::default()
            };
            tx.audit(Event::LanguageChanged, subject)?;
        }
        let user = users::find(tx.conn, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
        user_view(&user)
    })
}

/// Everything kept about the signed-in account; the export itself is audited.
#[tracing::instrument(skip_all)]
pub fn export(flow: Flow<'_>, auth: &Authenticated) -> Result<AccountExport, AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, &auth.user_id, |tx| -> Result<_, AppError> {
        let user = users::find(tx.conn, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
        let subject = Subject {
            user_id: Some(&user.id),
            ..Default::default()
        };
        tx.audit(Event::DataExported, subject)?;
        let factor = mfa_store::find_totp(tx.conn, &user.id)?;
        let recovery_codes_left = if user.mfa_enabled {
            mfa_store::unused_recovery_codes(tx.conn, &user.id)?
        } else {
            0
        };
        let history = views::history(tx.conn, &user.id, &user.email, None)?;
        Ok(AccountExport {
            exported_at: tx.now.and_utc(),
            user: user_view(&user)?,
            verified_at: user.verified_at.map(|t| t.and_utc()),
            updated_at: user.updated_at.and_utc(),
            second_factor: ExportedFactor {
                enabled: user.mfa_enabled,
                enabled_at: factor.and_then(|f| f.confirmed_at).map(|t| t.and_utc()),
                recovery_codes_left: u32::try_from(recovery_codes_left).unwrap_or(0),
            },
            sessions: sessions::all_for_user(tx.conn, &user.id)?
                .into_iter()
                .map(|s| ExportedSession {
                    id: s.id,
                    created_at: s.created_at.and_utc(),
                    last_used_at: s.last_used_at.and_utc(),
                    expires_at: s.expires_at.and_utc(),
                    revoked_at: s.revoked_at.map(|t| t.and_utc()),
                    revoked_reason: s.revoked_reason,
                    user_agent: s.user_agent,
                    ip: s.ip,
                })
                .collect(),
            events: history.events,
            mails: history.mails,
            codes: history.codes,
            passkeys: crate::store::passkeys::list(tx.conn, &user.id)?
                .iter()
                .map(super::passkeys::info)
                .collect(),
        })
    })
}

/// Deletes the signed-in account: the password, and a code of the second factor when it is on.
/// Concurrency: the password is checked against the hash read in the transaction that deletes
/// (compare-and-set), so a password changed meanwhile deletes nothing.
#[tracing::instrument(skip_all)]
pub fn delete_own(
    flow: Flow<'_>,
    auth: &Authenticated,
    password: &str,
    code: Option<&FactorCode>,
) -> Result<(), AppError> {
    let checked = mfa::password_confirmed(flow, auth, password)?;
    let mut conn = flow.ctx.conn()?;
    flow.commit_keyed(&mut conn, |tx| {
        // The address and the username never change: the checked row names their locks.
        tx.lock(&flow::ending_locks(&checked))?;
        let user = users::find(tx.conn, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
        if user.password_hash != checked.password_hash {
            return flow::refuse(AppError::validation(
                "password",
                "is not your current password",
            ));
        }
        if user.mfa_enabled {
            let Some(code) = code else {
                return flow::refuse(AppError::validation(
                    "code",
                    "is required while the second factor is on: a code from your app or a recovery code",
                ));
            };
            // A wrong code is refused with nothing deleted; a recovery code's use commits.
            mfa::factor_code_accepted(tx, &user, code)?;
        }
        erase(tx, &user, DeletedBy::Owner)?;
        let subject = Subject {
            user_id: Some(&user.id),
            ..Default::default()
        };
        // No address, IP or user agent: the account asked to be forgotten.
        audit(tx.conn, Event::AccountDeleted, subject, &ClientMeta::default(), tx.now)?;
        Ok(())
    })?;
    flow.ctx.wake_mailer();
    tracing::info!(user = %auth.user_id, "account deleted by its owner");
    Ok(())
}

/// Removes the account and everything kept about it (sessions, factor, codes, throttles, trail, mail
/// log), then queues the goodbye mail, in the caller's transaction.
pub(crate) fn erase(tx: &mut Tx<'_, '_>, user: &UserRow, by: DeletedBy) -> Result<(), AppError> {
    let addresses = [user.email.as_str(), user.email_key.as_str()];
    audit_store::delete_of_account(tx.conn, &user.id, &addresses)?;
    code_events::delete_of_address(tx.conn, &user.email_key)?;
    outbox::delete_to_address(tx.conn, &user.email_key)?;
    // Codes of a registration of the address by someone else stay theirs.
    codes::delete_of_address(
        tx.conn,
        &user.email_key,
        &[Purpose::PasswordReset, Purpose::Login],
    )?;
    login_throttle::clear_subject(tx.conn, &login::account_subject(&user.id))?;
    if !users::delete(tx.conn, &user.id)? {
        return Err(AppError::NotFound);
    }
    let goodbye = templates::account_deleted(
        user.language(),
        &tx.ctx.settings.public_url,
        &user.email,
        &user.username,
        by,
    );
    mail::queue(
        tx.conn,
        MailKind::AccountDeleted,
        &user.email,
        goodbye,
        tx.now,
    )?;
    let by = match by {
        DeletedBy::Owner => "owner",
        DeletedBy::Admin => "admin",
    };
    webhooks::queue(
        tx.conn,
        &tx.ctx.settings,
        webhooks::Event::Deleted,
        &user.id,
        serde_json::json!({ "by": by }),
        tx.now,
    )?;
    Ok(())
}
