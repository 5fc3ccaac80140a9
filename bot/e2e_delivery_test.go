package bot_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
)

// eventually polls cond until it holds, for at most waitFor.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, waitFor, 10*time.Millisecond, what)
}

// sentTo lists the sendMessage calls Telegram took for chat.
func sentTo(h *harness, chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range h.calls("sendMessage", chat) {
		if c.Code == 0 {
			out = append(out, c)
		}
	}
	return out
}

// TestDeliveryRedeliveredUpdateIsNotAnsweredAgain: /stats, /export and a
// text too long are answered; the bot stops before Telegram learns they
// arrived, and Telegram delivers the same updates again at the next start.
// Nothing is answered twice: the answer was stored with the update's done
// mark, so the second delivery finds the update done.
func TestDeliveryRedeliveredUpdateIsNotAnsweredAgain(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withManagers(lang))
			g := h.managers(t)
			checked(t, h)
			p := h.partner(t, 50, "Vera", lang)

			stats := h.srv.SendText(managersChat, maria, "/stats")
			export := h.srv.SendText(managersChat, maria, "/export")
			long := h.srv.SendText(p.chat, p.user, strings.Repeat("а", 2001))
			h.settle()
			group, docs, partner := len(sentTo(h, managersChat)), len(h.calls("sendDocument", managersChat)), len(sentTo(h, p.chat))
			require.Equal(t, 1, docs, "the export went out")
			require.Equal(t, 1, partner)
			assert.Equal(t, p.T("input.too_long"), p.last().Text)
			figures := 0
			for _, c := range g.cards() {
				figures += strings.Count(c.Text, g.T("stats.title"))
			}
			assert.Equal(t, 1, figures, "the figures went out")

			h.stop()
			polls := len(h.srv.Calls("getUpdates"))
			h.start()
			// Once the new run polls (from offset 1: it has seen nothing
			// yet), Telegram delivers the three updates again.
			eventually(t, "the new run polls", func() bool { return len(h.srv.Calls("getUpdates")) > polls })
			for _, id := range []int64{stats, export, long} {
				require.True(t, h.srv.Redeliver(id))
			}
			h.settle()
			eventually(t, "every redelivered update recognised", func() bool {
				return strings.Count(h.logs.String(), "update answered before; skipped") >= 3
			})
			h.settle()
			assert.Equal(t, group, len(sentTo(h, managersChat)), "no second figures")
			assert.Equal(t, docs, len(h.calls("sendDocument", managersChat)), "no second export")
			assert.Equal(t, partner, len(sentTo(h, p.chat)), "no second refusal")
			assert.Zero(t, unsent(t, h))
		})
	}
}

// TestDeliveryKeptReplyIsRetriedOnATimer: the Bot API fails the reply to
// /start through a whole round of retries and then some; the reply is kept
// and, with no new input and no restart, sent again on the outbox's timer,
// once, in the partner's language.
func TestDeliveryKeptReplyIsRetriedOnATimer(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *bot.Config) { c.OutboxRetry = 100 * time.Millisecond })
			p := h.partner(t, 42, "Alice", lang)
			h.srv.FailNext("sendMessage", 7, http.StatusInternalServerError, 0)
			m := p.mark()
			h.srv.SendText(p.chat, p.user, "/start")
			q := p.waitStep(m)
			assert.Contains(t, h.logs.String(), "replies kept for a later attempt", "a whole round failed")
			assert.Contains(t, q.Text, strings.SplitN(p.T("start.welcome"), "\n", 2)[0][:10])
			h.settle()
			assert.Len(t, sentTo(h, p.chat), 1, "sent once")
			assert.Len(t, p.srv.Messages(p.chat), 1)
			assert.Zero(t, unsent(t, h), "marked sent")
			depth, err := h.metric("specbot_reply_outbox_depth")
			require.NoError(t, err)
			assert.Zero(t, depth)
		})
	}
}

// TestDeliveryRetryWaitsOutRetryAfter: Telegram answers 429 with
// retry_after 1 s to every try of a round; the kept reply is not tried
// again before that second has passed, however short the outbox's timer.
func TestDeliveryRetryWaitsOutRetryAfter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *bot.Config) { c.OutboxRetry = 50 * time.Millisecond })
	p := h.partner(t, 42, "Alice", "en")
	h.srv.FailNext("sendMessage", 5, http.StatusTooManyRequests, 1)
	m := p.mark()
	h.srv.SendText(p.chat, p.user, "/start")
	p.waitStep(m)
	var last429, sent time.Time
	for _, c := range h.calls("sendMessage", p.chat) {
		switch c.Code {
		case http.StatusTooManyRequests:
			last429 = c.At
		case 0:
			sent = c.At
		}
	}
	gap := sent.Sub(last429)
	t.Logf("kept reply sent %v after the last 429 (retry_after 1 s, timer 50 ms)", gap.Round(time.Millisecond))
	assert.GreaterOrEqual(t, gap, 950*time.Millisecond, "retry_after honoured")
	assert.Len(t, sentTo(h, p.chat), 1)
}

