//! The code log: what happened to e-mailed codes (issued, replaced, verified, failed, expired), never a
//! code or its hash.

use diesel::prelude::*;

use super::schema::code_events;
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = code_events)]
pub struct CodeEventRow {
    pub id: i32,
    pub at: Timestamp,
    pub email: String,
    pub purpose: String,
    pub event: String,
    pub ip: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = code_events)]
pub struct NewCodeEvent<'a> {
    pub at: Timestamp,
    /// The lower-cased address.
    pub email: &'a str,
    pub purpose: &'a str,
    pub event: &'a str,
    pub ip: Option<&'a str>,
}

pub fn record(conn: &mut Conn, event: &NewCodeEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(code_events::table)
        .values(event)
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Filter<'a> {
    /// Part of the lower-cased address.
    pub email: Option<&'a str>,
    pub purpose: Option<&'a str>,
}

fn filtered<'a>(filter: Filter<'a>) -> code_events::BoxedQuery<'a, super::Db> {
    let mut query = code_events::table.into_boxed();
    if let Some(part) = filter.email {
        query = query.filter(
            code_events::email
                .like(super::contains_pattern(part))
                .escape('\\'),
        );
    }
    if let Some(purpose) = filter.purpose {
        query = query.filter(code_events::purpose.eq(purpose));
    }
    query
}

/// One page of the log, newest first, and the number of events that match.
pub fn page(
    conn: &mut Conn,
    filter: Filter<'_>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<CodeEventRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .select(CodeEventRow::as_select())
        .order(code_events::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// The events of one address, newest first.
pub fn of_address(
    conn: &mut Conn,
    email_key: &str,
    limit: Option<i64>,
) -> QueryResult<Vec<CodeEventRow>> {
    let query = code_events::table
        .filter(code_events::email.eq(email_key))
        .select(CodeEventRow::as_select())
        .order(code_events::id.desc());
    match limit {
        Some(limit) => query.limit(limit).load(conn),
        None => query.load(conn),
    }
}

pub fn delete_of_address(conn: &mut Conn, email_key: &str) -> QueryResult<usize> {
    diesel::delete(code_events::table.filter(code_events::email.eq(email_key))).execute(conn)
}

pub fn purge(conn: &mut Conn, before: Timestamp) -> QueryResult<usize> {
    diesel::delete(code_events::table.filter(code_events::at.lt(before))).execute(conn)
}
