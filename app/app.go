package app

import (
	"log/slog"
	"time"

	"specbot/dialogs"
	"specbot/store"
)

// App is the room every adapter calls: one value per process, shared by the
// Telegram adapter, the Mini App, the terminal chat and the reminders.
type App struct {
	DB     *store.DB
	Engine *dialogs.Engine
	// ContactConfigured is set when a managers' chat receives handoffs.
	ContactConfigured bool
	// ManagersChat, when set, is the managers' chat's id as it is now (0:
	// none; it changes when the group is upgraded). With it, a new check
	// of a partner with a request queues the managers' note in the
	// check's own write. Without it (the terminal chat), there is none.
	ManagersChat func() int64
	Log          *slog.Logger
	// BotUsername is the bot's Telegram username, for invitation links;
	// "" where there is none (the terminal chat).
	BotUsername string
	// ManagersLang is the managers' language, for what the bot posts in
	// their chat on its own (a copy's attribution).
	ManagersLang string
	// Now is the clock; nil means time.Now. Tests move it.
	Now func() time.Time

	chats chatLocks
}

// Who is the person behind an input, whichever adapter it came in by.
type Who struct {
	ChatID   int64
	UserID   int64
	Username string
	Name     string
	LangCode string
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *App) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}
