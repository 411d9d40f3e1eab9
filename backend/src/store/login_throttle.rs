//! Consecutive failed logins and the lock they cause.

use diesel::prelude::*;

use super::schema::login_throttle;
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttle)]
#[diesel(treat_none_as_null = true)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub locked_until: Option<Timestamp>,
    pub updated_at: Timestamp,
}

pub fn find(conn: &mut Conn, key: &str) -> QueryResult<Option<ThrottleRow>> {
    login_throttle::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(conn)
        .optional()
}

pub fn save(conn: &mut Conn, row: &ThrottleRow) -> QueryResult<()> {
    diesel::insert_into(login_throttle::table)
        .values(row)
        .on_conflict(login_throttle::key)
        .do_update()
        .set(row)
        .execute(conn)
        .map(drop)
}

pub fn clear(conn: &mut Conn, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(key))
        .execute(conn)
        .map(drop)
}

/// Forgets failures last seen before `before` whose lock (if any) has ended.
pub fn purge(conn: &mut Conn, before: Timestamp, now: Timestamp) -> QueryResult<usize> {
    diesel::delete(
        login_throttle::table
            .filter(login_throttle::updated_at.lt(before))
            .filter(
                login_throttle::locked_until
                    .is_null()
                    .or(login_throttle::locked_until.lt(now)),
            ),
    )
    .execute(conn)
}
