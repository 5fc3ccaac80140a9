package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Anchor returns the message id of the chat's current question, 0 if none.
func (db *DB) Anchor(ctx context.Context, chatID int64) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fmt.Errorf("anchor %d: %w", chatID, err)
	}
	defer tx.Rollback()
	var id int
	err = tx.QueryRowContext(ctx, `SELECT anchor FROM sessions WHERE chat_id = ?`, chatID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("anchor %d: %w", chatID, err)
	}
	return id, nil
}

// SetAnchors records many chats' question message ids in one transaction.
func (db *DB) SetAnchors(ctx context.Context, anchors map[int64]int) error {
	if len(anchors) == 0 {
		return nil
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("set anchors: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `UPDATE sessions SET anchor = ? WHERE chat_id = ?`)
	if err != nil {
		return fmt.Errorf("set anchors: %w", err)
	}
	defer stmt.Close()
	for chat, id := range anchors {
		if _, err := stmt.ExecContext(ctx, id, chat); err != nil {
			return fmt.Errorf("set anchor %d: %w", chat, err)
		}
	}
	return tx.Commit()
}
