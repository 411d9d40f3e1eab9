//! Persistence: the connection pool, embedded migrations, and plain synchronous query functions over
//! `&mut Conn`. Callers run them off the async workers. Nothing above this module writes SQL.

pub mod accounts;
pub mod audit;
pub mod captcha;
pub mod changes;
pub mod code_events;
pub mod codes;
pub mod listen;
pub mod login_throttle;
pub mod mfa;
pub mod outbox;
pub mod passkeys;
pub mod rate_limits;
pub mod registrations;
pub mod schema;
pub mod sessions;
pub mod signing_keys;
pub mod users;

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, Context};
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The backend type of [`Conn`], for boxed queries.
pub type Db = MultiBackend;

/// Runs `$body` with `$c` bound to the backend's own connection, the statement compiled once for each:
/// for what diesel's common subset of the backends leaves out (upserts, batch inserts, `RETURNING`).
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::store::Conn::Postgres($c) => $body,
            $crate::store::Conn::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// The one connection type the rest of the program names: SQLite (the embedded default) or PostgreSQL
/// (several instances sharing one database), chosen by `DATABASE_URL`. Queries are written once with
/// diesel's DSL and run on either.
#[derive(diesel::MultiConnection)]
pub enum Conn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

/// Opens the pool's connections with the backend `DATABASE_URL` names, and nothing else (diesel's own
/// manager would try each backend in turn with any URL).
#[derive(Debug)]
pub struct Manager {
    url: String,
    kind: Kind,
}

