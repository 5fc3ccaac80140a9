package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"specbot/dialogs"
)

// The methods in this file are test seams: the bot itself never calls them.
// Tests of the packages above store (app, bot, reminders, the command) use them to
// set up a partner or look at what a run left behind; they read and write
// through the same helpers production uses.

// SetReminders records the partner's answer about reminders; ConsentUnasked
// asks again.
func (db *DB) SetReminders(ctx context.Context, chatID int64, state Consent) error {
	if err := validateReminders(state); err != nil {
		return fmt.Errorf("set reminders %d: %w", chatID, err)
	}
	return db.updatePartner(ctx, "set reminders", chatID, `reminders = ?`, state)
}

// Reports returns up to limit reports of chat chatID, newest first; a limit
// of zero or less returns them all.
func (db *DB) Reports(ctx context.Context, chatID int64, limit int) ([]Report, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("reports %d: %w", chatID, err)
	}
	defer tx.Rollback()

	rs, err := db.findReports(ctx, tx, chatID, limit)
	if err != nil {
		return nil, fmt.Errorf("reports %d: %w", chatID, err)
	}
	return rs, nil
}

// Reminders lists a partner's outbox rows, oldest window first.
func (db *DB) Reminders(ctx context.Context, chatID int64) ([]Reminder, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("reminders %d: %w", chatID, err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT chat_id, window_opens, days_before, due_at, payload, state, attempts, last_error, COALESCE(sent_at, '')
		FROM reminders WHERE chat_id = ? ORDER BY window_opens, days_before DESC`, chatID)
	if err != nil {
		return nil, fmt.Errorf("reminders %d: %w", chatID, err)
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		var sent string
		var payload []byte
		if err := rows.Scan(&r.ChatID, &r.WindowOpens, &r.DaysBefore, timeColumn{&r.DueAt}, &payload, &r.State, &r.Attempts, &r.LastError, &sent); err != nil {
			return nil, fmt.Errorf("reminders %d: %w", chatID, err)
		}
		r.Message, r.MessageErr = decodeMessage(payload)
		if sent != "" {
			r.SentAt, _ = time.Parse(timeLayout, sent)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Session returns the dialog session of chat chatID, or nil and no error
// when it has none; a session that cannot be resumed comes with its error,
// as from Chat.
func (db *DB) Session(ctx context.Context, chatID int64) (*dialogs.Session, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("session %d: %w", chatID, err)
	}
	defer tx.Rollback()

	var data []byte
	err = tx.QueryRowContext(ctx, `SELECT data FROM sessions WHERE chat_id = ?`, chatID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("session %d: %w", chatID, err)
	}
	s, err := db.decodeSession(data)
	if err != nil {
		return s, fmt.Errorf("session %d: %w", chatID, err)
	}
	return s, nil
}
