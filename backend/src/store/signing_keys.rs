//! The token signing keys (see the migration): sealed private halves, never decrypted in SQL.

use diesel::prelude::*;

use super::schema::signing_keys;
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
pub struct SigningKeyRow {
    pub kid: String,
    pub algorithm: String,
    /// The raw public key, base64url (a JWK's `x`).
    pub public_key: String,
    pub private_key_sealed: String,
    pub created_at: Timestamp,
    pub retired_at: Option<Timestamp>,
}

/// The keys still published: not retired, or retired after `retired_since`. Newest first.
pub fn published(conn: &mut Conn, retired_since: Timestamp) -> QueryResult<Vec<SigningKeyRow>> {
    signing_keys::table
        .filter(
            signing_keys::retired_at
                .is_null()
                .or(signing_keys::retired_at.gt(retired_since)),
        )
        .order((signing_keys::created_at.desc(), signing_keys::kid.desc()))
        .select(SigningKeyRow::as_select())
        .load(conn)
}

/// Whether a key is signing (not retired).
pub fn any_active(conn: &mut Conn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        signing_keys::table.filter(signing_keys::retired_at.is_null()),
    ))
    .get_result(conn)
}

/// Retires every signing key; returns how many.
pub fn retire_all(conn: &mut Conn, now: Timestamp) -> QueryResult<usize> {
    diesel::update(signing_keys::table.filter(signing_keys::retired_at.is_null()))
        .set(signing_keys::retired_at.eq(now))
        .execute(conn)
}

pub fn insert(conn: &mut Conn, row: &SigningKeyRow) -> QueryResult<()> {
    diesel::insert_into(signing_keys::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Forgets keys retired before `before` (no token they signed is alive).
pub fn purge(conn: &mut Conn, before: Timestamp) -> QueryResult<usize> {
    diesel::delete(signing_keys::table.filter(signing_keys::retired_at.lt(before))).execute(conn)
}
