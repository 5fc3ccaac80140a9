package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"specbot/dialogs"
)

// putSession replaces the session of chat chatID with its encoding data;
// none deletes it.
func putSession(ctx context.Context, tx *sql.Tx, chatID int64, data []byte, anchor int, now time.Time) error {
	if len(data) == 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE chat_id = ?`, chatID); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO sessions (chat_id, data, updated_at, anchor) VALUES (?, ?, ?, ?)
		ON CONFLICT (chat_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at,
			anchor = CASE WHEN excluded.anchor > 0 THEN excluded.anchor ELSE sessions.anchor END`,
		chatID, data, formatTime(now), max(anchor, 0)); err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	return nil
}

// Chat is what one update needs to know about its chat, read at once.
type Chat struct {
	Partner Partner // zero with Found false for a chat never seen
	Found   bool
	Session *dialogs.Session // nil when none
	// latest is the company's latest report, read but not decoded: see
	// LatestReport.
	latest *latestReport
	// Facts are the company's current answers, nil when it has none yet.
	Facts *CompanyFacts
	// Members counts the members of the chat's company, 0 without one.
	Members int
	// Unsent are the chat's reply batches still waiting to be sent, oldest
	// first.
	Unsent []Outbound
}

// latestReport is a report as read, decoded on first use.
type latestReport struct {
	db      *DB
	r       Report
	raw     rawReport
	decoded bool
	ok      bool
}

// LatestReport is the latest report of the chat's company, nil when it has
// none or it no longer reads (one stored under an earlier edition). It is
// decoded when first asked for: a report's verdict is tens of kilobytes of
// JSON, and most turns never look at it.
func (c Chat) LatestReport() *Report {
	l := c.latest
	if l == nil {
		return nil
	}
	if !l.decoded {
		l.ok, l.decoded = l.db.decodeReport(&l.r, l.raw), true
	}
	if !l.ok {
		return nil
	}
	r := l.r
	return &r
}

// findLatestReport reads the latest report of chat chatID's company
// without decoding it.
func (db *DB) findLatestReport(ctx context.Context, tx *sql.Tx, chatID int64) (*latestReport, error) {
	l := &latestReport{db: db}
	err := tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports r
		WHERE r.company_id = (SELECT company_id FROM members WHERE chat_id = ?)
		ORDER BY r.id DESC LIMIT 1`, chatID).Scan(reportDest(&l.r, &l.raw)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// chatQuery reads the partner, its session, how many members its company
// has and whether replies wait to be sent, in one statement. Under load a
// statement of its own for the waiting replies, nearly always none, cost
// more than this whole one (BenchmarkChatAfterWrite).
const chatQuery = `SELECT ` + partnerColumns + `,
	(SELECT data FROM sessions WHERE chat_id = p.chat_id),
	(SELECT COUNT(*) FROM members WHERE company_id = (SELECT company_id FROM members WHERE chat_id = p.chat_id)),
	EXISTS (SELECT 1 FROM outbox ` + pendingOutboxWhere + ` AND chat_id = p.chat_id),
	EXISTS (SELECT 1 FROM reports WHERE company_id = (SELECT company_id FROM members WHERE chat_id = p.chat_id)),
	EXISTS (SELECT 1 FROM company_facts WHERE company_id = (SELECT company_id FROM members WHERE chat_id = p.chat_id))
	FROM partners p WHERE p.chat_id = ?`

// Chat reads a chat's partner, session and latest report in one read
// transaction. A stored session that cannot be resumed (one saved under
// another catalogue edition: dialogs.ErrSessionOutdated) is returned with
// the whole chat, Session holding what dialogs keeps of it, and the error.
func (db *DB) Chat(ctx context.Context, chatID int64) (Chat, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Chat{}, fmt.Errorf("chat %d: %w", chatID, err)
	}
	defer tx.Rollback()
	var c Chat
	var data []byte
	var unsent, reported, known bool
	err = tx.QueryRowContext(ctx, chatQuery, chatID).Scan(append(partnerDest(&c.Partner), &data, &c.Members, &unsent, &reported, &known)...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Chat{}, nil
	case err != nil:
		return Chat{}, fmt.Errorf("chat %d: %w", chatID, err)
	}
	c.Found = true
	if reported {
		if c.latest, err = db.findLatestReport(ctx, tx, chatID); err != nil {
			return Chat{}, fmt.Errorf("chat %d: %w", chatID, err)
		}
	}
	if known {
		if c.Facts, err = db.findCompanyFacts(ctx, tx, chatID); err != nil {
			return Chat{}, fmt.Errorf("chat %d: %w", chatID, err)
		}
	}
	if unsent {
		if c.Unsent, err = findPending(ctx, tx, chatID, 0); err != nil {
			return Chat{}, fmt.Errorf("chat %d: %w", chatID, err)
		}
	}
	c.Session, err = db.decodeSession(data)
	if err != nil {
		return c, fmt.Errorf("chat %d: %w", chatID, err)
	}
	return c, nil
}
