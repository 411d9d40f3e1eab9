//! The flows of the product (register, verify, log in, refresh, recover). Synchronous code over the store
//! and the auth primitives, run off the async workers by the routes; no actix types in here.

pub mod account;
pub mod admin;
pub mod codes;
pub mod flow;
pub mod limits;
pub mod login;
pub mod login_code;
pub mod maintenance;
pub mod mfa;
pub mod passkeys;
pub mod recovery;
pub mod registration;
pub mod sessions;
pub mod views;

use std::sync::Arc;

use tokio::sync::Notify;

use crate::auth::cache::AuthCache;
use crate::auth::keys::Keys;
use crate::auth::password::Hasher;
use crate::error::AppError;
use crate::settings::Settings;
use crate::store::audit::{self, NewAuditEvent};
use crate::store::{Conn, DbPool, PooledConn, Timestamp};

/// Everything a flow needs, cheap to clone into a blocking task.
#[derive(Clone)]
pub struct Ctx {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub keys: Arc<Keys>,
    /// Every argon2 computation goes through it (bounded concurrency).
    pub hasher: Arc<Hasher>,
    /// Wakes the mail worker once a transaction that queued mail has committed.
    pub mail_wakeup: Arc<Notify>,
    /// ... and the webhook worker, for the events such a transaction queued.
    pub webhook_wakeup: Arc<Notify>,
    pub limits: Arc<limits::Limits>,
    pub captcha: Arc<crate::captcha::Captcha>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Signed-in state held in memory; every connection from [`Ctx::conn`] keeps it up to date.
    pub auth: Arc<AuthCache>,
}

impl Ctx {
    pub fn conn(&self) -> Result<DbConn, AppError> {
        Ok(DbConn {
            conn: self.pool.get()?,
            auth: self.auth.clone(),
        })
    }

    /// After a commit that may have queued mail or webhooks (a worker with nothing due goes back to
    /// sleep at once).
    pub fn wake_mailer(&self) {
        self.mail_wakeup.notify_one();
        self.webhook_wakeup.notify_one();
    }
}

/// A connection of the pool that, going back to it, tells the cache of signed-in state what was
/// committed through it (on this thread) to accounts and sessions, before the request is answered.
pub struct DbConn {
    conn: PooledConn,
    auth: Arc<AuthCache>,
}

impl std::ops::Deref for DbConn {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl std::ops::DerefMut for DbConn {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

impl Drop for DbConn {
    fn drop(&mut self) {
        self.auth.apply_own(crate::store::changes::take_committed());
    }
}

/// Where a request came from, recorded with the sessions it opens.
#[derive(Clone, Debug, Default)]
pub struct ClientMeta {
    pub addr: Option<std::net::IpAddr>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// What the request's `Accept-Language` asks for: the language of mails to a registration it makes.
    /// Mails to an account follow the account's own language instead.
    pub language: shared::i18n::Language,
}

pub use crate::clock::now;

/// Whole seconds from `now` until `later`, at least 1 (a `Retry-After: 0` invites a tight loop).
pub fn seconds_until(now: Timestamp, later: Timestamp) -> u64 {
    let ms = (later - now).num_milliseconds().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1)
}

/// A security event for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Registered,
    RegistrationForExistingAccount,
    CodeSent,
    CodeVerified,
    CodeFailed,
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    SessionRevoked,
    RefreshReuseDetected,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    RateLimited,
    MfaEnabled,
    MfaDisabled,
    MfaChallenged,
    RecoveryCodeUsed,
    RecoveryCodesRenewed,
    LoginCodeRequested,
    EmailVerified,
    /// The account deleted itself.
    AccountDeleted,
    DataExported,
    /// The owner chose another language for the account's mails.
    LanguageChanged,
    /// `promote` or `demote` on the command line.
    RoleChanged,
    AdminViewedUser,
    AdminDisabledUser,
    AdminEnabledUser,
    AdminRevokedSessions,
    AdminDeletedUser,
    PasskeyAdded,
    PasskeyUsed,
    PasskeyRemoved,
    /// A passkey's answer was refused (unknown, wrong site, replayed, or its counter went back).
    PasskeyRefused,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::RegistrationForExistingAccount => "registration_for_existing_account",
            Self::CodeSent => "code_sent",
            Self::CodeVerified => "code_verified",
            Self::CodeFailed => "code_failed",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginThrottled => "login_throttled",
            Self::Logout => "logout",
            Self::SessionRevoked => "session_revoked",
            Self::RefreshReuseDetected => "refresh_reuse_detected",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::RateLimited => "rate_limited",
            Self::MfaEnabled => "mfa_enabled",
            Self::MfaDisabled => "mfa_disabled",
            Self::MfaChallenged => "mfa_challenged",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::LoginCodeRequested => "login_code_requested",
            Self::EmailVerified => "email_verified",
            Self::AccountDeleted => "account_deleted",
            Self::DataExported => "data_exported",
            Self::LanguageChanged => "language_changed",
            Self::RoleChanged => "role_changed",
            Self::AdminViewedUser => "admin_viewed_user",
            Self::AdminDisabledUser => "admin_disabled_user",
            Self::AdminEnabledUser => "admin_enabled_user",
            Self::AdminRevokedSessions => "admin_revoked_sessions",
            Self::AdminDeletedUser => "admin_deleted_user",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyUsed => "passkey_used",
            Self::PasskeyRemoved => "passkey_removed",
            Self::PasskeyRefused => "passkey_refused",
        }
    }
}

/// Who and what an audit record is about.
#[derive(Default, Clone, Copy)]
pub struct Subject<'a> {
    pub user_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub detail: Option<&'a str>,
    /// The admin who acted, for admin actions.
    pub actor_id: Option<&'a str>,
}

/// Records `event` in the caller's transaction, so the trail never claims what did not commit.
pub fn audit(
    conn: &mut Conn,
    event: Event,
    subject: Subject<'_>,
    meta: &ClientMeta,
    now: Timestamp,
) -> diesel::QueryResult<()> {
    audit::record(
        conn,
        &NewAuditEvent {
            at: now,
            event: event.as_str(),
            user_id: subject.user_id,
            email: subject.email,
            ip: meta.ip.as_deref(),
            user_agent: meta.user_agent.as_deref(),
            detail: subject.detail,
            actor_id: subject.actor_id,
        },
    )
}
