package reminders

import (
	"context"
	"log/slog"
	"time"
)

// Run plans and sends reminders every interval until ctx ends: the
// scheduler inside `specbot serve`.
func Run(ctx context.Context, p *Planner, br *Broadcaster, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		Once(ctx, p, br, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once plans the reminders due now and drains the outbox.
func Once(ctx context.Context, p *Planner, br *Broadcaster, log *slog.Logger) (Stats, error) {
	n, err := p.Enqueue(ctx, br.now())
	if err != nil {
		if ctx.Err() == nil {
			log.Error("plan reminders", "err", err)
		}
		return Stats{}, err
	}
	if n > 0 {
		log.Info("reminders planned", "count", n)
	}
	st, err := br.Drain(ctx)
	if err != nil && ctx.Err() == nil {
		log.Error("send reminders", "err", err)
	}
	if st.Sent+st.Failed+st.Blocked > 0 {
		log.Info("reminders sent", "sent", st.Sent, "failed", st.Failed, "blocked", st.Blocked, "rate_limited", st.RateLimited, "elapsed", st.Elapsed)
	}
	return st, err
}
