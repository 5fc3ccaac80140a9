package app

import (
	"context"
	"time"

	"specbot/store"
)

// The reminder outbox, as the paced sender drains it: claims are atomic,
// so two senders (the bot and a cron run) never send one reminder twice.

// ClaimedReminder is a reminder taken for sending; Err is set when the
// stored message cannot be read.
type ClaimedReminder struct {
	store.Reminder
	Err error
}

// ClaimReminders takes up to limit reminders due at now for sending.
func (a *App) ClaimReminders(ctx context.Context, now time.Time, limit int) ([]ClaimedReminder, error) {
	rs, err := a.DB.ClaimReminders(ctx, now, limit)
	if err != nil {
		return nil, err
	}
	out := make([]ClaimedReminder, len(rs))
	for i, r := range rs {
		out[i].Reminder = r
		out[i].Err = r.MessageErr
	}
	return out, nil
}

// FinishReminder records how a claimed reminder's send ended; a blocked
// partner is marked unreachable.
func (a *App) FinishReminder(ctx context.Context, r store.Reminder, state store.ReminderState, errText string) error {
	return a.DB.FinishReminder(ctx, r, state, errText)
}

// RetryReminder puts a claimed reminder back, due again at next.
func (a *App) RetryReminder(ctx context.Context, r store.Reminder, next time.Time, errText string) error {
	return a.DB.RetryReminder(ctx, r, next, errText)
}

// AbandonInterrupted fails the claims older than claimedBefore, left by a
// sender that died mid-send (never resent: they may have arrived).
func (a *App) AbandonInterrupted(ctx context.Context, claimedBefore time.Time) (int, error) {
	return a.DB.AbandonInterrupted(ctx, claimedBefore)
}

// ReminderBacklog is how many reminders wait in the outbox to be sent:
// pending ones and those claimed by a sender right now.
func (a *App) ReminderBacklog(ctx context.Context) (int, error) {
	counts, err := a.DB.ReminderCounts(ctx)
	if err != nil {
		return 0, err
	}
	return counts[store.ReminderPending] + counts[store.ReminderSending], nil
}
