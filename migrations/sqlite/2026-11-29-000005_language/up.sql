-- The language mails are written in: a registration takes it from the request that made (or last resent)
-- it, the account inherits it at verification and its owner may change it. Codes of shared/src/i18n.rs.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE registrations ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
