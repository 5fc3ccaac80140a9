-- 0008_topics: the account managers' workspace. In a forum managers' chat
-- each partner has one topic; every message the bot posts about a partner
-- there (cards, copies of the partner's messages, notes) is recorded so that
-- a manager's reply to it finds its partner, and /forget can redact it.
-- Neither table references partners: /forget reads them to redact the
-- managers' chat after the partner's rows are gone, then deletes them.
CREATE TABLE topics (
	chat_id          INTEGER PRIMARY KEY, -- the partner
	managers_chat_id INTEGER NOT NULL,
	thread_id        INTEGER NOT NULL,
	name             TEXT    NOT NULL DEFAULT '',
	closed           INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
	created_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX topics_thread ON topics (managers_chat_id, thread_id);

CREATE TABLE group_posts (
	managers_chat_id INTEGER NOT NULL,
	message_id       INTEGER NOT NULL,
	chat_id          INTEGER NOT NULL, -- the partner it is about
	kind             TEXT    NOT NULL CHECK (kind IN ('card', 'copy', 'note', 'relay')),
	created_at       TEXT    NOT NULL,
	PRIMARY KEY (managers_chat_id, message_id)
);
CREATE INDEX group_posts_partner ON group_posts (chat_id);

-- Who closed a handoff and when; when an untaken one was nudged.
ALTER TABLE handoffs ADD COLUMN done_name TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN done_at   TEXT;
ALTER TABLE handoffs ADD COLUMN nudged_at TEXT;

-- Values the bot learns while running, such as the managers' chat's new id
-- after Telegram upgraded the group to a supergroup.
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
