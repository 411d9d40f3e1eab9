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

pub fn purge(conn: &mut Conn, before: Timestamp) -> QueryResult<usize> {
    diesel::delete(audit_events::table.filter(audit_events::at.lt(before))).execute(conn)
}
