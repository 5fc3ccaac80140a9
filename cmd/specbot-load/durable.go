package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"specbot/bot/telegramtest"
)

// runDurableEcho measures the design's ceiling: an echo bot on the same
// library that, for every update, makes one durable SQLite commit (WAL,
// synchronous=FULL, one writer connection, as specbot opens its database)
// and then as many Bot API calls as specbot makes per update: calls-1
// edits of the previous echo (its keyboard removed, as specbot removes a
// dead question's buttons, then its text, as specbot edits an answered
// question; chat actions for a chat's first update), then the echo itself,
// last, as specbot's next question is.
func runDurableEcho(ctx context.Context, partners, msgs int, callsPerUpdate float64, keep bool) (*result, error) {
	dir, err := os.MkdirTemp("", "specbot-load-echo-")
	if err != nil {
		return nil, err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	db, err := sql.Open("sqlite3", filepath.Join(dir, "echo.db")+"?_busy_timeout=10000&_synchronous=FULL&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE updates (update_id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, text TEXT NOT NULL)`); err != nil {
		return nil, err
	}

	srv := telegramtest.Start(token)
	defer srv.Close()
	srv.KeepNoHistory()
	chats := chatIDs(partners)
	w := newWatcher(srv, chats)

	var mu sync.Mutex
	previous := map[int64]int{} // chat -> the last echo's message id
	var errs, handled atomic.Int64
	var firstErr sync.Once
	fail := func(ctx context.Context, err error) {
		if ctx.Err() != nil {
			return // the run is over
		}
		errs.Add(1)
		firstErr.Do(func() { fmt.Fprintln(os.Stderr, "durable echo:", err) })
	}
	keyboard := &markup{InlineKeyboard: [][]button{{{Text: "again", CallbackData: "again"}}}}
	noKeyboard := &markup{InlineKeyboard: [][]button{}}
	handler := func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
		if u.Message == nil {
			return
		}
		chat := u.Message.Chat.ID
		if _, err := db.ExecContext(ctx, `INSERT INTO updates (update_id, chat_id, text) VALUES (?, ?, ?)`, u.ID, chat, u.Message.Text); err != nil {
			fail(ctx, err)
			return
		}
		// The n-th update makes round((n+1)c) - round(nc) calls, so that
		// the average is c even when c is not whole.
		n := float64(handled.Add(1) - 1)
		calls := int(math.Round((n+1)*callsPerUpdate) - math.Round(n*callsPerUpdate))
		mu.Lock()
		prev := previous[chat]
		mu.Unlock()
		for k := range calls - 1 {
			var err error
			switch {
			case prev == 0:
				_, err = b.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: chat, Action: models.ChatActionTyping})
			case k == 0:
				_, err = b.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: chat, MessageID: prev, ReplyMarkup: noKeyboard})
			default:
				_, err = b.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: chat, MessageID: prev, Text: fmt.Sprintf("answered (%d, update %d)", k, u.ID)})
			}
			// The partner may send its next message before the echo's id
			// was recorded; an edit made twice changes nothing, which
			// specbot does not count as an error either.
			if err != nil && !(errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "not modified")) {
				fail(ctx, err)
			}
		}
		m, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: u.Message.Text, ReplyMarkup: keyboard})
		if err != nil {
			fail(ctx, err)
			return
		}
		mu.Lock()
		previous[chat] = m.ID
		mu.Unlock()
	}
	b, err := tgbot.New(token, tgbot.WithServerURL(srv.URL()), tgbot.WithDefaultHandler(handler))
	if err != nil {
		return nil, err
	}
	bctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { b.Start(bctx); close(done) }()
	defer func() { stop(); <-done }()

	elapsed, lost, cpu := echoRound(srv, w, chats, msgs)
	errs.Add(int64(lost))
	var stored int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM updates`).Scan(&stored); err != nil {
		return nil, err
	}
	res := &result{updates: partners * msgs, elapsed: elapsed, latencies: w.latencies(), errors: int(errs.Load()), calls: w.apiCalls(), loadCPU: cpu}
	res.lost = partners*msgs - stored
	return res, nil
}

// markup is an inline keyboard encoded as specbot encodes it: the
// library's own type sends an empty copy_text, which Telegram refuses.
type markup struct {
	InlineKeyboard [][]button `json:"inline_keyboard"`
}

type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
}
