package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"specbot/dialogs"
)

// ReminderState is where a reminder's delivery stands.
type ReminderState string

// Reminder delivery states.
const (
	ReminderPending ReminderState = "pending"
	ReminderSending ReminderState = "sending" // claimed by a sender
	ReminderSent    ReminderState = "sent"
	ReminderFailed  ReminderState = "failed"
	ReminderBlocked ReminderState = "blocked" // the partner blocked the bot
)

// Reminder is one row of the outbox: one message to one partner for one
// window and lead time, written once and sent at most once.
type Reminder struct {
	ChatID      int64
	WindowOpens string // YYYY-MM-DD
	DaysBefore  int    // 0: the window opened today
	DueAt       time.Time
	Message     dialogs.Message // the rendered message
	// MessageErr, on a reminder read back, is set when its stored message
	// cannot be read; Message is then zero.
	MessageErr error
	State      ReminderState
	Attempts   int
	LastError  string
	SentAt     time.Time
}

// EnqueueReminders writes reminders that are not in the outbox yet and
// returns how many were new; a (chat, window, days) already there, in any
// state, is left alone, so planning twice never sends twice.
func (db *DB) EnqueueReminders(ctx context.Context, rs []Reminder) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("enqueue reminders: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO reminders (chat_id, window_opens, days_before, due_at, payload, state)
		SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM partners WHERE chat_id = ?)`)
	if err != nil {
		return 0, fmt.Errorf("enqueue reminders: %w", err)
	}
	defer stmt.Close()
	n := 0
	for _, r := range rs {
		payload, err := encodeMessage(r.Message)
		if err != nil {
			return 0, fmt.Errorf("enqueue reminder %d/%s/%d: %w", r.ChatID, r.WindowOpens, r.DaysBefore, err)
		}
		res, err := stmt.ExecContext(ctx, r.ChatID, r.WindowOpens, r.DaysBefore, formatTime(r.DueAt), payload, ReminderPending, r.ChatID)
		if err != nil {
			return 0, fmt.Errorf("enqueue reminder %d/%s/%d: %w", r.ChatID, r.WindowOpens, r.DaysBefore, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, tx.Commit()
}

// claimRemindersQuery names the pending state in the statement, for SQLite
// to use the partial index reminders_pending instead of reading every
// reminder ever sent.
const claimRemindersQuery = `UPDATE reminders SET state = ?, claimed_at = ?
	WHERE rowid IN (SELECT rowid FROM reminders WHERE state = '` + string(ReminderPending) + `' AND due_at <= ? ORDER BY due_at, chat_id LIMIT ?)
	RETURNING chat_id, window_opens, days_before, due_at, payload, state, attempts, last_error`

// ClaimReminders takes up to limit pending reminders due by now for this
// sender, atomically: two senders (serve and a cron remind) never claim the
// same one.
func (db *DB) ClaimReminders(ctx context.Context, now time.Time, limit int) ([]Reminder, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, claimRemindersQuery, ReminderSending, formatTime(db.now()), formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	var out []Reminder
	for rows.Next() {
		var r Reminder
		var payload []byte
		if err := rows.Scan(&r.ChatID, &r.WindowOpens, &r.DaysBefore, timeColumn{&r.DueAt}, &payload, &r.State, &r.Attempts, &r.LastError); err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim reminders: %w", err)
		}
		r.Message, r.MessageErr = decodeMessage(payload)
		out = append(out, r)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	return out, tx.Commit()
}

// FinishReminder records the end of a claimed reminder: sent, failed or
// blocked (which also marks the partner unreachable).
func (db *DB) FinishReminder(ctx context.Context, r Reminder, state ReminderState, errText string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("finish reminder: %w", err)
	}
	defer tx.Rollback()
	sent := any(nil)
	if state == ReminderSent {
		sent = formatTime(db.now())
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reminders SET state = ?, last_error = ?, sent_at = ?, attempts = attempts + 1
		WHERE chat_id = ? AND window_opens = ? AND days_before = ?`, state, errText, sent, r.ChatID, r.WindowOpens, r.DaysBefore); err != nil {
		return fmt.Errorf("finish reminder %d: %w", r.ChatID, err)
	}
	if state == ReminderBlocked {
		if _, err := tx.ExecContext(ctx, `UPDATE partners SET unreachable = 1, updated_at = ? WHERE chat_id = ?`, formatTime(db.now()), r.ChatID); err != nil {
			return fmt.Errorf("finish reminder %d: %w", r.ChatID, err)
		}
	}
	return tx.Commit()
}

