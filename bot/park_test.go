package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// TestPanicParkedAcrossRestart: an update whose handling panics is retried,
// each attempt counted in the inbox; the bot is restarted in between and
// goes on counting from the stored attempts; at giveUpAfter the update is
// parked (never handed out again), the partner is asked in its language to
// send it again, and the chat goes on.
func TestPanicParkedAcrossRestart(t *testing.T) {
	const token = "123456:SECRET-park-token"
	srv := telegramtest.NewServer(t, token)
	path := filepath.Join(t.TempDir(), "specbot.db")
	user := models.User{ID: 77, FirstName: "Анна", LanguageCode: "ru"}
	var poison atomic.Int64
	var tries atomic.Int32

	type running struct {
		b      *Bot
		cancel context.CancelFunc
		done   chan error
	}
	start := func() running {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		db, err := store.Open(ctx, path)
		require.NoError(t, err)
		db.Catalog = eligibility.DefaultCatalog()
		engine := dialogs.NewEngine(eligibility.DefaultCatalog(), time.UTC)
		cfg := Config{Token: token, APIURL: srv.URL(), HTTPAddr: "127.0.0.1:0", PollTimeout: 2 * time.Second, ShutdownGrace: 5 * time.Second, RetryEvery: 50 * time.Millisecond}
		b, err := New(ctx, cfg, db, engine, slog.New(slog.NewTextHandler(io.Discard, nil)))
		require.NoError(t, err)
		b.beforeHandle = func(u *models.Update) error {
			if u.ID == poison.Load() {
				tries.Add(1)
				panic("poisonous update")
			}
			return nil
		}
		r := running{b: b, cancel: cancel, done: make(chan error, 1)}
		go func() { r.done <- b.Run(ctx) }()
		return r
	}
	stop := func(r running) {
		t.Helper()
		r.cancel()
		select {
		case err := <-r.done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return")
		}
		require.NoError(t, r.b.db.Close())
	}
	attempts := func(r running) int {
		pending, err := r.b.db.PendingUpdates(context.Background(), 0)
		require.NoError(t, err)
		for _, u := range pending {
			if u.UpdateID == poison.Load() {
				return u.Attempts
			}
		}
		return -1 // not pending
	}
	ru := locales.For("ru")
	texts := func() string {
		var sb strings.Builder
		for _, m := range srv.Messages(user.ID) {
			sb.WriteString(m.Text + "\n")
		}
		return sb.String()
	}

	first := start()
	srv.SendText(user.ID, user, "/start")
	require.Eventually(t, func() bool { return len(srv.Messages(user.ID)) > 0 }, 10*time.Second, 20*time.Millisecond)
	poison.Store(srv.SendText(user.ID, user, "Acme"))
	require.Eventually(t, func() bool { return attempts(first) >= 2 }, 15*time.Second, 20*time.Millisecond, "tried again after a panic")
	assert.Positive(t, panics(t, first.b), "panics are counted")
	assert.Contains(t, texts(), ru.T("error.storage"), "the partner is told once that the message is not lost")
	stop(first)
	before := int(tries.Load())
	require.GreaterOrEqual(t, before, 2)
	require.Less(t, before, giveUpAfter)

	second := start()
	defer stop(second)
	require.Eventually(t, func() bool { return attempts(second) == -1 }, 15*time.Second, 20*time.Millisecond, "parked")
	assert.Equal(t, giveUpAfter, int(tries.Load()), "the count went on from the stored attempts: %d before the restart", before)
	require.Eventually(t, func() bool { return strings.Contains(texts(), ru.T("error.apology")) }, 10*time.Second, 20*time.Millisecond,
		"the partner is asked, in Russian, to send it again")
	_, _, err := second.b.db.RecordFailure(context.Background(), poison.Load(), giveUpAfter)
	assert.ErrorIs(t, err, store.ErrNotFound, "a parked update is not pending")

	// The chat is not blocked behind the parked update.
	n := len(srv.Messages(user.ID))
	srv.SendText(user.ID, user, "/help")
	require.Eventually(t, func() bool { return len(srv.Messages(user.ID)) > n }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, giveUpAfter, int(tries.Load()), "never replayed")
}

