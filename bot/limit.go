package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// newLimiter is the one kind of in-process sending budget the bot keeps: at
// most one message every interval on average, with bursts of up to burst.
// The managers' group gets one (Telegram allows about 20 posts a minute in
// a group), and only the group sender waits on it; every chat gets one
// (about one message a second), and the process one for all its messages
// when no shared Budget is configured.
func newLimiter(interval time.Duration, burst int) *rate.Limiter {
	return rate.NewLimiter(rate.Every(interval), max(burst, 1))
}

// pacer holds the budgets every message sent waits for: its chat's, then
// the bot's in all (shared with other processes through a Budget).
type pacer struct {
	interval time.Duration
	burst    int
	shared   *Budget // nil: local only
	local    *Budget // the bot's budget when shared is nil or failing
	onError  func(error)

	mu    sync.Mutex
	chats map[int64]*rate.Limiter
}

// maxPacedChats bounds the chats whose pace is remembered; past it, those
// whose budget is full again are forgotten.
const maxPacedChats = 10000

func newPacer(cfg Config, onError func(error)) *pacer {
	return &pacer{
		interval: cfg.ChatInterval, burst: cfg.ChatBurst, shared: cfg.Budget, onError: onError,
		local: newBudget(cfg.SendRate, burstOf(cfg.SendRate)), chats: map[int64]*rate.Limiter{},
	}
}

// burstOf is how far replies may run ahead of a sending rate: one
// second's worth.
func burstOf(perSecond float64) int { return max(int(perSecond), 1) }

// bulkKey marks a context whose sends are a broadcast's.
type bulkKey struct{}

// asBroadcast marks ctx's sends as a broadcast's: they wait for the full
// budget rather than run ahead of it like replies.
func asBroadcast(ctx context.Context) context.Context { return context.WithValue(ctx, bulkKey{}, true) }

// slotKey carries the dispatcher's worker slot of the chat being handled.
type slotKey struct{}

// withSlot records in ctx the worker slot its holder took from sem, so that
// a reply waiting for its chat's pace gives the slot to another chat
// meanwhile: a chat that is answered fast must not hold up the others.
func withSlot(ctx context.Context, sem chan struct{}) context.Context {
	return context.WithValue(ctx, slotKey{}, sem)
}

// wait blocks until a message to chatID may go out, or ctx ends; the
// error then is a notSent.
func (p *pacer) wait(ctx context.Context, chatID int64) error {
	r := p.chat(chatID).Reserve()
	if d := r.Delay(); d > 0 {
		sem, _ := ctx.Value(slotKey{}).(chan struct{})
		if sem != nil {
			<-sem
		}
		t := time.NewTimer(d)
		var err error
		select {
		case <-ctx.Done():
			r.Cancel()
			err = ctx.Err()
		case <-t.C:
		}
		t.Stop()
		if sem != nil {
			sem <- struct{}{} // the worker gives it back when it ends
		}
		if err != nil {
			return &notSent{err}
		}
	}
	bulk, _ := ctx.Value(bulkKey{}).(bool)
	if p.shared != nil {
		err := p.shared.Wait(ctx, bulk)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return &notSent{err}
		}
		// The file failed us: keep to this process's budget rather than
		// hold every reply.
		p.onError(err)
	}
	if err := p.local.Wait(ctx, bulk); err != nil {
		return &notSent{err}
	}
	return nil
}

// notSent is a send given up before its request went out: unlike a
// request cut off on the wire, it is not ambiguous.
type notSent struct{ err error }

func (e *notSent) Error() string { return "not sent: " + e.err.Error() }
func (e *notSent) Unwrap() error { return e.err }

func (p *pacer) chat(chatID int64) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	lim := p.chats[chatID]
	if lim == nil {
		if len(p.chats) >= maxPacedChats {
			for id, l := range p.chats {
				if l.Tokens() >= float64(p.burst) {
					delete(p.chats, id)
				}
			}
		}
		lim = newLimiter(p.interval, p.burst)
		p.chats[chatID] = lim
	}
	return lim
}
