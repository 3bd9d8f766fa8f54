-- The owner's side (SPEC 7.1): people who sign in, API tokens, sessions and failed sign-ins.
-- Secrets are never stored: passwords as Argon2id PHC strings, tokens and session ids as
-- SHA-256 hex digests.
CREATE TABLE IF NOT EXISTS users (
    id            TEXT PRIMARY KEY,        -- random, 16 bytes hex
    email         TEXT NOT NULL UNIQUE,    -- lower case
    role          TEXT NOT NULL,           -- admin | viewer
    password_hash TEXT NOT NULL,           -- Argon2id, PHC string format
    created_at    BIGINT NOT NULL          -- Unix milliseconds
);

CREATE TABLE IF NOT EXISTS tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,       -- SHA-256 of the token, hex
    created_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash    TEXT PRIMARY KEY,           -- SHA-256 of the cookie's value, hex
    user_id    TEXT NOT NULL,
    csrf       TEXT NOT NULL,              -- the token console forms and requests carry
    created_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL             -- idle expiry counts from here
);

CREATE TABLE IF NOT EXISTS login_failures (
    attempt TEXT NOT NULL,                 -- random id of one sign-in attempt
    subject TEXT NOT NULL,                 -- "email:<address>" or "client:<ip>"
    at      BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures (subject, at);
