-- 0001_init: partners and everything kept about them, plus the update inbox.
-- Times are TEXT in a fixed-width UTC layout (see formatTime), so they sort as
-- strings. Every table about a partner references partners(chat_id) with
-- ON DELETE CASCADE, so that Forget is a single DELETE.

CREATE TABLE partners (
	chat_id     INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL DEFAULT 0,
	username    TEXT    NOT NULL DEFAULT '',
	name        TEXT    NOT NULL DEFAULT '',
	lang        TEXT    NOT NULL CHECK (lang IN ('en', 'ru')),
	company     TEXT    NOT NULL DEFAULT '',
	reminders   TEXT    NOT NULL DEFAULT '' CHECK (reminders IN ('', 'on', 'off')),
	unreachable INTEGER NOT NULL DEFAULT 0 CHECK (unreachable IN (0, 1)),
	created_at  TEXT    NOT NULL,
	updated_at  TEXT    NOT NULL
);

-- Telegram usernames are ASCII, so NOCASE matches them case-insensitively.
-- Not unique: a username can move from one account to another.
CREATE INDEX partners_username ON partners (username COLLATE NOCASE) WHERE username <> '';

CREATE TABLE sessions (
	chat_id    INTEGER PRIMARY KEY REFERENCES partners (chat_id) ON DELETE CASCADE,
	data       BLOB    NOT NULL,
	updated_at TEXT    NOT NULL
);

-- AUTOINCREMENT: a report id is never reused, even after Forget.
CREATE TABLE reports (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	chat_id    INTEGER NOT NULL REFERENCES partners (chat_id) ON DELETE CASCADE,
	created_at TEXT    NOT NULL,
	facts      TEXT    CHECK (facts IS NULL OR json_valid(facts)),
	verdict    TEXT    CHECK (verdict IS NULL OR json_valid(verdict)),
	statuses   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(statuses)),
	gaps       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(gaps))
);

CREATE INDEX reports_chat_id ON reports (chat_id, id);

-- A partner's request for contact with its account manager, and the card
-- posted in the managers' chat.
CREATE TABLE handoffs (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	chat_id         INTEGER NOT NULL REFERENCES partners (chat_id) ON DELETE CASCADE,
	report_id       INTEGER REFERENCES reports (id) ON DELETE SET NULL,
	created_at      TEXT    NOT NULL,
	card_chat_id    INTEGER NOT NULL DEFAULT 0,
	card_message_id INTEGER NOT NULL DEFAULT 0,
	taken_by        INTEGER NOT NULL DEFAULT 0,
	taken_at        TEXT
);

CREATE INDEX handoffs_chat_id ON handoffs (chat_id);

-- The reminder outbox: one row per partner, window and lead time, so a
-- reminder is sent at most once.
CREATE TABLE reminders (
	chat_id     INTEGER NOT NULL REFERENCES partners (chat_id) ON DELETE CASCADE,
	window_opens TEXT   NOT NULL,
	days_before INTEGER NOT NULL,
	due_at      TEXT    NOT NULL,
	sent_at     TEXT,
	PRIMARY KEY (chat_id, window_opens, days_before)
);

CREATE INDEX reminders_due ON reminders (due_at) WHERE sent_at IS NULL;

-- Telegram updates, stored before they are confirmed to Telegram. No foreign
-- key: an update arrives before its partner exists, and a done row must
-- outlive Forget so that the update is never applied twice.
CREATE TABLE inbox (
	update_id   INTEGER PRIMARY KEY,
	chat_id     INTEGER NOT NULL DEFAULT 0,
	payload     BLOB,
	received_at TEXT    NOT NULL,
	done_at     TEXT
);

CREATE INDEX inbox_pending ON inbox (update_id) WHERE done_at IS NULL;
