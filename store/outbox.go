package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OutboxState is where an outbox entry stands in its delivery.
type OutboxState string

// The outbox states.
const (
	OutboxPending OutboxState = "pending"
	OutboxSending OutboxState = "sending"
	OutboxSent    OutboxState = "sent"
)

// Outbound is one batch of replies a turn produced, kept until it was sent.
// The store does not read Payload: app encodes and decodes it.
type Outbound struct {
	ID      int64
	ChatID  int64
	Payload []byte
	// HandoffID, for a post into the managers' chat, is the handoff whose
	// card it shows; SaveRequest fills it in.
	HandoffID int64
	Attempts  int
	CreatedAt time.Time
}

func insertOutbound(ctx context.Context, tx *sql.Tx, o *Outbound, now time.Time) (int64, error) {
	if o.ChatID == 0 || (len(o.Payload) == 0 && o.HandoffID == 0) {
		return 0, fmt.Errorf("outbound of chat %d: %w", o.ChatID, ErrInvalid)
	}
	var handoff any
	if o.HandoffID != 0 {
		handoff = o.HandoffID
	}
	payload := o.Payload
	if payload == nil {
		payload = []byte{}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (chat_id, payload, handoff_id, state, created_at) VALUES (?, ?, ?, ?, ?)`,
		o.ChatID, payload, handoff, OutboxPending, formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("insert outbound: %w", err)
	}
	return res.LastInsertId()
}

// MarkSent records that an outbound batch reached Telegram and drops its
// payload (an export's file can be large; what was said is in the reports).
// Marks of several batches, and turns of other chats, may share one commit.
func (db *DB) MarkSent(ctx context.Context, id int64) error {
	if err := db.write(ctx, markSent(db, id)); err != nil {
		return fmt.Errorf("mark outbound %d sent: %w", id, err)
	}
	return nil
}

// MarkSentLater is MarkSent for a batch already marked sending: it
// returns at once, and the mark shares the next commit. A mark lost to a
// crash leaves the batch 'sending', which is never sent again either, so
// nobody need wait for it. then, when set, gets the outcome; it must not
// block.
func (db *DB) MarkSentLater(id int64, then func(error)) {
	mark := markSent(db, id)
	db.writeLater(func(ctx context.Context, tx *sql.Tx) error {
		if err := mark(ctx, tx); err != nil {
			return fmt.Errorf("mark outbound %d sent: %w", id, err)
		}
		return nil
	}, then)
}

func markSent(db *DB, id int64) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, sent_at = ?, payload = x'' WHERE id = ? AND state IN (?, ?)`,
			OutboxSent, formatTime(db.now()), id, OutboxPending, OutboxSending)
		return checkAffected(res, err)
	}
}

// MarkSending claims a pending batch for sending: from then on a crash
// leaves it 'sending', maybe arrived, and it is not sent again
// (CountAttempt puts back one Telegram refused). It returns ErrNotFound
// when the batch is not pending: another sender took it, or it went out.
// It returns once the claim is durable; claims of several batches, and
// turns of other chats, may share that commit.
func (db *DB) MarkSending(ctx context.Context, id int64) error {
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ? WHERE id = ? AND state = ?`, OutboxSending, id, OutboxPending)
		return checkAffected(res, err)
	})
	if err != nil {
		return fmt.Errorf("mark outbound %d sending: %w", id, err)
	}
	return nil
}

// SaveAnswer stores the answer to an update that changes no session (a
// manager's figures, an export, a refusal of what cannot be read) and marks
// the update done, in one transaction: a redelivered update finds it done
// (ErrAlreadyDone, nothing saved) and is never answered twice. o may be nil
// (nothing to say); updateID 0 stores o alone. SaveAnswer fills in o's ID
// and CreatedAt. It shares the group commit with the turns.
func (db *DB) SaveAnswer(ctx context.Context, o *Outbound, updateID int64) error {
	now := db.now()
	var id int64
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if updateID > 0 {
			if err := claimUpdate(ctx, tx, updateID, now); err != nil {
				return err
			}
		}
		if o != nil {
			var err error
			if id, err = insertOutbound(ctx, tx, o, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save answer to update %d: %w", updateID, err)
	}
	if o != nil {
		o.ID, o.CreatedAt = id, now
	}
	return nil
}

// CountAttempt adds one failed sending attempt to an outbound batch, puts it
// back to pending and,
// when payload is set, replaces what is left to send (the part Telegram
// already took is not sent again).
func (db *DB) CountAttempt(ctx context.Context, id int64, payload []byte) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("count outbound %d attempt: %w", id, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, payload = COALESCE(?, payload) WHERE id = ? AND state <> ?`,
		OutboxPending, payload, id, OutboxSent); err != nil {
		return fmt.Errorf("count outbound %d attempt: %w", id, err)
	}
	return tx.Commit()
}

