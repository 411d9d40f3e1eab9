//! Outgoing mail: templates, the outbox a transaction writes to, and the worker that delivers it.

pub mod templates;
pub mod transport;
pub mod worker;

use crate::store::outbox::{self, OutboxRow};
use crate::store::{Conn, Timestamp};

/// What a mail is about; sent as the `X-OTP-Portal-Kind` header and kept in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    VerifyEmail,
    PasswordReset,
    AccountExists,
    PasswordChanged,
    LoginThrottled,
    LoginCode,
    SecurityNotice,
    AccountDeleted,
    AccountDisabled,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
            Self::AccountExists => "account_exists",
            Self::PasswordChanged => "password_changed",
            Self::LoginThrottled => "login_throttled",
            Self::LoginCode => "login_code",
            Self::SecurityNotice => "security_notice",
            Self::AccountDeleted => "account_deleted",
            Self::AccountDisabled => "account_disabled",
        }
    }
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues a mail in the caller's transaction: it is sent if and only if that transaction commits.
pub fn queue(
    conn: &mut Conn,
    kind: MailKind,
    to: &str,
    mail: Rendered,
    now: Timestamp,
) -> diesel::QueryResult<()> {
    outbox::insert(
        conn,
        &OutboxRow {
            id: uuid::Uuid::new_v4().to_string(),
            kind: kind.as_str().to_owned(),
            recipient: to.to_owned(),
            subject: mail.subject,
            body_text: Some(mail.text),
            body_html: Some(mail.html),
            status: outbox::QUEUED.to_owned(),
            attempts: 0,
            last_error: None,
            created_at: now,
            next_attempt_at: now,
            locked_until: None,
            sent_at: None,
            channel: outbox::MAIL.to_owned(),
        },
    )
}
