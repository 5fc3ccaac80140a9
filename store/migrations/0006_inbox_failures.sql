-- 0006_inbox_failures: an update that keeps failing (a panic while handling
-- it) is counted across restarts and, after too many attempts, parked:
-- failed_at set, kept for inspection, never handed out again.
ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN failed_at TEXT;
DROP INDEX inbox_pending;
CREATE INDEX inbox_pending ON inbox (update_id) WHERE done_at IS NULL AND failed_at IS NULL;
