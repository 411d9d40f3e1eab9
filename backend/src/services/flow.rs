//! The unit of work of every flow. A [`Flow`] carries what each step needs besides its own arguments
//! (the context, the client's metadata, one clock reading); inside its transaction a [`Tx`] adds the
//! connection. Some refusals must keep what the transaction wrote (a wrong code counted, a spent token
//! recorded, a login attempt reserved), so a step stops with a [`Stop`]: [`Stop::Refused`] commits and
//! answers the refusal, [`Stop::Failed`] rolls back. [`Flow::commit_keyed`] runs one such transaction
//! and gives the caller a single `Result`; [`Flow::write_keyed`] one that commits only on success.
//!
//! # Isolation
//!
//! Every flow's transaction is a write transaction. On SQLite they run one at a time (`BEGIN
//! IMMEDIATE`). On PostgreSQL, shared by several instances, every flow is keyed: it locks the keys of
//! what it decides on before reading it ([`Tx::lock`], once per transaction, all keys in one call, so
//! that two flows never wait for each other in a circle), and runs in parallel with every flow that
//! locks other keys:
//! - [`address_lock`]: registering, resending a code, verifying an address, asking for a reset or
//!   sign-in code, resetting the password, signing in by code;
//! - [`username_lock`]: verifying an address (the account it creates takes the name);
//! - [`account_lock`] (the account's [`throttle_lock`]): everything done to or for one account: the
//!   transactions of a password login and of a password confirmation, the second step, passkeys,
//!   refreshing, signing out, the factor, the language, a password change or reset, admin actions. A
//!   flow that learns the account from a row it looks up first (a refresh token, a login challenge, a
//!   passkey) locks it once it knows it, and whatever it read before is either fixed for that row's
//!   life or checked again by the conditional write that spends it; signing in by code reads the
//!   address's account first and locks the address and the account together;
//! - ending an account (by its owner or an admin) holds its account, address and username locks
//!   ([`ending_locks`]): it frees the address and the name the keyed flows of a registration look up.
//!
//! Only the periodic purges and the signing-key ring run alone (`store::write`, exclusive against every
//! keyed transaction), being rare and touching rows of many keys at once.
//!
//! So a flow's reads and the writes that depend on them never interleave with another flow's that
//! touches the same address, name or account, on one instance or several. What keyed flows share
//! beyond their keys is changed only by writes that check it themselves: each decision a race could
//! break is re-checked by the write that acts on it:
//!
//! | flow | what could race | the rule |
//! |---|---|---|
//! | register, resend, forgot, sign-in code request | two requests for one address, budgets | cooldown read and new code in one transaction; the code row is replaced by key (upsert); budgets move by compare-and-set (`store::rate_limits`) |
//! | verify-email (token or password) | two verifications of one code; two registrations of one name | the code is spent by a delete that names the checked hash; wrong tries are counted by `attempts = attempts + 1`; the account is created under the unique indexes of `users` (the loser is told which name was taken) |
//! | login, password confirmation | parallel guesses against one throttle | the throttle is read and the attempt counted as a failure in one transaction before any argon2 work (`login::reserve_attempt`); a success opens a session only if the verified hash is still the account's (compare-and-set) and the account is not disabled, in the transaction that opens it |
//! | second step (app or recovery code) | replaying one app code; guessing | the challenge is spent by an update that requires it unspent; an app code's time step is accepted only above the last one used (`store::mfa::advance_step`); a recovery code is spent by a conditional update |
//! | refresh | two uses of one refresh token | spent by an update that requires it unspent; a second use revokes the session (reuse detection) |
//! | password reset, change | a reset racing a login, a change or another reset | a reset's code is spent by the conditional delete, and the reset (the mailbox proved) replaces whatever hash is there while holding the account's throttle lock, so no login opens a session with the old password meanwhile; a change replaces the hash only over the one it verified (compare-and-set); every session of the account ends in the same transaction |
//! | passkeys | one ceremony answered twice; a cloned authenticator | the ceremony is spent by a delete; the credential's counter is stored only over the state that was checked (compare-and-set) |
//! | sign-out, revocations, admin actions | none that matters | idempotent updates of one row or one account's rows |
//! | mail and webhook delivery | two workers, one row | a row is claimed with a compare-and-set lease (`store::outbox`) |
//! | CAPTCHA | one solution presented twice | its digest is inserted under a primary key; the second insert finds it |

use super::{audit, ClientMeta, Ctx, Event, Subject};
use crate::error::AppError;
use crate::store::{self, Conn, Timestamp};

/// One request's flow: what every step of it needs besides its own arguments. Built once by the route
/// (or the job) that starts the flow, with one clock reading, so every row the flow writes carries the
/// same moment.
#[derive(Clone, Copy)]
pub struct Flow<'a> {
    pub ctx: &'a Ctx,
    /// Who asked: recorded with the sessions and audit events the flow writes.
    pub meta: &'a ClientMeta,
    pub now: Timestamp,
}

/// A flow inside its transaction: the flow, and the connection its steps read and write through.
pub struct Tx<'f, 'c> {
    pub flow: Flow<'f>,
    pub conn: &'c mut Conn,
}

impl<'f> std::ops::Deref for Tx<'f, '_> {
    type Target = Flow<'f>;

    fn deref(&self) -> &Flow<'f> {
        &self.flow
    }
}

