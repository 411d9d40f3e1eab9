//! Administration: who may administer, the user table and one user's story, the actions on an account,
//! the code, mail and audit logs, and the daily numbers. Every action is audited with the acting admin.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use shared::admin::{
    AccountState, AdminUser, AdminUserDetail, AuditEntry, Channel, CodeEntry, DayStats, MailEntry,
    MailFilter, MailStatus, Page, Paging, Stats,
};

use super::flow::{self, Flow};
use super::sessions::{session_info, Authenticated};
use super::{account, audit, views, ClientMeta, Ctx, Event, Subject};
use crate::error::AppError;
use crate::mail::templates::{self, DeletedBy};
use crate::mail::{self, MailKind};
use crate::store::users::{self, UserRow, ROLE_ADMIN};
use crate::store::{
    self, accounts, audit as audit_store, code_events, codes, mfa as mfa_store, outbox,
    registrations, sessions, Timestamp,
};
use crate::webhooks;

/// How much of one user's story their page shows.
const DETAIL_LIMIT: i64 = 200;

/// A signed-in admin whose second factor is on: what every `/api/admin/` call needs.
#[derive(Clone, Debug)]
pub struct Admin {
    pub user_id: String,
    pub session_id: String,
}

/// Checks the role and the factor as they are now in the store (a demotion takes effect at once).
pub fn authorize(ctx: &Ctx, auth: Authenticated) -> Result<Admin, AppError> {
    let user = users::find(&mut *ctx.conn()?, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
    if user.role != ROLE_ADMIN {
        return Err(AppError::Forbidden);
    }
    if !user.mfa_enabled {
        return Err(AppError::MfaRequired);
    }
    Ok(Admin {
        user_id: auth.user_id,
        session_id: auth.session_id,
    })
}

fn page<T>(items: Vec<T>, total: i64, paging: Paging) -> Page<T> {
    Page {
        items,
        total: u64::try_from(total).unwrap_or(0),
        page: paging.page,
        per_page: paging.per_page,
    }
}

pub fn users(
    ctx: &Ctx,
    query: Option<&str>,
    state: Option<AccountState>,
    paging: Paging,
    now: Timestamp,
) -> Result<Page<AdminUser>, AppError> {
    let filter = accounts::Filter {
        query,
        state: state.map(AccountState::as_str),
    };
    let (rows, total) = accounts::page(
        &mut *ctx.conn()?,
        filter,
        now,
        paging.offset(),
        paging.limit(),
    )?;
    let items = rows
        .into_iter()
        .map(views::admin_user)
        .collect::<Result<_, _>>()?;
    Ok(page(items, total, paging))
}

/// One user's page; looking at it is audited (who read whose story is part of the story).
pub fn user(flow: Flow<'_>, admin: &Admin, id: &str) -> Result<AdminUserDetail, AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, id, |tx| -> Result<_, AppError> {
        let row = accounts::find(tx.conn, id, tx.now)?.ok_or(AppError::NotFound)?;
        let history = views::history(tx.conn, &row.id, &row.email, Some(DETAIL_LIMIT))?;
        let open_sessions = sessions::list_active_for_user(tx.conn, &row.id, tx.now)?;
        let recovery_codes_left = if row.mfa_enabled {
            let left = mfa_store::unused_recovery_codes(tx.conn, &row.id)?;
            Some(u32::try_from(left).unwrap_or(0))
        } else {
            None
        };
        let passkeys = crate::store::passkeys::list(tx.conn, &row.id)?
            .iter()
            .map(super::passkeys::info)
            .collect();
        tx.audit(Event::AdminViewedUser, acted_on(&row.id, admin))?;
        Ok(AdminUserDetail {
            user: views::admin_user(row)?,
            sessions: open_sessions
                .into_iter()
                .map(|s| session_info(s, &admin.session_id))
                .collect::<Result<_, _>>()?,
            events: history.events,
            mails: history.mails,
            codes: history.codes,
            recovery_codes_left,
            passkeys,
        })
    })
}

fn acted_on<'a>(user_id: &'a str, admin: &'a Admin) -> Subject<'a> {
    Subject {
        user_id: Some(user_id),
        actor_id: Some(&admin.user_id),
        ..Default::default()
    }
}

