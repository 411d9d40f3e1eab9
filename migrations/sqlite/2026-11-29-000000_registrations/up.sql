-- A registration waits here until its code is verified; only then does it become a row of `users`. A pending
-- registration reserves nothing: several may name one address or one username, the first verified wins,
-- and each is purged at its own `expires_at`, which re-registering never extends. Only the party that chose
-- the password can activate one: it holds the registration token (stored as a SHA-256 hash) or the password.
CREATE TABLE registrations (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX registrations_by_email ON registrations (email_key, created_at);
CREATE INDEX registrations_by_username ON registrations (username_key, created_at);
CREATE INDEX registrations_by_expiry ON registrations (expires_at);

-- Accounts still pending under the old scheme become registrations that only their password can verify
-- (no token hash matches a 'migrated:' value), keeping their original purge time.
INSERT INTO registrations (id, token_hash, username, username_key, email, email_key, password_hash,
                           created_at, expires_at)
SELECT id, 'migrated:' || id, username, username_key, email, email_key, password_hash,
       created_at, datetime(created_at, '+1 day')
FROM users WHERE email_verified = 0;
DELETE FROM users WHERE email_verified = 0;

-- Codes are bound to what they prove: a verification code to one registration (`subject` = its id), a reset
-- code to the address (`subject` = ''). A code mailed for one registration never activates another.
CREATE TABLE email_codes_new (
    email_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    code_hash TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    resend_after TIMESTAMP NOT NULL,
    PRIMARY KEY (email_key, purpose, subject)
);
-- Verification codes of the old scheme were not bound to a registration: they are dropped (a new one is a
-- resend away).
INSERT INTO email_codes_new (email_key, purpose, subject, code_hash, attempts, created_at, expires_at,
                             resend_after)
SELECT email_key, purpose, '', code_hash, attempts, created_at, expires_at, resend_after
FROM email_codes WHERE purpose <> 'verify_email';
DROP TABLE email_codes;
ALTER TABLE email_codes_new RENAME TO email_codes;
