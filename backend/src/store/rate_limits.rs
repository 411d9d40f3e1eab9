//! Rate budgets shared by every instance on the database, with the same rule as the in-memory limits
//! (GCRA, as governor counts): a budget of `per_hour` requests refills one request every hour ÷
//! `per_hour`, and holds at most `per_hour`. Each key keeps the theoretical arrival time (TAT) of its
//! next request; a request moves it on by one interval and is refused if that would put it more than an
//! hour ahead of now.
//!
//! Concurrency: no transaction is needed; the TAT is moved by a compare-and-set on the value read, and a
//! lost race reads again, so two instances never both spend the last request of a budget.

use chrono::TimeDelta;
use diesel::prelude::*;

use super::schema::rate_limits;
use super::{Conn, Timestamp};

/// How often a lost compare-and-set reads again before giving up (as refused, for a second).
const ATTEMPTS: usize = 8;

/// Spends one request of `key`'s budget of `per_hour`; `Err(seconds)` to wait when it is used up.
pub fn take(
    conn: &mut Conn,
    key: &str,
    per_hour: u32,
    now: Timestamp,
) -> QueryResult<Result<(), u64>> {
    if per_hour == 0 {
        return Ok(Ok(()));
    }
    let interval = TimeDelta::microseconds(3_600_000_000 / i64::from(per_hour));
    let window = TimeDelta::hours(1);
    for _ in 0..ATTEMPTS {
        let stored: Option<Timestamp> = rate_limits::table
            .find(key)
            .select(rate_limits::tat)
            .first(conn)
            .optional()?;
        let next = stored.map_or(now, |tat| tat.max(now)) + interval;
        if next - now > window {
            let wait = next - now - window;
            let seconds = wait.num_seconds() + i64::from(wait.subsec_nanos() > 0);
            return Ok(Err(u64::try_from(seconds.max(1)).unwrap_or(1)));
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
        // Back at full allowance an hour after the last request, the key can go.
        assert_eq!(purge(&mut conn, later).unwrap(), 1);
        assert_eq!(purge(&mut conn, later + TimeDelta::hours(1)).unwrap(), 1);
    }
}
