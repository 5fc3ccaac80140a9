package bot

import (
	"context"
	"time"

	"specbot/app"
	"specbot/store"
)

// The group sender: the one goroutine that posts into the managers' chat.
// Cards wait in the outbox, stored with the handoff they show, and go out
// at the group's pace; a partner's turn never sleeps for the group's slot,
// and a crash loses no card (the next start posts what is left, in order).

// groupRetry is how often the group sender looks at the outbox again when
// nothing woke it (a failed post is retried then).
const groupRetry = time.Second

// wakeGroup tells the group sender that a card is waiting.
func (b *Bot) wakeGroup() {
	select {
	case b.groupWake <- struct{}{}:
	default:
	}
}

// runGroup drains the managers' chat outbox until ctx ends.
func (b *Bot) runGroup(ctx context.Context) {
	if b.cfg.ManagersChatID == 0 {
		return
	}
	t := time.NewTicker(groupRetry)
	defer t.Stop()
	for {
		b.nudge(ctx)
		b.digest(ctx)
		b.drainGroup(ctx)
		select {
		case <-ctx.Done():
			return
		case <-b.groupWake:
		case <-t.C:
		}
	}
}

// drainGroup posts or edits, in order, every card waiting; it stops at the
// first that fails, to be tried again on the next round.
func (b *Bot) drainGroup(ctx context.Context) {
	unsent, err := b.app.Unsent(ctx, b.managersChat(), 0)
	if err != nil {
		b.log.Warn("list waiting cards", "err", err)
		return
	}
	seen := map[int64]bool{}
	for _, o := range unsent {
		if ctx.Err() != nil {
			return
		}
		if o.HandoffID == 0 {
			continue
		}
		if o.Group != nil {
			if !b.postItem(ctx, o) {
				return
			}
			continue
		}
		if o.Err != nil {
			b.log.Error("unreadable group post dropped", "outbox", o.ID, "err", o.Err)
			b.markSent(ctx, o)
			continue
		}
		if seen[o.HandoffID] {
			// The card went out as it stands now: an older entry's edit
			// is included.
			b.markSent(ctx, o)
			continue
		}
		if !b.postQueuedCard(ctx, o) {
			return
		}
		seen[o.HandoffID] = true
	}
}

// postQueuedCard posts a handoff's card as it stands, or edits it in place
// when it was posted before; false when Telegram did not take it.
func (b *Bot) postQueuedCard(ctx context.Context, o app.Outbound) bool {
	h, err := b.app.CardOf(ctx, o.HandoffID, b.cfg.ManagersLang)
	if isNotFound(err) {
		b.markSent(ctx, o) // the partner was forgotten: no card to show
		return true
	}
	if err != nil {
		b.log.Warn("card to post", "handoff", o.HandoffID, "err", err)
		return false
	}
	text, markup := fitCard(h.Card.Text, h.ChatID), cardMarkup(h.Card)
	if h.CardMessageID != 0 && b.editCard(ctx, h.Handoff, text, markup) {
		b.syncTopic(ctx, h)
		b.markSent(ctx, o)
		return true
	}
	thread, err := b.topicFor(ctx, h)
	if err != nil {
		b.log.Warn("topic for a card", "handoff", h.ID, "err", b.redact(err))
		if ctx.Err() == nil {
			_ = b.app.SendFailed(context.WithoutCancel(ctx), o, 0)
		}
		return false
	}
	// A new post is claimed once its slot has come, right before the
	// request: a card found claimed after a crash may be in the group
	// already, and is not posted twice.
	cl := &claim{b: b, o: o}
	id := b.postCard(withClaim(ctx, cl), thread, text, markup)
	if cl.taken {
		return true // another sender has it
	}
	if id == 0 {
		// Claimed and not taken, it goes back to wait, even at a stop.
		if cl.marked || ctx.Err() == nil {
			_ = b.app.SendFailed(context.WithoutCancel(ctx), o, 0)
		}
		return false
	}
	// Posted: what records it is not cut off by a shutdown either.
	ctx = context.WithoutCancel(ctx)
	if err := b.app.CardPosted(ctx, &h, b.managersChat(), id); err != nil {
		b.log.Error("save handoff card", "handoff", h.ID, "err", err)
	}
	if err := b.app.Posted(ctx, store.GroupPost{ManagersChatID: b.managersChat(), MessageID: id, ChatID: h.ChatID, Kind: store.PostCard}); err != nil {
		b.log.Warn("record group post", "err", err)
	}
	b.syncTopic(ctx, h)
	b.markSent(ctx, o)
	return true
}

// nudge queues a reminder of every card that waited untaken longer than
// HandoffNudge, once each.
func (b *Bot) nudge(ctx context.Context) {
	n, err := b.app.Nudge(ctx, b.managersChat(), b.app.WorkingBefore(b.cfg.Now(), b.cfg.HandoffNudge), b.cfg.ManagersLang)
	if err != nil {
		b.log.Warn("nudge untaken cards", "err", err)
	}
	if n > 0 {
		b.log.Info("untaken cards nudged", "count", n)
	}
}

// digest posts the pipeline of the next window into the managers' chat 30
// and 7 days before it opens, once each (stored first, so a crash neither
// loses nor repeats it).
func (b *Bot) digest(ctx context.Context) {
	o, ok, err := b.app.Digest(ctx, b.managersChat(), b.cfg.ManagersLang)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Warn("pipeline digest", "err", err)
		}
		return
	}
	if ok {
		b.deliver(ctx, o, 0, false)
	}
}
