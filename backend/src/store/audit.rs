//! The audit trail of security events.

use diesel::prelude::*;

use super::schema::audit_events;
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent<'a> {
    pub at: Timestamp,
    pub event: &'a str,
    pub user_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub actor_id: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: i32,
    pub at: Timestamp,
    pub event: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
    pub actor_id: Option<String>,
}

pub fn record(conn: &mut Conn, event: &NewAuditEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values(event)
        .execute(conn)
        .map(drop)
}

/// The newest events first, optionally of one account.
pub fn recent(conn: &mut Conn, user_id: Option<&str>, limit: i64) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_events::table
        .select(AuditRow::as_select())
        .order(audit_events::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(id) = user_id {
        query = query.filter(audit_events::user_id.eq(id));
    }
    query.load(conn)
}

/// Filters of the audit list; `None` matches everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Filter<'a> {
    pub user_id: Option<&'a str>,
    pub kind: Option<&'a str>,
}

fn filtered<'a>(filter: Filter<'a>) -> audit_events::BoxedQuery<'a, super::Db> {
    let mut query = audit_events::table.into_boxed();
    if let Some(id) = filter.user_id {
        query = query.filter(audit_events::user_id.eq(id));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(audit_events::event.eq(kind));
    }
    query
}

/// One page of the trail, newest first, and the number of events that match.
pub fn page(
    conn: &mut Conn,
    filter: Filter<'_>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .select(AuditRow::as_select())
        .order(audit_events::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// The events about an account: those naming it, and those naming its address (the codes and failed
/// sign-ins that came before or without the account), newest first.
pub fn of_account(
    conn: &mut Conn,
    user_id: &str,
    addresses: &[&str],
    limit: Option<i64>,
) -> QueryResult<Vec<AuditRow>> {
    let query = audit_events::table
        .filter(
            audit_events::user_id
                .eq(user_id)
                .or(audit_events::email.eq_any(addresses)),
        )
        .select(AuditRow::as_select())
        .order(audit_events::id.desc());
    match limit {
        Some(limit) => query.limit(limit).load(conn),
        None => query.load(conn),
    }
}

/// Erases the events about an account (its deletion). What admins did to it stays: that is the
/// operator's own record of its admins (who acted, from where), and names only the account's random id.
pub fn delete_of_account(conn: &mut Conn, user_id: &str, addresses: &[&str]) -> QueryResult<usize> {
    diesel::delete(
        audit_events::table
            .filter(
                audit_events::user_id
                    .eq(user_id)
                    .or(audit_events::email.eq_any(addresses)),
            )
            .filter(audit_events::actor_id.is_null()),
    )
    .execute(conn)
}

/// How many events of each kind happened on each UTC day since `since`.
#[derive(Debug, QueryableByName)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub day: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

pub fn daily_counts(conn: &mut Conn, since: Timestamp) -> QueryResult<Vec<DayCount>> {
    // The day is the first ten characters of the stored timestamp (`YYYY-MM-DD HH:MM:SS…`).
    diesel::sql_query(conn.placeholders(
        "SELECT substr(CAST(at AS TEXT), 1, 10) AS day, event AS kind, COUNT(*) AS n \
         FROM audit_events WHERE at >= ? GROUP BY day, kind",
    ))
    .bind::<diesel::sql_types::Timestamp, _>(since)
    .load(conn)
}

pub fn purge(conn: &mut Conn, before: Timestamp) -> QueryResult<usize> {
    diesel::delete(audit_events::table.filter(audit_events::at.lt(before))).execute(conn)
}
