//! Solved CAPTCHA puzzles, shared by every instance on the database.

use diesel::prelude::*;

use super::schema::captcha_spent;
use super::{Conn, Timestamp};

/// Records a solution's challenge as used; `false` if it was used before (here or on another instance).
pub fn spend(conn: &mut Conn, digest: &str, expires_at: Timestamp) -> QueryResult<bool> {
    super::on_backend!(conn, |c| diesel::insert_into(captcha_spent::table)
        .values((
            captcha_spent::digest.eq(digest),
            captcha_spent::expires_at.eq(expires_at),
        ))
        .on_conflict_do_nothing()
        .execute(c)
        .map(|n| n == 1))
}

/// Forgets puzzles that have expired: their expiry refuses them before this table is asked.
pub fn purge(conn: &mut Conn, now: Timestamp) -> QueryResult<usize> {
    diesel::delete(captcha_spent::table.filter(captcha_spent::expires_at.le(now))).execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_is_spent_once_and_forgotten_after_its_expiry() {
        let mut conn = crate::store::test_conn();
        let now = chrono::Utc::now().naive_utc();
        let later = now + chrono::TimeDelta::minutes(5);
        assert!(spend(&mut conn, "ab", later).unwrap());
        assert!(!spend(&mut conn, "ab", later).unwrap());
        assert!(spend(&mut conn, "cd", later).unwrap());
        assert_eq!(purge(&mut conn, now).unwrap(), 0);
        assert_eq!(purge(&mut conn, later).unwrap(), 2);
        assert!(spend(&mut conn, "ab", later).unwrap());
    }
}
