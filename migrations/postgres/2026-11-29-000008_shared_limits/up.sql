-- Rate budgets every instance on the database shares (an address's mail, the server's mail), kept as
-- GCRA: the theoretical arrival time of the next request; a key whose time has passed is at full
-- allowance and can go.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY NOT NULL,
    tat TIMESTAMP NOT NULL
);
CREATE INDEX rate_limits_by_tat ON rate_limits (tat);