impl<'a> Flow<'a> {
    pub fn new(ctx: &'a Ctx, meta: &'a ClientMeta, now: Timestamp) -> Self {
        Self { ctx, meta, now }
    }

    /// Runs `f` in a write transaction on `conn` that commits on success and on a refusal (see
    /// [`commit`]), excluding only the transactions that lock one of the same keys ([`Tx::lock`], which
    /// `f` calls before reading what the keys guard) besides the unkeyed ones.
    pub fn commit_keyed<T>(
        self,
        conn: &mut Conn,
        f: impl FnOnce(&mut Tx<'a, '_>) -> Result<T, Stop>,
    ) -> Result<T, AppError> {
        store::write_keyed(conn, |conn| settle(f(&mut Tx { flow: self, conn })))?
    }

    /// Runs `f` in a write transaction on `conn` that commits only on success, keyed as
    /// [`Flow::commit_keyed`].
    pub fn write_keyed<T, E: From<diesel::result::Error>>(
        self,
        conn: &mut Conn,
        f: impl FnOnce(&mut Tx<'a, '_>) -> Result<T, E>,
    ) -> Result<T, E> {
        store::write_keyed(conn, |conn| f(&mut Tx { flow: self, conn }))
    }

    /// As [`Flow::commit_keyed`], holding the lock of account `user_id` ([`account_lock`]) throughout.
    pub fn commit_account<T>(
        self,
        conn: &mut Conn,
        user_id: &str,
        f: impl FnOnce(&mut Tx<'a, '_>) -> Result<T, Stop>,
    ) -> Result<T, AppError> {
        self.commit_keyed(conn, |tx| {
            tx.lock(&[&account_lock(user_id)])?;
            f(tx)
        })
    }

    /// As [`Flow::write_keyed`], holding the lock of account `user_id` ([`account_lock`]) throughout.
    pub fn write_account<T, E: From<diesel::result::Error>>(
        self,
        conn: &mut Conn,
        user_id: &str,
        f: impl FnOnce(&mut Tx<'a, '_>) -> Result<T, E>,
    ) -> Result<T, E> {
        write_account(conn, user_id, |conn| f(&mut Tx { flow: self, conn }))
    }

    /// The same flow on a connection outside any transaction, for steps that need none.
    pub fn on<'c>(self, conn: &'c mut Conn) -> Tx<'a, 'c> {
        Tx { flow: self, conn }
    }
}

/// The lock of everything about one address in the keyed flows: its codes and their failures, its
/// registrations, and the account that holds it.
pub fn address_lock(email_key: &str) -> String {
    format!("address:{email_key}")
}

/// The lock of one username in the keyed flows, so two verifications of it cannot both create it.
pub fn username_lock(username_key: &str) -> String {
    format!("username:{username_key}")
}

/// The lock of one login throttle subject (an account, or a login that names none): every counter of a
/// login is keyed under it.
pub fn throttle_lock(subject: &str) -> String {
    format!("throttle:{subject}")
}

/// The lock of one account: every flow that changes it, its sessions, its factors or its passkeys, or
/// opens a session for it, holds it. It is the account's throttle lock ([`throttle_lock`]), so a password
/// login, which holds that one while it counts an attempt and opens a session, is one of them.
pub fn account_lock(user_id: &str) -> String {
    throttle_lock(&super::login::account_subject(user_id))
}

/// A keyed write transaction holding the lock of account `user_id` ([`account_lock`]) throughout, for
/// a step with no [`Flow`] of its own ([`Flow::write_account`] for those that have one).
pub fn write_account<T, E: From<diesel::result::Error>>(
    conn: &mut Conn,
    user_id: &str,
    f: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E> {
    store::write_keyed(conn, |conn| {
        store::lock_keys(conn, &[account_lock(user_id)])?;
        f(conn)
    })
}

/// Every lock a flow that ends an account holds: its own, and those of the address and the username it
/// frees, whose keyed flows (a registration, a code request) read whether the account is there.
pub fn ending_locks(user: &crate::store::users::UserRow) -> [String; 3] {
    [
        account_lock(&user.id),
        address_lock(&user.email_key),
        username_lock(&user.username_key),
    ]
}

impl Tx<'_, '_> {
    /// Locks `keys` for the rest of the transaction (`store::lock_keys`): once, before reading what
    /// they guard.
    pub fn lock(&mut self, keys: &[impl AsRef<str>]) -> diesel::QueryResult<()> {
        store::lock_keys(self.conn, keys)
    }

    /// Records `event` in this transaction, as this flow's client at this flow's moment.
    pub fn audit(&mut self, event: Event, subject: Subject<'_>) -> diesel::QueryResult<()> {
        audit(self.conn, event, subject, self.flow.meta, self.flow.now)
    }
}

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
    store::write(conn, |conn| settle(f(conn)))?
}

/// What a transaction's outcome makes of it: `Ok` commits (with the value or the refusal to answer),
/// `Err` rolls back.
fn settle<T>(outcome: Result<T, Stop>) -> Result<Result<T, AppError>, AppError> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(Stop::Refused(refusal)) => Ok(Err(refusal)),
        Err(Stop::Failed(error)) => Err(error),
    }
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
