//! Rate budgets shared by every instance on the database, with the same rule as the in-memory limits
//! (GCRA, as governor counts): a budget of `per_hour` requests refills one request every hour ÷
//! `per_hour`, and holds at most `per_hour`. Each key keeps the theoretical arrival time (TAT) of its
//! next request; a request moves it on by one interval and is refused if that would put it more than an
//! hour ahead of now.
//!
//! Concurrency: no transaction is needed. On PostgreSQL one statement reads and moves the TAT under the
//! row's lock, so requests racing for one key (every instance's requests from one busy client) queue on
//! it and each is decided on the TAT its predecessor left: a compare-and-set would make the losers read
//! again and, past a few lost rounds, refuse a request the budget still allowed. On SQLite, whose writes
//! take turns anyway, the TAT is moved by a compare-and-set on the value read, and a lost race reads
//! again. Either way two instances never both spend the last request of a budget.

use chrono::TimeDelta;
use diesel::prelude::*;

use super::schema::rate_limits;
use super::{Conn, Timestamp};

/// How often a lost compare-and-set reads again before giving up (as refused, for a second).
const ATTEMPTS: usize = 8;

/// Spends up to `count` requests of `key`'s budget of `per_hour` at once, outside any transaction, for
/// a count whose loss in a crash costs nothing but a few extra requests (a client's budget): `Ok(n)`
/// with the `n` spent (`count`, or 1 when fewer than `count` are left), `Err(seconds)` when none is.
/// On PostgreSQL its commit does not wait for the write-ahead log to reach the disk (asynchronous
/// commit), which halves its time and the time it holds the key's row.
pub fn take_alone(
    conn: &mut Conn,
    key: &str,
    per_hour: u32,
    count: u32,
    now: Timestamp,
) -> QueryResult<Result<u32, u64>> {
    let count = count.max(1);
    match take_with(conn, key, per_hour, count, now, true)? {
        Err(_) if count > 1 => Ok(take_with(conn, key, per_hour, 1, now, true)?.map(|()| 1)),
        taken => Ok(taken.map(|()| count)),
    }
}

/// Spends one request of `key`'s budget of `per_hour`; `Err(seconds)` to wait when it is used up.
pub fn take(
    conn: &mut Conn,
    key: &str,
    per_hour: u32,
    now: Timestamp,
) -> QueryResult<Result<(), u64>> {
    take_with(conn, key, per_hour, 1, now, false)
}

/// Spends `count` requests at once, or none.
fn take_with(
    conn: &mut Conn,
    key: &str,
    per_hour: u32,
    count: u32,
    now: Timestamp,
    alone: bool,
) -> QueryResult<Result<(), u64>> {
    if per_hour == 0 {
        return Ok(Ok(()));
    }
    let interval = TimeDelta::microseconds(3_600_000_000 / i64::from(per_hour));
    let step = interval * i32::try_from(count).unwrap_or(i32::MAX);
    let window = TimeDelta::hours(1);
    if let Conn::Postgres(pg) = conn {
        return take_at_once(pg, key, step, window, now, alone);
    }
    for _ in 0..ATTEMPTS {
        let stored: Option<Timestamp> = rate_limits::table
            .find(key)
            .select(rate_limits::tat)
            .first(conn)
            .optional()?;
        let next = stored.map_or(now, |tat| tat.max(now)) + step;
        if next - now > window {
            return Ok(Err(seconds_to_wait(next, now, window)));
        }
        let moved = match stored {
            Some(tat) => diesel::update(
                rate_limits::table
                    .find(key)
                    .filter(rate_limits::tat.eq(tat)),
            )
            .set(rate_limits::tat.eq(next))
            .execute(conn)?,
            None => super::on_backend!(conn, |c| diesel::insert_into(rate_limits::table)
                .values((rate_limits::key.eq(key), rate_limits::tat.eq(next)))
                .on_conflict_do_nothing()
                .execute(c))?,
        };
        if moved == 1 {
            return Ok(Ok(()));
        }
    }
    Ok(Err(1))
}

