//! Sessions and their refresh tokens (kept as SHA-256 hashes, also after they are spent).

use diesel::prelude::*;

use super::changes::{self, Change};
use super::schema::{refresh_tokens, sessions};
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub created_at: Timestamp,
    pub last_used_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub revoked_reason: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

impl SessionRow {
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub token_hash: String,
    pub session_id: String,
    pub created_at: Timestamp,
    pub spent_at: Option<Timestamp>,
}

pub fn insert(conn: &mut Conn, session: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut Conn, id: &str) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_active_for_user(
    conn: &mut Conn,
    user_id: &str,
    now: Timestamp,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order(sessions::last_used_at.desc())
        .select(SessionRow::as_select())
        .load(conn)
}

/// Every session of the user still kept, open or ended, newest first (the account's export).
pub fn all_for_user(conn: &mut Conn, user_id: &str) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .order(sessions::created_at.desc())
        .select(SessionRow::as_select())
        .load(conn)
}

pub fn touch(conn: &mut Conn, id: &str, now: Timestamp) -> QueryResult<()> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_used_at.eq(now))
        .execute(conn)
        .map(drop)
}

pub fn revoke(conn: &mut Conn, id: &str, reason: &str, now: Timestamp) -> QueryResult<bool> {
    let rows = diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(changes::record_if_written(conn, rows, Change::Session(id.to_owned()))? > 0)
}

/// Revokes every session of the user but `except`; returns how many were still open.
pub fn revoke_all_for_user(
    conn: &mut Conn,
    user_id: &str,
    except: Option<&str>,
    reason: &str,
    now: Timestamp,
) -> QueryResult<usize> {
    let rows = diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::id.ne(except.unwrap_or_default())),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    changes::record_if_written(conn, rows, Change::User(user_id.to_owned()))
}

pub fn insert_refresh_token(
    conn: &mut Conn,
    token_hash: &str,
    session_id: &str,
    now: Timestamp,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find_refresh_token(
    conn: &mut Conn,
    token_hash: &str,
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .find(token_hash)
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the token spent; false if it already was (a concurrent refresh got there first).
pub fn spend_refresh_token(conn: &mut Conn, token_hash: &str, now: Timestamp) -> QueryResult<bool> {
    diesel::update(
        refresh_tokens::table
            .find(token_hash)
            .filter(refresh_tokens::spent_at.is_null()),
    )
    .set(refresh_tokens::spent_at.eq(now))
    .execute(conn)
    .map(|n| n > 0)
}

/// Deletes sessions that ended (expired or revoked) before `ended_before`, with their tokens.
pub fn purge(conn: &mut Conn, ended_before: Timestamp) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .lt(ended_before)
                .or(sessions::revoked_at.lt(ended_before)),
        ),
    )
    .execute(conn)
}
