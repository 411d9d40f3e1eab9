-- Accounts. An account is pending until its address is verified; pending ones are purged after a day.
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL,
    -- Lower-cased copies: usernames and addresses are unique ignoring case.
    username_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    mfa_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    role TEXT NOT NULL DEFAULT 'user',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    verified_at TIMESTAMP
);
CREATE INDEX users_pending_by_age ON users (email_verified, created_at);

-- The current e-mailed code per address and purpose. A row whose code_hash is NULL is a decoy: it makes an
-- address that has no code to send (unknown, or already registered) answer exactly like one that has.
CREATE TABLE email_codes (
    email_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code_hash TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    resend_after TIMESTAMP NOT NULL,
    PRIMARY KEY (email_key, purpose)
);

-- Wrong codes per address across codes, so that asking for a new code never resets the count.
CREATE TABLE code_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email_key TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX code_failures_by_address ON code_failures (email_key, failed_at);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    user_agent TEXT,
    ip TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Refresh tokens are kept (as SHA-256 hashes) after they are spent, so that a replayed one is recognised.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    spent_at TIMESTAMP
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- Mail to deliver, written in the same transaction as the change that caused it.
-- The bodies are cleared once the mail is delivered or abandoned: they may hold a code.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT,
    body_html TEXT,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_recipient ON outbox (recipient, kind, created_at);