impl Manager {
    fn establish(&self) -> diesel::ConnectionResult<Conn> {
        match self.kind {
            Kind::Sqlite => SqliteConnection::establish(&self.url).map(Conn::Sqlite),
            Kind::Postgres => PgConnection::establish(&self.url).map(Conn::Postgres),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        self.establish()
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Timestamps are stored as UTC without zone.
pub type Timestamp = NaiveDateTime;

/// Which database `DATABASE_URL` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Conn {
    pub fn kind(&self) -> Kind {
        match self {
            Self::Sqlite(_) => Kind::Sqlite,
            Self::Postgres(_) => Kind::Postgres,
        }
    }

    /// `sql` with its `?` placeholders as this database writes them (`$1`, `$2`… on PostgreSQL), for
    /// the few queries written in SQL rather than the DSL. No `?` may appear inside a literal.
    pub fn placeholders(&self, sql: &str) -> String {
        match self {
            Self::Sqlite(_) => sql.to_owned(),
            Self::Postgres(_) => {
                let mut out = String::with_capacity(sql.len() + 16);
                let mut n = 0;
                for c in sql.chars() {
                    if c == '?' {
                        n += 1;
                        out.push('$');
                        out.push_str(&n.to_string());
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }
}

#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<Conn, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        let setup = match conn {
            // WAL lets readers proceed during a write; the busy timeout makes concurrent writers queue
            // instead of failing at once. The busy timeout comes first so that the statements after it
            // wait for a lock too.
            Conn::Sqlite(_) => {
                "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
            }
            // Timestamps are written and read as UTC wall-clock values; a lock held past this is a bug
            // or an outage, and the request fails rather than piling up.
            Conn::Postgres(_) => "SET TIME ZONE 'UTC'; SET lock_timeout = '5s';",
        };
        conn.batch_execute(setup)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens the database named by `database_url` (`sqlite://PATH` or `postgres://…`), creating a SQLite
/// file and its folder, and applies pending migrations.
pub fn connect(database_url: &str) -> anyhow::Result<DbPool> {
    connect_with(database_url, None)
}

/// As [`connect`], with at most `pool_size` connections (the default suits each backend).
pub fn connect_with(database_url: &str, pool_size: Option<u32>) -> anyhow::Result<DbPool> {
    let manager = manager_for(database_url)?;
    let kind = manager.kind;
    let pool = Pool::builder()
        .max_size(pool_size.unwrap_or(match kind {
            Kind::Sqlite => 8,
            Kind::Postgres => 16,
        }))
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .connection_customizer(Box::new(Pragmas))
        .build(manager)
        .with_context(|| match kind {
            Kind::Sqlite => format!("opening the SQLite database {database_url}"),
            // Not the URL: it may carry a password.
            Kind::Postgres => "connecting to the PostgreSQL server of DATABASE_URL".to_owned(),
        })?;
    let mut conn = pool.get().context("checking out a connection to migrate")?;
    migrate(&mut conn)?;
    Ok(pool)
}

/// Applies the pending migrations of the connection's backend. On PostgreSQL several instances may
/// start at once: an advisory lock lets one migrate while the others wait.
pub fn migrate(conn: &mut Conn) -> anyhow::Result<()> {
    let applied = match conn {
        Conn::Sqlite(conn) => conn.run_pending_migrations(SQLITE_MIGRATIONS).map(drop),
        Conn::Postgres(conn) => {
            conn.batch_execute("SELECT pg_advisory_lock(7013)")
                .context("waiting for the migration lock")?;
            let applied = conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop);
            conn.batch_execute("SELECT pg_advisory_unlock(7013)")
                .context("releasing the migration lock")?;
            applied
        }
    };
    applied.map_err(|e| anyhow!("applying database migrations: {e}"))
}

fn manager_for(database_url: &str) -> anyhow::Result<Manager> {
    Ok(match backend_of(database_url)? {
        Kind::Sqlite => {
            let path = sqlite_path(database_url)?;
            prepare_sqlite_file(path)?;
            Manager {
                url: path.to_owned(),
                kind: Kind::Sqlite,
            }
        }
        Kind::Postgres => Manager {
            url: database_url.to_owned(),
            kind: Kind::Postgres,
        },
    })
}

/// One connection, set up and migrated like the pool's, for the command line: a pool keeps threads
/// that may still be connecting when a short-lived process exits, and PostgreSQL's client library
/// does not survive being torn down under them.
pub fn connect_one(database_url: &str) -> anyhow::Result<Conn> {
    let manager = manager_for(database_url)?;
    let mut conn = manager.establish().with_context(|| match manager.kind {
        Kind::Sqlite => format!("opening the SQLite database {database_url}"),
        Kind::Postgres => "connecting to the PostgreSQL server of DATABASE_URL".to_owned(),
    })?;
    Pragmas
        .on_acquire(&mut conn)
        .context("setting up the database connection")?;
    migrate(&mut conn)?;
    Ok(conn)
}

pub fn backend_of(database_url: &str) -> anyhow::Result<Kind> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return Ok(Kind::Postgres);
    }
    sqlite_path(database_url).map(|_| Kind::Sqlite)
}

/// The file exists, private, and in WAL mode before several connections race for it.
fn prepare_sqlite_file(path: &str) -> anyhow::Result<()> {
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        crate::private_files::create_dir_all(dir)
            .with_context(|| format!("creating the database folder {}", dir.display()))?;
    }
    make_database_files_private(path)?;
    // WAL is a property of the file: set it once, before several connections race for it.
    let mut conn = SqliteConnection::establish(path)
        .with_context(|| format!("opening the SQLite database {path}"))?;
    conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
        .context("switching the database to WAL mode")?;
    Ok(())
}

/// The database holds password hashes and sessions: its file is created 0600 before SQLite opens it, and
/// SQLite gives the `-wal` and `-shm` files it makes the mode of the database file. Files left by an older
/// version are tightened.
fn make_database_files_private(path: &str) -> anyhow::Result<()> {
    if path == ":memory:" || path.starts_with("file:") {
        return Ok(());
    }
    crate::private_files::ensure_file(Path::new(path))
        .with_context(|| format!("creating the SQLite database {path}"))?;
    for suffix in ["-wal", "-shm"] {
        let companion = format!("{path}{suffix}");
        if Path::new(&companion).exists() {
            crate::private_files::restrict(Path::new(&companion))
                .with_context(|| format!("restricting access to {companion}"))?;
        }
    }
    Ok(())
}

pub fn sqlite_path(database_url: &str) -> anyhow::Result<&str> {
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        return Ok(path);
    }
    if let Some(path) = database_url.strip_prefix("sqlite:") {
        return Ok(path);
    }
    // Not the URL itself: one meant for another server may carry its password.
    let scheme = database_url
        .split_once("://")
        .map_or("", |(scheme, _)| scheme);
    anyhow::bail!(
        "DATABASE_URL must look like sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE, got a \
         {scheme:?} URL"
    )
}

/// The advisory lock every PostgreSQL write transaction takes first: alone ([`write`]) or shared with
/// the other keyed ones ([`write_keyed`]).
pub const WRITE_LOCK: i64 = 7014;

/// The first half of the two-part advisory locks of [`lock_keys`] (a key space apart from the one-part
/// locks above).
const KEY_LOCKS: i32 = 7015;

/// Runs `f` in a write transaction that runs alone, on every backend and across every instance sharing
/// the database: SQLite takes its write lock up front (`BEGIN IMMEDIATE`), and PostgreSQL an exclusive
/// transaction-scoped advisory lock that every [`write_keyed`] transaction shares. For the rare jobs
/// that change rows of many keys at once (the purges, the signing-key ring); the request flows are keyed
/// (see `services::flow` for what each relies on).
pub fn write<T, E>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    write_with(conn, Exclusion::All, f)
}

/// Runs `f` in a write transaction that excludes only the write transactions naming one of the keys it
/// locks ([`lock_keys`]), and every [`write`] transaction. For the busiest flows on PostgreSQL, whose
/// shared state is either behind such a key (an address, an account) or changed by writes that check
/// it themselves (compare-and-set, increments, unique indexes). On SQLite it is a [`write`]: one writer
/// at a time is all SQLite has.
pub fn write_keyed<T, E>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    write_with(conn, Exclusion::Keys, f)
}

