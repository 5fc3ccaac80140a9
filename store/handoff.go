package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// HandoffState is where a handoff stands.
type HandoffState string

// Handoff states.
const (
	HandoffOpen  HandoffState = "open"
	HandoffTaken HandoffState = "taken"
	HandoffDone  HandoffState = "done"
)

// ErrTaken is returned when a handoff was already taken by someone else.
var ErrTaken = errors.New("handoff already taken")

// Handoff is a partner's request to be contacted by its account manager,
// and the card posted about it in the managers' chat.
type Handoff struct {
	ID     int64
	ChatID int64 // the member who asked last
	// CompanyID is the company the handoff is about (0 for one from
	// before companies whose partner had none).
	CompanyID     int64
	ReportID      int64 // 0 when the partner had no report
	Comment       string
	State         HandoffState
	CardChatID    int64
	CardMessageID int
	TakenBy       int64
	TakenName     string
	DoneBy        int64
	DoneName      string
	DoneAt        time.Time // zero until done
	NudgedAt      time.Time // zero until an untaken handoff was nudged
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const handoffColumns = `id, chat_id, company_id, COALESCE(report_id, 0), comment, state, card_chat_id, card_message_id,
	taken_by, taken_name, done_by, done_name, COALESCE(done_at, ''), COALESCE(nudged_at, ''), created_at, COALESCE(updated_at, created_at)`

func scanHandoff(row interface{ Scan(...any) error }) (Handoff, error) {
	var h Handoff
	err := row.Scan(&h.ID, &h.ChatID, &h.CompanyID, &h.ReportID, &h.Comment, &h.State, &h.CardChatID, &h.CardMessageID,
		&h.TakenBy, &h.TakenName, &h.DoneBy, &h.DoneName, optTime{&h.DoneAt}, optTime{&h.NudgedAt},
		timeColumn{&h.CreatedAt}, timeColumn{&h.UpdatedAt})
	return h, err
}

func findHandoff(ctx context.Context, tx *sql.Tx, id int64) (Handoff, error) {
	h, err := scanHandoff(tx.QueryRowContext(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Handoff{}, ErrNotFound
	}
	return h, err
}

// SaveHandoff inserts a handoff (ID 0) or updates its comment, report and
// card; it fills in ID and the times.
func (db *DB) SaveHandoff(ctx context.Context, h *Handoff) error {
	return db.saveHandoff(ctx, h, nil)
}

// Ask is one request a handoff gathered: the member who asked and its
// comment.
type Ask struct {
	ChatID    int64  // 0 once that member is forgotten
	Name      string // the member's name and username as they stand,
	Username  string // "" when forgotten
	Comment   string
	CreatedAt time.Time
}

// SaveRequest saves a member's request and, in the same transaction, adds
// post, when non-nil, to the outbox of post.ChatID: the card that shows the
// handoff in the managers' chat is then never lost between the save and
// the (paced) send (it fills in post's ID and CreatedAt). The handoff is
// the company's (made a one-member company, when h.ChatID has none),
// h.ChatID becomes the member who asked last, and the request is recorded with
// comment (only this request's). It returns the request as recorded.
//
// A new handoff (ID 0) is refused with ErrRequestRaced when the company
// has one not done created after openSince: another member's request came
// first, and this one is to update it.
func (db *DB) SaveRequest(ctx context.Context, h *Handoff, comment string, openSince time.Time, post *Outbound) (Ask, error) {
	r := Request{Handoff: *h, Comment: comment, OpenSince: openSince}
	if post != nil {
		r.Posts = []*Outbound{post}
	}
	err := db.SaveRequestPosts(ctx, &r)
	if err == nil {
		*h = r.Handoff
	}
	return r.Ask, err
}

// SaveRequestPosts is SaveRequest of r, with all its posts, in one
// transaction; it fills in r's handoff, ask and posts once saved.
func (db *DB) SaveRequestPosts(ctx context.Context, r *Request) error {
	return db.saveHandoff(ctx, &r.Handoff, r)
}

// Request is a member's request for contact, as SaveRequestPosts and
// SaveTurn save it.
type Request struct {
	// Handoff is the company's open handoff it updates, or a new one (ID
	// 0); its ChatID is the member who asks.
	Handoff Handoff
	// Comment is this request's own comment (Handoff.Comment is all of
	// them).
	Comment string
	// OpenSince: a new handoff is refused with ErrRequestRaced when the
	// company has one not done created after it (zero: never refused).
	OpenSince time.Time
	// Posts are queued for the handoff in the managers' chat with it, in
	// order (the card's post, a note): their HandoffID is the handoff's.
	Posts []*Outbound
	// Ask is the request as recorded, filled in once saved.
	Ask Ask
}

// ErrRequestRaced: a request would open a second handoff for a company
// that has one open.
var ErrRequestRaced = errors.New("the company's request was opened meanwhile")

// saveHandoff saves h, and the request r when non-nil, in a transaction of
// its own; h (and r) are filled in only once it committed.
func (db *DB) saveHandoff(ctx context.Context, h *Handoff, r *Request) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("save handoff: %w", err)
	}
	defer tx.Rollback()
	now := db.now()
	saved := *h
	var ask *Ask
	var posts []*Outbound
	if r != nil {
		ask, posts = &Ask{ChatID: h.ChatID, Comment: r.Comment, CreatedAt: r.OpenSince}, r.Posts
	}
	ids, err := saveHandoffTx(ctx, tx, &saved, ask, posts, now)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save handoff %d: %w", saved.ID, err)
	}
	*h = saved
	if r != nil {
		r.Ask = *ask
		for i, o := range posts {
			o.HandoffID, o.ID, o.CreatedAt = h.ID, ids[i], now
		}
	}
	return nil
}

