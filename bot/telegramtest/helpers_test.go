package telegramtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/require"
)

const testToken = "123456:test-token"

var alice = models.User{ID: 42, FirstName: "Alice", Username: "alice"}

// newBot builds a real go-telegram client against s (it calls getMe).
func newBot(t *testing.T, s *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{bot.WithServerURL(s.URL()), bot.WithErrorsHandler(func(error) {})}, opts...)
	b, err := bot.New(testToken, opts...)
	require.NoError(t, err)
	return b
}

// run starts polling; the test's cleanup stops it and waits for it to end.
func run(t *testing.T, b *bot.Bot) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(done)
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// updates collects what a default handler receives.
type updates struct {
	ch chan *models.Update
}

func newUpdates() *updates { return &updates{ch: make(chan *models.Update, 100)} }

func (u *updates) handler(_ context.Context, _ *bot.Bot, upd *models.Update) { u.ch <- upd }

func (u *updates) next(t *testing.T) *models.Update {
	t.Helper()
	select {
	case upd := <-u.ch:
		return upd
	case <-t.Context().Done():
	}
	t.Fatal("test ended before an update arrived")
	return nil
}

type apiAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// raw calls the server with an urlencoded form, as any HTTP client could.
func raw(t *testing.T, ctx context.Context, s *Server, token, method string, form url.Values) (int, apiAnswer, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+token+"/"+method, nil)
	require.NoError(t, err)
	if form != nil {
		req.URL.RawQuery = form.Encode()
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var a apiAnswer
	require.NoError(t, json.Unmarshal(body, &a), string(body))
	return resp.StatusCode, a, string(body)
}

func updateIDs(t *testing.T, a apiAnswer) []int64 {
	t.Helper()
	require.True(t, a.OK, a.Description)
	var ups []models.Update
	require.NoError(t, json.Unmarshal(a.Result, &ups))
	ids := []int64{}
	for _, u := range ups {
		ids = append(ids, u.ID)
	}
	return ids
}

func countCalls(method string, n int) func([]Call) bool {
	return func(calls []Call) bool {
		c := 0
		for _, call := range calls {
			if call.Method == method && call.Code == 0 {
				c++
			}
		}
		return c >= n
	}
}
