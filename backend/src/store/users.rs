//! Account rows.

use diesel::prelude::*;

use super::schema::users;
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub username_key: String,
    pub email: String,
    pub email_key: String,
    pub password_hash: String,
    pub email_verified: bool,
    pub mfa_enabled: bool,
    pub role: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub verified_at: Option<Timestamp>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub username_key: &'a str,
    pub email: &'a str,
    pub email_key: &'a str,
    pub password_hash: &'a str,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub fn insert(conn: &mut Conn, user: &NewUser<'_>) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut Conn, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email_key(conn: &mut Conn, email_key: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email_key.eq(email_key))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_username_key(conn: &mut Conn, username_key: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username_key.eq(username_key))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// `login_key` is the lower-cased username or e-mail address. Usernames cannot contain '@', so at most
/// one row matches.
pub fn find_by_login(conn: &mut Conn, login_key: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(
            users::username_key
                .eq(login_key)
                .or(users::email_key.eq(login_key)),
        )
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Gives a pending account a new username and password, and restarts its purge clock.
pub fn replace_pending(
    conn: &mut Conn,
    id: &str,
    username: &str,
    username_key: &str,
    password_hash: &str,
    now: Timestamp,
) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::email_verified.eq(false)),
    )
    .set((
        users::username.eq(username),
        users::username_key.eq(username_key),
        users::password_hash.eq(password_hash),
        users::created_at.eq(now),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(drop)
}

pub fn mark_verified(conn: &mut Conn, id: &str, now: Timestamp) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::email_verified.eq(false)),
    )
    .set((
        users::email_verified.eq(true),
        users::verified_at.eq(now),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(drop)
}

pub fn set_password(
    conn: &mut Conn,
    id: &str,
    password_hash: &str,
    now: Timestamp,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Deletes accounts still unverified since before `created_before`; returns how many.
pub fn purge_pending_created_before(
    conn: &mut Conn,
    created_before: Timestamp,
) -> QueryResult<usize> {
    diesel::delete(
        users::table
            .filter(users::email_verified.eq(false))
            .filter(users::created_at.lt(created_before)),
    )
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn add(conn: &mut Conn, id: &str, name: &str, email: &str, at: Timestamp) {
        insert(
            conn,
            &NewUser {
                id,
                username: name,
                username_key: &name.to_lowercase(),
                email,
                email_key: &email.to_lowercase(),
                password_hash: "x",
                created_at: at,
                updated_at: at,
            },
        )
        .unwrap();
    }

    #[test]
    fn login_matches_username_or_address() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        add(&mut conn, "1", "Alice", "Alice@example.com", now);
        assert_eq!(find_by_login(&mut conn, "alice").unwrap().unwrap().id, "1");
        assert_eq!(
            find_by_login(&mut conn, "alice@example.com")
                .unwrap()
                .unwrap()
                .id,
            "1"
        );
        assert!(find_by_login(&mut conn, "bob").unwrap().is_none());
    }

    #[test]
    fn usernames_are_unique_ignoring_case() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        add(&mut conn, "1", "Alice", "a@example.com", now);
        let err = insert(
            &mut conn,
            &NewUser {
                id: "2",
                username: "ALICE",
                username_key: "alice",
                email: "b@example.com",
                email_key: "b@example.com",
                password_hash: "x",
                created_at: now,
                updated_at: now,
            },
        )
        .unwrap_err();
        assert!(crate::store::is_unique_violation(&err));
    }

    #[test]
    fn only_old_pending_accounts_are_purged() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        let old = now - Duration::hours(25);
        add(&mut conn, "old-pending", "old", "old@example.com", old);
        add(&mut conn, "new-pending", "new", "new@example.com", now);
        add(&mut conn, "old-verified", "ver", "ver@example.com", old);
        mark_verified(&mut conn, "old-verified", old).unwrap();

        let purged = purge_pending_created_before(&mut conn, now - Duration::hours(24)).unwrap();
        assert_eq!(purged, 1);
        assert!(find(&mut conn, "old-pending").unwrap().is_none());
        assert!(find(&mut conn, "new-pending").unwrap().is_some());
        assert!(find(&mut conn, "old-verified").unwrap().is_some());
    }
}
