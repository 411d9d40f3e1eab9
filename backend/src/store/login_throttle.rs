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
    super::on_backend!(conn, |c| diesel::insert_into(login_throttle::table)
        .values(row)
        .on_conflict(login_throttle::key)
        .do_update()
        .set(row)
        .execute(c)
        .map(drop))
}

pub fn clear(conn: &mut Conn, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(key))
        .execute(conn)
        .map(drop)
}

/// Takes back one failure counted up front for an attempt that succeeded, ending the pause if that
/// attempt was what started it; the failures of others stay counted.
pub fn take_back_one(conn: &mut Conn, key: &str, threshold: i32) -> QueryResult<()> {
    diesel::update(
        login_throttle::table
            .find(key)
            .filter(login_throttle::failures.gt(0)),
    )
    .set(login_throttle::failures.eq(login_throttle::failures - 1))
    .execute(conn)?;
    diesel::update(
        login_throttle::table
            .find(key)
            .filter(login_throttle::failures.lt(threshold)),
    )
    .set(login_throttle::locked_until.eq(None::<super::Timestamp>))
    .execute(conn)
    .map(drop)
}

/// Forgets every count of `subject` ("user:<id>"): the account-wide one, and those of its sources and
/// devices.
pub fn clear_subject(conn: &mut Conn, subject: &str) -> QueryResult<usize> {
    diesel::delete(
        login_throttle::table.filter(
            login_throttle::key
                .eq(subject)
                .or(login_throttle::key.like(format!("{subject}|%"))),
        ),
    )
    .execute(conn)
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
