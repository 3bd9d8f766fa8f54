-- Webhooks and their delivery queue (SPEC 7.3). The queue lives here so that a restart or a
-- crash loses nothing; replicas on PostgreSQL claim due deliveries with FOR UPDATE SKIP LOCKED.
CREATE TABLE IF NOT EXISTS webhooks (
    id         TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,                -- the HMAC key (needed to sign: not hashed)
    surveys    TEXT NOT NULL,                -- JSON array; empty: every survey
    categories TEXT NOT NULL,                -- JSON array; empty: every category
    format     TEXT NOT NULL,                -- json | slack
    created_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS deliveries (
    id            TEXT PRIMARY KEY,          -- X-Survey-Delivery, the same on every attempt
    webhook_id    TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    visitor_id    TEXT,                      -- so an erasure cancels it
    status        TEXT NOT NULL,             -- pending | delivered | failed | cancelled
    attempts      BIGINT NOT NULL,
    last_status   BIGINT,
    last_error    TEXT,
    due_at        BIGINT NOT NULL,           -- next attempt (Unix milliseconds)
    claimed_until BIGINT NOT NULL,           -- a worker's claim; expires if it crashed
    created_at    BIGINT NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, due_at);
CREATE INDEX IF NOT EXISTS deliveries_visitor ON deliveries (visitor_id);

CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id TEXT NOT NULL,
    at          BIGINT NOT NULL,
    status      BIGINT,                      -- the answer's HTTP status, if one came
    error       TEXT                         -- at most 1 KB of the answer, or the error
);
CREATE INDEX IF NOT EXISTS delivery_attempts_delivery ON delivery_attempts (delivery_id, at);
CREATE INDEX IF NOT EXISTS events_visitor ON events (visitor_id);
