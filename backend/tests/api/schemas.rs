//! The two migration folders make the same schema: every table of one is in the other with the same
//! columns, nullability and primary key. A migration added to one folder and forgotten (or written
//! differently) in the other fails here, not in production on the backend its author did not try.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use crate::helpers::{test_postgres_url, PgDatabase};

/// Tables only one backend has, and why.
const SQLITE_ONLY: [&str; 1] = [
    // Other processes on the file read it; PostgreSQL announces the same with NOTIFY.
    "auth_changes",
];

/// A column as both backends can describe it: name, nullable, part of the primary key.
type Columns = BTreeSet<(String, bool, bool)>;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    notnull: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    primary: bool,
}

fn sqlite_schema(url: &str) -> BTreeMap<String, Columns> {
    let mut conn = SqliteConnection::establish(url.trim_start_matches("sqlite://")).unwrap();
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name != '__diesel_schema_migrations'",
    )
    .load(&mut conn)
    .unwrap();
    tables
        .into_iter()
        .map(|table| {
            let columns: Vec<SqliteColumn> =
                diesel::sql_query(format!("PRAGMA table_info('{}')", table.name))
                    .load(&mut conn)
                    .unwrap();
            let columns = columns
                .into_iter()
                // SQLite lets a primary key column be NULL unless it says NOT NULL; PostgreSQL never
                // does, so a key column counts as NOT NULL on both.
                .map(|c| (c.name, c.notnull == 0 && c.pk == 0, c.pk > 0))
                .collect();
            (table.name, columns)
        })
        .collect()
}

fn postgres_schema(url: &str) -> BTreeMap<String, Columns> {
    let mut conn = PgConnection::establish(url).unwrap();
    let columns: Vec<PgColumn> = diesel::sql_query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                c.is_nullable::text AS is_nullable, \
                EXISTS (SELECT 1 FROM information_schema.table_constraints t \
                        JOIN information_schema.key_column_usage k \
                          ON k.constraint_name = t.constraint_name AND k.table_name = t.table_name \
                        WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_name = c.table_name \
                          AND k.column_name = c.column_name AND t.table_schema = 'public') AS primary \
         FROM information_schema.columns c \
         WHERE c.table_schema = 'public' AND c.table_name != '__diesel_schema_migrations'",
    )
    .load(&mut conn)
    .unwrap();
    let mut tables: BTreeMap<String, Columns> = BTreeMap::new();
    for c in columns {
        tables.entry(c.table_name).or_default().insert((
            c.column_name,
            c.is_nullable == "YES",
            c.primary,
        ));
    }
    tables
}

#[test]
fn both_migration_folders_make_the_same_tables_columns_and_keys() {
    let Some(server) = test_postgres_url() else {
        eprintln!(
            "skipped: needs TEST_DATABASE_URL (PostgreSQL) to compare its schema with SQLite's"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("portal.db").display());
    otp_portal::store::connect_one(&sqlite_url).unwrap();
    let pg = PgDatabase::create(&server);
    otp_portal::store::connect_one(&pg.url).unwrap();

    let mut sqlite = sqlite_schema(&sqlite_url);
    let postgres = postgres_schema(&pg.url);
    for table in SQLITE_ONLY {
        assert!(
            sqlite.remove(table).is_some(),
            "{table} is gone: update SQLITE_ONLY"
        );
    }
    let names = |s: &BTreeMap<String, Columns>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&sqlite), names(&postgres), "tables differ");
    for (table, columns) in &sqlite {
        assert_eq!(
            columns, &postgres[table],
            "table {table}: (column, nullable, primary key) differ between SQLite (left) and \
             PostgreSQL (right)"
        );
    }
    assert!(sqlite.len() > 10, "{} tables", sqlite.len());
}
