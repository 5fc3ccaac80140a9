-- foreign_keys: off
-- 0009_companies: a company owns the facts, the history of checks and the
-- invitations; a partner (one private chat) is a member of at most one
-- company, with its own language, reminder consent and session. Every
-- partner already stored becomes a one-member company that it owns.
--
-- reports is rebuilt so that a check belongs to its company (deleted with
-- it) and only names the member who ran it: a member who forgets itself
-- leaves the company's history behind, with chat_id 0. The header line
-- above makes the migration run with foreign keys off, as SQLite's table
-- rebuild requires; the runner checks them before it commits.

CREATE TABLE companies (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT    NOT NULL DEFAULT '',
	created_at TEXT    NOT NULL,
	updated_at TEXT    NOT NULL
);

CREATE TABLE members (
	chat_id    INTEGER PRIMARY KEY REFERENCES partners (chat_id) ON DELETE CASCADE,
	company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
	role       TEXT    NOT NULL CHECK (role IN ('owner', 'member')),
	joined_at  TEXT    NOT NULL
);

CREATE INDEX members_company ON members (company_id, joined_at);

INSERT INTO companies (id, name, created_at, updated_at)
	SELECT ROW_NUMBER() OVER (ORDER BY chat_id), company, created_at, updated_at FROM partners;
INSERT INTO members (chat_id, company_id, role, joined_at)
	SELECT chat_id, ROW_NUMBER() OVER (ORDER BY chat_id), 'owner', created_at FROM partners;

-- An invitation is kept only as the SHA-256 of its token. opened_by is the
-- chat that opened the link and is asked to confirm; only it may join.
CREATE TABLE invites (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
	token_hash TEXT    NOT NULL UNIQUE,
	created_by INTEGER NOT NULL,
	created_at TEXT    NOT NULL,
	expires_at TEXT    NOT NULL,
	state      TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'used', 'revoked')),
	opened_by  INTEGER NOT NULL DEFAULT 0,
	used_by    INTEGER NOT NULL DEFAULT 0,
	used_at    TEXT
);

CREATE INDEX invites_company ON invites (company_id) WHERE state = 'open';

-- The company's current answers, one row per fact, each with who last
-- changed it and when (changed_by 0: a member since forgotten). An answer
-- a new catalogue edition no longer reads stays, set aside: told_at is
-- when the members were told so.
CREATE TABLE company_facts (
	company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
	fact       TEXT    NOT NULL,
	value      TEXT    NOT NULL CHECK (json_valid(value)),
	changed_by INTEGER NOT NULL DEFAULT 0,
	changed_at TEXT    NOT NULL,
	told_at    TEXT,
	PRIMARY KEY (company_id, fact)
);

CREATE TEMP TABLE reports_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'reports';

CREATE TABLE reports_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
	chat_id    INTEGER NOT NULL DEFAULT 0,
	created_at TEXT    NOT NULL,
	facts      TEXT    CHECK (facts IS NULL OR json_valid(facts)),
	verdict    TEXT    CHECK (verdict IS NULL OR json_valid(verdict)),
	statuses   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(statuses)),
	gaps       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(gaps))
);

INSERT INTO reports_new (id, company_id, chat_id, created_at, facts, verdict, statuses, gaps)
	SELECT r.id, m.company_id, r.chat_id, r.created_at, r.facts, r.verdict, r.statuses, r.gaps
	FROM reports r JOIN members m ON m.chat_id = r.chat_id;

DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;

-- A report id is still never reused: the sequence goes on from the old one.
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM temp.reports_seq), 0)) WHERE name = 'reports';
INSERT INTO sqlite_sequence (name, seq)
	SELECT 'reports', seq FROM temp.reports_seq
	WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'reports');
DROP TABLE temp.reports_seq;

CREATE INDEX reports_company ON reports (company_id, id);
CREATE INDEX reports_chat_id ON reports (chat_id, id);
