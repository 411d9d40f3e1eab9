//! Pending registrations: what someone asked to register, waiting for its e-mailed code. Nothing here is
//! unique but the id and the token hash, so a pending registration makes no username or address taken.

use diesel::prelude::*;
use shared::i18n::Language;

use super::schema::registrations;
use super::{Conn, Timestamp};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registrations)]
pub struct RegistrationRow {
    pub id: String,
    /// SHA-256 (hex) of the registration token handed to the party that registered.
    pub token_hash: String,
    pub username: String,
    pub username_key: String,
    pub email: String,
    pub email_key: String,
    pub password_hash: String,
    pub created_at: Timestamp,
    /// Purge time, fixed when the registration is made.
    pub expires_at: Timestamp,
    /// A code of `shared::i18n::Language`: the language of the registration's mails, and then of the
    /// account's.
    pub language: String,
}

impl RegistrationRow {
    /// The language of the registration's mails; English for a code this version no longer has.
    pub fn language(&self) -> Language {
        Language::from_code(&self.language).unwrap_or_default()
    }
}

pub fn insert(conn: &mut Conn, row: &RegistrationRow) -> QueryResult<()> {
    diesel::insert_into(registrations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut Conn, id: &str, now: Timestamp) -> QueryResult<Option<RegistrationRow>> {
    registrations::table
        .find(id)
        .filter(registrations::expires_at.gt(now))
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// The live registration that `token_hash` names, if it is one of `email_key`.
pub fn find_by_token(
    conn: &mut Conn,
    email_key: &str,
    token_hash: &str,
    now: Timestamp,
) -> QueryResult<Option<RegistrationRow>> {
    registrations::table
        .filter(registrations::token_hash.eq(token_hash))
        .filter(registrations::email_key.eq(email_key))
        .filter(registrations::expires_at.gt(now))
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// The newest live registration of the address.
pub fn newest_for_email(
    conn: &mut Conn,
    email_key: &str,
    now: Timestamp,
) -> QueryResult<Option<RegistrationRow>> {
    registrations::table
        .filter(registrations::email_key.eq(email_key))
        .filter(registrations::expires_at.gt(now))
        .order(registrations::created_at.desc())
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// The newest live registration whose username or address is `login_key` (lower-cased).
pub fn newest_for_login(
    conn: &mut Conn,
    login_key: &str,
    now: Timestamp,
) -> QueryResult<Option<RegistrationRow>> {
    registrations::table
        .filter(
            registrations::username_key
                .eq(login_key)
                .or(registrations::email_key.eq(login_key)),
        )
        .filter(registrations::expires_at.gt(now))
        .order(registrations::created_at.desc())
        .select(RegistrationRow::as_select())
        .first(conn)
        .optional()
}

/// Mails about the registration follow the language of whoever last asked for one.
pub fn set_language(conn: &mut Conn, id: &str, language: Language) -> QueryResult<()> {
    diesel::update(registrations::table.find(id))
        .set(registrations::language.eq(language.code()))
        .execute(conn)
        .map(drop)
}

pub fn delete(conn: &mut Conn, id: &str) -> QueryResult<()> {
    diesel::delete(registrations::table.find(id))
        .execute(conn)
        .map(drop)
}

/// Deletes registrations past their purge time; returns their ids, so their codes can go too.
pub fn purge_expired(conn: &mut Conn, now: Timestamp) -> QueryResult<Vec<String>> {
    diesel::delete(registrations::table.filter(registrations::expires_at.le(now)))
        .returning(registrations::id)
        .get_results(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn row(id: &str, name: &str, email: &str, at: Timestamp) -> RegistrationRow {
        RegistrationRow {
            id: id.into(),
            token_hash: format!("hash-of-{id}"),
            username: name.into(),
            username_key: name.to_lowercase(),
            email: email.into(),
            email_key: email.to_lowercase(),
            password_hash: "x".into(),
            created_at: at,
            expires_at: at + Duration::hours(24),
            language: "en".into(),
        }
    }

    #[test]
    fn several_registrations_may_share_a_username_and_an_address() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        insert(&mut conn, &row("1", "alice", "a@example.com", now)).unwrap();
        insert(
            &mut conn,
            &row("2", "alice", "a@example.com", now + Duration::seconds(1)),
        )
        .unwrap();
        let later = now + Duration::seconds(2);
        assert_eq!(
            newest_for_login(&mut conn, "alice", later)
                .unwrap()
                .unwrap()
                .id,
            "2"
        );
        assert_eq!(
            newest_for_email(&mut conn, "a@example.com", later)
                .unwrap()
                .unwrap()
                .id,
            "2"
        );
    }

    #[test]
    fn a_token_finds_only_its_own_registration_of_that_address() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        insert(&mut conn, &row("1", "alice", "a@example.com", now)).unwrap();
        insert(&mut conn, &row("2", "bob", "b@example.com", now)).unwrap();
        let found = find_by_token(&mut conn, "a@example.com", "hash-of-1", now).unwrap();
        assert_eq!(found.unwrap().id, "1");
        assert!(find_by_token(&mut conn, "a@example.com", "hash-of-2", now)
            .unwrap()
            .is_none());
    }

    #[test]
    fn expired_registrations_are_invisible_and_purged() {
        let mut conn = crate::store::test_conn();
        let now = Utc::now().naive_utc();
        insert(
            &mut conn,
            &row("old", "old", "o@example.com", now - Duration::hours(25)),
        )
        .unwrap();
        insert(&mut conn, &row("new", "new", "n@example.com", now)).unwrap();
        assert!(find(&mut conn, "old", now).unwrap().is_none());
        assert_eq!(purge_expired(&mut conn, now).unwrap(), ["old"]);
        assert!(find(&mut conn, "new", now).unwrap().is_some());
    }
}
