package store

import (
	"context"
	"fmt"
	"strings"

	"specbot/dialogs"
)

// DeskRow is everything the managers' figures need about one partner: its
// latest report, latest handoff, topic and dialog session.
type DeskRow struct {
	Partner Partner
	// Report is the latest report without its Verdict; nil when none (or
	// it no longer reads under the catalogue).
	Report  *Report
	Handoff *Handoff // the latest handoff in any state; nil when none
	// Thread is the partner's topic in the managers' chat TopicChat, 0 when none.
	Thread    int
	TopicChat int64
	Session   *dialogs.Session // nil when none or unreadable
}

// EachDeskRow calls fn with every partner, in chat id order, streaming rows
// in one read so that memory stays flat however many partners there are.
// The reports carry their facts but not their stored verdict: decoding it
// would be most of the walk's cost, and the callers evaluate the facts
// themselves. fn's error stops the walk.
func (db *DB) EachDeskRow(ctx context.Context, fn func(DeskRow) error) error {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return fmt.Errorf("desk rows: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
		SELECT `+partnerColumns+`,
			COALESCE(r.id, 0), COALESCE(r.created_at, ''), r.facts, COALESCE(r.statuses, '{}'), COALESCE(r.gaps, '{}'),
			COALESCE(h.id, 0), COALESCE(h.state, ''), COALESCE(h.comment, ''), COALESCE(h.taken_by, 0), COALESCE(h.taken_name, ''),
			COALESCE(h.done_name, ''), COALESCE(h.done_at, ''), COALESCE(h.created_at, ''),
			COALESCE(t.thread_id, 0), COALESCE(t.managers_chat_id, 0), s.data
		FROM partners p
		LEFT JOIN reports r ON r.id = (SELECT MAX(id) FROM reports WHERE company_id =
			(SELECT company_id FROM members WHERE chat_id = p.chat_id))
		LEFT JOIN handoffs h ON h.id = (SELECT MAX(id) FROM handoffs WHERE chat_id = p.chat_id)
		LEFT JOIN topics t ON t.chat_id = p.chat_id
		LEFT JOIN sessions s ON s.chat_id = p.chat_id
		ORDER BY p.chat_id`)
	if err != nil {
		return fmt.Errorf("desk rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row DeskRow
		var r Report
		var raw rawReport
		var h Handoff
		var session []byte
		dest := append(partnerDest(&row.Partner),
			&r.ID, optTime{&r.CreatedAt}, &raw.facts, jsonColumn{&r.Statuses}, jsonColumn{&r.Gaps},
			&h.ID, &h.State, &h.Comment, &h.TakenBy, &h.TakenName, &h.DoneName, optTime{&h.DoneAt}, optTime{&h.CreatedAt},
			&row.Thread, &row.TopicChat, &session)
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("desk rows: %w", err)
		}
		if r.ID != 0 && db.decodeReport(&r, raw) {
			r.ChatID = row.Partner.ChatID
			row.Report = &r
		}
		if h.ID != 0 {
			h.ChatID = row.Partner.ChatID
			row.Handoff = &h
		}
		if s, err := db.decodeSession(session); err == nil {
			row.Session = s
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PartnersByCompany returns the partners whose company name contains
// query, case folded in any script (SQLite folds ASCII only), exact
// matches first, in chat id order within each group.
func (db *DB) PartnersByCompany(ctx context.Context, query string) ([]Partner, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil, nil
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("partners by company: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+partnerColumns+` FROM partners p WHERE p.company <> '' ORDER BY p.chat_id`)
	if err != nil {
		return nil, fmt.Errorf("partners by company: %w", err)
	}
	defer rows.Close()
	var exact, partial []Partner
	for rows.Next() {
		var p Partner
		if err := rows.Scan(partnerDest(&p)...); err != nil {
			return nil, fmt.Errorf("partners by company: %w", err)
		}
		name := strings.ToLower(p.Company)
		switch {
		case name == q:
			exact = append(exact, p)
		case strings.Contains(name, q):
			partial = append(partial, p)
		}
	}
	return append(exact, partial...), rows.Err()
}
