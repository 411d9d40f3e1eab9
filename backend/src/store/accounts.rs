//! The admin's user table: accounts and pending registrations in one list, searched and paged in SQL.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use super::{Conn, Timestamp};

/// One line of the user table. A pending registration has its own id, no sign-in and no sessions.
#[derive(Debug, Clone, QueryableByName)]
pub struct AccountListRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Bool)]
    pub email_verified: bool,
    #[diesel(sql_type = Bool)]
    pub mfa_enabled: bool,
    #[diesel(sql_type = Text)]
    pub role: String,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    pub created_at: Timestamp,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamp>)]
    pub disabled_at: Option<Timestamp>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamp>)]
    pub last_login_at: Option<Timestamp>,
    #[diesel(sql_type = BigInt)]
    pub active_sessions: i64,
    /// `pending`, `active` or `disabled`.
    #[diesel(sql_type = Text)]
    pub state: String,
    #[diesel(sql_type = Text)]
    pub language: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Accounts (with their open sessions counted at `now`) and live registrations, as one relation.
const ALL: &str = "SELECT u.id, u.username, u.email, u.email_verified, u.mfa_enabled, u.role, u.created_at, \
       u.disabled_at, u.last_login_at, \
       (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > ?) \
         AS active_sessions, \
       CASE WHEN u.disabled_at IS NULL THEN 'active' ELSE 'disabled' END AS state, \
       u.username_key, u.email_key, u.language \
     FROM users u \
   UNION ALL \
     SELECT r.id, r.username, r.email, FALSE, FALSE, 'user', r.created_at, \
       CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), 0, 'pending', r.username_key, r.email_key, r.language \
     FROM registrations r WHERE r.expires_at > ?";

const MATCHING: &str =
    "(? IS NULL OR a.username_key LIKE ? ESCAPE '\\' OR a.email_key LIKE ? ESCAPE '\\') \
     AND (? IS NULL OR a.state = ?)";

/// What the user table is filtered by; `None` matches everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Filter<'a> {
    /// Part of the username or address, any case.
    pub query: Option<&'a str>,
    /// `pending`, `active` or `disabled`.
    pub state: Option<&'a str>,
}

/// One page of the user table, newest first, and the number of lines that match.
pub fn page(
    conn: &mut Conn,
    filter: Filter<'_>,
    now: Timestamp,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AccountListRow>, i64)> {
    let pattern = filter.query.map(super::contains_pattern);
    let total = diesel::sql_query(conn.placeholders(&format!(
        "SELECT COUNT(*) AS n FROM ({ALL}) a WHERE {MATCHING}"
    )))
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<Nullable<Text>, _>(pattern.as_deref())
    .bind::<Nullable<Text>, _>(pattern.as_deref())
    .bind::<Nullable<Text>, _>(pattern.as_deref())
    .bind::<Nullable<Text>, _>(filter.state)
    .bind::<Nullable<Text>, _>(filter.state)
    .get_result::<Count>(conn)?
    .n;
    let rows = diesel::sql_query(conn.placeholders(&format!(
        "SELECT a.id, a.username, a.email, a.email_verified, a.mfa_enabled, a.role, a.created_at, \
           a.disabled_at, a.last_login_at, a.active_sessions, a.state, a.language \
         FROM ({ALL}) a WHERE {MATCHING} ORDER BY a.created_at DESC, a.id LIMIT ? OFFSET ?"
    )))
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<Nullable<Text>, _>(pattern.as_deref())
    .bind::<Nullable<Text>, _>(pattern.as_deref())
    .bind::<Nullable<Text>, _>(pattern.as_deref())
    .bind::<Nullable<Text>, _>(filter.state)
    .bind::<Nullable<Text>, _>(filter.state)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)?;
    Ok((rows, total))
}

/// One line of the user table by id (an account or a live registration).
pub fn find(conn: &mut Conn, id: &str, now: Timestamp) -> QueryResult<Option<AccountListRow>> {
    diesel::sql_query(conn.placeholders(&format!(
        "SELECT a.id, a.username, a.email, a.email_verified, a.mfa_enabled, a.role, a.created_at, \
           a.disabled_at, a.last_login_at, a.active_sessions, a.state, a.language \
         FROM ({ALL}) a WHERE a.id = ?"
    )))
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .bind::<Text, _>(id)
    .get_result(conn)
    .optional()
}
