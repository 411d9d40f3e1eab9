-- What each committed write changed that signed-in requests rely on (an account, a session), in commit
-- order, so that every process serving this file (and the command line's changes) reaches every
-- process's cache of signed-in state: each checks `PRAGMA data_version` before using its cache and
-- reads the rows it has not seen. PostgreSQL announces the same with NOTIFY and has no such table.
CREATE TABLE auth_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