// RetryReminder puts a claimed reminder back to pending, due at next.
func (db *DB) RetryReminder(ctx context.Context, r Reminder, next time.Time, errText string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("retry reminder: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE reminders SET state = ?, due_at = ?, last_error = ?, attempts = attempts + 1
		WHERE chat_id = ? AND window_opens = ? AND days_before = ?`, ReminderPending, formatTime(next), errText, r.ChatID, r.WindowOpens, r.DaysBefore); err != nil {
		return fmt.Errorf("retry reminder %d: %w", r.ChatID, err)
	}
	return tx.Commit()
}

// AbandonInterrupted marks reminders claimed before a time and never
// finished (their sender died mid-send) as failed: whether Telegram got them
// is unknown, and a second copy is worse than a missing one.
func (db *DB) AbandonInterrupted(ctx context.Context, claimedBefore time.Time) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("abandon reminders: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE reminders SET state = ?, last_error = ?
		WHERE state = ? AND claimed_at < ?`, ReminderFailed, "interrupted while sending", ReminderSending, formatTime(claimedBefore))
	if err != nil {
		return 0, fmt.Errorf("abandon reminders: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), tx.Commit()
}

// ReminderCounts counts the outbox by state.
func (db *DB) ReminderCounts(ctx context.Context) (map[ReminderState]int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("count reminders: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT state, COUNT(*) FROM reminders GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count reminders: %w", err)
	}
	defer rows.Close()
	out := map[ReminderState]int{}
	for rows.Next() {
		var s ReminderState
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count reminders: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// Candidate is a partner who agreed to reminders, with what a reminder
// needs to be personal.
type Candidate struct {
	Partner Partner
	Session *dialogs.Session // nil when none or when it cannot be resumed
	Report  *Report          // the latest report, nil when none (or unreadable)
	// CompanyID is the partner's company, 0 when none; Facts are its
	// current answers, nil when it keeps none.
	CompanyID int64
	Facts     *CompanyFacts
}

// ReminderCandidates lists partners with reminders on who can be reached.
func (db *DB) ReminderCandidates(ctx context.Context) ([]Candidate, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("reminder candidates: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT chat_id FROM partners WHERE reminders = ? AND unreachable = 0 ORDER BY chat_id`, ConsentOn)
	if err != nil {
		return nil, fmt.Errorf("reminder candidates: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reminder candidates: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]Candidate, 0, len(ids))
	for _, id := range ids {
		p, err := findPartner(ctx, tx, "WHERE chat_id = ?", id)
		if err != nil {
			return nil, fmt.Errorf("reminder candidate %d: %w", id, err)
		}
		c := Candidate{Partner: p}
		var data []byte
		err = tx.QueryRowContext(ctx, `SELECT data FROM sessions WHERE chat_id = ?`, id).Scan(&data)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("reminder candidate %d: %w", id, err)
		}
		if s, err := db.decodeSession(data); err == nil {
			c.Session = s
		}
		rs, err := db.findReports(ctx, tx, id, 1)
		if err != nil {
			return nil, fmt.Errorf("reminder candidate %d: %w", id, err)
		}
		if len(rs) > 0 {
			c.Report = &rs[0]
		}
		switch c.CompanyID, err = companyID(ctx, tx, id); {
		case errors.Is(err, ErrNoCompany):
		case err != nil:
			return nil, fmt.Errorf("reminder candidate %d: %w", id, err)
		default:
			if c.Facts, err = db.findCompanyFacts(ctx, tx, id); err != nil {
				return nil, fmt.Errorf("reminder candidate %d: %w", id, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}
