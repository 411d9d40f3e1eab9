DROP TABLE outbox;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE code_failures;
DROP TABLE email_codes;
DROP TABLE users;
