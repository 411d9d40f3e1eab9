//! Store rows as the administration and export views show them: the one place that decides what of a
//! row leaves the server (never a code, a hash, a subject line or a body).

use shared::admin::{
    AccountState, AdminUser, AuditEntry, Channel, CodeEntry, CodeEvent, MailEntry, MailStatus,
};
use shared::api::User;
use shared::i18n::Language;

use crate::error::AppError;
use crate::store::accounts::AccountListRow;
use crate::store::audit::AuditRow;
use crate::store::code_events::CodeEventRow;
use crate::store::outbox::{self, MailLogRow};
use crate::store::{audit, code_events, Conn};

fn unexpected(what: &str, value: &str) -> AppError {
    anyhow::anyhow!("stored {what} {value:?} is not one this version knows").into()
}

pub fn audit_entry(row: AuditRow) -> AuditEntry {
    AuditEntry {
        id: i64::from(row.id),
        at: row.at.and_utc(),
        kind: row.event,
        user_id: row.user_id,
        actor_id: row.actor_id,
        email: row.email,
        ip: row.ip,
        user_agent: row.user_agent,
        detail: row.detail,
    }
}

pub fn mail_entry(row: MailLogRow) -> Result<MailEntry, AppError> {
    let status = match row.status.as_str() {
        "queued" => MailStatus::Queued,
        "sent" => MailStatus::Sent,
        "failed" => MailStatus::Failed,
        other => return Err(unexpected("mail status", other)),
    };
    let channel = match row.channel.as_str() {
        "mail" => Channel::Mail,
        "webhook" => Channel::Webhook,
        other => return Err(unexpected("outbox channel", other)),
    };
    Ok(MailEntry {
        id: row.id,
        channel,
        recipient: row.recipient,
        kind: row.kind,
        status,
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        last_error: row.last_error,
        created_at: row.created_at.and_utc(),
        sent_at: row.sent_at.map(|t| t.and_utc()),
    })
}

pub fn code_entry(row: CodeEventRow) -> Result<CodeEntry, AppError> {
    let event = match row.event.as_str() {
        "issued" => CodeEvent::Issued,
        "verified" => CodeEvent::Verified,
        "failed" => CodeEvent::Failed,
        "expired" => CodeEvent::Expired,
        "replaced" => CodeEvent::Replaced,
        other => return Err(unexpected("code event", other)),
    };
    Ok(CodeEntry {
        email: row.email,
        purpose: row.purpose,
        event,
        at: row.at.and_utc(),
        ip: row.ip,
    })
}

pub fn admin_user(row: AccountListRow) -> Result<AdminUser, AppError> {
    let state = match row.state.as_str() {
        "pending" => AccountState::Pending,
        "active" => AccountState::Active,
        "disabled" => AccountState::Disabled,
        other => return Err(unexpected("account state", other)),
    };
    Ok(AdminUser {
        user: User {
            id: row
                .id
                .parse()
                .map_err(|e| anyhow::anyhow!("stored id {:?} is not a UUID: {e}", row.id))?,
            username: row.username,
            email: row.email,
            email_verified: row.email_verified,
            mfa_enabled: row.mfa_enabled,
            role: row.role,
            created_at: row.created_at.and_utc(),
            language: Language::from_code(&row.language).unwrap_or_default(),
        },
        state,
        last_login_at: row.last_login_at.map(|t| t.and_utc()),
        active_sessions: u32::try_from(row.active_sessions).unwrap_or(u32::MAX),
        disabled_at: row.disabled_at.map(|t| t.and_utc()),
    })
}

/// What an account's page and its export show of its story, newest first: the audit events naming it
/// or its address, the mails to that address, and its code events.
pub struct History {
    pub events: Vec<AuditEntry>,
    pub mails: Vec<MailEntry>,
    pub codes: Vec<CodeEntry>,
}

/// The story of the account (or registration) `id` with the address `email`; `limit` rows of each.
pub fn history(
    conn: &mut Conn,
    id: &str,
    email: &str,
    limit: Option<i64>,
) -> Result<History, AppError> {
    let email_key = email.to_lowercase();
    let addresses = [email, email_key.as_str()];
    Ok(History {
        events: audit::of_account(conn, id, &addresses, limit)?
            .into_iter()
            .map(audit_entry)
            .collect(),
        mails: outbox::to_address(conn, &email_key, limit)?
            .into_iter()
            .map(mail_entry)
            .collect::<Result<_, _>>()?,
        codes: code_events::of_address(conn, &email_key, limit)?
            .into_iter()
            .map(code_entry)
            .collect::<Result<_, _>>()?,
    })
}