// saveHandoffTx inserts h (ID 0) or updates its report, comment and card
// in tx; with ask, it is the request ask of the member h.ChatID (see
// SaveRequest; ask.CreatedAt is the openSince), and posts are queued for
// it. It fills in h's ID, CompanyID, State and times, and ask as
// recorded, and returns the posts' ids, leaving the posts as they were:
// the caller fills them in once the transaction committed.
func saveHandoffTx(ctx context.Context, tx *sql.Tx, h *Handoff, ask *Ask, posts []*Outbound, now time.Time) ([]int64, error) {
	var report any
	if h.ReportID > 0 {
		report = h.ReportID
	}
	var err error
	if ask != nil {
		if h.CompanyID, err = ensureCompany(ctx, tx, h.ChatID, "", now); err != nil {
			return nil, fmt.Errorf("save handoff of %d: %w", h.ChatID, err)
		}
		if h.ID == 0 && !ask.CreatedAt.IsZero() {
			var open bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM handoffs WHERE company_id = ? AND state <> ? AND created_at > ?)`,
				h.CompanyID, HandoffDone, formatTime(ask.CreatedAt)).Scan(&open); err != nil {
				return nil, fmt.Errorf("save handoff of %d: %w", h.ChatID, err)
			}
			if open {
				return nil, fmt.Errorf("save handoff of %d: %w", h.ChatID, ErrRequestRaced)
			}
		}
	}
	if h.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO handoffs (chat_id, company_id, report_id, created_at, updated_at, comment, card_chat_id, card_message_id)
			VALUES (?, COALESCE(NULLIF(?, 0), (SELECT company_id FROM members WHERE chat_id = ?), 0), ?, ?, ?, ?, ?, ?)`,
			h.ChatID, h.CompanyID, h.ChatID, report, formatTime(now), formatTime(now), h.Comment, h.CardChatID, h.CardMessageID)
		if err != nil {
			return nil, fmt.Errorf("save handoff of %d: %w", h.ChatID, err)
		}
		if h.ID, err = res.LastInsertId(); err != nil {
			return nil, fmt.Errorf("save handoff of %d: %w", h.ChatID, err)
		}
		h.State, h.CreatedAt = HandoffOpen, now
	} else if _, err := tx.ExecContext(ctx, `UPDATE handoffs SET report_id = ?, comment = ?, card_chat_id = ?, card_message_id = ?, updated_at = ?
			WHERE id = ?`, report, h.Comment, h.CardChatID, h.CardMessageID, formatTime(now), h.ID); err != nil {
		return nil, fmt.Errorf("save handoff %d: %w", h.ID, err)
	}
	if ask != nil {
		// The member who asked last is the one a manager's answer reaches.
		if _, err := tx.ExecContext(ctx, `UPDATE handoffs SET chat_id = ?, company_id = ? WHERE id = ?`, h.ChatID, h.CompanyID, h.ID); err != nil {
			return nil, fmt.Errorf("save handoff %d: %w", h.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO handoff_asks (handoff_id, chat_id, comment, created_at) VALUES (?, ?, ?, ?)`,
			h.ID, ask.ChatID, ask.Comment, formatTime(now)); err != nil {
			return nil, fmt.Errorf("save handoff %d: %w", h.ID, err)
		}
		ask.CreatedAt = now
		if err := tx.QueryRowContext(ctx, `SELECT name, username FROM partners WHERE chat_id = ?`, ask.ChatID).
			Scan(&ask.Name, &ask.Username); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("save handoff %d: %w", h.ID, err)
		}
	}
	h.UpdatedAt = now
	ids := make([]int64, len(posts))
	for i, post := range posts {
		o := *post
		o.HandoffID = h.ID
		if ids[i], err = insertOutbound(ctx, tx, &o, now); err != nil {
			return nil, fmt.Errorf("save handoff %d: %w", h.ID, err)
		}
	}
	return ids, nil
}

// HandoffAsks returns the requests a handoff gathered, oldest first.
func (db *DB) HandoffAsks(ctx context.Context, id int64) ([]Ask, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("requests of handoff %d: %w", id, err)
	}
	defer tx.Rollback()
	asks, err := findAsks(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("requests of handoff %d: %w", id, err)
	}
	return asks, nil
}

func findAsks(ctx context.Context, tx *sql.Tx, id int64) ([]Ask, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.chat_id, COALESCE(p.name, ''), COALESCE(p.username, ''), a.comment, a.created_at
		FROM handoff_asks a LEFT JOIN partners p ON p.chat_id = a.chat_id WHERE a.handoff_id = ? ORDER BY a.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Ask
	for rows.Next() {
		var a Ask
		if err := rows.Scan(&a.ChatID, &a.Name, &a.Username, &a.Comment, timeColumn{&a.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// TakeHandoff gives an open handoff to a manager. The first taker wins:
// anyone else gets ErrTaken with the handoff as it stands.
func (db *DB) TakeHandoff(ctx context.Context, id, managerID int64, name string) (Handoff, error) {
	now := formatTime(db.now())
	return db.moveHandoff(ctx, id, `UPDATE handoffs SET state = ?, taken_by = ?, taken_name = ?, taken_at = ?, updated_at = ?
		WHERE id = ? AND state = ?`, HandoffTaken, managerID, name, now, now, id, HandoffOpen)
}

// CloseHandoff marks a handoff done by a manager, recording who and when;
// closing a done one is ErrTaken.
func (db *DB) CloseHandoff(ctx context.Context, id, managerID int64, name string) (Handoff, error) {
	now := formatTime(db.now())
	return db.moveHandoff(ctx, id, `UPDATE handoffs SET state = ?, done_by = ?, done_name = ?, done_at = ?, updated_at = ?
		WHERE id = ? AND state <> ?`, HandoffDone, managerID, name, now, now, id, HandoffDone)
}

// NudgeDue returns the open (untaken) handoffs created before olderThan
// whose card was posted and that were never nudged, oldest first.
func (db *DB) NudgeDue(ctx context.Context, olderThan time.Time) ([]Handoff, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("handoffs to nudge: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+handoffColumns+` FROM handoffs
		WHERE state = ? AND nudged_at IS NULL AND card_message_id <> 0 AND COALESCE(updated_at, created_at) < ? ORDER BY id`,
		HandoffOpen, formatTime(olderThan))
	if err != nil {
		return nil, fmt.Errorf("handoffs to nudge: %w", err)
	}
	defer rows.Close()
	var out []Handoff
	for rows.Next() {
		h, err := scanHandoff(rows)
		if err != nil {
			return nil, fmt.Errorf("handoffs to nudge: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// MarkNudged records that an untaken handoff was nudged; false when it was
// nudged already (or is no longer open).
func (db *DB) MarkNudged(ctx context.Context, id int64) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fmt.Errorf("nudge handoff %d: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE handoffs SET nudged_at = ? WHERE id = ? AND nudged_at IS NULL AND state = ?`,
		formatTime(db.now()), id, HandoffOpen)
	if err != nil {
		return false, fmt.Errorf("nudge handoff %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("nudge handoff %d: %w", id, err)
	}
	return n == 1, tx.Commit()
}

// LatestHandoff returns the newest handoff of chat chatID's company (of
// the chat itself when it has none) in any state, or ErrNotFound.
func (db *DB) LatestHandoff(ctx context.Context, chatID int64) (Handoff, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Handoff{}, fmt.Errorf("latest handoff of %d: %w", chatID, err)
	}
	defer tx.Rollback()
	h, err := scanHandoff(tx.QueryRowContext(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE `+ofCompany+` ORDER BY id DESC LIMIT 1`, chatID))
	if errors.Is(err, sql.ErrNoRows) {
		return Handoff{}, fmt.Errorf("latest handoff of %d: %w", chatID, ErrNotFound)
	}
	if err != nil {
		return Handoff{}, fmt.Errorf("latest handoff of %d: %w", chatID, err)
	}
	return h, nil
}

// ofCompany selects the handoffs of the company of chat ?1, or of the chat
// itself when it belongs to no company.
const ofCompany = `(CASE WHEN EXISTS (SELECT 1 FROM members WHERE chat_id = ?1)
	THEN company_id = (SELECT company_id FROM members WHERE chat_id = ?1) ELSE chat_id = ?1 END)`

func (db *DB) moveHandoff(ctx context.Context, id int64, query string, args ...any) (Handoff, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return Handoff{}, fmt.Errorf("handoff %d: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return Handoff{}, fmt.Errorf("handoff %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Handoff{}, fmt.Errorf("handoff %d: %w", id, err)
	}
	h, err := findHandoff(ctx, tx, id)
	if err != nil {
		return Handoff{}, fmt.Errorf("handoff %d: %w", id, err)
	}
	if n == 0 {
		return h, fmt.Errorf("handoff %d: %w", id, ErrTaken)
	}
	return h, tx.Commit()
}

// CountOpenHandoffs counts the companies with a handoff not yet done.
func (db *DB) CountOpenHandoffs(ctx context.Context) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fmt.Errorf("count handoffs: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT CASE company_id WHEN 0 THEN -chat_id ELSE company_id END) FROM handoffs WHERE state <> ?`, HandoffDone).Scan(&n); err != nil {
		return 0, fmt.Errorf("count handoffs: %w", err)
	}
	return n, nil
}

// Desk is what a handoff's card needs about a company, read at once: the
// member, its company, the latest report and, when asked, the recent open
// handoff with its requests.
type Desk struct {
	Partner Partner // the member the desk was read for
	// Company is the member's company with its members; zero when the
	// member has none yet.
	Company Company
	Report  *Report  // nil when the company has no report (or it no longer reads)
	Handoff *Handoff // nil when not asked for or none is open
	Asks    []Ask    // Handoff's requests, oldest first
	// ReportID is the latest report's id, 0 when none: set even when that
	// report no longer reads under the current catalogue, so that a handoff
	// still points at it.
	ReportID int64
	// Waiting is set while the managers wait for a member to answer a
	// manager's message relayed to it.
	Waiting bool
}

// CompanyName is the company's name, or the member's own company field
// when the company has none.
func (d Desk) CompanyName() string {
	if d.Company.Name != "" {
		return d.Company.Name
	}
	return d.Partner.Company
}

// Desk reads a member with its company, the latest report and, when
// openSince is not zero, the company's newest handoff that is not done and
// was created after openSince, in one read transaction. It returns
// ErrNotFound when there is no such partner.
func (db *DB) Desk(ctx context.Context, chatID int64, openSince time.Time) (Desk, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
	}
	defer tx.Rollback()
	var d Desk
	if d.Partner, err = findPartner(ctx, tx, `WHERE chat_id = ?`, chatID); err != nil {
		return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
	}
	switch id, err := companyID(ctx, tx, chatID); {
	case err == nil:
		if d.Company, err = findCompany(ctx, tx, id); err != nil {
			return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
		}
	case !errors.Is(err, ErrNoCompany):
		return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM reports WHERE company_id = (SELECT company_id FROM members WHERE chat_id = ?)`,
		chatID).Scan(&d.ReportID); err != nil {
		return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
	}
	rs, err := db.findReports(ctx, tx, chatID, 1)
	if err != nil {
		return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
	}
	if len(rs) > 0 {
		d.Report = &rs[0]
	}
	waiting := []any{waitingName(chatID)}
	for _, m := range d.Company.Members {
		waiting = append(waiting, waitingName(m.Partner.ChatID))
	}
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM settings WHERE name IN (?`+strings.Repeat(", ?", len(waiting)-1)+`))`,
		waiting...).Scan(&d.Waiting); err != nil {
		return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
	}
	if openSince.IsZero() {
		return d, nil
	}
	h, err := scanHandoff(tx.QueryRowContext(ctx, `SELECT `+handoffColumns+` FROM handoffs
		WHERE `+ofCompany+` AND state <> ?2 AND created_at > ?3 ORDER BY id DESC LIMIT 1`, chatID, HandoffDone, formatTime(openSince)))
	switch {
	case err == nil:
		d.Handoff = &h
		if d.Asks, err = findAsks(ctx, tx, h.ID); err != nil {
			return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
		}
	case !errors.Is(err, sql.ErrNoRows):
		return Desk{}, fmt.Errorf("desk %d: %w", chatID, err)
	}
	return d, nil
}
