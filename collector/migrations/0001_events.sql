-- One row per event id (the widget's idempotency key). Portable SQL: runs on SQLite and PostgreSQL.
CREATE TABLE IF NOT EXISTS events (
    id             TEXT PRIMARY KEY,
    event          TEXT NOT NULL,           -- shown | response | dismissed
    survey_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,           -- nps | ces | csat
    score          BIGINT,                  -- responses only
    category       TEXT,                    -- computed by the collector from score
    comment        TEXT,
    visitor_id     TEXT,
    locale         TEXT NOT NULL,
    page_url       TEXT NOT NULL,
    at             TEXT NOT NULL,           -- as sent by the widget (RFC 3339)
    at_ms          BIGINT NOT NULL,         -- `at` as Unix milliseconds, for ordering
    week           TEXT NOT NULL,           -- ISO week of `at` in UTC, e.g. 2026-W47
    widget_version TEXT NOT NULL,
    survey_version TEXT NOT NULL,
    received_at    TEXT NOT NULL            -- the collector's clock, RFC 3339 UTC
);

CREATE INDEX IF NOT EXISTS events_survey ON events (survey_id, kind, event);
