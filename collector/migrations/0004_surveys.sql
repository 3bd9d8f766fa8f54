-- Surveys managed in the console and the site settings (SPEC 7.2). `definition` is one survey
-- object of the config (SPEC 3.4) as JSON text; every publish records a version whose id is the
-- widget's own survey hash (`survey_version` in events).
CREATE TABLE IF NOT EXISTS surveys (
    id                TEXT PRIMARY KEY,
    definition        TEXT NOT NULL,
    status            TEXT NOT NULL,       -- draft | published | archived
    revision          BIGINT NOT NULL,     -- +1 on every save: optimistic concurrency (ETag)
    published_version TEXT,                -- the version the hosted config serves
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_versions (
    survey_id    TEXT NOT NULL,
    version      TEXT NOT NULL,
    definition   TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (survey_id, version)
);

-- One row (id = 1): the site settings as a JSON object, and a counter bumped by every change of
-- the hosted config, which replicas compare to know their cached config is stale.
CREATE TABLE IF NOT EXISTS site (
    id         BIGINT PRIMARY KEY,
    settings   TEXT NOT NULL,
    config_rev BIGINT NOT NULL
);
INSERT INTO site (id, settings, config_rev) VALUES (1, '{}', 0) ON CONFLICT (id) DO NOTHING;

-- Pages of GET /v1/events: one survey's events in (at_ms, id) order.
CREATE INDEX IF NOT EXISTS events_survey_at ON events (survey_id, at_ms, id);
