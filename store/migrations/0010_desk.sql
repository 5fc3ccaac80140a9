-- 0010_desk: the managers see the company. A company has one topic in the
-- managers' chat and one open request at a time, whichever member asked;
-- each request records which member asked and what it wrote.
--
-- A partner that asked for a manager before any check had no company:
-- it becomes a one-member company it owns, as every partner did in 0009.
CREATE TEMP TABLE lone AS
	SELECT p.chat_id, p.company, p.created_at, p.updated_at,
		(SELECT COALESCE(MAX(id), 0) FROM companies) + ROW_NUMBER() OVER (ORDER BY p.chat_id) AS id
	FROM partners p
	WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.chat_id = p.chat_id)
		AND (EXISTS (SELECT 1 FROM handoffs h WHERE h.chat_id = p.chat_id)
			OR EXISTS (SELECT 1 FROM topics t WHERE t.chat_id = p.chat_id)
			OR EXISTS (SELECT 1 FROM group_posts g WHERE g.chat_id = p.chat_id));
INSERT INTO companies (id, name, created_at, updated_at) SELECT id, company, created_at, updated_at FROM temp.lone;
INSERT INTO members (chat_id, company_id, role, joined_at) SELECT chat_id, id, 'owner', created_at FROM temp.lone;
DROP TABLE temp.lone;

-- A handoff is the company's; chat_id is the member who asked last, whom
-- a manager's answer reaches.
ALTER TABLE handoffs ADD COLUMN company_id INTEGER NOT NULL DEFAULT 0;
UPDATE handoffs SET company_id = COALESCE((SELECT m.company_id FROM members m WHERE m.chat_id = handoffs.chat_id), 0);
CREATE INDEX handoffs_company ON handoffs (company_id, id);

-- Every request a handoff gathered: who asked, when, with what comment.
CREATE TABLE handoff_asks (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	handoff_id INTEGER NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
	chat_id    INTEGER NOT NULL, -- the member who asked
	comment    TEXT    NOT NULL DEFAULT '',
	created_at TEXT    NOT NULL
);
CREATE INDEX handoff_asks_handoff ON handoff_asks (handoff_id, id);
CREATE INDEX handoff_asks_chat ON handoff_asks (chat_id);
INSERT INTO handoff_asks (handoff_id, chat_id, comment, created_at)
	SELECT id, chat_id, comment, created_at FROM handoffs ORDER BY id;

-- A topic is the company's. A company whose members each had a topic
-- keeps them all, so that a reply in any of them finds the company; the
-- newest is the one the bot posts in.
CREATE TABLE topics_new (
	company_id       INTEGER NOT NULL,
	managers_chat_id INTEGER NOT NULL,
	thread_id        INTEGER NOT NULL,
	name             TEXT    NOT NULL DEFAULT '',
	closed           INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
	created_at       TEXT    NOT NULL,
	PRIMARY KEY (managers_chat_id, thread_id)
);
INSERT INTO topics_new (company_id, managers_chat_id, thread_id, name, closed, created_at)
	SELECT m.company_id, t.managers_chat_id, t.thread_id, t.name, t.closed, t.created_at
	FROM topics t JOIN members m ON m.chat_id = t.chat_id;
DROP TABLE topics;
ALTER TABLE topics_new RENAME TO topics;
CREATE INDEX topics_company ON topics (company_id, created_at);

-- A post is about its company; chat_id stays the member it is about
-- (whose message a copy is), 0 once that member is forgotten.
ALTER TABLE group_posts ADD COLUMN company_id INTEGER NOT NULL DEFAULT 0;
UPDATE group_posts SET company_id = COALESCE((SELECT m.company_id FROM members m WHERE m.chat_id = group_posts.chat_id), 0);
CREATE INDEX group_posts_company ON group_posts (company_id);
