//! What the administration endpoints (`/api/admin/…`) and the account's own data (`/api/me/export`)
//! answer, and the query strings they take. Nothing here ever carries a code, a hash, a mail body or a
//! secret: these views are for reading by people.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::api::{FieldErrors, SessionInfo, User};

/// The last page a list serves: beyond any real list, and a bound on the offsets a query can ask for.
pub const MAX_PAGE: u32 = 1_000_000;
/// The largest `per_page` a list accepts.
pub const MAX_PER_PAGE: u32 = 100;
pub const DEFAULT_PER_PAGE: u32 = 25;
/// The longest window `GET /api/admin/stats` covers.
pub const MAX_STATS_DAYS: u32 = 365;
pub const DEFAULT_STATS_DAYS: u32 = 30;

/// One page of a list, newest first unless the endpoint says otherwise.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items in the whole list (every page).
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// `page` and `per_page` as a list endpoint received them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    /// The number of pages `total` items fill (at least one, so an empty list has a page 1).
    pub fn pages(self, total: u64) -> u64 {
        total.div_ceil(u64::from(self.per_page)).max(1)
    }
}

/// `page` and `per_page` as asked (defaults for absent ones); out of bounds, an error is recorded, and
/// the caller's `finish` refuses the whole query.
fn paging(page: Option<u32>, per_page: Option<u32>, errors: &mut FieldErrors) -> Paging {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if page == 0 || page > MAX_PAGE {
        errors
            .entry("page".into())
            .or_default()
            .push(format!("must be from 1 to {MAX_PAGE}"));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        errors
            .entry("per_page".into())
            .or_default()
            .push(format!("must be from 1 to {MAX_PER_PAGE}"));
    }
    Paging { page, per_page }
}

/// The longest search text a filter takes; longer is refused rather than cut.
const MAX_FILTER_CHARS: usize = 254;

fn filter(name: &str, value: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > MAX_FILTER_CHARS {
        errors
            .entry(name.into())
            .or_default()
            .push(format!("must be at most {MAX_FILTER_CHARS} characters"));
        return None;
    }
    Some(value.to_owned())
}

fn finish<T>(errors: FieldErrors, value: T) -> Result<T, FieldErrors> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// Where an account stands: registered but not verified yet, able to sign in, or locked out by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    Pending,
    Active,
    Disabled,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }
}

/// Query of `GET /api/admin/users`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    /// Part of a username or address, any case.
    #[cfg_attr(feature = "openapi", param(max_length = 254))]
    pub q: Option<String>,
    pub state: Option<AccountState>,
    /// From 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u32>,
    /// At most 100; 25 when absent.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u32>,
}

impl UsersQuery {
    pub fn validate(&self) -> Result<(Option<String>, Option<AccountState>, Paging), FieldErrors> {
        let mut errors = FieldErrors::new();
        let q = filter("q", self.q.as_deref(), &mut errors);
        let paging = paging(self.page, self.per_page, &mut errors);
        finish(errors, (q, self.state, paging))
    }
}

/// An account as the admin's user table lists it. For a pending registration, `user.id` is the
/// registration's id and `email_verified` is false.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminUser {
    #[serde(flatten)]
    pub user: User,
    pub state: AccountState,
    pub last_login_at: Option<DateTime<Utc>>,
    pub active_sessions: u32,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// One user's page: everything the portal knows about how they authenticate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminUserDetail {
    pub user: AdminUser,
    /// Open sessions, most recently used first.
    pub sessions: Vec<SessionInfo>,
    /// The timeline: recent audit events about the account or its address, newest first.
    pub events: Vec<AuditEntry>,
    /// Recent mails to the address, newest first.
    pub mails: Vec<MailEntry>,
    /// Recent code events of the address, newest first.
    pub codes: Vec<CodeEntry>,
    /// Unused recovery codes, when the second factor is on.
    pub recovery_codes_left: Option<u32>,
    /// The account's passkeys, oldest first.
    #[serde(default)]
    pub passkeys: Vec<crate::passkeys::PasskeyInfo>,
}

