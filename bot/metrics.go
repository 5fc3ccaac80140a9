package bot

import (
	"errors"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the adapter's Prometheus series.
type Metrics struct {
	Updates   *prometheus.CounterVec // updates handled, by kind
	Latency   prometheus.Histogram   // seconds from taking an update to its replies sent
	Errors    *prometheus.CounterVec // processing errors, by stage
	APIErrors *prometheus.CounterVec // Telegram API errors, by method and code
	Inflight  prometheus.Gauge       // chats being processed
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
	if reg != nil {
		reg.MustRegister(m.Updates, m.Latency, m.Errors, m.APIErrors, m.Inflight)
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
