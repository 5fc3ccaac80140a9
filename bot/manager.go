package bot

import (
	"context"

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
	return m.Chat.Type == models.ChatTypePrivate || m.Chat.ID == b.cfg.ManagersChatID
}

// managerCommand runs /stats, /partner and /export; handled is false for
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
	case "export":
		data, err := b.app.ExportCSV(ctx)
		if err != nil {
			return true, err
		}
		name := "specbot-" + b.cfg.Now().Format("2006-01-02") + ".csv"
		return true, b.answer(ctx, u.ID, chatID, nil, &app.Document{Name: name, Data: data, Caption: p.T("manager.export_caption")})
	case "help":
		if chatID != b.cfg.ManagersChatID {
			return false, nil
		}
		text = p.T("manager.help")
	default:
		return false, nil
	}
	if err != nil {
		return true, err
	}
	// Stored with the update's done mark: a redelivered command is not
	// answered twice.
	return true, b.answer(ctx, u.ID, chatID, []dialogs.Message{{Text: text}}, nil)
}
