-- The Ed25519 keys that sign access tokens when no JWT_SECRET is set: the public half published at
-- /.well-known/jwks.json, the private half sealed (XChaCha20-Poly1305) under a key derived from the
-- server's secret key, so the database alone signs nothing. The newest key without `retired_at` signs;
-- a retired key stays published until every token it signed has expired.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    algorithm TEXT NOT NULL,
    public_key TEXT NOT NULL,
    private_key_sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);
CREATE INDEX signing_keys_by_age ON signing_keys (created_at);
