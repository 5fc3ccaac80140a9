package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/bot/telegramtest"
)

const token = "123456:load-test-token"

// runEcho measures a bare go-telegram/bot echo bot: every text is sent back.
func runEcho(ctx context.Context, partners, msgs int) (*result, error) {
	srv := telegramtest.Start(token)
	defer srv.Close()
	srv.KeepNoHistory()
	chats := chatIDs(partners)
	w := newWatcher(srv, chats)

	b, err := tgbot.New(token, tgbot.WithServerURL(srv.URL()), tgbot.WithDefaultHandler(func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
		if u.Message == nil {
			return
		}
		_, _ = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
	}))
	if err != nil {
		return nil, err
	}
	bctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { b.Start(bctx); close(done) }()
	defer func() { stop(); <-done }()

	elapsed, errs, cpu := echoRound(srv, w, chats, msgs)
	return &result{updates: partners * msgs, elapsed: elapsed, latencies: w.latencies(), errors: errs, loadCPU: cpu}, nil
}

// echoRound has every partner send msgs numbered texts, each once the
// echo of the previous one came back, and returns how long that took and
// how many partners gave up waiting for an echo, and the CPU this process
// (the echo bot with the fake Bot API and the partners) used meanwhile.
func echoRound(srv *telegramtest.Server, w *watcher, chats []int64, msgs int) (time.Duration, int, time.Duration) {
	var errs atomic.Int64
	meter := startCPU(0)
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
	var cpu result
	meter.stop(&cpu)
	return elapsed, int(errs.Load()), cpu.loadCPU
}

func chatIDs(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(100000 + i)
	}
	return out
}