/// An action on an account (not a pending registration, and not the admin's own account).
fn target_account(
    conn: &mut store::Conn,
    admin: &Admin,
    id: &str,
    now: Timestamp,
) -> Result<UserRow, AppError> {
    if let Some(user) = users::find(conn, id)? {
        if user.id == admin.user_id {
            return Err(AppError::validation(
                "id",
                "is your own account: use your security page, or ask another admin",
            ));
        }
        return Ok(user);
    }
    if registrations::find(conn, id, now)?.is_some() {
        return Err(AppError::validation(
            "id",
            "is a pending registration: it has no sign-in to change; it can only be deleted",
        ));
    }
    Err(AppError::NotFound)
}

/// Disables (`true`) or enables an account. Disabling ends every session in the same transaction, so a
/// token of the account is refused from the next request on; the owner is told by mail.
pub fn set_disabled(
    flow: Flow<'_>,
    admin: &Admin,
    id: &str,
    disabled: bool,
) -> Result<(), AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, id, |tx| -> Result<(), AppError> {
        let user = target_account(tx.conn, admin, id, tx.now)?;
        let changed = users::set_disabled(tx.conn, &user.id, disabled.then_some(tx.now), tx.now)?;
        let event = if disabled {
            sessions::revoke_all_for_user(tx.conn, &user.id, None, "account_disabled", tx.now)?;
            Event::AdminDisabledUser
        } else {
            Event::AdminEnabledUser
        };
        if changed {
            let notice = templates::account_disabled(
                user.language(),
                &tx.ctx.settings.public_url,
                &user.email,
                disabled,
            );
            mail::queue(
                tx.conn,
                MailKind::AccountDisabled,
                &user.email,
                notice,
                tx.now,
            )?;
            let hook = if disabled {
                webhooks::Event::Disabled
            } else {
                webhooks::Event::Enabled
            };
            let by = serde_json::json!({ "by": admin.user_id });
            webhooks::queue(tx.conn, &tx.ctx.settings, hook, &user.id, by, tx.now)?;
        }
        tx.audit(event, acted_on(&user.id, admin))?;
        Ok(())
    })?;
    flow.ctx.wake_mailer();
    tracing::info!(user = %id, admin = %admin.user_id, disabled, "account state set by an admin");
    Ok(())
}

/// Signs the account out everywhere.
pub fn revoke_sessions(flow: Flow<'_>, admin: &Admin, id: &str) -> Result<(), AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, id, |tx| -> Result<(), AppError> {
        let user = target_account(tx.conn, admin, id, tx.now)?;
        let ended =
            sessions::revoke_all_for_user(tx.conn, &user.id, None, "revoked_by_admin", tx.now)?;
        let detail = format!("{ended} session(s)");
        let subject = Subject {
            detail: Some(&detail),
            ..acted_on(&user.id, admin)
        };
        tx.audit(Event::AdminRevokedSessions, subject)?;
        Ok(())
    })
}

/// Deletes an account (as its owner's deletion does, with a goodbye mail) or a pending registration.
pub fn delete(flow: Flow<'_>, admin: &Admin, id: &str) -> Result<(), AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_keyed(&mut conn, |tx| -> Result<(), AppError> {
        // An account's or a registration's address and username never change: the rows read here name
        // the locks to hold before deciding.
        let locks: Vec<String> = if let Some(user) = users::find(tx.conn, id)? {
            flow::ending_locks(&user).into()
        } else if let Some(registration) = registrations::find(tx.conn, id, tx.now)? {
            vec![
                flow::address_lock(&registration.email_key),
                flow::username_lock(&registration.username_key),
            ]
        } else {
            return Err(AppError::NotFound);
        };
        tx.lock(&locks)?;
        let detail = match target_account(tx.conn, admin, id, tx.now) {
            Ok(user) => {
                account::erase(tx, &user, DeletedBy::Admin)?;
                "account"
            }
            Err(AppError::Validation(_)) if registrations::find(tx.conn, id, tx.now)?.is_some() => {
                registrations::delete(tx.conn, id)?;
                codes::delete_for_subject(tx.conn, id)?;
                "pending registration"
            }
            Err(e) => return Err(e),
        };
        let subject = Subject {
            detail: Some(detail),
            ..acted_on(id, admin)
        };
        tx.audit(Event::AdminDeletedUser, subject)?;
        Ok(())
    })?;
    flow.ctx.wake_mailer();
    tracing::info!(user = %id, admin = %admin.user_id, "deleted by an admin");
    Ok(())
}

