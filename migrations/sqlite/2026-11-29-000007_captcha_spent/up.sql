-- Solved CAPTCHA puzzles, so that a solution is accepted once by every instance sharing the database:
-- the challenge's digest until the puzzle expires (after that its expiry refuses it anyway).
CREATE TABLE captcha_spent (
    digest TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX captcha_spent_by_expiry ON captcha_spent (expires_at);
