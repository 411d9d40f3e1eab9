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

    /// The kind an outbox row names; `None` for a kind this version does not know.
    pub fn parse(kind: &str) -> Option<Self> {
        [
            Self::VerifyEmail,
            Self::PasswordReset,
            Self::AccountExists,
            Self::PasswordChanged,
            Self::LoginThrottled,
            Self::LoginCode,
            Self::SecurityNotice,
            Self::AccountDeleted,
            Self::AccountDisabled,
        ]
        .into_iter()
        .find(|k| k.as_str() == kind)
    }

    /// Whether the mail carries a one-time code for its reader to type.
    pub fn carries_code(self) -> bool {
        matches!(
            self,
            Self::VerifyEmail | Self::PasswordReset | Self::LoginCode
        )
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
    let row = OutboxRow::queued(
        uuid::Uuid::new_v4().to_string(),
        outbox::MAIL,
        kind.as_str(),
        to,
        mail.subject,
        (mail.text, Some(mail.html)),
        now,
    );
    outbox::insert(conn, &row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_from_the_outbox_and_only_code_mails_carry_codes() {
        let with_codes: Vec<MailKind> = [
            "verify_email",
            "password_reset",
            "account_exists",
            "password_changed",
            "login_throttled",
            "login_code",
            "security_notice",
            "account_deleted",
            "account_disabled",
        ]
        .into_iter()
        .map(|name| {
            let kind = MailKind::parse(name).unwrap_or_else(|| panic!("{name} unknown"));
            assert_eq!(kind.as_str(), name);
            kind
        })
        .filter(|kind| kind.carries_code())
        .collect();
        assert_eq!(
            with_codes,
            [
                MailKind::VerifyEmail,
                MailKind::PasswordReset,
                MailKind::LoginCode
            ]
        );
        assert_eq!(MailKind::parse("webhook"), None);
    }
}
