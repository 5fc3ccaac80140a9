package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// Once-only posts (the managers' pipeline digest before a window) are
// recorded by name in the settings table, in the same transaction as the
// outbox batch that carries them: a restart, a second process or a crash
// between the two never posts one twice, nor loses it.

const settingOnce = "once:"

// OnceDone reports whether the once-only post name was stored.
func (db *DB) OnceDone(ctx context.Context, name string) (bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return false, fmt.Errorf("once %s: %w", name, err)
	}
	defer tx.Rollback()
	var v string
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, settingOnce+name).Scan(&v)
	switch {
	case err == sql.ErrNoRows:
		return false, nil
	case err != nil:
		return false, fmt.Errorf("once %s: %w", name, err)
	}
	return true, nil
}

// AddOnce stores o as the once-only post name; false, and nothing stored,
// when name was stored before. It fills in o's ID and CreatedAt.
func (db *DB) AddOnce(ctx context.Context, name string, o *Outbound) (bool, error) {
	now := db.now()
	var id int64
	first := false
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			settingOnce+name, formatTime(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			first = false
			return err
		}
		first = true
		id, err = insertOutbound(ctx, tx, o, now)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("once %s: %w", name, err)
	}
	if first {
		o.ID, o.CreatedAt = id, now
	}
	return first, nil
}

// A partner's topic says "waiting for the partner" from a manager's answer
// relayed to it until the partner writes again; the mark is kept by chat
// in the settings table.
const settingWaiting = "waiting:"

func waitingName(chatID int64) string { return settingWaiting + strconv.FormatInt(chatID, 10) }

// SetWaiting marks whether the managers wait for the partner of chatID to
// answer; changed is false when it already was so.
func (db *DB) SetWaiting(ctx context.Context, chatID int64, waiting bool) (changed bool, err error) {
	err = db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var res sql.Result
		var err error
		if waiting {
			res, err = tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
				waitingName(chatID), formatTime(db.now()))
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE name = ?`, waitingName(chatID))
		}
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("set waiting %d: %w", chatID, err)
	}
	return changed, nil
}
