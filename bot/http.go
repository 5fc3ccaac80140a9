package bot

import (
	"context"
	"errors"
	"fmt"
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
