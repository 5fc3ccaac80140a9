package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// maxAttempts bounds the tries of one Bot API call.
const maxAttempts = 5

// sends are the methods whose second request shows the partner something
// twice: an ambiguous failure of one (the request went out, the answer did
// not come back) is never repeated, since it may have been applied.
var sends = map[string]bool{
	"sendMessage": true, "sendDocument": true, "sendPhoto": true, "copyMessage": true,
	"forwardMessage": true, "createForumTopic": true,
}

// call runs one Bot API request, waiting out a 429 for its retry_after and
// retrying server and network failures with backoff. A 400, 401, 403 or 404
// is final: retrying would give the same answer. An ambiguous failure is
// retried at most once, and never for a send: a duplicate message is worse
// than the rare one lost, and the outbox counts it as delivered.
func (b *Bot) call(ctx context.Context, method string, fn func(ctx context.Context) error) error {
	if sends[method] {
		if err := claimFrom(ctx).before(ctx); err != nil {
			return err
		}
	}
	backoff := 200 * time.Millisecond
	var err error
	ambiguousOnce := false
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if err = fn(ctx); err == nil {
			return nil
		}
		if ctx.Err() != nil || isMigrate(err) {
			// A group upgraded to a supergroup refuses every retry: the
			// caller follows it to the new chat.
			return err
		}
		code := apiCode(err)
		b.metrics.APIErrors.WithLabelValues(method, code).Inc()
		var wait time.Duration
		var tooMany *tgbot.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			wait = time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
			b.pauseUntil(time.Now().Add(wait))
		case code == "other" && ambiguous(err):
			// The request went out and its effect is unknown: one more
			// try at most, and none for a send.
			if ambiguousOnce || sends[method] {
				return err
			}
			ambiguousOnce = true
			wait = backoff
			backoff *= 2
		case code == "other":
			wait = backoff
			backoff *= 2
		default:
			return err
		}
		if attempt == maxAttempts {
			break // the outbox keeps what this loses, and retries it later
		}
		b.log.Warn("telegram api retry", "method", method, "code", code, "attempt", attempt, "wait", wait, "err", b.redact(err))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
	return err
}

// pauseUntil records a 429's retry_after: the outbox's timed retries wait
// for it.
func (b *Bot) pauseUntil(t time.Time) {
	for {
		old := b.paused.Load()
		if t.UnixNano() <= old || b.paused.CompareAndSwap(old, t.UnixNano()) {
			return
		}
	}
}

// pausedFor is how long Telegram last asked the bot to wait, from now.
func (b *Bot) pausedFor() time.Duration {
	return time.Until(time.Unix(0, b.paused.Load()))
}

// redact removes the bot token from an error before it is logged.
func (b *Bot) redact(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if b.cfg.Token != "" {
		s = strings.ReplaceAll(s, b.cfg.Token, "***")
	}
	return s
}

// errorsHandler receives the library's own errors (failed polls).
func (b *Bot) errorsHandler(err error) {
	b.metrics.Errors.WithLabelValues("library").Inc()
	b.log.Warn("telegram client", slog.String("err", b.redact(err)))
}

// isNotModified reports Telegram's answer to an edit that changes nothing.
func isNotModified(err error) bool {
	return errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified")
}

// apiTransport is the HTTP transport of the Bot API client. It keeps an
// idle keep-alive connection for every chat worker, the long poll and the
// group and reminder senders: the default transport keeps two per host, so
// under load most requests would open a new connection (and, over TLS,
// pay a handshake) and leave it in TIME_WAIT.
func apiTransport(workers int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers + 4
	t.MaxIdleConns = max(t.MaxIdleConns, t.MaxIdleConnsPerHost)
	return t
}
