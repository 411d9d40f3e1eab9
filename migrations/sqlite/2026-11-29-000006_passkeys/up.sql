-- Passkeys (WebAuthn credentials) of an account: the public key and its counters as the WebAuthn
-- library keeps them, under a name the owner chose. A credential id belongs to one account only.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    user_verified BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);

-- A WebAuthn ceremony in progress: its challenge and expectations, bound to what asked for it (the
-- signed-in session that adds a passkey, the login whose second step it is, or nothing but its own
-- token for a sign-in). Each is spent by its first answer, right or wrong, and lives five minutes.
CREATE TABLE passkey_ceremonies (
    token_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    bound_to TEXT,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX passkey_ceremonies_by_expiry ON passkey_ceremonies (expires_at);

-- A login whose first step was a passkey that did not verify its user: its second step must be
-- something else (the app or a recovery code), or one stolen security key would pass both.
ALTER TABLE mfa_challenges ADD COLUMN by_passkey BOOLEAN NOT NULL DEFAULT FALSE;
