package bot

import (
	"context"
	"net/http"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/dialogs"
	"specbot/locales"
)

// Mount adds a handler (the Mini App) to the HTTP server Run starts, beside
// /healthz and /metrics. Call it before Run.
func (b *Bot) Mount(pattern string, h http.Handler) {
	if b.cfg.Extra == nil {
		b.cfg.Extra = map[string]http.Handler{}
	}
	b.cfg.Extra[pattern] = h
}

// SendMessages sends messages made outside a chat update (the Mini App's
// verdict) into a partner's chat, through the outbox: a Bot API outage
// delays them, never loses them. The chat's current question loses its
// keyboard first: the check it belonged to is over.
func (b *Bot) SendMessages(ctx context.Context, chatID int64, msgs []dialogs.Message) {
	if anchor := b.anchors.get(ctx, chatID); anchor != 0 {
		b.clearKeyboard(ctx, chatID, anchor)
		b.anchors.drop(chatID)
	}
	o, err := b.app.Answer(ctx, 0, chatID, msgs, nil)
	if err != nil {
		b.log.Warn("messages not stored; sent directly", "chat_id", chatID, "err", err)
		b.reply(ctx, chatID, msgs, 0, 0, false)
		return
	}
	b.deliver(ctx, o, 0, false)
}

// setMenuButton makes the chat menu button open the Mini App, when its URL
// is configured. Telegram keeps one default label for every language, so
// it carries both.
func (b *Bot) setMenuButton(ctx context.Context) error {
	if b.cfg.WebAppURL == "" {
		return nil
	}
	text := locales.For("ru").T("webapp.menu") + " · " + locales.For("en").T("webapp.menu")
	return b.call(ctx, "setChatMenuButton", func(ctx context.Context) error {
		_, err := b.tg.SetChatMenuButton(ctx, &tgbot.SetChatMenuButtonParams{
			MenuButton: models.MenuButtonWebApp{Type: models.MenuButtonTypeWebApp, Text: text, WebApp: models.WebAppInfo{URL: b.cfg.WebAppURL}},
		})
		return err
	})
}
