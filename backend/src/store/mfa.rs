//! Second-factor rows: an account's authenticator secret, its recovery codes, and the second steps of
//! logins in progress.

use diesel::prelude::*;

use super::changes::{self, Change};
use super::schema::{mfa_challenges, recovery_codes, totp_factors, users};
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = totp_factors)]
pub struct TotpRow {
    pub user_id: String,
    pub secret_sealed: String,
    pub created_at: Timestamp,
    pub confirmed_at: Option<Timestamp>,
    pub last_step: Option<i64>,
}

pub fn find_totp(conn: &mut Conn, user_id: &str) -> QueryResult<Option<TotpRow>> {
    totp_factors::table
        .find(user_id)
        .select(TotpRow::as_select())
        .first(conn)
        .optional()
}

/// Stores a new, unconfirmed secret, replacing an unconfirmed one; never a confirmed one.
pub fn replace_unconfirmed_totp(conn: &mut Conn, row: &TotpRow) -> QueryResult<bool> {
    diesel::delete(
        totp_factors::table
            .find(&row.user_id)
            .filter(totp_factors::confirmed_at.is_null()),
    )
    .execute(conn)?;
    super::on_backend!(conn, |c| diesel::insert_into(totp_factors::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c)
        .map(|n| n == 1))
}

/// Records that the code of `step` was accepted, if no code of that step or a later one was before:
/// `false` means a replay (or a race lost to the same code).
pub fn advance_step(conn: &mut Conn, user_id: &str, step: i64) -> QueryResult<bool> {
    diesel::update(
        totp_factors::table.find(user_id).filter(
            totp_factors::last_step
                .is_null()
                .or(totp_factors::last_step.lt(step)),
        ),
    )
    .set(totp_factors::last_step.eq(step))
    .execute(conn)
    .map(|n| n == 1)
}

/// Confirms the secret and turns the factor on for the account.
pub fn confirm_totp(conn: &mut Conn, user_id: &str, now: Timestamp) -> QueryResult<bool> {
    let confirmed = diesel::update(
        totp_factors::table
            .find(user_id)
            .filter(totp_factors::confirmed_at.is_null()),
    )
    .set(totp_factors::confirmed_at.eq(now))
    .execute(conn)?;
    diesel::update(users::table.find(user_id))
        .set((users::mfa_enabled.eq(true), users::updated_at.eq(now)))
        .execute(conn)?;
    changes::record(conn, Change::User(user_id.to_owned()))?;
    Ok(confirmed == 1)
}

/// Turns the factor off: the secret and every recovery code go.
pub fn remove_factor(conn: &mut Conn, user_id: &str, now: Timestamp) -> QueryResult<()> {
    diesel::delete(totp_factors::table.find(user_id)).execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::delete(mfa_challenges::table.filter(mfa_challenges::user_id.eq(user_id)))
        .execute(conn)?;
    diesel::update(users::table.find(user_id))
        .set((users::mfa_enabled.eq(false), users::updated_at.eq(now)))
        .execute(conn)?;
    changes::record(conn, Change::User(user_id.to_owned()))
}

/// Replaces every recovery code of the account with these hashes.
pub fn replace_recovery_codes(
    conn: &mut Conn,
    user_id: &str,
    hashes: &[String],
    now: Timestamp,
) -> QueryResult<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    let rows: Vec<_> = hashes
        .iter()
        .map(|hash| {
            (
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(now),
            )
        })
        .collect();
    super::on_backend!(conn, |c| diesel::insert_into(recovery_codes::table)
        .values(&rows)
        .execute(c)
        .map(drop))
}

/// Spends the unused recovery code with this hash; `false` if there is none (wrong, or used before).
pub fn use_recovery_code(
    conn: &mut Conn,
    user_id: &str,
    hash: &str,
    now: Timestamp,
) -> QueryResult<bool> {
    diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now))
    .execute(conn)
    .map(|n| n >= 1)
}

pub fn unused_recovery_codes(conn: &mut Conn, user_id: &str) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mfa_challenges)]
pub struct ChallengeRow {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub attempts: i32,
    pub used_at: Option<Timestamp>,
    /// The first step was a passkey without user verification: no passkey may be the second.
    pub by_passkey: bool,
}

pub fn insert_challenge(conn: &mut Conn, row: &ChallengeRow) -> QueryResult<()> {
    diesel::insert_into(mfa_challenges::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The challenge `token_hash` names if it can still be answered: unused, unexpired, tries left.
pub fn live_challenge(
    conn: &mut Conn,
    token_hash: &str,
    max_attempts: i32,
    now: Timestamp,
) -> QueryResult<Option<ChallengeRow>> {
    mfa_challenges::table
        .find(token_hash)
        .filter(mfa_challenges::used_at.is_null())
        .filter(mfa_challenges::expires_at.gt(now))
        .filter(mfa_challenges::attempts.lt(max_attempts))
        .select(ChallengeRow::as_select())
        .first(conn)
        .optional()
}

/// Counts a wrong code; returns the new count.
pub fn challenge_failed(conn: &mut Conn, token_hash: &str) -> QueryResult<i32> {
    diesel::update(mfa_challenges::table.find(token_hash))
        .set(mfa_challenges::attempts.eq(mfa_challenges::attempts + 1))
        .returning(mfa_challenges::attempts)
        .get_result(conn)
}

/// Spends the challenge; `false` if another request spent it first.
pub fn spend_challenge(conn: &mut Conn, token_hash: &str, now: Timestamp) -> QueryResult<bool> {
    diesel::update(
        mfa_challenges::table
            .find(token_hash)
            .filter(mfa_challenges::used_at.is_null()),
    )
    .set(mfa_challenges::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// Drops challenges that ended before `before`.
pub fn purge_challenges(conn: &mut Conn, before: Timestamp) -> QueryResult<usize> {
    diesel::delete(mfa_challenges::table.filter(mfa_challenges::expires_at.lt(before)))
        .execute(conn)
}
