//! How a flow's transaction ends. Some refusals must keep what the transaction wrote (a wrong code
//! counted, a spent token recorded, a login attempt reserved), so a flow stops with a [`Stop`]:
//! [`Stop::Refused`] commits and answers the refusal, [`Stop::Failed`] rolls back. [`commit`] runs one
//! such transaction and gives the caller a single `Result`.
//!
//! Isolation: every flow's transaction is a write transaction (`store::write`), and write transactions
//! run one at a time: SQLite's `BEGIN IMMEDIATE`, PostgreSQL's transaction-scoped advisory lock taken
//! first, which every instance sharing the database waits for. So a flow's reads and the writes that
//! depend on them cannot interleave with another's, on one instance or several. Where a decision must also survive a backend with concurrent writers, the write
//! itself re-checks it: codes are spent by a delete that names the checked hash, passwords are
//! replaced only over the hash that was verified (compare-and-set), refresh tokens are spent by an
//! update that requires them unspent, and the unique indexes decide between two verifications of one
//! username or address.

use crate::error::AppError;
use crate::store::{self, Conn};

/// Why a flow's transaction stopped.
#[derive(Debug)]
pub enum Stop {
    /// The request is refused; what the transaction wrote commits (it records the refusal).
    Refused(AppError),
    /// Something went wrong; everything rolls back.
    Failed(AppError),
}

impl From<AppError> for Stop {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Self::Failed(e.into())
    }
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// Refuses, keeping what the transaction wrote.
pub fn refuse<T>(refusal: AppError) -> Result<T, Stop> {
    Err(Stop::Refused(refusal))
}

/// Runs `f` in a write transaction that commits on success and on a refusal, and rolls back on a
/// failure.
pub fn commit<T>(
    conn: &mut Conn,
    f: impl FnOnce(&mut Conn) -> Result<T, Stop>,
) -> Result<T, AppError> {
    store::write(conn, |conn| match f(conn) {
        Ok(value) => Ok(Ok(value)),
        Err(Stop::Refused(refusal)) => Ok(Err(refusal)),
        Err(Stop::Failed(error)) => Err(error),
    })?
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use super::*;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn rows(conn: &mut Conn) -> i64 {
        diesel::sql_query("SELECT COUNT(*) AS n FROM t")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    }

    #[test]
    fn a_refusal_commits_what_was_written_and_a_failure_rolls_it_back() {
        let mut conn = store::test_conn();
        conn.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        let insert = |conn: &mut Conn| conn.batch_execute("INSERT INTO t VALUES (1)");

        let refused = commit(&mut conn, |conn| -> Result<(), Stop> {
            insert(conn)?;
            refuse(AppError::InvalidToken)
        });
        assert!(matches!(refused, Err(AppError::InvalidToken)));
        assert_eq!(rows(&mut conn), 1, "the refusal's write is kept");

        let failed = commit(&mut conn, |conn| -> Result<(), Stop> {
            insert(conn)?;
            Err(Stop::Failed(AppError::NotFound))
        });
        assert!(matches!(failed, Err(AppError::NotFound)));
        assert_eq!(rows(&mut conn), 1, "the failure's write is undone");

        let done = commit(&mut conn, |conn| -> Result<u8, Stop> {
            insert(conn)?;
            Ok(7)
        });
        assert_eq!(done.unwrap(), 7);
        assert_eq!(rows(&mut conn), 2);
    }
}
