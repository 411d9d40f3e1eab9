-- Webhooks are outbox rows too (written in the transaction of the change, delivered by their own worker):
-- `channel` says which worker delivers a row. For a webhook, `recipient` is the URL, `kind` the event
-- type, and `body_text` the JSON payload until it is delivered.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail';
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
