//! What a write changed that a signed-in request relies on: an account's row or its sessions. The
//! store functions that make such changes record them here; [`super::write`] announces them once they
//! are committed (and on PostgreSQL, in the same transaction, to every instance listening on
//! [`CHANNEL`]); the connection handed out by `Ctx::conn` passes them on to its instance's cache of
//! signed-in state when it goes back to the pool.
//!
//! Per thread because a write transaction runs on one thread from start to end (the store is
//! synchronous), so what one transaction records never mixes with another's.

use std::cell::RefCell;

use diesel::connection::SimpleConnection;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{Connection, QueryResult, QueryableByName, RunQueryDsl};

use super::Conn;

/// The PostgreSQL notification channel every instance listens on.
pub const CHANNEL: &str = "otp_portal_auth";

/// The channel on which every listening instance acknowledges a change once applied: `TAG PID`, the
/// change's tag and the instance's listening backend.
pub const ACK_CHANNEL: &str = "otp_portal_auth_ack";

/// The `application_name` a listening connection takes once it listens: the writers wait for exactly
/// these to acknowledge (`pg_stat_activity`).
pub const LISTENER_NAME: &str = "otp-portal listener";

/// An announcement on PostgreSQL: its tag, and the listening backends (of every instance) that were
/// listening when it was made, whose acknowledgements the writer waits for.
#[derive(Clone, Debug)]
pub struct Ticket {
    pub tag: u64,
    pub listeners: Vec<i32>,
}

/// PostgreSQL refuses notification payloads of 8000 bytes or more; larger sets go in several.
const PAYLOAD_MAX: usize = 7000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The account's row (view, role, factor, disabled) or every one of its sessions.
    User(String),
    /// One session (revoked).
    Session(String),
}

/// A set of changes as one notification payload: `u:ID` and `s:ID` separated by spaces, after a
/// random tag that lets the writer recognise its own announcement coming back.
pub fn encode(tag: u64, changes: &[Change]) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current = format!("{tag:016x}");
    for change in changes {
        let item = match change {
            Change::User(id) => format!(" u:{id}"),
            Change::Session(id) => format!(" s:{id}"),
        };
        if current.len() + item.len() > PAYLOAD_MAX {
            payloads.push(std::mem::replace(&mut current, format!("{tag:016x}")));
        }
        current.push_str(&item);
    }
    payloads.push(current);
    payloads
}

