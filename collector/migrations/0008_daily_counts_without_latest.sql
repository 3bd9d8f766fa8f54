-- The daily counts no longer keep the latest at_ms of each count: erasure could not lower it,
-- so an erased event could still decide a survey's kind. Reports read the kind of the latest
-- response from the events instead, when a survey has events of more than one kind
-- (src/store/reports.rs). Portable SQL: runs on SQLite (3.35+) and PostgreSQL.
ALTER TABLE daily_counts DROP COLUMN latest_ms;
