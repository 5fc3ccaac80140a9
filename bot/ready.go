package bot

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// readyWindow is how long a successful Bot API exchange keeps the bot
// ready without another; past it, /readyz asks getMe itself.
const readyWindow = 10 * time.Second

// readiness follows the Bot API exchanges (every request through the
// client, and webhook deliveries) and the shutdown, for /readyz.
type readiness struct {
	stopping atomic.Bool

	mu     sync.Mutex
	ok     bool      // outcome of the last exchange
	at     time.Time // when it ended
	lastOK time.Time
}

// record notes the outcome of one exchange with the Bot API.
func (r *readiness) record(ok bool) {
	now := time.Now()
	r.mu.Lock()
	r.ok, r.at = ok, now
	if ok {
		r.lastOK = now
	}
	r.mu.Unlock()
}

// fresh reports whether the last exchange succeeded within readyWindow.
func (r *readiness) fresh() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ok && time.Since(r.at) < readyWindow
}

// lastSuccess is the time of the last successful exchange (zero if none).
func (r *readiness) lastSuccess() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastOK
}

// observed wraps a transport so that every Bot API response is recorded:
// a network error, a 5xx or a 401 (the token was revoked) is a failure.
// A request the bot itself cancelled (shutdown, an abandoned long poll)
// says nothing about Telegram.
type observed struct {
	next  http.RoundTripper
	ready *readiness
	// onSuccess, when set, is called after every successful exchange.
	onSuccess func()
}

func (o *observed) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.next.RoundTrip(req)
	switch {
	case err != nil:
		if req.Context().Err() == nil && !errors.Is(err, context.Canceled) {
			o.ready.record(false)
		}
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusUnauthorized:
		o.ready.record(false)
	default:
		o.ready.record(true)
		if o.onSuccess != nil {
			o.onSuccess()
		}
	}
	return resp, err
}