/// Locks `keys` until the transaction ends, on PostgreSQL (SQLite's writer is alone anyway). In a
/// [`write_keyed`] transaction, once and before reading what the keys guard: keys are taken in sorted
/// order, so two transactions locking overlapping sets never wait for each other in a circle.
pub fn lock_keys(conn: &mut Conn, keys: &[impl AsRef<str>]) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    let Conn::Postgres(_) = conn else {
        return Ok(());
    };
    let mut keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        diesel::sql_query(format!(
            "SELECT pg_advisory_xact_lock({KEY_LOCKS}, hashtext($1))"
        ))
        .bind::<diesel::sql_types::Text, _>(key)
        .execute(conn)?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Exclusion {
    All,
    Keys,
}

fn write_with<T, E>(
    conn: &mut Conn,
    exclusion: Exclusion,
    f: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    // Held until the transaction has ended (declared first, dropped last).
    let mut _turn = None;
    changes::begin();
    let mut tag = None;
    let result = match conn {
        Conn::Sqlite(sqlite) => {
            let began = SQLITE_WRITERS.take_turn().and_then(|turn| {
                _turn = Some(turn);
                AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
            });
            match began {
                Err(e) => Err(e.into()),
                Ok(()) => match f(conn).and_then(|value| {
                    tag = changes::before_commit(conn)?;
                    Ok(value)
                }) {
                    Ok(value) => <Conn as Connection>::TransactionManager::commit_transaction(conn)
                        .map(|()| value)
                        .map_err(E::from),
                    Err(error) => {
                        match <Conn as Connection>::TransactionManager::rollback_transaction(conn) {
                            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => {
                                Err(error)
                            }
                            Err(rollback) => Err(rollback.into()),
                        }
                    }
                },
            }
        }
        Conn::Postgres(_) => conn.transaction(|conn| {
            conn.batch_execute(&match exclusion {
                Exclusion::All => format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"),
                Exclusion::Keys => format!("SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})"),
            })?;
            let value = f(conn)?;
            tag = changes::before_commit(conn)?;
            Ok(value)
        }),
    };
    changes::end(result.is_ok(), tag);
    result
}

/// SQLite writers of this process, in turn. SQLite runs one write transaction at a time and makes the
/// others retry on its busy handler, which sleeps between tries (up to 100 ms at a time) and favours no
/// one: under a burst of writes some waited out the whole busy timeout and failed while later ones went
/// ahead. Queueing here first, in arrival order, leaves the busy handler only other processes (the
/// command line) to wait for. One queue for the process: a server has one database file.
static SQLITE_WRITERS: WriterQueue = WriterQueue::new();

/// A ticket lock: each writer takes the next number and goes when it is called.
struct WriterQueue {
    /// The next number to give out, and the number whose turn it is.
    tickets: std::sync::Mutex<(u64, u64)>,
    called: std::sync::Condvar,
}

/// A writer's turn, passed on to the next when dropped.
struct Turn(&'static WriterQueue);

thread_local! {
    /// Whether this thread holds a turn: a second write transaction from it would wait for itself.
    static HOLDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl WriterQueue {
    const fn new() -> Self {
        Self {
            tickets: std::sync::Mutex::new((0, 0)),
            called: std::sync::Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, u64)> {
        // Two counters, each updated in one step: a panic elsewhere cannot leave them torn.
        self.tickets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for this writer's turn. Every turn ends with its transaction, which SQLite's busy timeout
    /// bounds, so the wait is bounded too.
    fn take_turn(&'static self) -> diesel::QueryResult<Turn> {
        if HOLDING.get() {
            return Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::Unknown,
                Box::new("a write transaction inside another on the same thread".to_owned()),
            ));
        }
        let mut tickets = self.lock();
        let mine = tickets.0;
        tickets.0 += 1;
        while tickets.1 != mine {
            tickets = self
                .called
                .wait(tickets)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        HOLDING.set(true);
        Ok(Turn(self))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        HOLDING.set(false);
        self.0.lock().1 += 1;
        self.0.called.notify_all();
    }
}

/// A `LIKE` pattern (with `\\` as its escape character) matching values that contain `part`, lower-cased:
/// searches run over the lower-cased copies of usernames and addresses, so they ignore case on every
/// backend, and a `%` or `_` typed by an admin matches only itself.
pub fn contains_pattern(part: &str) -> String {
    let mut pattern = String::with_capacity(part.len() + 2);
    pattern.push('%');
    for c in part.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Whether the error is a unique-constraint violation (a concurrent insert won a race).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// A fresh in-memory database with the schema, for the query modules' unit tests.
#[cfg(test)]
pub fn test_conn() -> Conn {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
    conn.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
    Conn::Sqlite(conn)
}
