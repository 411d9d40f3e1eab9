ALTER TABLE mfa_challenges DROP COLUMN by_passkey;
DROP TABLE passkey_ceremonies;
DROP TABLE passkeys;
