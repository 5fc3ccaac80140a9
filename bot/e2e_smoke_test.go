package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

func TestSmokePolling(t *testing.T) {
	srv := telegramtest.NewServer(t, "123:abc")
	ctx, cancel := context.WithCancel(context.Background())
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "db"))
	require.NoError(t, err)
	loc, _ := time.LoadLocation("Europe/Moscow")
	b, err := bot.New(ctx, bot.Config{Token: "123:abc", APIURL: srv.URL(), HTTPAddr: "127.0.0.1:0", PollTimeout: 2 * time.Second, ManagersChatID: -100, ManagerIDs: []int64{7}},
		db, dialogs.NewEngine(eligibility.DefaultCatalog(), loc), nil)
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; db.Close() })

	alice := models.User{ID: 42, FirstName: "Alice", LanguageCode: "en"}
	srv.SendText(42, alice, "/start")
	srv.WaitFor(t, 5*time.Second, func(c []telegramtest.Call) bool { return len(srv.Messages(42)) > 0 })
	m, _ := srv.LastMessage(42)
	t.Log(m.Text)
	srv.PressButton(42, alice, m.ID, m.Keyboard[0][0].Data)
	srv.WaitFor(t, 5*time.Second, func(c []telegramtest.Call) bool {
		m, _ := srv.LastMessage(42)
		return strings.Contains(m.Text, "company")
	})
	srv.SendText(42, alice, "ACME")
	srv.WaitFor(t, 5*time.Second, func(c []telegramtest.Call) bool {
		m, _ := srv.LastMessage(42)
		return strings.Contains(m.Text, "specializations")
	})
	for _, c := range srv.Calls() {
		t.Log(c.Method, c.Code, len(c.Params["text"]))
	}
}
