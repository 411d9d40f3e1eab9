//! Passkey rows: an account's WebAuthn credentials, and the ceremonies (challenges) in progress.

use diesel::prelude::*;

use super::schema::{passkey_ceremonies, passkeys};
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = passkeys)]
pub struct PasskeyRow {
    pub id: String,
    pub user_id: String,
    /// base64url, as the browser names it.
    pub credential_id: String,
    pub name: String,
    /// The library's credential (public key, counter, flags) as JSON.
    pub credential: String,
    pub user_verified: bool,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = passkey_ceremonies)]
pub struct CeremonyRow {
    pub token_hash: String,
    pub purpose: String,
    pub user_id: Option<String>,
    pub bound_to: Option<String>,
    pub state: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The account's passkeys, oldest first.
pub fn list(conn: &mut Conn, user_id: &str) -> QueryResult<Vec<PasskeyRow>> {
    passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .order((passkeys::created_at.asc(), passkeys::id.asc()))
        .select(PasskeyRow::as_select())
        .load(conn)
}

pub fn find_by_credential_id(
    conn: &mut Conn,
    credential_id: &str,
) -> QueryResult<Option<PasskeyRow>> {
    passkeys::table
        .filter(passkeys::credential_id.eq(credential_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut Conn, user_id: &str, id: &str) -> QueryResult<Option<PasskeyRow>> {
    passkeys::table
        .find(id)
        .filter(passkeys::user_id.eq(user_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()
}

/// `false` when the credential id is already registered (to this account or another).
pub fn insert(conn: &mut Conn, row: &PasskeyRow) -> QueryResult<bool> {
    super::on_backend!(conn, |c| diesel::insert_into(passkeys::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c)
        .map(|n| n == 1))
}

/// Records a use: the credential's new counter and flags, only over the state that was checked
/// (compare-and-set), so two assertions racing with one counter value cannot both count.
pub fn record_use(
    conn: &mut Conn,
    id: &str,
    checked_credential: &str,
    credential: &str,
    now: Timestamp,
) -> QueryResult<bool> {
    diesel::update(
        passkeys::table
            .find(id)
            .filter(passkeys::credential.eq(checked_credential)),
    )
    .set((
        passkeys::credential.eq(credential),
        passkeys::last_used_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn rename(conn: &mut Conn, user_id: &str, id: &str, name: &str) -> QueryResult<bool> {
    diesel::update(
        passkeys::table
            .find(id)
            .filter(passkeys::user_id.eq(user_id)),
    )
    .set(passkeys::name.eq(name))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn delete(conn: &mut Conn, user_id: &str, id: &str) -> QueryResult<Option<PasskeyRow>> {
    super::on_backend!(conn, |c| diesel::delete(
        passkeys::table
            .find(id)
            .filter(passkeys::user_id.eq(user_id)),
    )
    .returning(PasskeyRow::as_returning())
    .get_result(c)
    .optional())
}

pub fn count(conn: &mut Conn, user_id: &str) -> QueryResult<i64> {
    passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .count()
        .get_result(conn)
}

pub fn insert_ceremony(conn: &mut Conn, row: &CeremonyRow) -> QueryResult<()> {
    diesel::insert_into(passkey_ceremonies::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Spends a ceremony of `purpose`: whatever the answer turns out to be, its challenge never serves a
/// second one. `None` when it is unknown, of another purpose, already spent or expired.
pub fn spend_ceremony(
    conn: &mut Conn,
    token_hash: &str,
    purpose: &str,
    now: Timestamp,
) -> QueryResult<Option<CeremonyRow>> {
    let spent = super::on_backend!(conn, |c| diesel::delete(
        passkey_ceremonies::table
            .find(token_hash)
            .filter(passkey_ceremonies::purpose.eq(purpose)),
    )
    .returning(CeremonyRow::as_returning())
    .get_result(c)
    .optional())?;
    Ok(spent.filter(|ceremony| ceremony.expires_at > now))
}

/// Drops ceremonies nobody finished.
pub fn purge_expired_ceremonies(conn: &mut Conn, now: Timestamp) -> QueryResult<usize> {
    diesel::delete(passkey_ceremonies::table.filter(passkey_ceremonies::expires_at.le(now)))
        .execute(conn)
}
