-- Administration: an account can be disabled by an admin; its last sign-in is kept for the user table.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN last_login_at TIMESTAMP;

-- The admin who acted, for admin actions (user_id is the account acted on).
ALTER TABLE audit_events ADD COLUMN actor_id TEXT;
CREATE INDEX audit_events_by_event ON audit_events (event, at);
CREATE INDEX audit_events_by_email ON audit_events (email, at);

-- What happened to e-mailed codes, for the admin's code log. Never a code or its hash: the address
-- (lower-cased), the purpose, the event and where the request came from.
CREATE TABLE code_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TIMESTAMP NOT NULL,
    email TEXT NOT NULL,
    purpose TEXT NOT NULL,
    event TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX code_events_by_email ON code_events (email, at);
CREATE INDEX code_events_by_time ON code_events (at);
