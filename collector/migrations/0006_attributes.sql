-- Attributes of events (SPEC 7.3): the survey's report_attributes, device and the landing
-- page's utm_*; at most 20 per event, values as text (200 characters at most). Breakdowns of a
-- report group responses by one of them.
CREATE TABLE IF NOT EXISTS event_attributes (
    event_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (event_id, name)
);
CREATE INDEX IF NOT EXISTS event_attributes_name ON event_attributes (name, value);
