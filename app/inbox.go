package app

import (
	"context"
	"time"

	"specbot/locales"
	"specbot/store"
)

// Receive stores updates in the inbox, in one transaction, before the
// adapter tells Telegram they arrived; it returns how many were new.
func (a *App) Receive(ctx context.Context, updates []store.InboxUpdate) (int, error) {
	return a.DB.EnqueueUpdates(ctx, updates)
}

// Pending lists up to limit inbox updates not yet applied, oldest first.
func (a *App) Pending(ctx context.Context, limit int) ([]store.InboxUpdate, error) {
	return a.DB.PendingUpdates(ctx, limit)
}

// Done marks an update that changed no session as applied.
func (a *App) Done(ctx context.Context, updateID int64) error {
	return a.DB.MarkUpdateDone(ctx, updateID)
}

// Failed counts one more failed attempt at an update and parks it at
// maxAttempts; see store.DB.RecordFailure.
func (a *App) Failed(ctx context.Context, updateID int64, maxAttempts int) (attempts int, parked bool, err error) {
	return a.DB.RecordFailure(ctx, updateID, maxAttempts)
}

// Prune forgets the applied updates received before before and the replies
// sent before it, and returns how many of each it forgot. Neither is read
// again: what was said is in the reports, and a redelivered update older
// than Telegram's 24 hours cannot come.
func (a *App) Prune(ctx context.Context, before time.Time) (updates, replies int64, err error) {
	if updates, err = a.DB.PruneUpdates(ctx, before); err != nil {
		return 0, 0, err
	}
	replies, err = a.DB.PruneSent(ctx, before)
	return updates, replies, err
}

// Lang is the language to answer a chat in before its turn is loaded: the
// partner's, else the one its client's language code suggests.
func (a *App) Lang(ctx context.Context, chatID int64, code string) string {
	if p, err := a.DB.Partner(ctx, chatID); err == nil && p.Lang != "" {
		return p.Lang
	}
	return locales.Normalize(code)
}

// SetUnreachable records whether a partner has blocked the bot; an unknown
// chat is store.ErrNotFound.
func (a *App) SetUnreachable(ctx context.Context, chatID int64, unreachable bool) error {
	return a.DB.SetUnreachable(ctx, chatID, unreachable)
}

// Anchor is the message id of the chat's current question as last stored.
func (a *App) Anchor(ctx context.Context, chatID int64) (int, error) {
	return a.DB.Anchor(ctx, chatID)
}

// SetAnchors stores many chats' current question message ids at once.
func (a *App) SetAnchors(ctx context.Context, anchors map[int64]int) error {
	return a.DB.SetAnchors(ctx, anchors)
}
