package bot

import (
	"bytes"
	"context"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/app"
	"specbot/dialogs"
	"specbot/locales"
)

// isManagerContext reports whether a message comes from a manager, in the
// managers' chat or in private.
func (b *Bot) isManagerContext(m *models.Message) bool {
	if m.From == nil || !b.cfg.isManager(m.From.ID) {
		return false
	}
	return m.Chat.Type == models.ChatTypePrivate || b.isManagersChat(m.Chat.ID)
}

// managerCommand runs /stats, /pipeline, /partner and /export; handled is false for
// anything else, which then goes to the partner dialogs. From anyone who is
// not a manager these commands never get here, so they act as unknown.
func (b *Bot) managerCommand(ctx context.Context, u *models.Update, cmd, args string) (bool, error) {
	chatID := u.Message.Chat.ID
	p := locales.For(b.cfg.ManagersLang)
	var text string
	var err error
	switch cmd {
	case "stats":
		text, err = b.app.Stats(ctx, b.cfg.ManagersLang)
	case "partner":
		text, err = b.app.PartnerReport(ctx, b.cfg.ManagersLang, args)
	case "pipeline":
		text, err = b.app.Pipeline(ctx, b.cfg.ManagersLang, args, b.managersChat())
	case "export":
		f, ferr := b.app.ParseExportFilter(args)
		if ferr != nil {
			text = p.T("manager.export_usage")
			break
		}
		err = b.export(ctx, chatID, f, p)
		if err == nil {
			return true, b.done(ctx, u.ID)
		}
	case "help":
		if !b.isManagersChat(chatID) {
			return false, nil
		}
		text = p.T("manager.help")
	default:
		return false, nil
	}
	if err != nil {
		return true, err
	}
	b.answerManager(ctx, u.Message, text)
	return true, b.done(ctx, u.ID)
}

// export sends a CSV of the latest report of every partner.
func (b *Bot) export(ctx context.Context, chatID int64, f app.ExportFilter, p *locales.Printer) error {
	data, err := b.app.ExportCSV(ctx, f, b.cfg.ManagersLang)
	if err != nil {
		return err
	}
	name := "specbot-" + b.cfg.Now().Format("2006-01-02") + ".csv"
	return b.call(ctx, "sendDocument", func(ctx context.Context) error {
		_, err := b.tg.SendDocument(ctx, &tgbot.SendDocumentParams{
			ChatID:   chatID,
			Document: &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)},
			Caption:  p.T("manager.export_caption"),
		})
		return err
	})
}

// answerManager answers a manager's command where it was asked: in the
// forum topic it was written in, or in the chat.
func (b *Bot) answerManager(ctx context.Context, m *models.Message, text string) {
	if !m.IsTopicMessage || m.MessageThreadID == 0 || !b.isManagersChat(m.Chat.ID) {
		b.send(ctx, m.Chat.ID, dialogs.Message{Text: text})
		return
	}
	for _, part := range split(text, maxMessageRunes) {
		if _, err := b.sendGroup(ctx, m.MessageThreadID, 0, part, nil); err != nil {
			b.log.Warn("answer in a topic", "err", b.redact(err))
			return
		}
	}
}
