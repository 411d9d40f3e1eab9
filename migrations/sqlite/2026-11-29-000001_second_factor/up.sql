-- The authenticator app of an account: its secret sealed with the server's key, whether setup was
-- confirmed, and the last time step a code was accepted for (a code works once).
CREATE TABLE totp_factors (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT
);

-- Recovery codes, kept only as keyed hashes; each works once.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- The second step of a login: a right password (or e-mailed code) opened it; it lives minutes, works
-- once and dies after five wrong codes.
CREATE TABLE mfa_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at TIMESTAMP
);
CREATE INDEX mfa_challenges_by_expiry ON mfa_challenges (expires_at);