/// [`take_with`] on PostgreSQL, in one statement: the requests are allowed if the TAT it finds is at
/// most `window - step` ahead of now (moving it on by `step`, their intervals, keeps it in the window).
fn take_at_once(
    pg: &mut diesel::PgConnection,
    key: &str,
    step: TimeDelta,
    window: TimeDelta,
    now: Timestamp,
    alone: bool,
) -> QueryResult<Result<(), u64>> {
    use diesel::sql_types::{BigInt, Text, Timestamp as SqlTimestamp};
    let step_us = step.num_microseconds().unwrap_or(i64::MAX);
    // Alone, the statement is its own transaction, and `set_config(..., true)` sets asynchronous
    // commit for that transaction only: in one round trip, where `SET LOCAL` needs a transaction block.
    let source = if alone {
        "SELECT $1, $2 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous"
    } else {
        "VALUES ($1, $2)"
    };
    let moved = diesel::sql_query(format!(
        "INSERT INTO rate_limits (key, tat) {source} \
         ON CONFLICT (key) DO UPDATE \
         SET tat = GREATEST(rate_limits.tat, $3) + $4 * INTERVAL '1 microsecond' \
         WHERE rate_limits.tat <= $5"
    ))
    .bind::<Text, _>(key)
    .bind::<SqlTimestamp, _>(now + step)
    .bind::<SqlTimestamp, _>(now)
    .bind::<BigInt, _>(step_us)
    .bind::<SqlTimestamp, _>(now + window - step)
    .execute(pg)?;
    if moved == 1 {
        return Ok(Ok(()));
    }
    // Refused: how long until the TAT is back within reach (read after the fact; only the hint).
    let stored: Option<Timestamp> = rate_limits::table
        .find(key)
        .select(rate_limits::tat)
        .first(pg)
        .optional()?;
    let next = stored.map_or(now, |tat| tat.max(now)) + step;
    Ok(Err(seconds_to_wait(next, now, window)))
}

/// Whole seconds (at least one) until a request whose TAT would be `next` fits in the window.
fn seconds_to_wait(next: Timestamp, now: Timestamp, window: TimeDelta) -> u64 {
    let wait = next - now - window;
    let seconds = wait.num_seconds() + i64::from(wait.subsec_nanos() > 0);
    u64::try_from(seconds.max(1)).unwrap_or(1)
}

/// Forgets keys back at full allowance.
pub fn purge(conn: &mut Conn, now: Timestamp) -> QueryResult<usize> {
    diesel::delete(rate_limits::table.filter(rate_limits::tat.le(now))).execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_allows_its_burst_then_refills_one_request_per_interval() {
        let mut conn = crate::store::test_conn();
        let now = chrono::Utc::now().naive_utc();
        for _ in 0..3 {
            assert_eq!(take(&mut conn, "k", 3, now).unwrap(), Ok(()));
        }
        // The fourth waits for one interval (20 minutes) to refill.
        assert_eq!(take(&mut conn, "k", 3, now).unwrap(), Err(20 * 60));
        let later = now + TimeDelta::minutes(20);
        assert_eq!(take(&mut conn, "k", 3, later).unwrap(), Ok(()));
        assert!(take(&mut conn, "k", 3, later).unwrap().is_err());
        // Other keys have budgets of their own; 0 means no limit.
        assert_eq!(take(&mut conn, "other", 3, now).unwrap(), Ok(()));
        assert_eq!(take(&mut conn, "free", 0, now).unwrap(), Ok(()));
        // Several at once while they fit, then one, then none.
        assert_eq!(take_alone(&mut conn, "batch", 10, 4, now).unwrap(), Ok(4));
        assert_eq!(take_alone(&mut conn, "batch", 10, 4, now).unwrap(), Ok(4));
        assert_eq!(take_alone(&mut conn, "batch", 10, 4, now).unwrap(), Ok(1));
        assert_eq!(take_alone(&mut conn, "batch", 10, 4, now).unwrap(), Ok(1));
        assert!(take_alone(&mut conn, "batch", 10, 4, now).unwrap().is_err());
        diesel::delete(rate_limits::table.find("batch"))
            .execute(&mut conn)
            .unwrap();
        // Back at full allowance an hour after the last request, the key can go.
        assert_eq!(purge(&mut conn, later).unwrap(), 1);
        assert_eq!(purge(&mut conn, later + TimeDelta::hours(1)).unwrap(), 1);
    }
}
