//! The mail outbox: rows are queued by the transaction that caused them and delivered by the worker.

use diesel::prelude::*;

use super::schema::outbox;
use super::{Conn, Timestamp};

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// Which worker delivers a row.
pub const MAIL: &str = "mail";
pub const WEBHOOK: &str = "webhook";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub next_attempt_at: Timestamp,
    pub locked_until: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    /// [`MAIL`] or [`WEBHOOK`].
    pub channel: String,
}

impl OutboxRow {
    /// A row to deliver now: never tried, not leased.
    pub fn queued(
        id: String,
        channel: &str,
        kind: &str,
        recipient: &str,
        subject: String,
        bodies: (String, Option<String>),
        now: Timestamp,
    ) -> Self {
        Self {
            id,
            kind: kind.to_owned(),
            recipient: recipient.to_owned(),
            subject,
            body_text: Some(bodies.0),
            body_html: bodies.1,
            status: QUEUED.to_owned(),
            attempts: 0,
            last_error: None,
            created_at: now,
            next_attempt_at: now,
            locked_until: None,
            sent_at: None,
            channel: channel.to_owned(),
        }
    }
}

pub fn insert(conn: &mut Conn, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Leases up to `limit` due mails until `lease_until`, so that two workers (or two instances) never send
/// the same mail at once, and a worker that dies mid-send only delays it.
pub fn claim_due(
    conn: &mut Conn,
    channel: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let due: Vec<String> = outbox::table
        .filter(outbox::channel.eq(channel))
        .filter(outbox::status.eq(QUEUED))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(now)),
        )
        .order(outbox::next_attempt_at.asc())
        .limit(limit)
        .select(outbox::id)
        .load(conn)?;
    let mut claimed = Vec::with_capacity(due.len());
    for id in due {
        claimed.extend(lease(conn, &id, now, lease_until)?);
    }
    Ok(claimed)
}

/// Leases row `id` if it is still due and free. The list of due rows was read before, and meanwhile
/// another worker may have leased the row, delivered it and released it (sent, or waiting for a retry):
/// so the whole test of "due" is repeated here, not only the lease, or that row would be sent twice.
fn lease(
    conn: &mut Conn,
    id: &str,
    now: Timestamp,
    lease_until: Timestamp,
) -> QueryResult<Option<OutboxRow>> {
    super::on_backend!(conn, |c| diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(QUEUED))
            .filter(outbox::next_attempt_at.le(now))
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.lt(now)),
            ),
    )
    .set(outbox::locked_until.eq(lease_until))
    .returning(OutboxRow::as_returning())
    .get_result(c)
    .optional())
}

/// Delivered: the bodies, which may hold a code, are dropped.
pub fn mark_sent(conn: &mut Conn, id: &str, now: Timestamp) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(SENT),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(now),
            outbox::locked_until.eq(None::<Timestamp>),
            outbox::last_error.eq(None::<String>),
            outbox::body_text.eq(None::<String>),
            outbox::body_html.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

pub fn mark_retry(
    conn: &mut Conn,
    id: &str,
    error: &str,
    next_attempt_at: Timestamp,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::locked_until.eq(None::<Timestamp>),
        ))
        .execute(conn)
        .map(drop)
}

pub fn mark_failed(conn: &mut Conn, id: &str, error: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(FAILED),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::locked_until.eq(None::<Timestamp>),
            outbox::body_text.eq(None::<String>),
            outbox::body_html.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

/// Whether a mail of `kind` was queued for `recipient` since `since` (to rate-limit notices).
pub fn queued_since(
    conn: &mut Conn,
    recipient: &str,
    kind: &str,
    since: Timestamp,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        outbox::table
            .filter(outbox::recipient.eq(recipient))
            .filter(outbox::kind.eq(kind))
            .filter(outbox::created_at.gt(since)),
    ))
    .get_result(conn)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Default, Clone, Copy)]
pub struct Filter<'a> {
    /// Part of the recipient's address, any case.
    pub recipient: Option<&'a str>,
    pub status: Option<&'a str>,
    pub channel: Option<&'a str>,
}

fn filtered<'a>(filter: Filter<'a>) -> outbox::BoxedQuery<'a, super::Db> {
    let mut query = outbox::table.into_boxed();
    if let Some(part) = filter.recipient {
        query = query.filter(
            lower(outbox::recipient)
                .like(super::contains_pattern(part))
                .escape('\\'),
        );
    }
    if let Some(status) = filter.status {
        query = query.filter(outbox::status.eq(status));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(outbox::channel.eq(channel));
    }
    query
}

/// What the mail log shows of a mail: never its subject line or bodies (they may carry a code).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct MailLogRow {
    pub id: String,
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// One page of the mail log, newest first, and the number of mails that match.
pub fn page(
    conn: &mut Conn,
    filter: Filter<'_>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<MailLogRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .select(MailLogRow::as_select())
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// The mails to one address (lower-cased), newest first.
pub fn to_address(
    conn: &mut Conn,
    email_key: &str,
    limit: Option<i64>,
) -> QueryResult<Vec<MailLogRow>> {
    let query = outbox::table
        .filter(outbox::channel.eq(MAIL))
        .filter(lower(outbox::recipient).eq(email_key))
        .select(MailLogRow::as_select())
        .order((outbox::created_at.desc(), outbox::id.desc()));
    match limit {
        Some(limit) => query.limit(limit).load(conn),
        None => query.load(conn),
    }
}

/// Forgets every mail to an address (lower-cased), delivered or not: the account is gone.
pub fn delete_to_address(conn: &mut Conn, email_key: &str) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::channel.eq(MAIL))
            .filter(lower(outbox::recipient).eq(email_key)),
    )
    .execute(conn)
}