/// Query of `GET /api/admin/audit`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Events about this account (or this pending registration).
    #[cfg_attr(feature = "openapi", param(max_length = 254))]
    pub user_id: Option<String>,
    /// One kind of event, e.g. `login_failed`.
    #[cfg_attr(feature = "openapi", param(max_length = 254))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u32>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u32>,
}

impl AuditQuery {
    pub fn validate(&self) -> Result<(Option<String>, Option<String>, Paging), FieldErrors> {
        let mut errors = FieldErrors::new();
        let user_id = filter("user_id", self.user_id.as_deref(), &mut errors);
        let kind = filter("kind", self.kind.as_deref(), &mut errors);
        let paging = paging(self.page, self.per_page, &mut errors);
        finish(errors, (user_id, kind, paging))
    }
}

/// One event of the audit trail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// What happened, e.g. `login_succeeded`, `code_failed`, `admin_disabled_user`.
    #[cfg_attr(feature = "openapi", schema(example = "login_succeeded"))]
    pub kind: String,
    /// The account (or pending registration) the event is about.
    pub user_id: Option<String>,
    /// The admin who acted, for admin actions.
    pub actor_id: Option<String>,
    /// The address the event is about, when there is one.
    pub email: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
}

/// Delivery state of a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    Queued,
    Sent,
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

/// Query of `GET /api/admin/mail`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MailQuery {
    /// Part of the recipient's address, any case.
    #[cfg_attr(feature = "openapi", param(max_length = 254))]
    pub recipient: Option<String>,
    pub status: Option<MailStatus>,
    /// `mail` or `webhook`; both when absent.
    pub channel: Option<Channel>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u32>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u32>,
}

/// The filters of the mail log, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MailFilter {
    pub recipient: Option<String>,
    pub status: Option<MailStatus>,
    pub channel: Option<Channel>,
    pub paging: Paging,
}

impl MailQuery {
    pub fn validate(&self) -> Result<MailFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let recipient = filter("recipient", self.recipient.as_deref(), &mut errors);
        let paging = paging(self.page, self.per_page, &mut errors);
        finish(
            errors,
            MailFilter {
                recipient,
                status: self.status,
                channel: self.channel,
                paging,
            },
        )
    }
}

/// How an outbox row is delivered: a mail, or a webhook POSTed to the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Mail,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mail => "mail",
            Self::Webhook => "webhook",
        }
    }
}

/// One mail of the outbox: who, what kind, and how its delivery went. Never its body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailEntry {
    pub id: String,
    /// `mail`, or `webhook` (then `recipient` is the URL and `kind` the event type).
    pub channel: Channel,
    pub recipient: String,
    /// What the mail was for, e.g. `verification_code`, `password_reset`, `security_notice`.
    pub kind: String,
    pub status: MailStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What happened to an e-mailed code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeEvent {
    Issued,
    Verified,
    Failed,
    Expired,
    Replaced,
}

impl CodeEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Verified => "verified",
            Self::Failed => "failed",
            Self::Expired => "expired",
            Self::Replaced => "replaced",
        }
    }
}

/// Query of `GET /api/admin/codes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CodesQuery {
    /// Part of the address, any case.
    #[cfg_attr(feature = "openapi", param(max_length = 254))]
    pub email: Option<String>,
    /// `verify_email`, `password_reset` or `login`.
    #[cfg_attr(feature = "openapi", param(max_length = 254))]
    pub purpose: Option<String>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u32>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u32>,
}

impl CodesQuery {
    pub fn validate(&self) -> Result<(Option<String>, Option<String>, Paging), FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = filter("email", self.email.as_deref(), &mut errors);
        let purpose = filter("purpose", self.purpose.as_deref(), &mut errors);
        let paging = paging(self.page, self.per_page, &mut errors);
        finish(errors, (email, purpose, paging))
    }
}

