package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HTTPTimeouts bound the HTTP servers' connections: a client that sends its
// body slowly, or keeps an idle connection open, is cut off instead of
// holding a goroutine and a socket for ever.
type HTTPTimeouts struct {
	Read  time.Duration // the whole request, body included
	Write time.Duration // from the end of the request headers to the end of the response
	Idle  time.Duration // a keep-alive connection between requests
}

func (t *HTTPTimeouts) defaults() {
	if t.Read <= 0 {
		t.Read = 15 * time.Second // a webhook body is at most 1 MiB
	}
	if t.Write <= 0 {
		t.Write = 20 * time.Second // above the webhook's 10 s to store an update
	}
	if t.Idle <= 0 {
		t.Idle = 60 * time.Second
	}
}

// newHTTPServer is an http.Server with timeouts t.
func newHTTPServer(h http.Handler, t HTTPTimeouts) *http.Server {
	t.defaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, t.Read),
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    64 << 10,
	}
}

// serveMetrics serves /metrics alone on MetricsAddr until ctx ends, so that
// a proxy forwarding the webhook port does not expose it. It returns once
// listening; the server stops with ctx.
func (b *Bot) serveMetrics(ctx context.Context) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.registry, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", b.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (SPECBOT_METRICS_ADDR): %w", b.cfg.MetricsAddr, err)
	}
	b.log.Info("metrics", "addr", ln.Addr().String())
	srv := newHTTPServer(mux, b.cfg.HTTPTimeouts)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.log.Warn("metrics server", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	return nil
}

// ErrTokenRefused is returned by New when Telegram refuses the token:
// retrying would get the same answer.
var ErrTokenRefused = errors.New("the Bot API refused the token")

// observe wraps the Bot API client's transport to follow readiness.
func (b *Bot) observe(next http.RoundTripper) http.RoundTripper {
	return &observed{next: next, ready: &b.ready}
}

// readyz is 200 only while the bot can do its job: not shutting down, the
// catalogue loaded, the database writable, and the Bot API answering (the
// last exchange succeeded within readyWindow, or a getMe asked now does).
// /healthz stays liveness only.
func (b *Bot) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	var why string
	switch {
	case b.ready.stopping.Load():
		why = "shutting down"
	case b.app == nil || b.app.Engine == nil || b.app.Engine.Catalog == nil:
		why = "catalogue not loaded"
	case b.db.Writable(ctx) != nil:
		why = "database not writable"
	case !b.ready.fresh() && b.probeAPI(ctx) != nil:
		why = "Bot API unreachable"
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if why != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, why+"\n")
		return
	}
	io.WriteString(w, "ready\n")
}

// probeAPI asks getMe once; the observed transport records the outcome.
func (b *Bot) probeAPI(ctx context.Context) error {
	_, err := b.tg.GetMe(ctx)
	return err
}
