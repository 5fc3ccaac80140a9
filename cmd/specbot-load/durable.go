package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"specbot/bot/telegramtest"
)

// runDurableEcho measures the design's ceiling: an echo bot on the same
// library that, for every update, makes one durable SQLite commit (WAL,
// synchronous=FULL, one writer connection, as specbot opens its database)
// and then as many Bot API calls as specbot makes per update: calls-1
// edits (the previous echo's keyboard removed, as specbot removes a dead
// question's buttons; a chat action for a chat's first update), then the
// echo itself, last, as specbot's next question is.
func runDurableEcho(ctx context.Context, partners, msgs, calls int, keep bool) (*result, error) {
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
	var errs atomic.Int64
	keyboard := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "again", CallbackData: "again"}}}}
	handler := func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
		if u.Message == nil {
			return
		}
		chat := u.Message.Chat.ID
		if _, err := db.ExecContext(ctx, `INSERT INTO updates (update_id, chat_id, text) VALUES (?, ?, ?)`, u.ID, chat, u.Message.Text); err != nil {
			errs.Add(1)
			return
		}
		mu.Lock()
		prev := previous[chat]
		mu.Unlock()
		for range calls - 1 {
			var err error
			if prev == 0 {
				_, err = b.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: chat, Action: models.ChatActionTyping})
			} else {
				_, err = b.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: chat, MessageID: prev})
			}
			if err != nil {
				errs.Add(1)
			}
		}
		m, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: u.Message.Text, ReplyMarkup: keyboard})
		if err != nil {
			errs.Add(1)
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

	start := time.Now()
	var wg sync.WaitGroup
	for _, chat := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := models.User{ID: chat, FirstName: "Partner", LanguageCode: "en"}
			for i := range msgs {
				text := fmt.Sprintf("message %d", i)
				w.sent(chat)
				srv.SendText(chat, user, text)
				if !w.waitFor(chat, 10*time.Second, func() bool {
					m, ok := srv.LastMessage(chat)
					return ok && m.Text == text
				}) {
					errs.Add(1)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var stored int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM updates`).Scan(&stored); err != nil {
		return nil, err
	}
	res := &result{updates: partners * msgs, elapsed: elapsed, latencies: w.latencies(), errors: int(errs.Load()), calls: w.apiCalls()}
	res.lost = partners*msgs - stored
	return res, nil
}
