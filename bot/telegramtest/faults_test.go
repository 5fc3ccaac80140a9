package telegramtest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTooManyRequests(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	ctx := t.Context()
	s.FailNext("sendMessage", 2, http.StatusTooManyRequests, 7)

	for range 2 {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "hi"})
		var tooMany *bot.TooManyRequestsError
		require.ErrorAs(t, err, &tooMany)
		assert.Equal(t, 7, tooMany.RetryAfter)
		assert.Contains(t, tooMany.Message, "Too Many Requests: retry after 7")
	}
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "hi"})
	require.NoError(t, err)
	assert.Len(t, s.Messages(42), 1, "failed calls have no effect")

	codes := []int{}
	for _, c := range s.Calls("sendMessage") {
		codes = append(codes, c.Code)
	}
	assert.Equal(t, []int{429, 429, 0}, codes)

	// Other codes, and clearing.
	s.FailNext("SENDMESSAGE", 1, http.StatusInternalServerError, 0)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "hi"})
	assert.ErrorContains(t, err, "500 Internal Server Error")
	s.FailNext("sendMessage", 3, http.StatusForbidden, 0)
	s.FailNext("sendMessage", 0, 0, 0)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "hi"})
	require.NoError(t, err)

	_, a, _ := raw(t, ctx, s, testToken, "getMe", nil)
	require.True(t, a.OK)
	s.FailNext("getMe", 1, http.StatusTooManyRequests, 3)
	status, _, body := raw(t, ctx, s, testToken, "getMe", nil)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.JSONEq(t, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`, body)
}

func TestBlockedChat(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	ctx := t.Context()
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: "before"})
	require.NoError(t, err)
	s.BlockChat(5)

	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: "hi"})
	require.ErrorIs(t, err, bot.ErrorForbidden)
	assert.Contains(t, err.Error(), "Forbidden: bot was blocked by the user")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 5, MessageID: m.ID, Text: "x"})
	require.ErrorIs(t, err, bot.ErrorForbidden)
	_, err = b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 5, Action: models.ChatActionTyping})
	require.ErrorIs(t, err, bot.ErrorForbidden)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 6, Text: "other chats work"})
	require.NoError(t, err)
	assert.Len(t, s.Messages(5), 1)
	assert.Equal(t, 403, s.Calls("sendMessage")[1].Code)

	s.UnblockChat(5)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: "hi again"})
	require.NoError(t, err)
}

func TestHang(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	s.SetHang("sendMessage", time.Minute)

	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "slow"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)
	last, found := s.LastMessage(42)
	require.True(t, found, "the message was sent, only the answer was lost")
	assert.Equal(t, "slow", last.Text)

	s.SetHang("sendMessage", 300*time.Millisecond)
	start = time.Now()
	_, err = b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: 42, Text: "slowish"})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)

	s.SetHang("sendMessage", 0)
	_, err = b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: 42, Text: "fast"})
	require.NoError(t, err)
}

func TestHangDoesNotBlockClose(t *testing.T) {
	var s *Server
	t.Run("inner", func(t *testing.T) {
		s = NewServer(t, testToken)
		s.SetHang("getMe", time.Hour)
		go func() {
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/bot"+testToken+"/getMe", nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				_ = resp.Body.Close()
			}
		}()
		s.WaitFor(t, 2*time.Second, countCalls("getMe", 1))
	})
	// The inner test's cleanup closed the server despite the hanging call.
	_, err := http.Get(s.URL())
	assert.Error(t, err)
}

func TestWrongTokenAndUnknownMethod(t *testing.T) {
	s := NewServer(t, testToken)
	_, err := bot.New("999:wrong", bot.WithServerURL(s.URL()))
	require.ErrorIs(t, err, bot.ErrorUnauthorized)

	status, _, body := raw(t, t.Context(), s, "999:wrong", "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.JSONEq(t, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, body)
	assert.Empty(t, s.Calls(), "calls with another token are not recorded")

	status, _, body = raw(t, t.Context(), s, testToken, "sendTelepathy", nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.JSONEq(t, `{"ok":false,"error_code":404,"description":"Not Found: method not found"}`, body)
	assert.Equal(t, 404, s.Calls("sendTelepathy")[0].Code)

	// Method names are case-insensitive, like on Telegram.
	_, a, _ := raw(t, t.Context(), s, testToken, "GETME", nil)
	assert.True(t, a.OK)
	assert.Len(t, s.Calls("getMe"), 1)
}

func TestWebhookDelivery(t *testing.T) {
	s := NewServer(t, testToken)
	got := newUpdates()
	b := newBot(t, s, bot.WithDefaultHandler(got.handler), bot.WithWebhookSecretToken("s3cret"))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { b.StartWebhook(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	hook := httptest.NewServer(b.WebhookHandler())
	t.Cleanup(hook.Close)

	id := s.SendText(42, alice, "via webhook")
	require.NoError(t, s.DeliverWebhook(t.Context(), hook.URL, "s3cret"))
	upd := got.next(t)
	assert.Equal(t, id, upd.ID)
	assert.Equal(t, "via webhook", upd.Message.Text)
	assert.Zero(t, s.Pending())

	// Non-2xx answers keep the update queued.
	var secrets []string
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secrets = append(secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	id2 := s.SendText(42, alice, "retry me")
	err := s.DeliverWebhook(t.Context(), failing.URL, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "500 Internal Server Error")
	assert.Equal(t, []string{""}, secrets, "no secret header when secret is empty")
	assert.Equal(t, 1, s.Pending())

	require.NoError(t, s.DeliverWebhook(t.Context(), hook.URL, "s3cret"))
	assert.Equal(t, id2, got.next(t).ID)
	assert.Zero(t, s.Pending())

	err = s.DeliverWebhook(t.Context(), "https://example.org/hook", "")
	assert.ErrorContains(t, err, "not on a loopback address")

	cctx, ccancel := context.WithCancel(t.Context())
	ccancel()
	s.SendText(42, alice, "x")
	err = s.DeliverWebhook(cctx, hook.URL, "")
	assert.True(t, errors.Is(err, context.Canceled), err)
}
