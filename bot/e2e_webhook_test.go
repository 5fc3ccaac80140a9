package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
)

const webhookSecret = "s3cr3t-Webhook_token"

// withWebhook serves the webhook on a reserved loopback port named in the URL.
func withWebhook(t *testing.T) option {
	addr := freeAddr(t)
	return func(c *bot.Config) {
		c.HTTPAddr = addr
		c.WebhookURL = "http://" + addr + "/hook"
		c.WebhookSecret = webhookSecret
	}
}

// TestWebhookCheck: in webhook mode the bot registers its URL with the
// secret, and a partner completes a check through updates the fake server
// posts to it.
func TestWebhookCheck(t *testing.T) {
	h := newHarness(t, withWebhook(t))
	require.Equal(t, h.cfg.WebhookURL, h.webhookURL(), "the bot listens where its webhook URL points")

	set := h.srv.Calls("setWebhook")
	require.Len(t, set, 1)
	assert.Equal(t, h.cfg.WebhookURL, set[0].Params["url"])
	assert.Equal(t, webhookSecret, set[0].Params["secret_token"])
	assert.Empty(t, h.srv.Calls("getUpdates"), "no polling in webhook mode")

	p := h.partner(t, 42, "Alice", "ru")
	p.mlCheck("Acme", "150 000")
	verdict := p.verdict()
	assert.Contains(t, verdict.Text, "✅ <b>ML &amp; AI</b> — условия выполнены")
	h.settle()
	assert.Len(t, h.answered(), p.presses, "every callback answered")
	assert.Zero(t, h.srv.Pending(), "every update acknowledged")
	assert.Empty(t, h.srv.Calls("getUpdates"))
}

// TestWebhookRefusesWithoutSecret: a request without the secret, or with a
// wrong one, gets 401 and nothing is stored or answered; Telegram keeps the
// update and delivers it again with the secret.
func TestWebhookRefusesWithoutSecret(t *testing.T) {
	h := newHarness(t, withWebhook(t))
	p := h.partner(t, 42, "Alice", "en")
	h.srv.SendText(p.chat, p.user, "/start")

	for _, secret := range []string{"", "wrong", webhookSecret + "x", strings.ToUpper(webhookSecret)} {
		err := h.srv.DeliverWebhook(context.Background(), h.webhookURL(), secret)
		require.Error(t, err, "secret %q", secret)
		assert.Contains(t, err.Error(), "401", "secret %q", secret)
	}
	// A raw request, as anyone on the network could send it.
	for _, header := range []string{"", "wrong"} {
		req, err := http.NewRequest(http.MethodPost, h.webhookURL(), bytes.NewReader([]byte(`{"update_id":999,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"text":"/start"}}`)))
		require.NoError(t, err)
		if header != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", header)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	}
	h.settle()
	assert.Equal(t, 1, h.srv.Pending(), "Telegram keeps the refused update")
	maxID, err := h.db.MaxUpdateID(context.Background())
	require.NoError(t, err)
	assert.Zero(t, maxID, "nothing stored")
	assert.Empty(t, h.srv.Messages(p.chat), "nothing answered")

	// With the secret it goes through.
	require.NoError(t, h.srv.DeliverWebhook(context.Background(), h.webhookURL(), webhookSecret))
	h.settle()
	assert.Zero(t, h.srv.Pending())
	require.Len(t, h.srv.Messages(p.chat), 1)
	assert.Contains(t, p.last().Text, "Hello")
}

// TestWebhookHealthAndMetrics: /healthz answers 200 and /metrics exposes the
// handled updates, on the same address as the webhook.
func TestWebhookHealthAndMetrics(t *testing.T) {
	h := newHarness(t, withWebhook(t))
	code, body := h.get("/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok\n", body)

	p := h.partner(t, 42, "Alice", "en")
	p.say("/help", "/check")
	h.settle()
	code, body = h.get("/metrics")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `specbot_updates_handled_total{kind="message"} 1`)
	for _, series := range []string{"specbot_update_seconds_count 1", "specbot_chats_in_flight 0"} {
		assert.Contains(t, body, series)
	}
	assert.NotContains(t, body, testToken)
}

// TestWebhookBadBody: a request with the secret but no update is refused
// without crashing, and the bot goes on.
func TestWebhookBadBody(t *testing.T) {
	h := newHarness(t, withWebhook(t))
	for _, body := range []string{"", "{", `{"update_id":0}`, strings.Repeat("x", 2<<20)} {
		req, err := http.NewRequest(http.MethodPost, h.webhookURL(), strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", webhookSecret)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "body %.20q", body)
	}
	code, _ := h.get("/healthz")
	assert.Equal(t, http.StatusOK, code)
}

// TestWebhookAppliesAChatsUpdatesInOrder: webhook requests come in
// parallel, so a chat's later update can arrive before an earlier one. While
// the chat's worker is busy, update 1002 ("Beta") is posted before 1001
// ("Alpha"); both are applied in update_id order: "Alpha" answers the
// company question it was typed for, in both languages.
func TestWebhookAppliesAChatsUpdatesInOrder(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withWebhook(t))
			p := h.partner(t, 42, "Alice", lang)
			p.typ("/start")
			p.press(p.T("button.start_check"))
			h.settle()

			post := func(id int64, text string) {
				t.Helper()
				body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"Alice","language_code":%q},"text":%q}}`,
					id, id, time.Now().Unix(), lang, text)
				req, err := http.NewRequest(http.MethodPost, h.webhookURL(), strings.NewReader(body))
				require.NoError(t, err)
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", webhookSecret)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
			}
			// The chat's worker is held by a reply that hangs.
			h.srv.SetHang("sendMessage", time.Second)
			post(1000, "/help")
			time.Sleep(200 * time.Millisecond)
			post(1002, "Beta")
			post(1001, "Alpha")
			h.srv.SetHang("sendMessage", 0)
			h.settle()

			s, err := h.db.Session(context.Background(), p.chat)
			require.NoError(t, err)
			assert.Equal(t, "Alpha", s.Company, "the earlier update answered the question it was typed for")
		})
	}
}
