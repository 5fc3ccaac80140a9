package bot

import (
	"context"
	"errors"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"

	"specbot/dialogs"
)

// Metrics are the adapter's Prometheus series.
type Metrics struct {
	Updates   *prometheus.CounterVec // updates handled, by kind
	Latency   prometheus.Histogram   // seconds from taking an update to its replies sent
	Errors    *prometheus.CounterVec // processing errors, by stage
	APIErrors *prometheus.CounterVec // Telegram API errors, by method and code
	Inflight  prometheus.Gauge       // chats being processed

	// Business series: no label carries a chat, a user or a company.
	Verdicts       *prometheus.CounterVec // verdicts, by specialization and status
	ChecksStarted  prometheus.Counter     // checks begun (new or started over)
	ChecksFinished prometheus.Counter     // checks that reached a verdict
	Handoffs       *prometheus.CounterVec // handoff transitions, by state reached
	TimeToTake     prometheus.Histogram   // seconds from a handoff's request to a manager taking it
	Relayed        *prometheus.CounterVec // messages relayed between a manager and a partner, by direction
	Reminders      *prometheus.CounterVec // reminder sends, by result: sent, failed, unreachable
	Parked         prometheus.Counter     // updates given up after repeated panics
}

// NewMetrics registers the series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "specbot_updates_handled_total", Help: "Telegram updates handled, by kind.",
		}, []string{"kind"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "specbot_update_seconds", Help: "Time from taking an update to its replies sent.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "specbot_errors_total", Help: "Errors while processing updates, by stage.",
		}, []string{"stage"}),
		APIErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "specbot_telegram_api_errors_total", Help: "Telegram Bot API errors, by method and code.",
		}, []string{"method", "code"}),
		Inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "specbot_chats_in_flight", Help: "Chats whose updates are being processed.",
		}),
	}
	m.Verdicts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "specbot_verdicts_total", Help: "Verdicts given, by specialization and status (eligible, not_eligible, incomplete).",
	}, []string{"specialization", "status"})
	m.ChecksStarted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "specbot_checks_started_total", Help: "Checks begun, new or started over.",
	})
	m.ChecksFinished = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "specbot_checks_finished_total", Help: "Checks that reached a verdict.",
	})
	m.Handoffs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "specbot_handoffs_total", Help: "Handoff transitions, by the state reached (requested, taken, done).",
	}, []string{"state"})
	m.TimeToTake = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "specbot_handoff_time_to_take_seconds", Help: "Time from a partner asking for a manager to a manager taking the card.",
		Buckets: []float64{60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600},
	})
	m.Relayed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "specbot_relayed_messages_total", Help: "Messages relayed between the managers' chat and partners, by direction.",
	}, []string{"direction"})
	m.Reminders = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "specbot_reminders_total", Help: "Reminder sends, by result (sent, failed, unreachable).",
	}, []string{"result"})
	m.Parked = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "specbot_updates_parked_total", Help: "Updates given up after repeated panics (the partner is asked to resend).",
	})
	for _, r := range []string{"sent", "failed", "unreachable"} {
		m.Reminders.WithLabelValues(r)
	}
	for _, st := range []string{"requested", "taken", "done"} {
		m.Handoffs.WithLabelValues(st)
	}
	for _, d := range []string{"to_partner", "to_managers"} {
		m.Relayed.WithLabelValues(d)
	}
	if reg != nil {
		reg.MustRegister(m.Updates, m.Latency, m.Errors, m.APIErrors, m.Inflight,
			m.Verdicts, m.ChecksStarted, m.ChecksFinished, m.Handoffs, m.TimeToTake, m.Relayed, m.Reminders, m.Parked)
	}
	return m
}

func (m *Metrics) observe(start time.Time) { m.Latency.Observe(time.Since(start).Seconds()) }

// apiCode names the Telegram error code of err for the metrics.
func apiCode(err error) string {
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		return "429"
	case errors.Is(err, tgbot.ErrorForbidden):
		return "403"
	case errors.Is(err, tgbot.ErrorBadRequest):
		return "400"
	case errors.Is(err, tgbot.ErrorUnauthorized):
		return "401"
	case errors.Is(err, tgbot.ErrorNotFound):
		return "404"
	case errors.Is(err, tgbot.ErrorConflict):
		return "409"
	}
	return "other"
}

// countCheck records a check begun, and a finished one with its verdict per
// specialization.
func (m *Metrics) countCheck(out dialogs.Outcome) {
	if out.Started {
		m.ChecksStarted.Inc()
	}
	c := out.Report
	if c == nil {
		return
	}
	m.ChecksFinished.Inc()
	for _, r := range c.Report.Results {
		m.Verdicts.WithLabelValues(r.Specialization, string(r.Status)).Inc()
	}
}

// registerState adds the series read from the bot's state when scraped:
// the last Bot API success and the depths of the reminder and reply outboxes.
func (b *Bot) registerState(reg prometheus.Registerer) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "specbot_telegram_last_success_timestamp_seconds",
		Help: "Unix time of the last successful Bot API exchange (a request or a webhook delivery); 0 before the first.",
	}, func() float64 {
		t := b.ready.lastSuccess()
		if t.IsZero() {
			return 0
		}
		return float64(t.UnixNano()) / 1e9
	}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "specbot_reminder_outbox_depth",
		Help: "Reminders waiting in the outbox to be sent (pending or being sent); -1 when the database cannot be read.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := b.app.ReminderBacklog(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "specbot_reply_outbox_depth",
		Help: "Batches of replies, notes and cards stored and not yet sent; -1 when the database cannot be read.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := b.app.ReplyBacklog(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}
