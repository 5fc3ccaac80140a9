-- 0002_anchor: the Telegram message that asks a chat's current question, so
-- that an answer edits it in place even after a restart.
ALTER TABLE sessions ADD COLUMN anchor INTEGER NOT NULL DEFAULT 0;
