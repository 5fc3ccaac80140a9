-- 0007_outbox: every batch of replies a turn produced, written in the
-- turn's transaction and marked sent once Telegram took it; the unsent ones
-- are sent again, in order per chat, after a crash or restart. A batch is
-- 'sending' from its first request on: one a crash left so may have
-- arrived, and is not sent again.
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	chat_id    INTEGER NOT NULL,
	payload    BLOB    NOT NULL,
	-- handoff_id names the handoff whose card (posted or edited as it
	-- stands when its turn comes) this entry shows in the managers' chat.
	handoff_id INTEGER,
	state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	created_at TEXT    NOT NULL,
	sent_at    TEXT
);
CREATE INDEX outbox_pending ON outbox (chat_id, id) WHERE state = 'pending';
