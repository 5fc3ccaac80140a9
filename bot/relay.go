package bot

import (
	"context"
	"errors"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/app"
	"specbot/dialogs"
	"specbot/locales"
	"specbot/store"
)

// The two-way relay. In the managers' chat, a manager's reply to one of the
// bot's messages about a partner (in its topic, or to its card in the flat
// chat), or "/r text" in the partner's topic, reaches the partner, signed
// with the manager's name; every other message there is an internal note.
// In a partner's private chat, while its request is open, a message that
// answers no question is copied to its managers.

// onManagersMessage handles a message in the managers' chat that is not a
// manager command: the group's upgrade, a relay, or a note (ignored).
func (b *Bot) onManagersMessage(ctx context.Context, u *models.Update, cmd, args string) error {
	m := u.Message
	switch {
	case m.MigrateToChatID != 0:
		b.moveManagers(ctx, m.Chat.ID, m.MigrateToChatID)
		return b.done(ctx, u.ID)
	case m.MigrateFromChatID != 0:
		b.moveManagers(ctx, m.MigrateFromChatID, m.Chat.ID)
		return b.done(ctx, u.ID)
	case m.From == nil || !b.cfg.isManager(m.From.ID):
		return b.done(ctx, u.ID)
	}
	thread, replyTo := 0, 0
	if m.IsTopicMessage {
		thread = m.MessageThreadID
	}
	if r := m.ReplyToMessage; r != nil && r.ForumTopicCreated == nil && r.From != nil && r.From.ID == b.tg.ID() {
		replyTo = r.ID
	}
	var text string
	media := m.Text == "" && (len(m.Photo) > 0 || m.Document != nil)
	switch {
	case cmd == "r":
		text = args
		if text == "" {
			return b.answerIn(ctx, u.ID, m.Chat.ID, thread, []dialogs.Message{{Text: locales.For(b.cfg.ManagersLang).T("relay.usage")}}, nil)
		}
	case cmd != "" || replyTo == 0:
		return b.done(ctx, u.ID) // an internal note
	default:
		text = strings.TrimSpace(m.Text)
		if text == "" {
			text = strings.TrimSpace(m.Caption)
		}
	}
	if text == "" && !media {
		return b.done(ctx, u.ID)
	}
	name := strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
	rel, err := b.app.RelayTo(ctx, b.managersChat(), thread, replyTo, name, text)
	if errors.Is(err, app.ErrNoPartner) {
		if cmd == "r" {
			return b.answerIn(ctx, u.ID, m.Chat.ID, thread, []dialogs.Message{{Text: locales.For(b.cfg.ManagersLang).T("relay.no_partner")}}, nil)
		}
		return b.done(ctx, u.ID)
	}
	if err != nil {
		return err
	}
	if media && cmd == "" {
		// A photo or document goes as it is, its caption signed.
		rel.CopyFrom, rel.MessageID = m.Chat.ID, m.ID
	}
	// Stored with the update's done mark, then sent through the partner's
	// outbox: a crash before the send loses nothing, and a redelivered
	// update is not relayed twice.
	o, err := b.app.SaveRelay(ctx, u.ID, rel)
	if errors.Is(err, store.ErrAlreadyDone) {
		b.log.Info("update relayed before; skipped", "update_id", u.ID, "chat_id", m.Chat.ID)
		return nil
	}
	if err != nil {
		return err
	}
	unlock, _ := b.chatLocks.lock(o.ChatID, true)
	b.resendChat(ctx, o.ChatID)
	unlock()
	return nil
}

// maxCaptionRunes is Telegram's limit on a media caption.
const maxCaptionRunes = 1024

// sendRelay sends a manager's answer stored in the partner's outbox and
// returns how many of its messages are settled (0 or all): sent, or
// refused for good. Once sent, the topic waits for the partner; a partner
// who blocked the bot is marked so, and the managers are told in its
// topic. When the file went but the text after it did not, o is left with
// the text alone for the next attempt.
func (b *Bot) sendRelay(ctx context.Context, o *app.Outbound) int {
	chatID := o.ChatID
	if len(o.Messages) == 0 {
		return 0
	}
	text := o.Messages[0].Text
	var err error
	if o.Relay.MessageID != 0 {
		params := &tgbot.CopyMessageParams{ChatID: chatID, FromChatID: o.Relay.FromChat, MessageID: o.Relay.MessageID,
			Caption: text, ParseMode: models.ParseModeHTML}
		long := units(text) > maxCaptionRunes
		if long {
			// Too long for a caption: the file as it is, then the text.
			params.Caption, params.ParseMode = "", ""
		}
		err = b.call(ctx, "copyMessage", func(ctx context.Context) error {
			if err := b.pace.wait(ctx, chatID); err != nil {
				return err
			}
			_, err := b.tg.CopyMessage(ctx, params)
			return err
		})
		if err == nil && long {
			if _, err = b.sendText(ctx, chatID, text, nil, true); err != nil {
				o.Relay = &app.RelayFrom{} // the file went: the text is left
			}
		}
	} else {
		_, err = b.sendText(ctx, chatID, text, nil, true)
	}
	if err == nil {
		b.metrics.Relayed.WithLabelValues("to_partner").Inc()
		if err := b.app.Relayed(ctx, chatID, b.managersChat()); err != nil {
			b.log.Warn("mark the topic waiting for the partner", "chat_id", chatID, "err", err)
		}
		b.wakeGroup()
		return len(o.Messages)
	}
	b.log.Warn("relay to partner", "chat_id", chatID, "err", b.redact(err))
	switch apiCode(err) {
	case "403":
		// Final: the partner is unreachable until it writes again.
		if err := b.app.Blocked(ctx, chatID, b.managersChat(), b.cfg.ManagersLang); err != nil {
			b.log.Warn("mark a partner who blocked the bot", "chat_id", chatID, "err", err)
		}
		b.wakeGroup()
		return len(o.Messages)
	case "400":
		return len(o.Messages) // refused as it is: sending it again would not help
	}
	if ambiguous(err) {
		// It may have arrived: sending it again could show it twice.
		return len(o.Messages)
	}
	return 0
}

// recheck tells the managers what a partner's new check changed.
func (b *Bot) recheck(ctx context.Context, chatID int64) {
	if b.managersChat() == 0 {
		return
	}
	queued, err := b.app.Recheck(ctx, chatID, b.managersChat(), b.cfg.ManagersLang)
	if err != nil {
		b.log.Warn("recheck note", "chat_id", chatID, "err", err)
	}
	if queued {
		b.wakeGroup()
	}
}

// passOn copies a partner's message to its managers while its request is
// open and tells the partner so; false when the message is not for the
// managers (no open request, or a text that answers a question), and the
// dialogs then take it.
func (b *Bot) passOn(ctx context.Context, u *models.Update) (bool, error) {
	m := u.Message
	if b.managersChat() == 0 || m.From == nil {
		return false, nil
	}
	passed, err := b.app.PassOn(ctx, m.Chat.ID, m.ID, m.Text != "", b.managersChat())
	if err != nil || !passed {
		return false, err
	}
	b.wakeGroup()
	// The confirmation goes now, whatever the group's pace, stored with
	// the update's done mark like any answer.
	lang := b.langOf(ctx, m.Chat.ID, langCode(m.From))
	return true, b.answer(ctx, u.ID, m.Chat.ID, []dialogs.Message{{Text: locales.For(lang).T("relay.passed_on")}}, nil)
}
