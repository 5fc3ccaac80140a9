-- 0003_handoff_state: what a handoff card needs to be updated and closed.
ALTER TABLE handoffs ADD COLUMN comment    TEXT    NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN state      TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'taken', 'done'));
ALTER TABLE handoffs ADD COLUMN taken_name TEXT    NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN done_by    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE handoffs ADD COLUMN updated_at TEXT;
