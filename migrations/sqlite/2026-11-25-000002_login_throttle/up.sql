-- Consecutive failed logins per account ("user:<id>") or per unknown login ("login:<name>"), so that both
-- are throttled alike and the throttle reveals nothing about which accounts exist.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    locked_until TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
