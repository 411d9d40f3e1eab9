CREATE TABLE email_codes_old (
    email_key TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code_hash TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    resend_after TIMESTAMP NOT NULL,
    PRIMARY KEY (email_key, purpose)
);
INSERT OR IGNORE INTO email_codes_old (email_key, purpose, code_hash, attempts, created_at, expires_at,
                                       resend_after)
SELECT email_key, purpose, code_hash, attempts, created_at, expires_at, resend_after
FROM email_codes WHERE subject = '';
DROP TABLE email_codes;
ALTER TABLE email_codes_old RENAME TO email_codes;
DROP TABLE registrations;
