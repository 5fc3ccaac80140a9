package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// InboxUpdate is a Telegram update stored before it is confirmed to
// Telegram. Payload is the update as received; ChatID is 0 for an update
// that belongs to no chat.
type InboxUpdate struct {
	UpdateID   int64
	ChatID     int64
	Payload    []byte
	ReceivedAt time.Time
	// Attempts counts the failed attempts recorded with RecordFailure.
	Attempts int
}

// EnqueueUpdates stores a batch of updates in one transaction (one disk
// sync for a whole poll, shared with the turns being saved at the moment:
// see commit.go) and returns how many were new.
func (db *DB) EnqueueUpdates(ctx context.Context, us []InboxUpdate) (int, error) {
	for _, u := range us {
		if u.UpdateID <= 0 {
			return 0, fmt.Errorf("enqueue update %d: update id: %w", u.UpdateID, ErrInvalid)
		}
	}
	n := 0
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n = 0
		stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO inbox (update_id, chat_id, payload, received_at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := db.now()
		for _, u := range us {
			if u.ReceivedAt.IsZero() {
				u.ReceivedAt = now
			}
			if u.Payload == nil {
				u.Payload = []byte{}
			}
			res, err := stmt.ExecContext(ctx, u.UpdateID, u.ChatID, u.Payload, formatTime(u.ReceivedAt))
			if err != nil {
				return fmt.Errorf("update %d: %w", u.UpdateID, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue updates: %w", err)
	}
	return n, nil
}

// PendingUpdates returns up to limit updates not yet done, in update id
// order; a limit of zero or less returns them all.
func (db *DB) PendingUpdates(ctx context.Context, limit int) ([]InboxUpdate, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("pending updates: %w", err)
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `
		SELECT update_id, chat_id, payload, received_at, attempts FROM inbox
		WHERE done_at IS NULL AND failed_at IS NULL ORDER BY update_id LIMIT ?`, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("pending updates: %w", err)
	}
	defer rows.Close()

	var out []InboxUpdate
	for rows.Next() {
		var u InboxUpdate
		if err := rows.Scan(&u.UpdateID, &u.ChatID, &u.Payload, timeColumn{&u.ReceivedAt}, &u.Attempts); err != nil {
			return nil, fmt.Errorf("pending updates: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending updates: %w", err)
	}
	return out, nil
}

// MarkUpdateDone marks an update that changed no session as done. Marking a
// done update again does nothing; an unknown id is ErrNotFound.
func (db *DB) MarkUpdateDone(ctx context.Context, updateID int64) error {
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return markUpdateDone(ctx, tx, updateID, db.now())
	})
	if err != nil {
		return fmt.Errorf("mark update %d done: %w", updateID, err)
	}
	return nil
}

// RecordFailure counts one more failed attempt at a pending update and
// returns the count. At maxAttempts the update is parked: PendingUpdates no
// longer returns it, and parked reports true. An update not pending (done,
// parked or unknown) is ErrNotFound.
func (db *DB) RecordFailure(ctx context.Context, updateID int64, maxAttempts int) (attempts int, parked bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("record failure of update %d: %w", updateID, err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `
		UPDATE inbox SET attempts = attempts + 1,
			failed_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE NULL END
		WHERE update_id = ? AND done_at IS NULL AND failed_at IS NULL
		RETURNING attempts, failed_at IS NOT NULL`,
		maxAttempts, formatTime(db.now()), updateID).Scan(&attempts, &parked)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("record failure of update %d: %w", updateID, ErrNotFound)
	} else if err != nil {
		return 0, false, fmt.Errorf("record failure of update %d: %w", updateID, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("record failure of update %d: %w", updateID, err)
	}
	return attempts, parked, nil
}

// MaxUpdateID returns the highest update id ever enqueued, or 0 if none;
// the bot resumes polling after it.
func (db *DB) MaxUpdateID(ctx context.Context) (int64, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fmt.Errorf("max update id: %w", err)
	}
	defer tx.Rollback()

	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(update_id), 0) FROM inbox`).Scan(&id); err != nil {
		return 0, fmt.Errorf("max update id: %w", err)
	}
	return id, nil
}

// PruneUpdates deletes done updates received before before, and returns how
// many it deleted. It keeps the update with the highest id, whatever its
// age, so that MaxUpdateID never goes back.
func (db *DB) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	return db.deleteRows(ctx, "prune updates", `
		DELETE FROM inbox
		WHERE done_at IS NOT NULL AND received_at < ?
			AND update_id < (SELECT MAX(update_id) FROM inbox)`,
		formatTime(before))
}

// markUpdateDone marks the update done and drops its payload. The done time
// of an update already done is kept.
func markUpdateDone(ctx context.Context, tx *sql.Tx, updateID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `
		UPDATE inbox SET done_at = COALESCE(done_at, ?), payload = NULL WHERE update_id = ?`,
		formatTime(now), updateID)
	return checkAffected(res, err)
}

// claimUpdate marks a pending update done; ErrAlreadyDone when it was done
// before, so that the turn applying it a second time rolls back.
func claimUpdate(ctx context.Context, tx *sql.Tx, updateID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `
		UPDATE inbox SET done_at = ?, payload = NULL WHERE update_id = ? AND done_at IS NULL`,
		formatTime(now), updateID)
	if err := checkAffected(res, err); !errors.Is(err, ErrNotFound) {
		return err
	}
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM inbox WHERE update_id = ?`, updateID).Scan(&one); err == nil {
		return ErrAlreadyDone
	}
	return ErrNotFound
}