// TestDeliveryPollingWaitsOutRetryAfter: a getUpdates answered 429 with
// retry_after 2 s is not asked again before 2 s (the library alone would
// ask again after 100 ms), and the partner is answered after it.
func TestDeliveryPollingWaitsOutRetryAfter(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	p := h.partner(t, 42, "Alice", "en")
	h.srv.FailNext("getUpdates", 1, http.StatusTooManyRequests, 2)
	m := p.mark()
	h.srv.SendText(p.chat, p.user, "/start")
	p.waitStep(m)
	polls := h.srv.Calls("getUpdates")
	refused := -1
	for i, c := range polls {
		if c.Code == http.StatusTooManyRequests {
			refused = i
		}
	}
	require.GreaterOrEqual(t, refused, 0, "a poll was refused")
	require.Greater(t, len(polls), refused+1, "and polling went on")
	gap := polls[refused+1].At.Sub(polls[refused].At)
	t.Logf("next poll %v after the 429", gap.Round(time.Millisecond))
	assert.GreaterOrEqual(t, gap, 1950*time.Millisecond, "retry_after honoured by the poller")
}

// TestDeliverySlowBotAPISendsNoDuplicate: the Bot API takes a reply but
// answers only after 45 s; the bot's wait (1 s here) runs out first. The
// reply may have arrived (it did), so it is not sent again: not by the
// call's retries, not by the outbox's timer, not after a restart.
func TestDeliverySlowBotAPISendsNoDuplicate(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *bot.Config) {
				c.RequestTimeout = time.Second
				c.OutboxRetry = 50 * time.Millisecond
			})
			p := h.partner(t, 42, "Alice", lang)
			h.srv.SetHang("sendMessage", 45*time.Second)
			start := time.Now()
			h.srv.SendText(p.chat, p.user, "/start")
			eventually(t, "the reply arrived", func() bool { return len(p.srv.Messages(p.chat)) > 0 })
			h.settle()
			took := time.Since(start)
			t.Logf("turn settled %v after /start with a Bot API answering after 45 s", took.Round(time.Millisecond))
			assert.Less(t, took, 30*time.Second, "the bot's own timeout, not the 45 s, bounded the wait")
			h.srv.SetHang("sendMessage", 0)
			time.Sleep(300 * time.Millisecond) // several ticks of the outbox's timer
			assert.Zero(t, unsent(t, h), "counted as delivered")

			h.stop()
			h.start()
			h.settle()
			texts := map[string]int{}
			for _, c := range h.calls("sendMessage", p.chat) {
				texts[c.Params["text"]]++
			}
			for text, n := range texts {
				assert.Equal(t, 1, n, "sent once: %.60q", text)
			}
			assert.Len(t, p.srv.Messages(p.chat), len(texts), "no duplicate in the chat")
		})
	}
}

// TestDeliveryRepliesToOneChatArePaced: six answers to one chat at once go
// out in a burst of three, then one per interval; another chat meanwhile
// is answered without waiting for them.
func TestDeliveryRepliesToOneChatArePaced(t *testing.T) {
	t.Parallel()
	const interval = 300 * time.Millisecond
	h := newHarness(t, withManagers("en"), func(c *bot.Config) { c.ChatInterval = interval })
	for range 6 {
		h.srv.SendText(maria.ID, maria, "/stats")
	}
	p := h.partner(t, 42, "Alice", "en")
	m := p.mark()
	h.srv.SendText(p.chat, p.user, "/start")
	p.waitStep(m)
	eventually(t, "six answers", func() bool { return len(sentTo(h, maria.ID)) == 6 })
	sent := sentTo(h, maria.ID)
	span := sent[5].At.Sub(sent[0].At)
	t.Logf("six answers to one chat over %v (burst 3, then one per %v)", span.Round(time.Millisecond), interval)
	assert.GreaterOrEqual(t, span, 3*interval-50*time.Millisecond, "paced after the burst")
	welcome := sentTo(h, p.chat)
	require.NotEmpty(t, welcome)
	assert.True(t, welcome[0].At.Before(sent[5].At), "the other chat did not wait behind them")
}