// PendingOutbound lists the unsent batches, oldest first (so in order per
// chat); chatID 0 lists every chat's, limit <= 0 means no limit.
func (db *DB) PendingOutbound(ctx context.Context, chatID int64, limit int) ([]Outbound, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fmt.Errorf("pending outbound: %w", err)
	}
	defer tx.Rollback()
	out, err := findPending(ctx, tx, chatID, limit)
	if err != nil {
		return nil, fmt.Errorf("pending outbound: %w", err)
	}
	return out, nil
}

// The pending batches, of one chat or of all, oldest first. The state is
// written in the statements, not bound: SQLite uses the partial index
// outbox_pending only for a WHERE that names its own condition, and would
// otherwise read every batch ever sent on each turn.
const (
	pendingOutboxColumns = `SELECT id, chat_id, payload, COALESCE(handoff_id, 0), attempts, created_at FROM outbox `
	pendingOutboxWhere   = `WHERE state = '` + string(OutboxPending) + `'`
	// Left to itself, SQLite would walk the whole table in id order rather
	// than sort the few pending batches.
	pendingOutboxAll     = pendingOutboxColumns + `INDEXED BY outbox_pending ` + pendingOutboxWhere + ` ORDER BY id LIMIT ?`
	pendingOutboxOfChat  = pendingOutboxColumns + pendingOutboxWhere + ` AND chat_id = ? ORDER BY id LIMIT ?`
	countPendingOutbound = `SELECT COUNT(*) FROM outbox ` + pendingOutboxWhere
)

// findPending lists the pending batches of chatID (0: every chat), oldest
// first, at most limit (0: all).
func findPending(ctx context.Context, tx *sql.Tx, chatID int64, limit int) ([]Outbound, error) {
	q, args := pendingOutboxAll, []any{limitArg(limit)}
	if chatID != 0 {
		q, args = pendingOutboxOfChat, []any{chatID, limitArg(limit)}
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Outbound
	for rows.Next() {
		var o Outbound
		if err := rows.Scan(&o.ID, &o.ChatID, &o.Payload, &o.HandoffID, &o.Attempts, timeColumn{&o.CreatedAt}); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// AddOutbound adds one entry to the outbox on its own (an edit of a card
// after a manager's tap), filling in its ID and CreatedAt.
func (db *DB) AddOutbound(ctx context.Context, o *Outbound) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("add outbound: %w", err)
	}
	defer tx.Rollback()
	now := db.now()
	id, err := insertOutbound(ctx, tx, o, now)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add outbound: %w", err)
	}
	o.ID, o.CreatedAt = id, now
	return nil
}

// HandoffToPost reads the handoff a group post shows, as it stands.
func (db *DB) HandoffToPost(ctx context.Context, id int64) (Handoff, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return Handoff{}, fmt.Errorf("handoff %d: %w", id, err)
	}
	defer tx.Rollback()
	h, err := findHandoff(ctx, tx, id)
	if err != nil {
		return Handoff{}, fmt.Errorf("handoff %d: %w", id, err)
	}
	return h, nil
}

// CountPendingOutbound counts the batches not yet sent.
func (db *DB) CountPendingOutbound(ctx context.Context) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fmt.Errorf("count pending outbound: %w", err)
	}
	defer tx.Rollback()
	n := 0
	if err := tx.QueryRowContext(ctx, countPendingOutbound).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending outbound: %w", err)
	}
	return n, nil
}

// PruneSent deletes the batches sent before before, and returns how many it
// deleted. Pending and sending batches stay whatever their age: the first
// wait for their turn, the second tell that a crash may have cut one short.
func (db *DB) PruneSent(ctx context.Context, before time.Time) (int64, error) {
	return db.deleteRows(ctx, "prune sent outbound", `DELETE FROM outbox WHERE state = '`+string(OutboxSent)+`' AND sent_at < ?`, formatTime(before))
}
