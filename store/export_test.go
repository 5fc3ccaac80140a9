package store

import (
	"context"
	"fmt"
)

// Test seams of this package's own tests: the bot never calls them, so
// they are compiled only with the tests.

// CountPartners returns how many partners the store knows.
func (db *DB) CountPartners(ctx context.Context) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fmt.Errorf("count partners: %w", err)
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM partners`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count partners: %w", err)
	}
	return n, nil
}

// LatestReports returns the newest report of every partner that has one,
// ordered by chat id.
func (db *DB) LatestReports(ctx context.Context) ([]PartnerReport, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("latest reports: %w", err)
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `
		SELECT `+partnerColumns+`, `+reportColumns+`
		FROM reports r JOIN partners p ON p.chat_id = r.chat_id
		WHERE r.id IN (SELECT MAX(id) FROM reports GROUP BY chat_id)
		ORDER BY p.chat_id`)
	if err != nil {
		return nil, fmt.Errorf("latest reports: %w", err)
	}
	defer rows.Close()

	var out []PartnerReport
	for rows.Next() {
		var pr PartnerReport
		var raw rawReport
		if err := rows.Scan(append(partnerDest(&pr.Partner), reportDest(&pr.Report, &raw)...)...); err != nil {
			return nil, fmt.Errorf("latest reports: %w", err)
		}
		if db.decodeReport(&pr.Report, raw) {
			out = append(out, pr)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("latest reports: %w", err)
	}
	return out, nil
}

// EnqueueUpdate stores u as pending. It reports false, storing nothing, when
// the update id was seen before, pending or done. A zero ReceivedAt is set
// to the current time.
func (db *DB) EnqueueUpdate(ctx context.Context, u InboxUpdate) (bool, error) {
	if u.UpdateID <= 0 {
		return false, fmt.Errorf("enqueue update %d: update id: %w", u.UpdateID, ErrInvalid)
	}
	if u.ReceivedAt.IsZero() {
		u.ReceivedAt = db.now()
	}
	if u.Payload == nil {
		u.Payload = []byte{}
	}

	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fmt.Errorf("enqueue update %d: %w", u.UpdateID, err)
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, `
		INSERT OR IGNORE INTO inbox (update_id, chat_id, payload, received_at) VALUES (?, ?, ?, ?)`,
		u.UpdateID, u.ChatID, u.Payload, formatTime(u.ReceivedAt))
	if err != nil {
		return false, fmt.Errorf("enqueue update %d: %w", u.UpdateID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("enqueue update %d: %w", u.UpdateID, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("enqueue update %d: %w", u.UpdateID, err)
	}
	return n == 1, nil
}
