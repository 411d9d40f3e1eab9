DROP TABLE code_events;
DROP INDEX audit_events_by_email;
DROP INDEX audit_events_by_event;
ALTER TABLE audit_events DROP COLUMN actor_id;
ALTER TABLE users DROP COLUMN last_login_at;
ALTER TABLE users DROP COLUMN disabled_at;
