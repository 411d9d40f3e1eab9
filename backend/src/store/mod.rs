//! Persistence: the connection pool, embedded migrations, and plain synchronous query functions over
//! `&mut Conn`. Callers run them off the async workers. Nothing above this module writes SQL.

pub mod accounts;
pub mod audit;
pub mod code_events;
pub mod codes;
pub mod login_throttle;
pub mod mfa;
pub mod outbox;
pub mod passkeys;
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
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The one connection type the rest of the program names, so a second backend changes only this module.
pub type Conn = SqliteConnection;
pub type DbPool = Pool<ConnectionManager<Conn>>;
pub type PooledConn = PooledConnection<ConnectionManager<Conn>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Timestamps are stored as UTC without zone.
pub type Timestamp = NaiveDateTime;

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // WAL lets readers proceed during a write; the busy timeout makes concurrent writers queue
        // instead of failing at once.
        // The busy timeout comes first so that the statements after it wait for a lock too.
        conn.batch_execute(
            "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens the database named by `database_url`, creating the file and its folder, and applies pending
/// migrations.
pub fn connect(database_url: &str) -> anyhow::Result<DbPool> {
    let path = sqlite_path(database_url)?;
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        crate::private_files::create_dir_all(dir)
            .with_context(|| format!("creating the database folder {}", dir.display()))?;
    }
    make_database_files_private(path)?;
    // WAL is a property of the file: set it once, before several connections race for it.
    {
        use diesel::Connection;
        let mut conn = SqliteConnection::establish(path)
            .with_context(|| format!("opening the SQLite database {path}"))?;
        conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
            .context("switching the database to WAL mode")?;
    }
    let pool = Pool::builder()
        .max_size(8)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(ConnectionManager::<Conn>::new(path))
        .with_context(|| format!("opening the SQLite database {path}"))?;
    let mut conn = pool.get().context("checking out a connection to migrate")?;
    conn.run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| anyhow!("applying database migrations: {e}"))?;
    Ok(pool)
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

fn sqlite_path(database_url: &str) -> anyhow::Result<&str> {
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        return Ok(path);
    }
    if let Some(path) = database_url.strip_prefix("sqlite:") {
        return Ok(path);
    }
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        anyhow::bail!(
            "PostgreSQL is not supported by this build yet; use DATABASE_URL=sqlite://PATH"
        );
    }
    // Not the URL itself: one meant for another server may carry its password.
    let scheme = database_url
        .split_once("://")
        .map_or("", |(scheme, _)| scheme);
    anyhow::bail!("DATABASE_URL must look like sqlite://PATH, got a {scheme:?} URL")
}

/// Runs `f` in a write transaction. SQLite takes the write lock up front (`BEGIN IMMEDIATE`) so two
/// writers queue on the busy timeout instead of one failing when it upgrades a read lock.
pub fn write<T, E>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.immediate_transaction(f)
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
    use diesel::Connection;
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
    conn.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
    conn
}