/// One event in the life of an e-mailed code. Never the code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeEntry {
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "verify_email"))]
    pub purpose: String,
    pub event: CodeEvent,
    pub at: DateTime<Utc>,
    pub ip: Option<String>,
}

/// Query of `GET /api/admin/stats`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Days to cover, today included: 30 when absent, at most 365.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 365))]
    pub days: Option<u32>,
}

impl StatsQuery {
    pub fn validate(&self) -> Result<u32, FieldErrors> {
        let days = self.days.unwrap_or(DEFAULT_STATS_DAYS);
        let mut errors = FieldErrors::new();
        if days == 0 || days > MAX_STATS_DAYS {
            errors
                .entry("days".into())
                .or_default()
                .push(format!("must be from 1 to {MAX_STATS_DAYS}"));
        }
        finish(errors, days)
    }
}

/// The numbers of one day (UTC).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayStats {
    pub date: NaiveDate,
    pub registrations: u64,
    pub verifications: u64,
    pub logins: u64,
    pub failed_logins: u64,
    pub mails_failed: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// One entry per day, oldest first, today last.
    pub days: Vec<DayStats>,
}

/// A session as the account's export lists it: open or ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedSession {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// The account's second factor, without its secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedFactor {
    pub enabled: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: u32,
}

/// `GET /api/me/export`: everything kept about the account (GDPR access), never a code, hash or secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountExport {
    pub exported_at: DateTime<Utc>,
    pub user: User,
    pub verified_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub second_factor: ExportedFactor,
    pub sessions: Vec<ExportedSession>,
    pub events: Vec<AuditEntry>,
    pub mails: Vec<MailEntry>,
    pub codes: Vec<CodeEntry>,
    /// The account's passkeys (never a key: the public key and counter stay on the server).
    #[serde(default)]
    pub passkeys: Vec<crate::passkeys::PasskeyInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_bounds() {
        let (_, _, paging) = UsersQuery::default().validate().unwrap();
        assert_eq!(
            paging,
            Paging {
                page: 1,
                per_page: DEFAULT_PER_PAGE
            }
        );
        let errors = UsersQuery {
            page: Some(0),
            per_page: Some(101),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["page", "per_page"]);
        let p = Paging {
            page: 3,
            per_page: 10,
        };
        assert_eq!((p.offset(), p.limit()), (20, 10));
        assert_eq!(p.pages(0), 1);
        assert_eq!(p.pages(21), 3);
    }

    #[test]
    fn an_empty_filter_is_no_filter_and_a_huge_one_is_refused() {
        let (q, _, _) = UsersQuery {
            q: Some("  ".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(q, None);
        let errors = MailQuery {
            recipient: Some("x".repeat(300)),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(errors.contains_key("recipient"));
    }

    #[test]
    fn stats_days_are_bounded() {
        assert_eq!(StatsQuery::default().validate(), Ok(30));
        assert!(StatsQuery { days: Some(0) }.validate().is_err());
        assert!(StatsQuery { days: Some(366) }.validate().is_err());
        assert_eq!(StatsQuery { days: Some(365) }.validate(), Ok(365));
    }

    #[test]
    fn an_admin_user_is_a_user_with_its_state_beside() {
        let json = serde_json::json!({
            "id": "6f1c1e0e-8a52-4a36-9a1e-0f4b8f0f2f11", "username": "ada", "email": "ada@example.com",
            "email_verified": true, "mfa_enabled": false, "role": "user",
            "created_at": "2026-11-29T08:00:00Z", "state": "disabled", "last_login_at": null,
            "active_sessions": 0, "disabled_at": "2026-11-29T09:00:00Z", "language": "de"
        });
        let user: AdminUser = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(user.state, AccountState::Disabled);
        assert_eq!(serde_json::to_value(&user).unwrap(), json);
    }
}
