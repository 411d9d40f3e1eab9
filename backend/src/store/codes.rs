//! E-mailed code rows (one per address and purpose) and the per-address count of wrong codes.

use diesel::prelude::*;

use super::schema::{code_failures, email_codes};
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    PasswordReset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = email_codes)]
pub struct CodeRow {
    pub email_key: String,
    pub purpose: String,
    /// `None` for a decoy row: no code was mailed, and no code matches.
    pub code_hash: Option<String>,
    pub attempts: i32,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub resend_after: Timestamp,
}

pub fn find(conn: &mut Conn, email_key: &str, purpose: Purpose) -> QueryResult<Option<CodeRow>> {
    email_codes::table
        .find((email_key, purpose.as_str()))
        .select(CodeRow::as_select())
        .first(conn)
        .optional()
}

/// Stores `row` as the address's current code for its purpose, voiding the one before.
pub fn replace(conn: &mut Conn, row: &CodeRow) -> QueryResult<()> {
    delete(conn, &row.email_key, &row.purpose)?;
    diesel::insert_into(email_codes::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

fn delete(conn: &mut Conn, email_key: &str, purpose: &str) -> QueryResult<()> {
    diesel::delete(email_codes::table.find((email_key, purpose)))
        .execute(conn)
        .map(drop)
}

/// Spends the code: a used code never works twice.
pub fn consume(conn: &mut Conn, email_key: &str, purpose: Purpose) -> QueryResult<()> {
    delete(conn, email_key, purpose.as_str())
}

/// Counts a wrong try against the current code and against the address; returns the code's new count.
pub fn record_wrong_try(
    conn: &mut Conn,
    email_key: &str,
    purpose: Purpose,
    now: Timestamp,
) -> QueryResult<i32> {
    diesel::insert_into(code_failures::table)
        .values((
            code_failures::email_key.eq(email_key),
            code_failures::failed_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(email_codes::table.find((email_key, purpose.as_str())))
        .set(email_codes::attempts.eq(email_codes::attempts + 1))
        .returning(email_codes::attempts)
        .get_result(conn)
}

/// The times of the address's wrong codes since `since`, oldest first.
pub fn failures_since(
    conn: &mut Conn,
    email_key: &str,
    since: Timestamp,
) -> QueryResult<Vec<Timestamp>> {
    code_failures::table
        .filter(code_failures::email_key.eq(email_key))
        .filter(code_failures::failed_at.gt(since))
        .order(code_failures::failed_at.asc())
        .select(code_failures::failed_at)
        .load(conn)
}

/// Drops code rows that are both expired and past their cooldown, and failures older than `failed_before`.
pub fn purge(conn: &mut Conn, now: Timestamp, failed_before: Timestamp) -> QueryResult<usize> {
    let codes = diesel::delete(
        email_codes::table
            .filter(email_codes::expires_at.lt(now))
            .filter(email_codes::resend_after.lt(now)),
    )
    .execute(conn)?;
    let failures =
        diesel::delete(code_failures::table.filter(code_failures::failed_at.lt(failed_before)))
            .execute(conn)?;
    Ok(codes + failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn row(email: &str, hash: &str, now: Timestamp) -> CodeRow {
        CodeRow {
            email_key: email.into(),
            purpose: Purpose::VerifyEmail.as_str().into(),
            code_hash: Some(hash.into()),
            attempts: 0,
            created_at: now,
            expires_at: now + Duration::minutes(5),
            resend_after: now + Duration::minutes(1),
        }
    }

    #[test]
    fn a_new_code_replaces_the_old_but_failures_stay() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        replace(&mut conn, &row("a@example.com", "first", now)).unwrap();
        let n = record_wrong_try(&mut conn, "a@example.com", Purpose::VerifyEmail, now).unwrap();
        assert_eq!(n, 1);

        replace(&mut conn, &row("a@example.com", "second", now)).unwrap();
        let current = find(&mut conn, "a@example.com", Purpose::VerifyEmail)
            .unwrap()
            .unwrap();
        assert_eq!(current.code_hash.as_deref(), Some("second"));
        assert_eq!(current.attempts, 0);
        let since = now - Duration::hours(24);
        assert_eq!(
            failures_since(&mut conn, "a@example.com", since)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn purposes_do_not_interfere() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        replace(&mut conn, &row("a@example.com", "v", now)).unwrap();
        assert!(find(&mut conn, "a@example.com", Purpose::PasswordReset)
            .unwrap()
            .is_none());
        consume(&mut conn, "a@example.com", Purpose::VerifyEmail).unwrap();
        assert!(find(&mut conn, "a@example.com", Purpose::VerifyEmail)
            .unwrap()
            .is_none());
    }
}
