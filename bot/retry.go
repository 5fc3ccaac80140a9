package bot

import (
	"context"
	"sync"
	"time"
)

// The timed retries of the reply outbox. A batch Telegram did not take
// after the retries of one call (a 429 or 5xx that lasted, the network
// gone) stays in the outbox and is sent again, in order per chat, by the
// chat's next input, by the next start, or here: after a backoff that
// doubles with each failed attempt, and never before a 429's retry_after.
// Nothing is dropped: a batch waits however long Telegram refuses it.
// The schedule is kept in memory; a restart sends every waiting batch at
// once anyway.

// retryScan bounds the waiting batches looked at per round; the oldest
// come first, and the rest follow as those go out.
const retryScan = 1000

// maxOutboxRetry caps the wait between two attempts at one batch.
const maxOutboxRetry = 5 * time.Minute

// orphanAge is how old a waiting batch with no schedule must be before the
// retries take it: one stored while listing the outbox failed, say. A
// younger one is still on its way through the turn that stored it.
const orphanAge = time.Minute

// retrySchedule is when each failed batch may be tried again.
type retrySchedule struct {
	mu sync.Mutex
	at map[int64]time.Time
}

func (r *retrySchedule) after(id int64, wait time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at == nil {
		r.at = map[int64]time.Time{}
	}
	r.at[id] = time.Now().Add(wait)
}

func (r *retrySchedule) forget(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.at, id)
}

// due reports whether a batch stored at created may be tried now.
func (r *retrySchedule) due(id int64, created, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.at[id]
	if !ok {
		return !created.IsZero() && now.Sub(created) > orphanAge
	}
	return !now.Before(at)
}

// keep forgets every id not in waiting (sent by another path meanwhile).
func (r *retrySchedule) keep(waiting map[int64]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.at {
		if !waiting[id] {
			delete(r.at, id)
		}
	}
}

// retryWait is the wait after a batch's attempt-th failed attempt, at
// least what Telegram last asked for.
func (b *Bot) retryWait(attempt int) time.Duration {
	wait := b.cfg.OutboxRetry
	for i := 1; i < attempt && wait < maxOutboxRetry; i++ {
		wait *= 2
	}
	return max(min(wait, maxOutboxRetry), b.pausedFor())
}

// runRetries sends the waiting batches whose time has come, until ctx
// ends; a send it started finishes within work.
func (b *Bot) runRetries(ctx, work context.Context) {
	tick := min(b.cfg.OutboxRetry, time.Second)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		b.retryDue(ctx, work)
	}
}

// retryDue resends, chat by chat, the batches due now: a chat whose oldest
// waiting batch is due gets all of them in order, unless its worker is at
// it already (the worker sends them before the chat's next turn).
func (b *Bot) retryDue(ctx, work context.Context) {
	if b.pausedFor() > 0 {
		return
	}
	unsent, err := b.app.Unsent(ctx, 0, retryScan)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Warn("list unsent replies", "err", err)
		}
		return
	}
	now := time.Now()
	waiting := make(map[int64]bool, len(unsent))
	first := map[int64]bool{}
	var chats []int64
	for _, o := range unsent {
		waiting[o.ID] = true
		if o.HandoffID != 0 || first[o.ChatID] {
			continue // cards are the group sender's; later batches follow the first
		}
		first[o.ChatID] = true
		if b.retries.due(o.ID, o.CreatedAt, now) {
			chats = append(chats, o.ChatID)
		}
	}
	if len(unsent) < retryScan {
		b.retries.keep(waiting) // the whole outbox was seen
	}
	for _, chat := range chats {
		if ctx.Err() != nil || b.pausedFor() > 0 {
			return
		}
		unlock, ok := b.chatLocks.lock(chat, false)
		if !ok {
			continue
		}
		b.resendChat(work, chat)
		unlock()
	}
}