pub fn mail_log(ctx: &Ctx, filter: &MailFilter) -> Result<Page<MailEntry>, AppError> {
    let store_filter = outbox::Filter {
        recipient: filter.recipient.as_deref(),
        status: filter.status.map(MailStatus::as_str),
        channel: filter.channel.map(Channel::as_str),
    };
    let (rows, total) = outbox::page(
        &mut *ctx.conn()?,
        store_filter,
        filter.paging.offset(),
        filter.paging.limit(),
    )?;
    let items = rows
        .into_iter()
        .map(views::mail_entry)
        .collect::<Result<_, _>>()?;
    Ok(page(items, total, filter.paging))
}

pub fn code_log(
    ctx: &Ctx,
    email: Option<&str>,
    purpose: Option<&str>,
    paging: Paging,
) -> Result<Page<CodeEntry>, AppError> {
    let filter = code_events::Filter { email, purpose };
    let (rows, total) =
        code_events::page(&mut *ctx.conn()?, filter, paging.offset(), paging.limit())?;
    let items = rows
        .into_iter()
        .map(views::code_entry)
        .collect::<Result<_, _>>()?;
    Ok(page(items, total, paging))
}

pub fn audit_log(
    ctx: &Ctx,
    user_id: Option<&str>,
    kind: Option<&str>,
    paging: Paging,
) -> Result<Page<AuditEntry>, AppError> {
    let filter = audit_store::Filter { user_id, kind };
    let (rows, total) =
        audit_store::page(&mut *ctx.conn()?, filter, paging.offset(), paging.limit())?;
    let items = rows.into_iter().map(views::audit_entry).collect();
    Ok(page(items, total, paging))
}

/// The last `days` UTC days, today included, oldest first; a day without events is all zeros.
pub fn stats(ctx: &Ctx, days: u32, now: Timestamp) -> Result<Stats, AppError> {
    let today = now.date();
    let first = today
        .checked_sub_days(Days::new(u64::from(days.saturating_sub(1))))
        .unwrap_or(NaiveDate::MIN);
    let since = first.and_hms_opt(0, 0, 0).unwrap_or_default();
    let mut conn = ctx.conn()?;
    let mut counts: HashMap<(String, String), u64> = HashMap::new();
    let rows = audit_store::daily_counts(&mut conn, since)?
        .into_iter()
        .chain(outbox::failed_per_day(&mut conn, since)?);
    for row in rows {
        *counts.entry((row.day, row.kind)).or_default() += u64::try_from(row.n).unwrap_or(0);
    }
    let count = |day: &str, kind: &str| {
        counts
            .get(&(day.to_owned(), kind.to_owned()))
            .copied()
            .unwrap_or(0)
    };
    let days = first
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|date| {
            let day = date.format("%Y-%m-%d").to_string();
            DayStats {
                date,
                registrations: count(&day, Event::Registered.as_str()),
                verifications: count(&day, Event::EmailVerified.as_str()),
                logins: count(&day, Event::LoginSucceeded.as_str()),
                failed_logins: count(&day, Event::LoginFailed.as_str()),
                mails_failed: count(&day, outbox::FAILED),
            }
        })
        .collect();
    Ok(Stats { days })
}

/// `promote` / `demote` on the command line: sets the role of the verified account `login` names
/// (username or address, any case). `None` when no account has that login; `Some(false)` when it already
/// had the role. The role is read per request, so a running server applies it to the next call.
pub fn set_role(
    conn: &mut store::Conn,
    login: &str,
    role: &str,
    now: Timestamp,
) -> Result<Option<bool>, AppError> {
    let login_key = shared::domain::login_key(login);
    store::write_keyed(conn, |conn| -> Result<_, AppError> {
        let Some(user) = users::find_by_login(conn, &login_key)? else {
            return Ok(None);
        };
        store::lock_keys(conn, &[&flow::account_lock(&user.id)])?;
        let changed = users::set_role(conn, &user.id, role, now)?;
        if changed {
            let detail = format!("{role} (command line)");
            let subject = Subject {
                user_id: Some(&user.id),
                detail: Some(&detail),
                ..Default::default()
            };
            audit(
                conn,
                Event::RoleChanged,
                subject,
                &ClientMeta::default(),
                now,
            )?;
        }
        Ok(Some(changed))
    })
}