/// The tag and changes of a payload; `None` for one that is not ours.
pub fn decode(payload: &str) -> Option<(u64, Vec<Change>)> {
    let mut parts = payload.split(' ');
    let tag = u64::from_str_radix(parts.next()?, 16).ok()?;
    let changes = parts
        .map(|item| match item.split_once(':') {
            Some(("u", id)) => Some(Change::User(id.to_owned())),
            Some(("s", id)) => Some(Change::Session(id.to_owned())),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some((tag, changes))
}

#[derive(Default)]
struct Local {
    /// How many write transactions are open on this thread (0 or 1 in practice).
    depth: usize,
    /// Recorded by the open transaction.
    pending: Vec<Change>,
    /// Committed, not yet handed to a cache; with the tag of the notification that carried them.
    committed: Vec<(Change, Option<Ticket>)>,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new(Local::default());
}

/// Records a change the statement just made. Outside a write transaction the statement is already
/// committed: it is announced at once.
pub fn record(conn: &mut Conn, change: Change) -> QueryResult<()> {
    let outside = LOCAL.with_borrow_mut(|local| {
        if local.depth > 0 {
            local.pending.push(change.clone());
            false
        } else {
            true
        }
    });
    if outside {
        let tag = announce(conn, std::slice::from_ref(&change))?;
        LOCAL.with_borrow_mut(|local| local.committed.push((change, tag)));
    }
    Ok(())
}

/// Records `change` if `rows`, the rows the statement just wrote, says it made one; returns `rows`.
pub fn record_if_written(conn: &mut Conn, rows: usize, change: Change) -> QueryResult<usize> {
    if rows > 0 {
        record(conn, change)?;
    }
    Ok(rows)
}

pub(super) fn begin() {
    LOCAL.with_borrow_mut(|local| local.depth += 1);
}

/// Before the commit of the outermost transaction: on PostgreSQL the notification goes out with the
/// commit (and not at all without one). Returns its tag.
pub(super) fn before_commit(conn: &mut Conn) -> QueryResult<Option<Ticket>> {
    let pending = LOCAL.with_borrow(|local| (local.depth == 1).then(|| local.pending.clone()));
    match pending {
        Some(pending) if !pending.is_empty() => announce(conn, &pending),
        _ => Ok(None),
    }
}

/// The transaction ended; what it recorded counts only if it committed.
pub(super) fn end(committed: bool, tag: Option<Ticket>) {
    LOCAL.with_borrow_mut(|local| {
        local.depth = local.depth.saturating_sub(1);
        if local.depth == 0 {
            let pending = std::mem::take(&mut local.pending);
            if committed {
                local
                    .committed
                    .extend(pending.into_iter().map(|c| (c, tag.clone())));
            }
        }
    });
}

/// What this thread committed since the last call, with the tags of the notifications that carried it.
pub fn take_committed() -> Vec<(Change, Option<Ticket>)> {
    LOCAL.with_borrow_mut(|local| std::mem::take(&mut local.committed))
}

/// Sends the changes to every instance: a notification on PostgreSQL (its tag returned), a row of
/// `auth_changes` on SQLite (which every process serving the file reads before trusting its cache).
fn announce(conn: &mut Conn, changes: &[Change]) -> QueryResult<Option<Ticket>> {
    match conn {
        Conn::Sqlite(sqlite) => {
            for payload in encode(0, changes) {
                diesel::sql_query("INSERT INTO auth_changes (payload, created_at) VALUES (?, ?)")
                    .bind::<Text, _>(payload)
                    .bind::<Timestamp, _>(crate::clock::now())
                    .execute(sqlite)?;
            }
            Ok(None)
        }
        Conn::Postgres(pg) => {
            let tag: u64 = rand::random();
            for payload in encode(tag, changes) {
                // Ids are UUIDs and the tag hex: nothing to quote, but quote anyway.
                pg.batch_execute(&format!(
                    "SELECT pg_notify('{CHANNEL}', '{}')",
                    payload.replace('\'', "''")
                ))?;
            }
            // In the transaction, before the commit that sends the notification: every backend named
            // here was listening already, so each will get it and acknowledge it.
            let listeners = diesel::sql_query(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 \
                 AND datname = current_database()",
            )
            .bind::<Text, _>(LISTENER_NAME)
            .load::<Pid>(pg)?
            .into_iter()
            .map(|row| row.pid)
            .collect();
            Ok(Some(Ticket { tag, listeners }))
        }
    }
}

/// Rows of `auth_changes` older than this go (maintenance); a process that has not looked for longer
/// notices the gap and starts its cache afresh.
pub const SQLITE_RETENTION: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Deletes old rows of `auth_changes` but the newest (whose number tells a process where the log is).
pub fn purge(conn: &mut Conn, before: super::Timestamp) -> QueryResult<usize> {
    match conn {
        Conn::Postgres(_) => Ok(0),
        Conn::Sqlite(sqlite) => diesel::sql_query(
            "DELETE FROM auth_changes WHERE created_at < ? \
             AND seq < (SELECT max(seq) FROM auth_changes)",
        )
        .bind::<Timestamp, _>(before)
        .execute(sqlite),
    }
}

/// What one process serving a SQLite file has seen of `auth_changes`, on a connection of its own.
pub struct SqliteWatch {
    conn: SqliteConnection,
    version: i64,
    seen: i64,
    polled_at: Option<std::time::Instant>,
}

/// A watch looks again at most this often. Each look is a read transaction (file locks and a `stat`,
/// system calls that would otherwise cost a fifth of the signed-in request rate), and every change this
/// process makes reaches its caches directly; only another process's change (the command line, a second
/// server on the same file) waits for the next look, at most this long.
pub const SQLITE_POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(1);

/// What [`SqliteWatch::poll`] found.
pub enum Polled {
    Nothing,
    Changes(Vec<Change>),
    /// Rows went before they were read: anything held may be stale.
    Gap,
}

/// `PRAGMA data_version` as a query of its own type, so that the connection prepares it once and keeps
/// the statement (`sql_query` text is prepared anew every time, and this runs before every use of the
/// cache).
#[derive(Debug, Clone, Copy, QueryId)]
struct DataVersion;

impl Query for DataVersion {
    type SqlType = BigInt;
}

impl QueryFragment<Sqlite> for DataVersion {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("PRAGMA data_version");
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for DataVersion {}

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    payload: String,
}

#[derive(QueryableByName)]
struct Newest {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    seq: Option<i64>,
}

impl SqliteWatch {
    /// Starts at the newest row: what came before is in no cache yet.
    pub fn open(path: &str) -> anyhow::Result<Self> {
        let mut conn = SqliteConnection::establish(path)?;
        conn.batch_execute("PRAGMA busy_timeout = 5000;")?;
        let version = Self::version(&mut conn)?;
        let seen = diesel::sql_query("SELECT max(seq) AS seq FROM auth_changes")
            .get_result::<Newest>(&mut conn)?
            .seq
            .unwrap_or(0);
        Ok(Self {
            conn,
            version,
            seen,
            polled_at: None,
        })
    }

    fn version(conn: &mut SqliteConnection) -> QueryResult<i64> {
        DataVersion.get_result::<i64>(conn)
    }

    /// The changes committed since the last poll. Cheap when there are none: `data_version` moves only
    /// when another connection committed, and then the rows past the last one seen are read.
    pub fn poll(&mut self) -> QueryResult<Polled> {
        let now = std::time::Instant::now();
        if self
            .polled_at
            .is_some_and(|at| now.duration_since(at) < SQLITE_POLL_INTERVAL)
        {
            return Ok(Polled::Nothing);
        }
        self.polled_at = Some(now);
        let version = Self::version(&mut self.conn)?;
        if version == self.version {
            return Ok(Polled::Nothing);
        }
        let rows =
            diesel::sql_query("SELECT seq, payload FROM auth_changes WHERE seq > ? ORDER BY seq")
                .bind::<BigInt, _>(self.seen)
                .load::<Row>(&mut self.conn)?;
        self.version = version;
        let Some(first) = rows.first() else {
            return Ok(Polled::Nothing);
        };
        // Writers commit one at a time and a rolled-back insert gives its number back, so numbers
        // are consecutive: a hole means rows were purged unread (this process was idle for longer
        // than the retention).
        let gap = first.seq > self.seen + 1;
        self.seen = rows.last().map_or(self.seen, |row| row.seq);
        if gap {
            return Ok(Polled::Gap);
        }
        let mut changes = Vec::new();
        for row in rows {
            match decode(&row.payload) {
                Some((_, part)) => changes.extend(part),
                None => return Ok(Polled::Gap),
            }
        }
        Ok(Polled::Changes(changes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_sees_what_other_connections_commit_and_notices_rows_purged_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("portal.db").display().to_string();
        let pool = crate::store::connect(&format!("sqlite://{path}")).unwrap();
        let mut watch = SqliteWatch::open(&path).unwrap();
        assert!(matches!(watch.poll().unwrap(), Polled::Nothing));

        let mut conn = pool.get().unwrap();
        crate::store::write(&mut conn, |conn| -> QueryResult<()> {
            record(conn, Change::User("u1".into()))?;
            record(conn, Change::Session("s1".into()))
        })
        .unwrap();
        // A rolled-back write announces nothing.
        let _ = crate::store::write(&mut conn, |conn| -> QueryResult<()> {
            record(conn, Change::User("never".into()))?;
            Err(diesel::result::Error::RollbackTransaction)
        });
        std::thread::sleep(SQLITE_POLL_INTERVAL);
        let Polled::Changes(seen) = watch.poll().unwrap() else {
            panic!("the committed changes are seen");
        };
        assert_eq!(
            seen,
            [Change::User("u1".into()), Change::Session("s1".into())]
        );
        assert!(matches!(watch.poll().unwrap(), Polled::Nothing));
        take_committed();

        // Rows deleted before this watch read them: it cannot tell what they said.
        for id in ["u2", "u3"] {
            crate::store::write(&mut conn, |conn| record(conn, Change::User(id.into()))).unwrap();
        }
        let later = crate::clock::now() + chrono::TimeDelta::seconds(1);
        assert_eq!(purge(&mut conn, later).unwrap(), 2, "all but the newest");
        crate::store::write(&mut conn, |conn| record(conn, Change::User("u4".into()))).unwrap();
        std::thread::sleep(SQLITE_POLL_INTERVAL);
        assert!(matches!(watch.poll().unwrap(), Polled::Gap));
        take_committed();
    }

    #[test]
    fn payloads_round_trip_and_split_below_the_postgresql_limit() {
        let changes: Vec<Change> = (0..500)
            .map(|i| {
                if i % 2 == 0 {
                    Change::User(uuid::Uuid::new_v4().to_string())
                } else {
                    Change::Session(uuid::Uuid::new_v4().to_string())
                }
            })
            .collect();
        let payloads = encode(0xabc, &changes);
        assert!(payloads.len() > 1);
        let mut decoded = Vec::new();
        for payload in &payloads {
            assert!(payload.len() < 8000);
            let (tag, part) = decode(payload).unwrap();
            assert_eq!(tag, 0xabc);
            decoded.extend(part);
        }
        assert_eq!(decoded, changes);
        assert_eq!(decode("not ours"), None);
        assert_eq!(decode("00000000000000ff x:1"), None);
    }
}