/// Failed mails since `since`, per UTC day of their creation.
pub fn failed_per_day(
    conn: &mut Conn,
    since: Timestamp,
) -> QueryResult<Vec<super::audit::DayCount>> {
    diesel::sql_query(conn.placeholders(
        "SELECT substr(CAST(created_at AS TEXT), 1, 10) AS day, status AS kind, COUNT(*) AS n \
         FROM outbox WHERE created_at >= ? AND status = 'failed' AND channel = 'mail' \
         GROUP BY day, status",
    ))
    .bind::<diesel::sql_types::Timestamp, _>(since)
    .load(conn)
}

/// Per channel: rows waiting to be delivered, and the age in seconds of the oldest (0 when none).
pub fn queue_stats(conn: &mut Conn, now: Timestamp) -> QueryResult<Vec<(String, i64, i64)>> {
    let mut stats = Vec::new();
    for channel in [MAIL, WEBHOOK] {
        let waiting = outbox::table
            .filter(outbox::channel.eq(channel))
            .filter(outbox::status.eq(QUEUED));
        let count: i64 = waiting.count().get_result(conn)?;
        let oldest: Option<Timestamp> = waiting
            .select(diesel::dsl::min(outbox::created_at))
            .first(conn)?;
        let age = oldest.map_or(0, |t| (now - t).num_seconds().max(0));
        stats.push((channel.to_owned(), count, age));
    }
    Ok(stats)
}

/// Forgets finished mails created before `created_before`.
pub fn purge(conn: &mut Conn, created_before: Timestamp) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::status.ne(QUEUED))
            .filter(outbox::created_at.lt(created_before)),
    )
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn queued(id: &str, now: Timestamp) -> OutboxRow {
        OutboxRow::queued(
            id.into(),
            MAIL,
            "verify_email",
            "a@example.com",
            "s".into(),
            ("code 123456".into(), Some("<p>123456</p>".into())),
            now,
        )
    }

    #[test]
    fn a_claimed_mail_is_not_claimed_again_until_its_lease_ends() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        insert(&mut conn, &queued("m1", now)).unwrap();
        let lease = now + Duration::seconds(60);
        assert_eq!(claim_due(&mut conn, MAIL, now, lease, 10).unwrap().len(), 1);
        assert!(claim_due(&mut conn, MAIL, now, lease, 10)
            .unwrap()
            .is_empty());
        let later = lease + Duration::seconds(1);
        assert_eq!(
            claim_due(&mut conn, MAIL, later, later + Duration::seconds(60), 10)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_row_another_worker_delivered_or_deferred_since_the_list_was_read_is_not_leased() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        let lease_until = now + Duration::seconds(60);
        insert(&mut conn, &queued("sent", now)).unwrap();
        insert(&mut conn, &queued("retry", now)).unwrap();
        insert(&mut conn, &queued("failed", now)).unwrap();
        // The rows were due when a worker listed them; another leased, tried and released them since.
        for id in ["sent", "retry", "failed"] {
            assert!(lease(&mut conn, id, now, lease_until).unwrap().is_some());
        }
        mark_sent(&mut conn, "sent", now).unwrap();
        mark_retry(&mut conn, "retry", "refused", now + Duration::seconds(30)).unwrap();
        mark_failed(&mut conn, "failed", "refused").unwrap();

        for id in ["sent", "retry", "failed"] {
            assert!(
                lease(&mut conn, id, now, lease_until).unwrap().is_none(),
                "{id} was leased again"
            );
        }
    }

    #[test]
    fn a_sent_mail_loses_its_bodies_and_a_retried_one_waits() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        insert(&mut conn, &queued("sent", now)).unwrap();
        insert(&mut conn, &queued("retry", now)).unwrap();
        mark_sent(&mut conn, "sent", now).unwrap();
        mark_retry(
            &mut conn,
            "retry",
            "connection refused",
            now + Duration::seconds(30),
        )
        .unwrap();

        let rows: Vec<OutboxRow> = outbox::table
            .select(OutboxRow::as_select())
            .load(&mut conn)
            .unwrap();
        let sent = rows.iter().find(|r| r.id == "sent").unwrap();
        assert_eq!(sent.status, SENT);
        assert!(sent.body_text.is_none() && sent.body_html.is_none());
        let retry = rows.iter().find(|r| r.id == "retry").unwrap();
        assert_eq!((retry.status.as_str(), retry.attempts), (QUEUED, 1));
        assert!(
            claim_due(&mut conn, MAIL, now, now + Duration::seconds(60), 10)
                .unwrap()
                .is_empty()
        );
    }
}
