package bot

import (
	"context"
	"errors"
	"net"
	"sync"

	"specbot/app"
	"specbot/dialogs"
)

// The reply outbox, as the Telegram adapter drains it. A turn's replies are
// stored with the turn (app.Handle); the chat's worker sends them right
// after the commit and marks them sent. What a crash, a restart or a Bot API
// outage left unsent is sent at the next start, in order per chat, and
// before the chat's next input is applied: a partner answers only what it
// has seen.

// deliver sends one stored batch and records the outcome: sent, or kept
// with what is left for a later attempt. It reports whether all of it went.
func (b *Bot) deliver(ctx context.Context, o app.Outbound, anchor int, forgotten bool) bool {
	marked := false
	if o.ID != 0 {
		if err := b.app.Sending(ctx, o.ID); err != nil {
			b.log.Warn("mark replies sending", "chat_id", o.ChatID, "outbox_id", o.ID, "err", err)
		} else {
			marked = true
		}
	}
	n := b.reply(ctx, o.ChatID, o.Messages, o.Pressed, anchor, forgotten)
	if o.ID == 0 {
		return n == len(o.Messages)
	}
	// The outcome is recorded even when ctx ended mid-send.
	rec := context.WithoutCancel(ctx)
	if n == len(o.Messages) && marked {
		// Marked sending, it is never sent again: the sent mark need not
		// be waited for, and shares the next commit.
		b.app.SentLater(o.ID, func(err error) {
			if err != nil && !isNotFound(err) {
				b.log.Warn("mark replies sent", "chat_id", o.ChatID, "outbox_id", o.ID, "err", err)
			}
		})
		return true
	}
	if n == len(o.Messages) {
		b.markSent(rec, o)
		return true
	}
	b.log.Warn("replies kept for a later attempt", "chat_id", o.ChatID, "outbox_id", o.ID, "delivered", n, "of", len(o.Messages))
	if err := b.app.SendFailed(rec, o, n); err != nil {
		b.log.Warn("count reply attempt", "chat_id", o.ChatID, "outbox_id", o.ID, "err", err)
	}
	return false
}

// resendUnsent sends a chat's unsent batches, oldest first, and returns how
// many the partner had not seen (those sent but not yet marked so do not
// count). It stops at the first that does not go through, so the order
// holds.
func (b *Bot) resendUnsent(ctx context.Context, chatID int64) int {
	unsent, err := b.app.Unsent(ctx, chatID, 0)
	if err != nil {
		b.log.Warn("list unsent replies", "chat_id", chatID, "err", err)
		return 0
	}
	unseen := 0
	for _, o := range unsent {
		if o.HandoffID != 0 {
			continue // the group sender's
		}
		if b.sentOnly.has(o.ID) {
			b.markSent(ctx, o)
			continue
		}
		unseen++
		if !b.resendOne(ctx, o) {
			break
		}
	}
	return unseen
}

// drainOutbox sends every chat's unsent batches at start, before any new
// update is handled.
func (b *Bot) drainOutbox(ctx context.Context) {
	unsent, err := b.app.Unsent(ctx, 0, 0)
	if err != nil {
		b.log.Warn("list unsent replies", "err", err)
		return
	}
	if len(unsent) > 0 {
		b.log.Info("sending replies left unsent", "count", len(unsent))
	}
	stuck := map[int64]bool{}
	for _, o := range unsent {
		if o.HandoffID != 0 || stuck[o.ChatID] || ctx.Err() != nil {
			continue
		}
		if !b.resendOne(ctx, o) {
			stuck[o.ChatID] = true
		}
	}
}

// markSent records a sent batch; when the database refuses (a full disk),
// the batch is remembered as sent in memory so that it is not sent again
// while this process lives, and marked at the next chance.
func (b *Bot) markSent(ctx context.Context, o app.Outbound) {
	if err := b.app.Sent(ctx, o.ID); err != nil && !isNotFound(err) {
		b.log.Warn("mark replies sent", "chat_id", o.ChatID, "outbox_id", o.ID, "err", err)
		b.sentOnly.add(o.ID)
		return
	}
	b.sentOnly.remove(o.ID)
}

// sentSet holds the outbox ids sent but not yet marked so.
type sentSet struct {
	mu  sync.Mutex
	ids map[int64]bool
}

func (s *sentSet) add(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[int64]bool{}
	}
	s.ids[id] = true
}

func (s *sentSet) remove(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
}

func (s *sentSet) has(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[id]
}

// ambiguous is a failure after the request was sent, whose effect is
// unknown: the wait for the answer ran out or was cancelled.
func ambiguous(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (b *Bot) resendOne(ctx context.Context, o app.Outbound) bool {
	if b.sentOnly.has(o.ID) {
		b.markSent(ctx, o)
		return true
	}
	if o.Err != nil {
		// Unreadable: nothing can be sent; drop it rather than block the chat.
		b.log.Error("unsent replies unreadable", "chat_id", o.ChatID, "outbox_id", o.ID, "err", o.Err)
		_ = b.app.Sent(ctx, o.ID)
		return true
	}
	return b.deliver(ctx, o, b.anchors.get(ctx, o.ChatID), false)
}

// isTyped is input the partner typed as an answer to what it sees.
func isTyped(in dialogs.Input) bool { return in.Text != "" && in.Command == "" }
