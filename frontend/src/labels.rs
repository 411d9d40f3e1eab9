//! Words for the machine names the server sends (event kinds, mail kinds, code purposes, account
//! states), times in the reader's own time zone, and devices from user-agent strings. A name this client
//! does not know yet still reads as words. No browser calls: tested natively.

use chrono::{DateTime, Local, Utc};
use shared::admin::{AccountState, Channel, CodeEvent, MailStatus};

use crate::i18n::{Language, Words};

/// A moment as the dashboard and the admin pages show it, in the browser's time zone.
pub fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%-d %b %Y, %H:%M")
        .to_string()
}

/// "Firefox on Linux" is more than most user-agent strings say plainly; keep it short and honest.
pub fn device(lang: Language, user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|ua| !ua.is_empty()) else {
        return lang.t("device-unknown");
    };
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => lang.tf(
            "device-browser-on-system",
            &[("browser", b.into()), ("system", s.into())],
        ),
        (Some(b), None) => b.to_owned(),
        _ => ua.chars().take(60).collect(),
    }
}

/// `login_failed` → "Login failed": the fallback for names this client has no words for.
fn spelled_out(lang: Language, name: &str) -> String {
    let spaced = name.trim().replace(['_', '-', '.'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => lang.t("name-unknown"),
    }
}

/// The message id of a machine name under `prefix`: `event-login_failed`, `mail-kind-user-verified`
/// (Fluent ids take no dots).
pub fn name_id(prefix: &str, name: &str) -> String {
    format!("{prefix}-{}", name.replace('.', "-"))
}

/// The words for `name`, or the name spelled out when the message files have none for it.
fn lookup(lang: Language, prefix: &str, name: &str) -> String {
    let id = name_id(prefix, name);
    let words = lang.t(&id);
    if words == id {
        spelled_out(lang, name)
    } else {
        words
    }
}

/// Every audit event kind the server records (each has words, `event-<kind>`): the audit page's filter
/// offers them.
pub const EVENT_KINDS: &[&str] = &[
    "registered",
    "registration_for_existing_account",
    "code_sent",
    "code_verified",
    "code_failed",
    "email_verified",
    "login_succeeded",
    "login_failed",
    "login_throttled",
    "login_code_requested",
    "logout",
    "session_revoked",
    "refresh_reuse_detected",
    "password_reset_requested",
    "password_reset",
    "password_changed",
    "rate_limited",
    "mfa_enabled",
    "mfa_disabled",
    "mfa_challenged",
    "recovery_code_used",
    "recovery_codes_renewed",
    "data_exported",
    "account_deleted",
    "role_changed",
    "admin_viewed_user",
    "admin_disabled_user",
    "admin_enabled_user",
    "admin_revoked_sessions",
    "admin_deleted_user",
];

pub fn event_words(lang: Language, kind: &str) -> String {
    lookup(lang, "event", kind)
}

/// The mail kinds, and the webhooks' event types which the outbox lists beside them (`mail-kind-<kind>`):
/// the list the tests hold the message files to.
#[cfg(test)]
const MAIL_KINDS: &[&str] = &[
    "verify_email",
    "password_reset",
    "account_exists",
    "password_changed",
    "login_throttled",
    "login_code",
    "security_notice",
    "account_deleted",
    "account_disabled",
    "user.verified",
    "user.login",
    "user.password_changed",
    "user.disabled",
    "user.enabled",
    "user.deleted",
];

pub fn mail_kind_words(lang: Language, kind: &str) -> String {
    lookup(lang, "mail-kind", kind)
}

/// What an e-mailed code is for (`code-purpose-<purpose>`); the codes page's filter offers these.
pub const CODE_PURPOSES: &[&str] = &["verify_email", "password_reset", "login"];

pub fn purpose_words(lang: Language, purpose: &str) -> String {
    lookup(lang, "code-purpose", purpose)
}

pub fn code_event_words(lang: Language, event: CodeEvent) -> String {
    lang.t(match event {
        CodeEvent::Issued => "code-event-issued",
        CodeEvent::Verified => "code-event-verified",
        CodeEvent::Failed => "code-event-failed",
        CodeEvent::Expired => "code-event-expired",
        CodeEvent::Replaced => "code-event-replaced",
    })
}

pub const ACCOUNT_STATES: [AccountState; 3] = [
    AccountState::Active,
    AccountState::Pending,
    AccountState::Disabled,
];

pub fn state_words(lang: Language, state: AccountState) -> String {
    lang.t(match state {
        AccountState::Pending => "account-state-pending",
        AccountState::Active => "account-state-active",
        AccountState::Disabled => "account-state-disabled",
    })
}

pub const CHANNELS: [Channel; 2] = [Channel::Mail, Channel::Webhook];

pub fn channel_words(lang: Language, channel: Channel) -> String {
    lang.t(match channel {
        Channel::Mail => "channel-mail",
        Channel::Webhook => "channel-webhook",
    })
}

pub const MAIL_STATUSES: [MailStatus; 3] =
    [MailStatus::Queued, MailStatus::Sent, MailStatus::Failed];

pub fn mail_status_words(lang: Language, status: MailStatus) -> String {
    lang.t(match status {
        MailStatus::Queued => "mail-status-queued",
        MailStatus::Sent => "mail-status-sent",
        MailStatus::Failed => "mail-status-failed",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::tests::{defined_in_every_language, german};

    const EN: Language = Language::ENGLISH;

    #[test]
    fn known_names_read_as_chosen_words() {
        assert_eq!(event_words(EN, "login_failed"), "Sign-in failed");
        assert_eq!(
            event_words(EN, "admin_disabled_user"),
            "Disabled by an admin"
        );
        assert_eq!(mail_kind_words(EN, "verify_email"), "Confirmation code");
        assert_eq!(mail_kind_words(EN, "user.verified"), "Address confirmed");
        assert_eq!(purpose_words(EN, "login"), "Sign in");
        assert_eq!(
            event_words(german(), "login_failed"),
            "Anmeldung fehlgeschlagen"
        );
    }

    #[test]
    fn a_name_this_client_does_not_know_still_reads_as_words() {
        assert_eq!(event_words(EN, "passkey_added"), "Passkey added");
        assert_eq!(mail_kind_words(EN, "weekly-digest"), "Weekly digest");
        assert_eq!(mail_kind_words(EN, "user.renamed"), "User renamed");
        assert_eq!(purpose_words(EN, ""), "Unknown");
    }

    #[test]
    fn every_machine_name_has_words_in_every_language() {
        let ids = EVENT_KINDS
            .iter()
            .map(|kind| name_id("event", kind))
            .chain(MAIL_KINDS.iter().map(|kind| name_id("mail-kind", kind)))
            .chain(CODE_PURPOSES.iter().map(|p| name_id("code-purpose", p)));
        for id in ids {
            defined_in_every_language(&id);
        }
    }

    #[test]
    fn no_machine_name_reaches_the_page() {
        for lang in Language::all() {
            let words = EVENT_KINDS
                .iter()
                .map(|kind| event_words(lang, kind))
                .chain(MAIL_KINDS.iter().map(|kind| mail_kind_words(lang, kind)))
                .chain(CODE_PURPOSES.iter().map(|p| purpose_words(lang, p)));
            for text in words {
                assert!(!text.contains('_'), "{text}");
                assert!(text.starts_with(char::is_uppercase), "{text}");
            }
            for event in [
                CodeEvent::Issued,
                CodeEvent::Verified,
                CodeEvent::Failed,
                CodeEvent::Expired,
                CodeEvent::Replaced,
            ] {
                assert!(!code_event_words(lang, event).contains('_'));
            }
        }
    }

    #[test]
    fn every_event_kind_is_listed_once() {
        for (i, kind) in EVENT_KINDS.iter().enumerate() {
            assert!(!EVENT_KINDS[i + 1..].contains(kind), "{kind}");
        }
    }

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device(EN, Some(firefox)), "Firefox on Linux");
        assert_eq!(device(german(), Some(firefox)), "Firefox unter Linux");
        assert_eq!(device(EN, Some("curl/8.5.0")), "curl");
        assert_eq!(device(EN, None), "Unknown device");
        assert_eq!(device(EN, Some("")), "Unknown device");
        assert_eq!(device(EN, Some(&"x".repeat(100))).len(), 60);
    }
}
