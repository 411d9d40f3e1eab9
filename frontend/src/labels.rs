//! Words for the machine names the server sends (event kinds, mail kinds, code purposes, account
//! states), times in the reader's own time zone, and devices from user-agent strings. A name this client
//! does not know yet still reads as words. No browser calls: tested natively.

use chrono::{DateTime, Local, Utc};
use shared::admin::{AccountState, Channel, CodeEvent, MailStatus};

/// A moment as the dashboard and the admin pages show it, in the browser's time zone.
pub fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%-d %b %Y, %H:%M")
        .to_string()
}

/// "Firefox on Linux" is more than most user-agent strings say plainly; keep it short and honest.
pub fn device(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|ua| !ua.is_empty()) else {
        return "Unknown device".to_owned();
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
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        _ => ua.chars().take(60).collect(),
    }
}

/// `login_failed` → "Login failed": the fallback for names this client has no words for.
fn spelled_out(name: &str) -> String {
    let spaced = name.trim().replace(['_', '-', '.'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Unknown".to_owned(),
    }
}

fn lookup(table: &[(&str, &str)], name: &str) -> String {
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, words)| (*words).to_owned())
        .unwrap_or_else(|| spelled_out(name))
}

/// Every audit event kind the server records, with its words: the audit page's filter offers them.
pub const EVENT_KINDS: &[(&str, &str)] = &[
    ("registered", "Registered"),
    (
        "registration_for_existing_account",
        "Registration tried for an existing account",
    ),
    ("code_sent", "Code sent"),
    ("code_verified", "Code accepted"),
    ("code_failed", "Wrong code"),
    ("email_verified", "E-mail address confirmed"),
    ("login_succeeded", "Signed in"),
    ("login_failed", "Sign-in failed"),
    ("login_throttled", "Sign-in throttled"),
    ("login_code_requested", "Sign-in code requested"),
    ("logout", "Signed out"),
    ("session_revoked", "Session ended"),
    (
        "refresh_reuse_detected",
        "Reused refresh token: session ended",
    ),
    ("password_reset_requested", "Password reset requested"),
    ("password_reset", "Password reset"),
    ("password_changed", "Password changed"),
    ("rate_limited", "Rate limited"),
    ("mfa_enabled", "Authenticator app turned on"),
    ("mfa_disabled", "Authenticator app turned off"),
    ("mfa_challenged", "Asked for the authenticator code"),
    ("recovery_code_used", "Recovery code used"),
    ("recovery_codes_renewed", "New recovery codes"),
    ("data_exported", "Data downloaded"),
    ("account_deleted", "Account deleted by its owner"),
    ("role_changed", "Role changed"),
    ("admin_viewed_user", "Viewed by an admin"),
    ("admin_disabled_user", "Disabled by an admin"),
    ("admin_enabled_user", "Enabled by an admin"),
    (
        "admin_revoked_sessions",
        "Signed out everywhere by an admin",
    ),
    ("admin_deleted_user", "Deleted by an admin"),
];

pub fn event_words(kind: &str) -> String {
    lookup(EVENT_KINDS, kind)
}

const MAIL_KINDS: &[(&str, &str)] = &[
    ("verify_email", "Confirmation code"),
    ("password_reset", "Password reset code"),
    ("account_exists", "Account already exists"),
    ("password_changed", "Password changed"),
    ("login_throttled", "Sign-in attempts throttled"),
    ("login_code", "Sign-in code"),
    ("security_notice", "Security notice"),
    ("account_deleted", "Goodbye (account deleted)"),
    ("account_disabled", "Account disabled or enabled"),
    // The webhooks' event types, which the outbox lists beside the mails.
    ("user.verified", "Address confirmed"),
    ("user.login", "Signed in"),
    ("user.password_changed", "Password changed"),
    ("user.disabled", "Account disabled"),
    ("user.enabled", "Account enabled"),
    ("user.deleted", "Account deleted"),
];

pub fn mail_kind_words(kind: &str) -> String {
    lookup(MAIL_KINDS, kind)
}

/// What an e-mailed code is for; the codes page's filter offers these.
pub const CODE_PURPOSES: &[(&str, &str)] = &[
    ("verify_email", "Confirm the address"),
    ("password_reset", "Reset the password"),
    ("login", "Sign in"),
];

pub fn purpose_words(purpose: &str) -> String {
    lookup(CODE_PURPOSES, purpose)
}

pub fn code_event_words(event: CodeEvent) -> &'static str {
    match event {
        CodeEvent::Issued => "Sent",
        CodeEvent::Verified => "Accepted",
        CodeEvent::Failed => "Wrong code tried",
        CodeEvent::Expired => "Expired",
        CodeEvent::Replaced => "Replaced by a newer code",
    }
}

pub const ACCOUNT_STATES: [AccountState; 3] = [
    AccountState::Active,
    AccountState::Pending,
    AccountState::Disabled,
];

pub fn state_words(state: AccountState) -> &'static str {
    match state {
        AccountState::Pending => "Pending",
        AccountState::Active => "Active",
        AccountState::Disabled => "Disabled",
    }
}

pub const CHANNELS: [Channel; 2] = [Channel::Mail, Channel::Webhook];

pub fn channel_words(channel: Channel) -> &'static str {
    match channel {
        Channel::Mail => "Mail",
        Channel::Webhook => "Webhook",
    }
}

pub const MAIL_STATUSES: [MailStatus; 3] =
    [MailStatus::Queued, MailStatus::Sent, MailStatus::Failed];

pub fn mail_status_words(status: MailStatus) -> &'static str {
    match status {
        MailStatus::Queued => "Queued",
        MailStatus::Sent => "Sent",
        MailStatus::Failed => "Failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_read_as_chosen_words() {
        assert_eq!(event_words("login_failed"), "Sign-in failed");
        assert_eq!(event_words("admin_disabled_user"), "Disabled by an admin");
        assert_eq!(mail_kind_words("verify_email"), "Confirmation code");
        assert_eq!(purpose_words("login"), "Sign in");
    }

    #[test]
    fn a_name_this_client_does_not_know_still_reads_as_words() {
        assert_eq!(event_words("passkey_added"), "Passkey added");
        assert_eq!(mail_kind_words("weekly-digest"), "Weekly digest");
        assert_eq!(mail_kind_words("user.renamed"), "User renamed");
        assert_eq!(purpose_words(""), "Unknown");
    }

    #[test]
    fn no_machine_name_reaches_the_page() {
        let words = EVENT_KINDS
            .iter()
            .chain(MAIL_KINDS)
            .chain(CODE_PURPOSES)
            .map(|(_, words)| *words);
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
            assert!(!code_event_words(event).contains('_'));
        }
    }

    #[test]
    fn every_event_kind_is_listed_once() {
        for (i, (kind, _)) in EVENT_KINDS.iter().enumerate() {
            assert!(
                EVENT_KINDS[i + 1..].iter().all(|(other, _)| other != kind),
                "{kind}"
            );
        }
    }

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device(Some(firefox)), "Firefox on Linux");
        assert_eq!(device(Some("curl/8.5.0")), "curl");
        assert_eq!(device(None), "Unknown device");
        assert_eq!(device(Some("")), "Unknown device");
        assert_eq!(device(Some(&"x".repeat(100))).len(), 60);
    }
}
