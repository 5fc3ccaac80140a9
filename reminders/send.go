package reminders

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"specbot/app"
	"specbot/dialogs"
	"specbot/store"
)

// Sender delivers one message to one chat, once: it does not retry. The bot
// implements it. An error with a RetryAfter() time.Duration method is a
// rate limit (429) when it returns more than 0; one with Blocked() bool
// true means the user blocked the bot (403).
type Sender interface {
	SendReminder(ctx context.Context, chatID int64, m dialogs.Message) error
}

// maxAttempts bounds the tries of a reminder that keeps failing for other
// reasons than a rate limit.
const maxAttempts = 3

// sendTimeout bounds one send, which ctx no longer cuts short.
const sendTimeout = 30 * time.Second

// interruptedAfter is how long a claim may stay unfinished before it is
// taken for a sender that died mid-send.
const interruptedAfter = 10 * time.Minute

// Broadcaster drains the outbox.
type Broadcaster struct {
	App    *app.App
	Sender Sender
	// Rate is the most messages per second.
	Rate float64
	// Workers send in parallel, each waiting for the shared pace.
	Workers int
	Log     *slog.Logger
	// Now is the clock that decides which reminders are due.
	Now func() time.Time
	// Backoff is the wait before retrying a failed send (doubled each time).
	Backoff time.Duration
}

// Stats counts what a drain did.
type Stats struct {
	Sent, Failed, Blocked, Retried, RateLimited int
	Elapsed                                     time.Duration
}

// Drain sends every due reminder and returns when none is left (or ctx ends).
func (br *Broadcaster) Drain(ctx context.Context) (Stats, error) {
	start := time.Now()
	now := br.now
	if n, err := br.App.AbandonInterrupted(ctx, now().Add(-interruptedAfter)); err != nil {
		return Stats{}, err
	} else if n > 0 {
		br.log().Warn("reminders interrupted mid-send are not resent", "count", n)
	}
	workers := br.Workers
	if workers <= 0 {
		workers = 8
	}
	pace := newPacer(br.Rate)
	var (
		mu    sync.Mutex
		stats Stats
	)
	count := func(f func(*Stats)) { mu.Lock(); f(&stats); mu.Unlock() }
	// Each worker claims one reminder at a time: a crash loses only the
	// reminders being sent (at most one per worker), and no batch waits for
	// its slowest send.
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		claimErr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				// The slot first, then the claim: a reminder is never held
				// claimed while it waits, so a crash can lose only those
				// on the wire.
				if err := pace.wait(ctx); err != nil {
					return
				}
				batch, err := br.App.ClaimReminders(ctx, now(), 1)
				if err != nil {
					errOnce.Do(func() { claimErr = err })
					return
				}
				if len(batch) == 0 {
					return
				}
				br.deliver(ctx, pace, batch[0], count)
			}
		}()
	}
	wg.Wait()
	if claimErr != nil && ctx.Err() == nil {
		stats.Elapsed = time.Since(start)
		return stats, claimErr
	}
	stats.Elapsed = time.Since(start)
	return stats, ctx.Err()
}

// deliver sends one claimed reminder and records the outcome.
func (br *Broadcaster) deliver(ctx context.Context, pace *pacer, c app.ClaimedReminder, count func(func(*Stats))) {
	r, m := c.Reminder, c.Message
	if c.Err != nil {
		br.finish(ctx, r, store.ReminderFailed, "unreadable payload")
		count(func(s *Stats) { s.Failed++ })
		return
	}
	for first := true; ; first = false {
		// The first slot was waited for before the claim.
		if !first {
			if err := pace.wait(ctx); err != nil {
				br.retry(ctx, r, 0, "interrupted")
				return
			}
		}
		// A send once started is finished even when ctx ends: cut off, its
		// fate would be unknown, and requeued it could arrive twice.
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		err := br.Sender.SendReminder(sendCtx, r.ChatID, m)
		cancel()
		var limited interface{ RetryAfter() time.Duration }
		var blocked interface{ Blocked() bool }
		switch {
		case err == nil:
			br.finish(ctx, r, store.ReminderSent, "")
			count(func(s *Stats) { s.Sent++ })
			return
		case errors.As(err, &limited) && limited.RetryAfter() > 0:
			// Everyone waits: Telegram limits the bot, not the chat.
			pace.pause(limited.RetryAfter())
			count(func(s *Stats) { s.RateLimited++ })
			continue
		case errors.As(err, &blocked) && blocked.Blocked():
			br.finish(ctx, r, store.ReminderBlocked, err.Error())
			count(func(s *Stats) { s.Blocked++ })
			return
		case ctx.Err() != nil:
			br.retry(ctx, r, 0, "interrupted")
			return
		}
		if r.Attempts+1 >= maxAttempts {
			br.log().Warn("reminder failed", "chat_id", r.ChatID, "window", r.WindowOpens, "days", r.DaysBefore, "err", err)
			br.finish(ctx, r, store.ReminderFailed, err.Error())
			count(func(s *Stats) { s.Failed++ })
			return
		}
		backoff := br.Backoff
		if backoff <= 0 {
			backoff = 5 * time.Second
		}
		br.retry(ctx, r, backoff<<r.Attempts, err.Error())
		count(func(s *Stats) { s.Retried++ })
		return
	}
}

func (br *Broadcaster) finish(ctx context.Context, r store.Reminder, state store.ReminderState, errText string) {
	if err := br.App.FinishReminder(context.WithoutCancel(ctx), r, state, errText); err != nil {
		br.log().Error("record reminder", "chat_id", r.ChatID, "err", err)
	}
}

func (br *Broadcaster) retry(ctx context.Context, r store.Reminder, after time.Duration, errText string) {
	if err := br.App.RetryReminder(context.WithoutCancel(ctx), r, br.now().Add(after), errText); err != nil {
		br.log().Error("requeue reminder", "chat_id", r.ChatID, "err", err)
	}
}

func (br *Broadcaster) now() time.Time {
	if br.Now != nil {
		return br.Now()
	}
	return time.Now()
}

func (br *Broadcaster) log() *slog.Logger {
	if br.Log != nil {
		return br.Log
	}
	return slog.Default()
}

// pacer spaces sends evenly at most rate a second, shared by the workers
// (a golang.org/x/time/rate limiter, the same kind of budget the bot keeps
// for the managers' group), and holds everyone during a rate-limit pause.
type pacer struct {
	lim    *rate.Limiter
	mu     sync.Mutex
	paused time.Time
}

func newPacer(perSecond float64) *pacer {
	if perSecond <= 0 {
		perSecond = 25
	}
	return &pacer{lim: rate.NewLimiter(rate.Limit(perSecond), 1)}
}

// wait blocks until this caller may send.
func (p *pacer) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		d := time.Until(p.paused)
		p.mu.Unlock()
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		// A reservation rather than Wait, which gives up at once when the
		// slot lies past ctx's deadline: here the caller waits for either.
		res := p.lim.Reserve()
		if d := res.Delay(); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				res.Cancel()
				return ctx.Err()
			case <-t.C:
			}
		}
		p.mu.Lock()
		paused := p.paused.After(time.Now())
		p.mu.Unlock()
		if !paused {
			return nil
		}
	}
}

// pause holds all sending for d.
func (p *pacer) pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); until.After(p.paused) {
		p.paused = until
	}
}
