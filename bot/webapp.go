package bot

import (
	"context"
	"net/http"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

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

// Deliver sends what waits in a partner's outbox that was stored outside
// a chat update (the Mini App's verdict, saved with the sheet), paced like
// any reply; what does not go through stays there for the timed retries
// and the next start. The chat's current question loses its keyboard
// first: the check it belonged to is over. The group sender is woken for
// the managers' notes stored with it.
func (b *Bot) Deliver(ctx context.Context, chatID int64) {
	if anchor := b.anchors.get(ctx, chatID); anchor != 0 {
		b.clearKeyboard(ctx, chatID, anchor)
		b.anchors.drop(chatID)
	}
	b.wakeGroup()
	unlock, _ := b.chatLocks.lock(chatID, true)
	defer unlock()
	b.resendChat(ctx, chatID)
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
