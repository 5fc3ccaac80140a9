-- 0004_reminder_outbox: the reminder outbox keeps the rendered message and
-- its delivery state: pending -> sending (claimed) -> sent | failed | blocked.
ALTER TABLE reminders ADD COLUMN payload    BLOB;
ALTER TABLE reminders ADD COLUMN state      TEXT    NOT NULL DEFAULT 'pending'
	CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'blocked'));
ALTER TABLE reminders ADD COLUMN attempts   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reminders ADD COLUMN last_error TEXT    NOT NULL DEFAULT '';
ALTER TABLE reminders ADD COLUMN claimed_at TEXT;

DROP INDEX reminders_due;
CREATE INDEX reminders_pending ON reminders (due_at) WHERE state = 'pending';
