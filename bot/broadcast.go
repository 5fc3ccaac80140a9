package bot

import (
	"context"
	"errors"
	"time"

	tgbot "github.com/go-telegram/bot"

	"specbot/dialogs"
)

// SendError is a failed broadcast send, classified for the sender's caller:
// RetryAfter is set for a rate limit (429), Blocked for a user who blocked
// the bot (403).
type SendError struct {
	Err   error
	After time.Duration
	Gone  bool
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// RetryAfter is how long Telegram asked to wait; 0 when not a rate limit.
func (e *SendError) RetryAfter() time.Duration { return e.After }

// Blocked reports whether the user blocked the bot.
func (e *SendError) Blocked() bool { return e.Gone }

// SendReminder sends one broadcast message once, without retrying: the
// broadcaster paces and retries for all chats at once.
func (b *Bot) SendReminder(ctx context.Context, chatID int64, m dialogs.Message) error {
	_, err := b.sendText(asBroadcast(ctx), chatID, m.Text, keyboard(m.Buttons), false)
	if err == nil {
		b.metrics.Reminders.WithLabelValues("sent").Inc()
		return nil
	}
	var tooMany *tgbot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		// Retried by the broadcaster: neither sent nor failed yet.
		return &SendError{Err: errors.New(b.redact(err)), After: time.Duration(max(tooMany.RetryAfter, 1)) * time.Second}
	case errors.Is(err, tgbot.ErrorForbidden):
		b.metrics.Reminders.WithLabelValues("unreachable").Inc()
		return &SendError{Err: errors.New(b.redact(err)), Gone: true}
	}
	b.metrics.Reminders.WithLabelValues("failed").Inc()
	return &SendError{Err: errors.New(b.redact(err))}
}
