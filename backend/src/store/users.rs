//! Account rows: verified accounts only (a registration waits in `registrations` until it is verified).

use diesel::prelude::*;
use shared::i18n::Language;

use super::changes::{self, Change};
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
    pub disabled_at: Option<Timestamp>,
    pub last_login_at: Option<Timestamp>,
    /// A code of `shared::i18n::Language`: the language of the account's mails.
    pub language: String,
}

impl UserRow {
    /// The language of the account's mails; English for a code this version no longer has.
    pub fn language(&self) -> Language {
        Language::from_code(&self.language).unwrap_or_default()
    }
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
    pub language: &'a str,
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

/// Creates an account whose address was just verified.
pub fn insert_verified(conn: &mut Conn, user: &NewUser<'_>, now: Timestamp) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values((
            user,
            users::email_verified.eq(true),
            users::verified_at.eq(Some(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets the password; with `expected`, only if the stored hash is still that one. Whether it was set.
pub fn set_password(
    conn: &mut Conn,
    id: &str,
    expected: Option<&str>,
    password_hash: &str,
    now: Timestamp,
) -> QueryResult<bool> {
    let changes = (
        users::password_hash.eq(password_hash),
        users::updated_at.eq(now),
    );
    let updated = match expected {
        Some(expected) => diesel::update(
            users::table
                .find(id)
                .filter(users::password_hash.eq(expected)),
        )
        .set(changes)
        .execute(conn)?,
        None => diesel::update(users::table.find(id))
            .set(changes)
            .execute(conn)?,
    };
    changed(conn, updated, id)
}

/// Records a change to the account when `rows` says the statement made one; whether it did.
fn changed(conn: &mut Conn, rows: usize, id: &str) -> QueryResult<bool> {
    Ok(changes::record_if_written(conn, rows, Change::User(id.to_owned()))? > 0)
}

/// Sets the language of the account's mails; whether it changed.
pub fn set_language(
    conn: &mut Conn,
    id: &str,
    language: Language,
    now: Timestamp,
) -> QueryResult<bool> {
    let rows = diesel::update(
        users::table
            .find(id)
            .filter(users::language.ne(language.code())),
    )
    .set((
        users::language.eq(language.code()),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    changed(conn, rows, id)
}

pub const ROLE_USER: &str = "user";
pub const ROLE_ADMIN: &str = "admin";

/// Sets the role; whether it changed.
pub fn set_role(conn: &mut Conn, id: &str, role: &str, now: Timestamp) -> QueryResult<bool> {
    let rows = diesel::update(users::table.find(id).filter(users::role.ne(role)))
        .set((users::role.eq(role), users::updated_at.eq(now)))
        .execute(conn)?;
    changed(conn, rows, id)
}

/// Disables (`Some(now)`) or enables (`None`) the account; whether that changed anything.
pub fn set_disabled(
    conn: &mut Conn,
    id: &str,
    disabled_at: Option<Timestamp>,
    now: Timestamp,
) -> QueryResult<bool> {
    let target = users::table.find(id);
    let rows = match disabled_at {
        Some(_) => diesel::update(target.filter(users::disabled_at.is_null()))
            .set((
                users::disabled_at.eq(disabled_at),
                users::updated_at.eq(now),
            ))
            .execute(conn)?,
        None => diesel::update(target.filter(users::disabled_at.is_not_null()))
            .set((
                users::disabled_at.eq(disabled_at),
                users::updated_at.eq(now),
            ))
            .execute(conn)?,
    };
    changed(conn, rows, id)
}

pub fn is_disabled(conn: &mut Conn, id: &str) -> QueryResult<bool> {
    users::table
        .find(id)
        .select(users::disabled_at.is_not_null())
        .first(conn)
        .optional()
        .map(|d| d.unwrap_or(false))
}

pub fn record_login(conn: &mut Conn, id: &str, now: Timestamp) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::last_login_at.eq(now))
        .execute(conn)
        .map(drop)
}

/// Deletes the account; its sessions, tokens and factor go with it (foreign keys cascade).
pub fn delete(conn: &mut Conn, id: &str) -> QueryResult<bool> {
    let rows = diesel::delete(users::table.find(id)).execute(conn)?;
    changed(conn, rows, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

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
                language: "en",
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
                language: "en",
            },
        )
        .unwrap_err();
        assert!(crate::store::is_unique_violation(&err));
    }
}