// panics reads the panic counter of b's metrics.
func panics(t *testing.T, b *Bot) float64 {
	t.Helper()
	families, err := b.registry.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != "specbot_errors_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "stage" && l.GetValue() == "panic" {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestErrorsDropOnlyRefusals: an update that fails with a storage error is
// tried again as long as it takes, well past giveUpAfter, and applied once
// the error is gone; the partner is told once that it is not lost and never
// asked to send it again. Only a refusal by Telegram, which no retry can
// change, drops an update after giveUpAfter attempts, with the request to
// send it again, in the partner's language.
func TestErrorsDropOnlyRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, lang string
		err        error
		dropped    bool
	}{
		{"storage error, en", "en", errors.New("save turn: database or disk is full"), false},
		{"storage error, ru", "ru", errors.New("save turn: database or disk is full"), false},
		{"refused, en", "en", fmt.Errorf("send: %w, chat not found", tgbot.ErrorBadRequest), true},
		{"refused, ru", "ru", fmt.Errorf("send: %w, bot was blocked", tgbot.ErrorForbidden), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const token = "123456:SECRET-errors-token"
			srv := telegramtest.NewServer(t, token)
			ctx, cancel := context.WithCancel(context.Background())
			db, err := store.Open(ctx, filepath.Join(t.TempDir(), "specbot.db"))
			require.NoError(t, err)
			db.Catalog = eligibility.DefaultCatalog()
			engine := dialogs.NewEngine(eligibility.DefaultCatalog(), time.UTC)
			cfg := Config{Token: token, APIURL: srv.URL(), HTTPAddr: "127.0.0.1:0", PollTimeout: 2 * time.Second, ShutdownGrace: 5 * time.Second, RetryEvery: 20 * time.Millisecond}
			b, err := New(ctx, cfg, db, engine, slog.New(slog.NewTextHandler(io.Discard, nil)))
			require.NoError(t, err)
			var failing atomic.Int64
			var tries atomic.Int32
			const failFor = 3 * giveUpAfter
			b.beforeHandle = func(u *models.Update) error {
				if u.ID == failing.Load() && tries.Add(1) <= failFor {
					return tc.err
				}
				return nil
			}
			done := make(chan error, 1)
			go func() { done <- b.Run(ctx) }()
			defer func() {
				cancel()
				require.NoError(t, <-done)
				require.NoError(t, db.Close())
			}()

			user := models.User{ID: 78, FirstName: "Ann", LanguageCode: tc.lang}
			tr := locales.For(tc.lang)
			count := func(text string) int {
				n := 0
				for _, m := range srv.Messages(user.ID) {
					if m.Text == text {
						n++
					}
				}
				return n
			}
			srv.SendText(user.ID, user, "/start")
			require.Eventually(t, func() bool { return len(srv.Messages(user.ID)) > 0 }, 10*time.Second, 10*time.Millisecond)
			n := len(srv.Messages(user.ID))
			failing.Store(srv.SendText(user.ID, user, "/help"))
			if tc.dropped {
				require.Eventually(t, func() bool { return count(tr.T("error.apology")) == 1 }, 10*time.Second, 10*time.Millisecond,
					"asked to send it again")
				assert.Equal(t, giveUpAfter, int(tries.Load()), "dropped after giveUpAfter attempts")
				assert.Len(t, srv.Messages(user.ID), n+2, "told it is not lost, then asked to send it again; nothing else")
				return
			}
			require.Eventually(t, func() bool { return int(tries.Load()) > failFor && len(srv.Messages(user.ID)) > n+1 }, 10*time.Second, 10*time.Millisecond,
				"applied once the error is gone")
			assert.Equal(t, 1, count(tr.T("error.storage")), "told once that the message is not lost")
			assert.Zero(t, count(tr.T("error.apology")), "never asked to send it again")
			pending, err := db.PendingUpdates(context.Background(), 0)
			require.NoError(t, err)
			assert.Empty(t, pending, "applied and confirmed")
		})
	}
}
