package bot

import (
	"context"

	"github.com/go-telegram/bot/models"

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
		name := "specbot-" + b.cfg.Now().Format("2006-01-02") + ".csv"
		doc, err := b.app.Export(ctx, f, b.cfg.ManagersLang, name, p.T("manager.export_caption"))
		if err != nil {
			return true, err
		}
		return true, b.answerIn(ctx, u.ID, chatID, b.topicOf(u.Message), nil, doc)
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
	// Stored with the update's done mark: a redelivered command is not
	// answered twice.
	return true, b.answerIn(ctx, u.ID, chatID, b.topicOf(u.Message), []dialogs.Message{{Text: text}}, nil)
}

// topicOf is the forum topic of the managers' chat a message was written
// in, where the bot answers it; 0 for anywhere else.
func (b *Bot) topicOf(m *models.Message) int {
	if !m.IsTopicMessage || m.MessageThreadID == 0 || !b.isManagersChat(m.Chat.ID) {
		return 0
	}
	return m.MessageThreadID
}

// replyInTopic sends messages into a topic of the managers' chat at the
// group's pace and returns how many went out.
func (b *Bot) replyInTopic(ctx context.Context, thread int, msgs []dialogs.Message) int {
	for i, m := range msgs {
		for _, part := range split(m.Text, maxMessageRunes) {
			if _, err := b.sendGroup(ctx, thread, 0, part, nil); err != nil {
				b.log.Warn("answer in a topic", "err", b.redact(err))
				return i
			}
		}
	}
	return len(msgs)
}
