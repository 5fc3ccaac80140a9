package bot

import (
	"context"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/locales"
)

// partnerCommands are the commands shown to partners, in menu order.
var partnerCommands = []string{"start", "check", "report", "invite", "members", "manager", "reminders", "language", "forget", "help", "cancel"}

// managerCommands are shown only in the managers' chat.
var managerCommands = []string{"stats", "pipeline", "partner", "export", "r"}

func commandList(lang string, names []string) []models.BotCommand {
	p := locales.For(lang)
	out := make([]models.BotCommand, len(names))
	for i, n := range names {
		out[i] = models.BotCommand{Command: n, Description: p.T("command." + n)}
	}
	return out
}

// setCommands registers the command menus: English by default, Russian for
// users whose Telegram speaks Russian, and the manager commands only in the
// managers' chat.
func (b *Bot) setCommands(ctx context.Context) error {
	sets := []*tgbot.SetMyCommandsParams{
		{Commands: commandList("en", partnerCommands), Scope: &models.BotCommandScopeDefault{}},
		{Commands: commandList("ru", partnerCommands), Scope: &models.BotCommandScopeDefault{}, LanguageCode: "ru"},
	}
	if b.cfg.ManagersChatID != 0 {
		all := append(append([]string{}, managerCommands...), "help")
		sets = append(sets, &tgbot.SetMyCommandsParams{
			Commands: commandList(b.cfg.ManagersLang, all),
			Scope:    &models.BotCommandScopeChat{ChatID: b.managersChat()},
		})
	}
	for _, params := range sets {
		err := b.call(ctx, "setMyCommands", func(ctx context.Context) error {
			_, err := b.tg.SetMyCommands(ctx, params)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Telegram's limits on the bot's descriptions, in characters.
const (
	maxDescription      = 512
	maxShortDescription = 120
)

// setDescriptions sets the bot's description (shown in an empty chat) and
// short description (its profile and shared links) from the locale files:
// English by default, Russian for users whose Telegram speaks Russian.
func (b *Bot) setDescriptions(ctx context.Context) error {
	for _, lang := range []string{"en", "ru"} {
		p := locales.For(lang)
		code := ""
		if lang != "en" {
			code = lang
		}
		desc := truncateRunes(p.T("bot.description"), maxDescription)
		short := truncateRunes(p.T("bot.short_description"), maxShortDescription)
		err := b.call(ctx, "setMyDescription", func(ctx context.Context) error {
			_, err := b.tg.SetMyDescription(ctx, &tgbot.SetMyDescriptionParams{Description: desc, LanguageCode: code})
			return err
		})
		if err != nil {
			return err
		}
		err = b.call(ctx, "setMyShortDescription", func(ctx context.Context) error {
			_, err := b.tg.SetMyShortDescription(ctx, &tgbot.SetMyShortDescriptionParams{ShortDescription: short, LanguageCode: code})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// truncateRunes cuts s to at most n characters.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
