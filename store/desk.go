package store

import (
	"context"
	"fmt"
	"strings"

	"specbot/dialogs"
)

// DeskRow is everything the managers' figures need about one company (or
// one partner of no company): its latest report, latest handoff, topic and
// a dialog session.
type DeskRow struct {
	// Partner is the member who asked last, when the company's latest
	// handoff names a member, else the owner; Partner.Company is the
	// company's name.
	Partner Partner
	// Members are the company's members, owner first; empty for a partner
	// of no company.
	Members []Member
	// Report is the latest report without its Verdict; nil when none (or
	// it no longer reads under the catalogue).
	Report  *Report
	Handoff *Handoff // the latest handoff in any state; nil when none
	// Thread is the company's topic in the managers' chat TopicChat, 0 when none.
	Thread    int
	TopicChat int64
	// Session is the members' most recently changed dialog session; nil
	// when none or unreadable.
	Session *dialogs.Session
}

// EachDeskRow calls fn with every company, and every partner of no company,
// in the order of their first chat id, streaming rows in one read so that
// memory stays flat however many there are. The reports carry their facts
// but not their stored verdict: decoding it would be most of the walk's
// cost, and the callers evaluate the facts themselves. fn's error stops
// the walk. The sessions are read only withSessions (/pipeline counts the
// checks under way; /export does not).
func (db *DB) EachDeskRow(ctx context.Context, withSessions bool, fn func(DeskRow) error) error {
	sessionColumn := `NULL`
	if withSessions {
		sessionColumn = `(SELECT s.data FROM sessions s WHERE s.chat_id = p.chat_id
				OR s.chat_id IN (SELECT chat_id FROM members WHERE company_id = u.company_id AND u.company_id <> 0)
				ORDER BY s.updated_at DESC LIMIT 1)`
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return fmt.Errorf("desk rows: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
		WITH units AS (
			SELECT c.id AS company_id, c.name AS name,
				(SELECT MAX(id) FROM handoffs WHERE company_id = c.id) AS hid,
				(SELECT MAX(id) FROM reports WHERE company_id = c.id) AS rid,
				(SELECT chat_id FROM members WHERE company_id = c.id ORDER BY role = ?1 DESC, joined_at, chat_id LIMIT 1) AS owner,
				(SELECT MIN(chat_id) FROM members WHERE company_id = c.id) AS sort
			FROM companies c WHERE EXISTS (SELECT 1 FROM members WHERE company_id = c.id)
			UNION ALL
			SELECT 0, NULL, (SELECT MAX(id) FROM handoffs WHERE chat_id = p.chat_id), NULL, p.chat_id, p.chat_id
			FROM partners p WHERE NOT EXISTS (SELECT 1 FROM members WHERE chat_id = p.chat_id)
		)
		SELECT `+partnerColumns+`, COALESCE(u.name, p.company), u.company_id,
			(SELECT COUNT(*) FROM members WHERE company_id = u.company_id AND u.company_id <> 0),
			COALESCE(pm.role, ''), COALESCE(pm.joined_at, ''),
			COALESCE(r.id, 0), COALESCE(r.created_at, ''), r.facts, COALESCE(r.statuses, '{}'), COALESCE(r.gaps, '{}'),
			COALESCE(h.id, 0), COALESCE(h.state, ''), COALESCE(h.comment, ''), COALESCE(h.taken_by, 0), COALESCE(h.taken_name, ''),
			COALESCE(h.done_name, ''), COALESCE(h.done_at, ''), COALESCE(h.created_at, ''),
			COALESCE(t.thread_id, 0), COALESCE(t.managers_chat_id, 0),
			`+sessionColumn+`
		FROM units u
		LEFT JOIN handoffs h ON h.id = u.hid
		JOIN partners p ON p.chat_id = CASE WHEN u.company_id <> 0 AND EXISTS
			(SELECT 1 FROM members WHERE chat_id = h.chat_id AND company_id = u.company_id) THEN h.chat_id ELSE u.owner END
		LEFT JOIN members pm ON pm.chat_id = p.chat_id AND pm.company_id = u.company_id
		LEFT JOIN reports r ON r.id = u.rid
		LEFT JOIN topics t ON t.rowid = (SELECT rowid FROM topics WHERE company_id = u.company_id AND u.company_id <> 0
			ORDER BY created_at DESC, rowid DESC LIMIT 1)
		ORDER BY u.sort`, RoleOwner)
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
		var companyID int64
		var members int
		var company string
		var own Member // the row's partner's membership
		dest := append(partnerDest(&row.Partner), &company, &companyID, &members, &own.Role, optTime{&own.JoinedAt},
			&r.ID, optTime{&r.CreatedAt}, &raw.facts, jsonColumn{&r.Statuses}, jsonColumn{&r.Gaps},
			&h.ID, &h.State, &h.Comment, &h.TakenBy, &h.TakenName, &h.DoneName, optTime{&h.DoneAt}, optTime{&h.CreatedAt},
			&row.Thread, &row.TopicChat, &session)
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("desk rows: %w", err)
		}
		switch {
		case members == 1 && own.Role != "":
			// The row's partner is the one member: no read of its own.
			own.Partner = row.Partner
			row.Members = []Member{own}
		case companyID != 0:
			// The company's members: a handful, read beside the walk.
			members, err := findMembers(ctx, tx, companyID)
			if err != nil {
				return fmt.Errorf("desk rows: %w", err)
			}
			row.Members = members
		}
		row.Partner.Company = company
		if r.ID != 0 && db.decodeReport(&r, raw) {
			r.ChatID = row.Partner.ChatID
			row.Report = &r
		}
		if h.ID != 0 {
			h.ChatID, h.CompanyID = row.Partner.ChatID, companyID
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

// PartnersByCompany returns, for each company whose name contains query,
// its owner (Company set to the company's name), and each partner of no
// company whose own company field does; case folded in any script (SQLite
// folds ASCII only), exact matches first, in chat id order within each
// group.
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
	rows, err := tx.QueryContext(ctx, `SELECT `+partnerColumns+`, COALESCE(c.name, p.company) FROM partners p
		LEFT JOIN members m ON m.chat_id = p.chat_id LEFT JOIN companies c ON c.id = m.company_id
		WHERE COALESCE(c.name, p.company) <> '' AND (m.chat_id IS NULL OR p.chat_id =
			(SELECT chat_id FROM members WHERE company_id = m.company_id ORDER BY role = ? DESC, joined_at, chat_id LIMIT 1))
		ORDER BY p.chat_id`, RoleOwner)
	if err != nil {
		return nil, fmt.Errorf("partners by company: %w", err)
	}
	defer rows.Close()
	var exact, partial []Partner
	for rows.Next() {
		var p Partner
		if err := rows.Scan(append(partnerDest(&p), &p.Company)...); err != nil {
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
