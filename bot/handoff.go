package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/app"
	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// handedOff follows a turn that asked for a manager. The request, its
// card's post and what the partner is told were saved with the turn
// (app.Handle): the group sender is woken to post the card at the group's
// pace, and the partner's confirmation goes out with the turn's replies.
func (b *Bot) handedOff(turn app.Turn, chatID int64) {
	if b.managersChat() == 0 {
		b.configGapOnce.Do(func() { b.log.Warn("a partner asked for a manager, but SPECBOT_MANAGERS_CHAT_ID is not set") })
		return
	}
	h := turn.Handoff
	if h == nil {
		return // not prepared: the partner is told it failed
	}
	if !h.Updated {
		b.metrics.Handoffs.WithLabelValues("requested").Inc()
	}
	b.wakeGroup()
	b.log.Info("handoff", "chat_id", chatID, "handoff", h.ID, "updated", h.Updated)
}

// cardMarkup is a card's keyboard; a card without buttons removes the old ones.
func cardMarkup(card dialogs.Message) models.ReplyMarkup {
	if markup := keyboard(card.Buttons); markup != nil {
		return markup
	}
	return noKeyboard
}

// fitCard keeps a card in one message, so that Take, Done and a second
// request edit all of it, its state line included: the paragraphs that do
// not fit give way to a pointer to /partner, which shows the whole report.
func fitCard(text string, chatID int64) string {
	if units(text) <= maxMessageRunes {
		return text
	}
	more := fmt.Sprintf("\n\n… /partner %d", chatID)
	limit := maxMessageRunes - units(more)
	var b strings.Builder
	n := 0
	for _, para := range strings.SplitAfter(text, "\n\n") {
		for _, piece := range pieces(para, limit) {
			m := units(piece)
			if n+m > limit {
				return strings.TrimRight(b.String(), "\n") + more
			}
			b.WriteString(piece)
			n += m
		}
	}
	return strings.TrimRight(b.String(), "\n") + more
}

// postCard posts a card into the managers' chat, in thread (0: the chat
// itself), paced for a group.
func (b *Bot) postCard(ctx context.Context, thread int, text string, markup models.ReplyMarkup) int {
	id, err := b.sendGroup(ctx, thread, 0, text, markup)
	if err != nil {
		b.log.Error("post handoff card", "err", b.redact(err))
		return 0
	}
	return id
}

// editCard replaces a card in place; false when Telegram refused.
func (b *Bot) editCard(ctx context.Context, h store.Handoff, text string, markup models.ReplyMarkup) bool {
	key := fmt.Sprintf("%s\x00%v", text, markup)
	if last, ok := b.cardShown.Load(h.ID); ok && last == key {
		return true // the card already shows it: no call spent on "not modified"
	}
	if err := b.managers.Wait(ctx); err != nil {
		return false
	}
	parts := split(text, maxMessageRunes)
	err := b.call(ctx, "editMessageText", func(ctx context.Context) error {
		_, err := b.tg.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: h.CardChatID, MessageID: h.CardMessageID,
			Text: parts[len(parts)-1], ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
			LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}})
		return err
	})
	if err == nil || isNotModified(err) {
		b.cardShown.Store(h.ID, key)
		return true
	}
	return false
}

// onHandoffButton handles Take and Done on a card.
func (b *Bot) onHandoffButton(ctx context.Context, u *models.Update, data string, pressed int) error {
	q := u.CallbackQuery
	p := locales.For(b.cfg.ManagersLang)
	name := strings.TrimSpace(q.From.FirstName + " " + q.From.LastName)
	if q.From.Username != "" {
		name += " (@" + q.From.Username + ")"
	}
	h, taken, err := b.app.HandoffButton(ctx, data, app.Manager{UserID: q.From.ID, Name: name, Allowed: b.cfg.isManager(q.From.ID)}, b.cfg.ManagersLang)
	switch {
	case errors.Is(err, app.ErrStaleButton):
		b.answerCallback(ctx, q.ID, p.T("button.stale"))
		return b.done(ctx, u.ID)
	case errors.Is(err, app.ErrNotManager):
		b.answerCallback(ctx, q.ID, p.T("handoff.not_manager"))
		return b.done(ctx, u.ID)
	case errors.Is(err, store.ErrTaken):
		msg := p.T("handoff.already_taken", "Name", h.TakenName)
		if h.State == store.HandoffDone {
			msg = p.T("handoff.already_done")
		}
		b.answerCallback(ctx, q.ID, msg)
		return b.done(ctx, u.ID)
	case errors.Is(err, store.ErrNotFound):
		b.answerCallback(ctx, q.ID, p.T("handoff.gone"))
		return b.done(ctx, u.ID)
	case err != nil:
		return err
	}
	if taken {
		b.metrics.Handoffs.WithLabelValues("taken").Inc()
		if !h.CreatedAt.IsZero() {
			b.metrics.TimeToTake.Observe(b.cfg.Now().Sub(h.CreatedAt).Seconds())
		}
		b.answerCallback(ctx, q.ID, p.T("handoff.taken_you"))
	} else {
		b.metrics.Handoffs.WithLabelValues("done").Inc()
		b.answerCallback(ctx, q.ID, p.T("handoff.closed"))
	}
	if h.Card.Text != "" {
		// The card shows the move when the group's slot comes; the
		// manager's tap is answered now.
		if err := b.app.QueueCard(ctx, h.ID, chatOf(u)); err != nil {
			b.log.Warn("queue card edit", "handoff", h.ID, "err", err)
		}
		b.wakeGroup()
	}
	if h.Partner.ChatID != 0 && !h.Partner.Unreachable {
		// Stored with the update's done mark: sent once, even after a
		// crash, and now, not at the group's pace.
		note := dialogs.ContactTaken(h.Partner.Lang, q.From.FirstName)
		if !taken {
			note = dialogs.ContactDone(h.Partner.Lang, q.From.FirstName)
		}
		return b.answer(ctx, u.ID, h.ChatID, []dialogs.Message{note}, nil)
	}
	return b.done(ctx, u.ID)
}
