//! The authenticator-app second factor: setup confirmed by a code, recovery codes, turning it off, and
//! the second step of a login. Every code is accepted once: an app code by the time step it belongs to
//! (a conditional update that only moves forward), a recovery code by being marked used.

use chrono::TimeDelta;
use shared::api::{FactorCode, MfaRequiredResponse, RecoveryCodesResponse, TotpSetupResponse};

use super::flow::{self, Flow, Stop, Tx};
use super::login::{self, LoggedIn};
use super::sessions::Authenticated;
use super::{Ctx, Event, Subject};
use crate::auth::{tokens, totp};
use crate::error::AppError;
use crate::mail::templates::{self, FactorChange};
use crate::mail::{self, MailKind};
use crate::store::mfa::{self as store_mfa, ChallengeRow, TotpRow};
use crate::store::users::{self, UserRow};
use crate::store::Timestamp;

/// Wrong codes a second step takes before it dies.
pub const MAX_TRIES: i32 = 5;

fn unix_seconds(now: Timestamp) -> u64 {
    u64::try_from(now.and_utc().timestamp()).unwrap_or(0)
}

/// A new secret for the signed-in account, not active until confirmed; replaces an unconfirmed one.
#[tracing::instrument(skip_all)]
pub fn setup(
    ctx: &Ctx,
    auth: &Authenticated,
    now: Timestamp,
) -> Result<TotpSetupResponse, AppError> {
    let mut conn = ctx.conn()?;
    let user = users::find(&mut conn, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
    if user.mfa_enabled {
        return Err(AppError::MfaAlreadyEnabled);
    }
    let secret = totp::new_secret();
    let row = TotpRow {
        user_id: user.id.clone(),
        secret_sealed: totp::seal(&ctx.keys.totp_key, &user.id, &secret)?,
        created_at: now,
        confirmed_at: None,
        last_step: None,
    };
    // Concurrency: only an unconfirmed secret is ever replaced, in one transaction.
    let stored = flow::write_account(&mut conn, &user.id, |conn| {
        store_mfa::replace_unconfirmed_totp(conn, &row)
    })?;
    if !stored {
        return Err(AppError::MfaAlreadyEnabled);
    }
    let uri = totp::otpauth_uri(&ctx.settings.totp_issuer, &user.email, &secret)?;
    Ok(TotpSetupResponse {
        secret: totp::base32(&secret)?,
        qr_svg: totp::qr_svg(&uri)?,
        otpauth_uri: uri,
    })
}

/// Confirms the setup with a code from the app: the factor is on, and ten recovery codes are made.
#[tracing::instrument(skip_all)]
pub fn enable(
    flow: Flow<'_>,
    auth: &Authenticated,
    code: &str,
) -> Result<RecoveryCodesResponse, AppError> {
    let mut conn = flow.ctx.conn()?;
    let user = users::find(&mut conn, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
    if user.mfa_enabled {
        return Err(AppError::MfaAlreadyEnabled);
    }
    let codes = flow.commit_account(&mut conn, &user.id, |tx| {
        let Some(factor) =
            store_mfa::find_totp(tx.conn, &user.id)?.filter(|f| f.confirmed_at.is_none())
        else {
            return flow::refuse(AppError::MfaNotSetUp);
        };
        if !totp_code_accepted(tx, &factor, code)? {
            return flow::refuse(AppError::InvalidFactorCode);
        }
        store_mfa::confirm_totp(tx.conn, &user.id, tx.now)?;
        let codes = new_recovery_codes(tx, &user.id)?;
        notify(tx, &user, FactorChange::Enabled)?;
        Ok(codes)
    })?;
    flow.ctx.wake_mailer();
    Ok(RecoveryCodesResponse {
        recovery_codes: codes,
    })
}

/// Turns the factor off; needs the password and a code (app or recovery).
#[tracing::instrument(skip_all)]
pub fn disable(
    flow: Flow<'_>,
    auth: &Authenticated,
    password: &str,
    code: &FactorCode,
) -> Result<(), AppError> {
    let user = password_checked(flow, auth, password)?;
    let mut conn = flow.ctx.conn()?;
    flow.commit_account(&mut conn, &user.id, |tx| {
        factor_code_accepted(tx, &user, code)?;
        store_mfa::remove_factor(tx.conn, &user.id, tx.now)?;
        notify(tx, &user, FactorChange::Disabled)?;
        Ok(())
    })?;
    flow.ctx.wake_mailer();
    Ok(())
}

/// Ten new recovery codes; the older ones die. Needs the password and a code (app or recovery).
#[tracing::instrument(skip_all)]
pub fn regenerate_recovery_codes(
    flow: Flow<'_>,
    auth: &Authenticated,
    password: &str,
    code: &FactorCode,
) -> Result<RecoveryCodesResponse, AppError> {
    let user = password_checked(flow, auth, password)?;
    let mut conn = flow.ctx.conn()?;
    let codes = flow.commit_account(&mut conn, &user.id, |tx| {
        factor_code_accepted(tx, &user, code)?;
        let codes = new_recovery_codes(tx, &user.id)?;
        notify(tx, &user, FactorChange::RecoveryCodesRenewed)?;
        Ok(codes)
    })?;
    flow.ctx.wake_mailer();
    Ok(RecoveryCodesResponse {
        recovery_codes: codes,
    })
}

/// The signed-in account, once `password` proved to be its password; the factor must be on.
fn password_checked(
    flow: Flow<'_>,
    auth: &Authenticated,
    password: &str,
) -> Result<UserRow, AppError> {
    let user = users::find(&mut *flow.ctx.conn()?, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
    if !user.mfa_enabled {
        return Err(AppError::MfaNotSetUp);
    }
    password_confirmed(flow, auth, password)
}

/// The signed-in account, once `password` proved to be its password (a wrong one is audited).
pub(crate) fn password_confirmed(
    flow: Flow<'_>,
    auth: &Authenticated,
    password: &str,
) -> Result<UserRow, AppError> {
    let user = users::find(&mut *flow.ctx.conn()?, &auth.user_id)?.ok_or(AppError::Unauthorized)?;
    let why = "wrong password to confirm an account change";
    if !login::confirm_password(flow, &user, password, why)? {
        return Err(AppError::validation(
            "password",
            "is not your current password",
        ));
    }
    Ok(user)
}

fn new_recovery_codes(tx: &mut Tx<'_, '_>, user_id: &str) -> Result<Vec<String>, AppError> {
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| totp::recovery_hash(&tx.ctx.keys.recovery_key, user_id, &code.replace('-', "")))
        .collect();
    store_mfa::replace_recovery_codes(tx.conn, user_id, &hashes, tx.now)?;
    Ok(codes)
}

/// Whether `code` is the app's code now (one step either way) and newer than any accepted before; an
/// accepted code's step is recorded in the caller's transaction, so it never works twice.
fn totp_code_accepted(tx: &mut Tx<'_, '_>, factor: &TotpRow, code: &str) -> Result<bool, AppError> {
    let secret = totp::open(
        &tx.ctx.keys.totp_key,
        &factor.user_id,
        &factor.secret_sealed,
    )?;
    let Some(step) = totp::matching_step(&secret, code, unix_seconds(tx.now))? else {
        return Ok(false);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    Ok(store_mfa::advance_step(tx.conn, &factor.user_id, step)?)
}

/// Checks a code of the confirmed factor: an app code, or a recovery code (spent, and the owner told
/// how many remain). A wrong one is `invalid_code`.
pub(crate) fn factor_code_accepted(
    tx: &mut Tx<'_, '_>,
    user: &UserRow,
    code: &FactorCode,
) -> Result<(), Stop> {
    let accepted = match code {
        FactorCode::Totp(code) => {
            match store_mfa::find_totp(tx.conn, &user.id)?.filter(|f| f.confirmed_at.is_some()) {
                Some(factor) => totp_code_accepted(tx, &factor, code)?,
                None => false,
            }
        }
        FactorCode::Recovery(compact) => {
            let hash = totp::recovery_hash(&tx.ctx.keys.recovery_key, &user.id, compact);
            let used = store_mfa::use_recovery_code(tx.conn, &user.id, &hash, tx.now)?;
            if used {
                let remaining = store_mfa::unused_recovery_codes(tx.conn, &user.id)?;
                notify(tx, user, FactorChange::RecoveryCodeUsed { remaining })?;
            }
            used
        }
    };
    if accepted {
        Ok(())
    } else {
        flow::refuse(AppError::InvalidFactorCode)
    }
}

/// Mails the owner and audits a change of the factor, in the caller's transaction.
fn notify(tx: &mut Tx<'_, '_>, user: &UserRow, change: FactorChange) -> Result<(), AppError> {
    let message = templates::factor_changed(
        user.language(),
        &tx.ctx.settings.public_url,
        &user.email,
        change,
    );
    mail::queue(
        tx.conn,
        MailKind::SecurityNotice,
        &user.email,
        message,
        tx.now,
    )?;
    let (event, detail) = match change {
        FactorChange::Enabled => (Event::MfaEnabled, None),
        FactorChange::Disabled => (Event::MfaDisabled, None),
        FactorChange::RecoveryCodeUsed { remaining } => {
            (Event::RecoveryCodeUsed, Some(format!("{remaining} left")))
        }
        FactorChange::RecoveryCodesRenewed => (Event::RecoveryCodesRenewed, None),
    };
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: detail.as_deref(),
        actor_id: None,
    };
    tx.audit(event, subject)?;
    Ok(())
}

/// Opens the second step of a login whose first step (a password, an e-mailed code) passed.
pub(crate) fn open_challenge(
    tx: &mut Tx<'_, '_>,
    user: &UserRow,
) -> Result<MfaRequiredResponse, AppError> {
    open_challenge_after(tx, user, false)
}

/// Opens the second step of a login; `by_passkey` when its first step was a passkey, which then cannot
/// be the second too.
pub(crate) fn open_challenge_after(
    tx: &mut Tx<'_, '_>,
    user: &UserRow,
    by_passkey: bool,
) -> Result<MfaRequiredResponse, AppError> {
    let (token, token_hash) = tokens::new_opaque_token();
    store_mfa::insert_challenge(
        tx.conn,
        &ChallengeRow {
            token_hash,
            user_id: user.id.clone(),
            created_at: tx.now,
            expires_at: tx.now
                + TimeDelta::from_std(tx.ctx.settings.mfa_token_ttl).unwrap_or(TimeDelta::MAX),
            attempts: 0,
            used_at: None,
            by_passkey,
        },
    )?;
    let subject = Subject {
        user_id: Some(&user.id),
        email: None,
        detail: Some("second step required"),
        actor_id: None,
    };
    tx.audit(Event::MfaChallenged, subject)?;
    let mut methods = vec!["totp".to_owned(), "recovery_code".to_owned()];
    if !by_passkey && super::passkeys::has_passkey(tx.conn, &user.id)? {
        methods.push("passkey".to_owned());
    }
    Ok(MfaRequiredResponse {
        mfa_required: true,
        mfa_token: token,
        methods,
    })
}

/// The second step of a login. Concurrency: the challenge's tries and its single use are conditional
/// updates, and wrong codes count toward the account's login throttle like wrong passwords (reserved up
/// front in the same transaction as the check).
#[tracing::instrument(skip_all)]
pub fn login_second_step(
    flow: Flow<'_>,
    mfa_token: &str,
    code: &FactorCode,
    device: Option<&str>,
) -> Result<LoggedIn, AppError> {
    let token_hash = tokens::hash_opaque_token(mfa_token);
    let mut conn = flow.ctx.conn()?;
    let signed_in = flow.commit_keyed(&mut conn, |tx| {
        let Some(challenge) = store_mfa::live_challenge(tx.conn, &token_hash, MAX_TRIES, tx.now)?
        else {
            return flow::refuse(AppError::InvalidToken);
        };
        // The challenge's account never changes; its tries and its use are conditional updates below.
        tx.lock(&[&flow::account_lock(&challenge.user_id)])?;
        let Some(user) = users::find(tx.conn, &challenge.user_id)? else {
            return flow::refuse(AppError::InvalidToken);
        };
        let subject = login::account_subject(&user.id);
        let reservation = login::reserve_attempt(tx, &subject, Some(user.clone()), device)?;
        if let Err(stop) = factor_code_accepted(tx, &user, code) {
            let Stop::Refused(refusal) = stop else {
                return Err(stop);
            };
            let tries = store_mfa::challenge_failed(tx.conn, &token_hash)?;
            login::record_failure(tx, &reservation, "wrong second-factor code")?;
            let left = u32::try_from(MAX_TRIES - tries).unwrap_or(0);
            return flow::refuse(match refusal {
                AppError::InvalidFactorCode => AppError::InvalidCode {
                    attempts_remaining: left,
                },
                other => other,
            });
        }
        if !store_mfa::spend_challenge(tx.conn, &token_hash, tx.now)? {
            return flow::refuse(AppError::InvalidToken);
        }
        reservation.settle_success(tx.conn)?;
        let session = login::open_session(tx, &user)?;
        Ok((user, session))
    })?;
    flow.ctx.wake_mailer();
    let (user, session) = signed_in;
    LoggedIn::new(flow.ctx, &user, session, device)
}
