package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"specbot/dialogs"
)

// Turn is everything one update changed for one partner, saved at once.
type Turn struct {
	// Partner is inserted, or updated in every field but CreatedAt. SaveTurn
	// fills in its CreatedAt and UpdatedAt.
	Partner Partner
	// Stored, when non-nil, is the partner as the chat's read found it.
	// When Partner differs from it in no field and it was written less
	// than PartnerTouch ago, its row is not written again: most turns
	// change nothing about the partner, and its upsert was the dearest
	// statement of a turn.
	Stored *Partner
	// Session replaces the partner's session; nil deletes it.
	Session *dialogs.Session
	// Report, when non-nil, is added to the partner's history. SaveTurn
	// fills in its ID, ChatID and CreatedAt.
	Report *Report
	// Anchor, when positive, is the message id of the chat's current
	// question, kept with the session.
	Anchor int
	// UpdateID, when positive, is the inbox update this turn processed; it
	// is marked done in the same transaction.
	UpdateID int64
	// Outbox, when non-nil, is the batch of replies this turn produced,
	// added to the outbox in the same transaction. SaveTurn fills in its
	// ID, ChatID and CreatedAt.
	Outbox *Outbound
	// Queue are other entries added to the outbox as they are, in the same
	// transaction (the managers' notes about the check this turn stored).
	// SaveTurn fills in their ID and CreatedAt.
	Queue []*Outbound
	// Request, when non-nil, is the member's request for contact the turn
	// made, saved as SaveRequest saves it (ErrRequestRaced included), with
	// its posts, in the same transaction: the handoff is the member's
	// (Partner's), and points at the report this turn stores when it
	// stores one. SaveTurn fills in the handoff, the ask and the posts.
	Request *Request
}

func (t *Turn) validate() error {
	if err := t.Partner.validate(); err != nil {
		return err
	}
	if t.Report != nil {
		if t.Report.ChatID != 0 && t.Report.ChatID != t.Partner.ChatID {
			return fmt.Errorf("report of chat %d: %w", t.Report.ChatID, ErrInvalid)
		}
		if err := t.Report.validate(); err != nil {
			return err
		}
	}
	return nil
}

// SaveTurn saves the partner, its session, a new report, a request for
// contact with its posts, the turn's replies (the outbox) and the inbox mark
// in one transaction: either all of it is saved or none. Turns of other
// chats saved at the same moment may share that transaction (see
// commit.go); each is saved or not on its own. It returns ErrNotFound,
// saving nothing, if t.UpdateID is not in the inbox, and ErrInvalid for
// data the store refuses.
func (db *DB) SaveTurn(ctx context.Context, t *Turn) error {
	if t == nil {
		return fmt.Errorf("save turn: nil turn: %w", ErrInvalid)
	}
	chatID := t.Partner.ChatID
	if err := t.validate(); err != nil {
		return fmt.Errorf("save turn %d: %w", chatID, err)
	}
	// Encoded before the write, by the caller's goroutine: the committer's
	// is the one all chats' turns queue for.
	session, err := encodeSession(t.Session)
	if err != nil {
		return fmt.Errorf("save turn %d: put session: %w", chatID, err)
	}
	report, err := encodeReportColumns(t.Report)
	if err != nil {
		return fmt.Errorf("save turn %d: %w", chatID, err)
	}
	var (
		now                time.Time
		created, updated   time.Time
		reportID, outboxID int64
		queueIDs           []int64
		handoff            Handoff
		ask                Ask
		postIDs            []int64
	)
	err = db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The time of the transaction that saves it, as when every turn
		// had one of its own.
		now = db.now()
		if t.UpdateID > 0 {
			if err := claimUpdate(ctx, tx, t.UpdateID, now); err != nil {
				return fmt.Errorf("update %d: %w", t.UpdateID, err)
			}
		}
		var err error
		if t.Stored.unchanged(&t.Partner, now) {
			created, updated = t.Stored.CreatedAt, t.Stored.UpdatedAt
		} else if created, err = upsertPartner(ctx, tx, &t.Partner, now); err != nil {
			return err
		} else {
			updated = now
		}
		if err := putSession(ctx, tx, chatID, session, t.Anchor, now); err != nil {
			return err
		}
		if t.Report != nil {
			if reportID, err = insertReport(ctx, tx, chatID, t.Report, report, now); err != nil {
				return err
			}
		}
		queueIDs = make([]int64, len(t.Queue))
		for i, q := range t.Queue {
			o := *q
			if queueIDs[i], err = insertOutbound(ctx, tx, &o, now); err != nil {
				return err
			}
		}
		if r := t.Request; r != nil {
			// From the request as given each time: an op may be applied
			// again in a transaction of its own.
			handoff = r.Handoff
			handoff.ChatID = chatID
			if reportID != 0 {
				handoff.ReportID = reportID
			}
			ask = Ask{ChatID: chatID, Comment: r.Comment, CreatedAt: r.OpenSince}
			if postIDs, err = saveHandoffTx(ctx, tx, &handoff, &ask, r.Posts, now); err != nil {
				return err
			}
		}
		if t.Outbox != nil {
			o := *t.Outbox
			o.ChatID = chatID
			if outboxID, err = insertOutbound(ctx, tx, &o, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save turn %d: %w", chatID, err)
	}

	// Only after the commit, so a failed save leaves t as it was.
	t.Partner.CreatedAt, t.Partner.UpdatedAt = created, updated
	if t.Report != nil {
		t.Report.ID, t.Report.ChatID, t.Report.CreatedAt = reportID, chatID, now
	}
	if t.Outbox != nil {
		t.Outbox.ID, t.Outbox.ChatID, t.Outbox.CreatedAt = outboxID, chatID, now
	}
	for i, q := range t.Queue {
		q.ID, q.CreatedAt = queueIDs[i], now
	}
	if r := t.Request; r != nil {
		r.Handoff, r.Ask = handoff, ask
		for i, o := range r.Posts {
			o.HandoffID, o.ID, o.CreatedAt = handoff.ID, postIDs[i], now
		}
	}
	return nil
}
