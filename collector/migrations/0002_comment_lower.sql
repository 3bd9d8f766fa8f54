-- The comment in lower case (Unicode, computed by the collector), for case-insensitive search
-- that behaves the same on SQLite and PostgreSQL.
ALTER TABLE events ADD COLUMN comment_lower TEXT;
UPDATE events SET comment_lower = LOWER(comment) WHERE comment IS NOT NULL;
