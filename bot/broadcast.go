package bot

import (
	"context"
	"errors"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

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
	parts := split(m.Text, maxMessageRunes)
	for i, part := range parts {
		params := &tgbot.SendMessageParams{ChatID: chatID, Text: part, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}}
		if i == len(parts)-1 {
			params.ReplyMarkup = keyboard(m.Buttons)
		}
		_, err := b.tg.SendMessage(ctx, params)
		if err == nil {
			continue
		}
		b.metrics.APIErrors.WithLabelValues("sendMessage", apiCode(err)).Inc()
		var tooMany *tgbot.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			return &SendError{Err: errors.New(b.redact(err)), After: time.Duration(max(tooMany.RetryAfter, 1)) * time.Second}
		case errors.Is(err, tgbot.ErrorForbidden):
			return &SendError{Err: errors.New(b.redact(err)), Gone: true}
		}
		return &SendError{Err: errors.New(b.redact(err))}
	}
	return nil
}
