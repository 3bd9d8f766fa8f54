-- Events counted per survey, kind, event, UTC day and score: reports read these instead of
-- every event, so what a report costs stays flat as events grow. The writes keep them current
-- (src/store/daily.rs): inserts, a response's changed score, erasure and retention.
-- Portable SQL: runs on SQLite and PostgreSQL.
CREATE TABLE IF NOT EXISTS daily_counts (
    survey_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    event     TEXT NOT NULL,
    day       BIGINT NOT NULL,         -- at_ms / 86400000: days since 1970-01-01 UTC
    week      TEXT NOT NULL,           -- the ISO week of that day, as events.week
    score     BIGINT NOT NULL,         -- -1 for events without a score
    shard     BIGINT NOT NULL,         -- 0-15, from the event's id: concurrent writes of one day
                                       -- spread over 16 rows instead of queueing on one row's
                                       -- lock; a count is the sum of its shards
    n         BIGINT NOT NULL,
    latest_ms BIGINT NOT NULL,         -- the latest at_ms counted (not lowered by deletions)
    PRIMARY KEY (survey_id, kind, event, day, score, shard)
);

INSERT INTO daily_counts (survey_id, kind, event, day, week, score, shard, n, latest_ms)
SELECT survey_id, kind, event, at_ms / 86400000, MIN(week), COALESCE(score, -1), 0,
       COUNT(*), MAX(at_ms)
FROM events
GROUP BY survey_id, kind, event, at_ms / 86400000, COALESCE(score, -1);
