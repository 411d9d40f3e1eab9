//! E-mailed code rows (one per address, purpose and subject) and the per-address count of wrong codes.

use diesel::prelude::*;

use super::schema::{code_failures, email_codes};
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    PasswordReset,
    /// Signing in with an e-mailed code instead of the password.
    Login,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
            Self::Login => "login",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = email_codes)]
pub struct CodeRow {
    pub email_key: String,
    pub purpose: String,
    /// What the code is bound to besides the address and purpose: a registration's id for a verification
    /// code, "" otherwise.
    pub subject: String,
    /// `None` for a decoy row: no code was mailed, and no code matches.
    pub code_hash: Option<String>,
    pub attempts: i32,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub resend_after: Timestamp,
}

/// Which code row: an address, a purpose and the subject the code is bound to.
#[derive(Debug, Clone, Copy)]
pub struct CodeKey<'a> {
    pub email_key: &'a str,
    pub purpose: Purpose,
    pub subject: &'a str,
}

impl<'a> CodeKey<'a> {
    /// The key of a code bound to the address alone (a reset or sign-in code).
    pub fn of_address(email_key: &'a str, purpose: Purpose) -> Self {
        Self {
            email_key,
            purpose,
            subject: "",
        }
    }
}

impl CodeRow {
    pub fn key(&self) -> Option<CodeKey<'_>> {
        let purpose = match self.purpose.as_str() {
            "verify_email" => Purpose::VerifyEmail,
            "password_reset" => Purpose::PasswordReset,
            "login" => Purpose::Login,
            _ => return None,
        };
        Some(CodeKey {
            email_key: &self.email_key,
            purpose,
            subject: &self.subject,
        })
    }
}

pub fn find(conn: &mut Conn, key: CodeKey<'_>) -> QueryResult<Option<CodeRow>> {
    email_codes::table
        .find((key.email_key, key.purpose.as_str(), key.subject))
        .select(CodeRow::as_select())
        .first(conn)
        .optional()
}

/// Every code row of the address for `purpose`, whatever it is bound to, newest first.
pub fn find_all(conn: &mut Conn, email_key: &str, purpose: Purpose) -> QueryResult<Vec<CodeRow>> {
    email_codes::table
        .filter(email_codes::email_key.eq(email_key))
        .filter(email_codes::purpose.eq(purpose.as_str()))
        .order(email_codes::created_at.desc())
        .select(CodeRow::as_select())
        .load(conn)
}

/// Stores `row` as the current code of its key, voiding the one before.
pub fn replace(conn: &mut Conn, row: &CodeRow) -> QueryResult<()> {
    diesel::delete(email_codes::table.find((&row.email_key, &row.purpose, &row.subject)))
        .execute(conn)?;
    diesel::insert_into(email_codes::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Spends the code if it is still the one that was checked (same hash, tries left): a used code never
/// works twice, and of two requests racing with the same code only one gets `true`.
pub fn consume(conn: &mut Conn, key: CodeKey<'_>, code_hash: &str) -> QueryResult<bool> {
    diesel::delete(
        email_codes::table
            .find((key.email_key, key.purpose.as_str(), key.subject))
            .filter(email_codes::code_hash.eq(code_hash)),
    )
    .execute(conn)
    .map(|n| n == 1)
}

/// Drops every code bound to `subject` (a registration that is gone).
pub fn delete_for_subject(conn: &mut Conn, subject: &str) -> QueryResult<usize> {
    diesel::delete(email_codes::table.filter(email_codes::subject.eq(subject))).execute(conn)
}

/// Drops the address's codes of `purposes` and its count of wrong tries (its account is gone).
pub fn delete_of_address(
    conn: &mut Conn,
    email_key: &str,
    purposes: &[Purpose],
) -> QueryResult<usize> {
    let purposes: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    let codes = diesel::delete(
        email_codes::table
            .filter(email_codes::email_key.eq(email_key))
            .filter(email_codes::purpose.eq_any(purposes)),
    )
    .execute(conn)?;
    let failures =
        diesel::delete(code_failures::table.filter(code_failures::email_key.eq(email_key)))
            .execute(conn)?;
    Ok(codes + failures)
}

/// Counts one wrong try against the address.
pub fn record_failure(conn: &mut Conn, email_key: &str, now: Timestamp) -> QueryResult<()> {
    diesel::insert_into(code_failures::table)
        .values((
            code_failures::email_key.eq(email_key),
            code_failures::failed_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Counts a wrong try against one code; returns its new count (`None` if the row is gone).
pub fn record_wrong_try(conn: &mut Conn, key: CodeKey<'_>) -> QueryResult<Option<i32>> {
    diesel::update(email_codes::table.find((key.email_key, key.purpose.as_str(), key.subject)))
        .set(email_codes::attempts.eq(email_codes::attempts + 1))
        .returning(email_codes::attempts)
        .get_result(conn)
        .optional()
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

    fn row(email: &str, subject: &str, hash: &str, now: Timestamp) -> CodeRow {
        CodeRow {
            email_key: email.into(),
            purpose: Purpose::VerifyEmail.as_str().into(),
            subject: subject.into(),
            code_hash: Some(hash.into()),
            attempts: 0,
            created_at: now,
            expires_at: now + Duration::minutes(5),
            resend_after: now + Duration::minutes(1),
        }
    }

    fn key<'a>(email: &'a str, subject: &'a str) -> CodeKey<'a> {
        CodeKey {
            email_key: email,
            purpose: Purpose::VerifyEmail,
            subject,
        }
    }

    #[test]
    fn a_new_code_replaces_the_old_of_its_subject_only_and_failures_stay() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        replace(&mut conn, &row("a@example.com", "r1", "first", now)).unwrap();
        replace(&mut conn, &row("a@example.com", "r2", "other", now)).unwrap();
        let n = record_wrong_try(&mut conn, key("a@example.com", "r1")).unwrap();
        record_failure(&mut conn, "a@example.com", now).unwrap();
        assert_eq!(n, Some(1));

        replace(&mut conn, &row("a@example.com", "r1", "second", now)).unwrap();
        let current = find(&mut conn, key("a@example.com", "r1"))
            .unwrap()
            .unwrap();
        assert_eq!(current.code_hash.as_deref(), Some("second"));
        assert_eq!(current.attempts, 0);
        let other = find(&mut conn, key("a@example.com", "r2"))
            .unwrap()
            .unwrap();
        assert_eq!(other.code_hash.as_deref(), Some("other"));
        assert_eq!(
            find_all(&mut conn, "a@example.com", Purpose::VerifyEmail)
                .unwrap()
                .len(),
            2
        );
        let since = now - Duration::hours(24);
        assert_eq!(
            failures_since(&mut conn, "a@example.com", since)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_code_is_consumed_once_and_only_with_its_hash() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        replace(&mut conn, &row("a@example.com", "r1", "h", now)).unwrap();
        assert!(!consume(&mut conn, key("a@example.com", "r1"), "not-h").unwrap());
        assert!(consume(&mut conn, key("a@example.com", "r1"), "h").unwrap());
        assert!(!consume(&mut conn, key("a@example.com", "r1"), "h").unwrap());
        assert!(find(&mut conn, key("a@example.com", "r1"))
            .unwrap()
            .is_none());
    }
}
