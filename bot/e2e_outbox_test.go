package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
)

// loseNextReply makes every attempt at the next sendMessage fail, as when
// the Bot API is down for longer than the bot's retries.
func loseNextReply(h *harness) { h.srv.FailNext("sendMessage", 5, http.StatusInternalServerError, 0) }

// unsent counts the reply batches the outbox still holds.
func unsent(t *testing.T, h *harness) int {
	t.Helper()
	os, err := h.db.PendingOutbound(context.Background(), 0, 0)
	require.NoError(t, err)
	return len(os)
}

// TestOutboxLostReplyArrivesOnceAfterRestart: the turn is saved but its
// reply never reaches Telegram; the bot is stopped. The next start sends
// the kept reply once, and the dialog goes on from it.
func TestOutboxLostReplyArrivesOnceAfterRestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	faultToAgreement(t, p)
	h.settle()

	loseNextReply(h)
	h.srv.SendText(p.chat, p.user, "yes")
	h.settle()
	require.Zero(t, faultAsked(t, p, "business_plan"), "the reply is lost")
	require.Equal(t, 1, unsent(t, h), "and kept in the outbox")

	h.stop()
	m := p.mark()
	h.start()
	q := p.waitText(m, questionOf(t, p, "business_plan")[:20])
	h.settle()
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, 1, faultAsked(t, p, "business_plan"), "sent once after the restart")
	assert.Equal(t, q.ID, p.last().ID)
	assert.Zero(t, unsent(t, h), "marked sent")

	p.play(press(p.T("answer.no")))
	assert.Contains(t, p.last().Text, questionOf(t, p, "verified_solutions")[:20], "the dialog goes on")
}

// TestOutboxTypedAnswerGoesToTheQuestionSeen: the reply with the next
// question is lost, so the partner still sees the previous one and types an
// answer to it. The bot shows the current question instead of applying the
// answer to a question the partner never saw; the answer to it then counts.
func TestOutboxTypedAnswerGoesToTheQuestionSeen(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	faultToAgreement(t, p)
	h.settle()

	loseNextReply(h)
	h.srv.SendText(p.chat, p.user, "yes")
	h.settle()
	require.Zero(t, faultAsked(t, p, "business_plan"), "the reply is lost")

	// The partner answers the agreement question again, the one it sees.
	q := p.typ("no")
	require.Contains(t, q.Text, questionOf(t, p, "business_plan")[:20], "the current question, shown again")
	h.settle()
	assert.Equal(t, 1, faultAsked(t, p, "business_plan"))
	assert.Zero(t, faultAsked(t, p, "verified_solutions"), "the typed no answered nothing")
	assert.Zero(t, unsent(t, h))

	next := p.typ("no")
	assert.Contains(t, next.Text, questionOf(t, p, "verified_solutions")[:20], "an answer to the question seen counts")
}

// askingForManager brings n partners (ids from first) whose Telegram
// speaks lang to the contact comment prompt.
func askingForManager(t *testing.T, h *harness, first int64, n int, lang string) []*partner {
	t.Helper()
	var ps []*partner
	for i := range n {
		p := h.partner(t, first+int64(i), fmt.Sprintf("P%d", i), lang)
		p.typ("/start")
		p.pressFor(p.T("button.start_check"), p.T("check.question.company"))
		p.say("/manager", p.T("contact.ask_comment"))
		ps = append(ps, p)
	}
	h.settle()
	return ps
}

// sendRequests presses "Send without a comment" for every partner at once
// and returns the marks taken before.
func sendRequests(ps []*partner) map[*partner]mark {
	marks := map[*partner]mark{}
	for _, p := range ps {
		marks[p] = p.mark()
		msg, d := p.button(p.T("button.send_without_comment"))
		p.srv.PressButton(p.chat, p.user, msg.ID, d)
	}
	return marks
}

// TestOutboxCardsBehindThePacerSurviveAStop: six partners ask for a manager
// at once; the cards wait for the group's slots; the bot stops after the
// first card. Every partner was told at once, and after the restart every
// card arrives, once.
func TestOutboxCardsBehindThePacerSurviveAStop(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"), func(c *bot.Config) { c.GroupInterval = 400 * time.Millisecond })
	g := h.managers(t)
	ps := askingForManager(t, h, 42, 6, "en")
	marks := sendRequests(ps)
	for _, p := range ps {
		p.waitText(marks[p], p.T("contact.sent"))
	}
	h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool { return g.posts() >= 1 })
	h.stop()
	require.Less(t, g.posts(), 6, "cards were still waiting at the stop")

	h.start()
	h.settle()
	assert.Equal(t, 6, g.posts(), "every card posted, once")
	for _, p := range ps {
		n := 0
		for _, c := range g.cards() {
			if strings.Contains(c.Text, fmt.Sprintf("tg://user?id=%d", p.user.ID)) {
				n++
			}
		}
		assert.Equal(t, 1, n, "the card of chat %d", p.chat)
	}
}

// TestOutboxManyHandoffsDoNotDelayAPartner: 40 partners ask for a manager
// at once, with Telegram's group pace and each chat's pace as in
// production; each is told at once, and a partner who has nothing to do
// with it gets its answer within a second, in either language. The bot's
// budget in all is left wide here: 41 replies at once are more than one
// second's burst of a 25-30 a second budget, whose own wait
// TestBudget* measure.
func TestOutboxManyHandoffsDoNotDelayAPartner(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withManagers(lang), func(c *bot.Config) {
				c.GroupInterval, c.ChatInterval, c.SendRate = 3*time.Second, time.Second, 1000
			})
			ps := askingForManager(t, h, 1000, 40, lang)
			// The setup spent the chats' bursts (three messages each, and
			// the request's turn sends two): as partners who read before
			// they tap, give them two seconds to refill.
			time.Sleep(2 * time.Second)
			other := h.partner(t, 42, "Alice", lang)
			g := h.managers(t)
			marks := sendRequests(ps)
			m := other.mark()
			asked := time.Now()
			h.srv.SendText(other.chat, other.user, "/start")
			other.waitStep(m)
			took := time.Since(asked)
			t.Logf("the unrelated partner's reply after %v", took.Round(time.Millisecond))
			bound := time.Second
			if raceDetector {
				// 41 turns at once take seconds under the detector, with
				// or without cards waiting.
				bound = 5 * time.Second
			}
			assert.Less(t, took, bound, "the unrelated partner's reply is not held by the cards")
			for _, p := range ps {
				p.waitText(marks[p], p.T("contact.sent"))
			}
			assert.Less(t, g.posts(), 40, "every partner is told while cards still wait for the group's slots")
		})
	}
}

// TestOutboxEditsAreSentAgainHarmlessly: a button answer is one edit, and
// a batch of edits is not claimed before it is sent (editing a message to
// what it shows changes nothing). Its sent mark is lost (the disk fails
// just as the edit reaches Telegram) and the bot stops: the next start
// sends the edit again, Telegram answers "not modified", the chat shows
// nothing new, and the partner's next answer counts.
func TestOutboxEditsAreSentAgainHarmlessly(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", lang)
			faultToAgreement(t, p)
			h.settle()
			sends := len(sentTo(h, p.chat))

			h.srv.OnCall(func(c telegramtest.Call) {
				if c.Method == "editMessageText" && c.ChatID() == p.chat {
					h.db.SetWriteFault(fmt.Errorf("disk full"))
				}
			})
			q := p.press(p.T("answer.yes"))
			require.Contains(t, q.Text, questionOf(t, p, "business_plan")[:20], "the answer's edit arrived")
			eventually(t, "the sent mark failed", func() bool { return strings.Contains(h.logs.String(), "mark replies sent") })
			h.srv.OnCall(nil)
			h.db.SetWriteFault(nil)
			edits := len(h.calls("editMessageText", p.chat))

			h.stop()
			h.start()
			eventually(t, "the edit went again", func() bool { return len(h.calls("editMessageText", p.chat)) > edits })
			h.settle()
			again := h.calls("editMessageText", p.chat)[edits]
			assert.Equal(t, http.StatusBadRequest, again.Code, "Telegram: not modified")
			assert.Equal(t, q.ID, p.last().ID, "nothing new in the chat")
			assert.Len(t, sentTo(h, p.chat), sends, "no message sent")
			eventually(t, "marked sent", func() bool { return unsent(t, h) == 0 })

			next := p.press(p.T("answer.no"))
			assert.Contains(t, next.Text, questionOf(t, p, "verified_solutions")[:20], "the next answer counts")
			assert.Equal(t, 1, faultAsked(t, p, "business_plan"))
		})
	}
}

// TestHandoffUnsentSurvivesAStop: a partner asks for a manager; the
// Bot API fails both the partner's confirmation and the card through a
// whole round of retries, and the bot stops. The request was saved with
// the turn, its card and confirmation with it: after the restart the card
// arrives once in the managers' chat, in their language, and the partner
// is told once, in its own.
func TestHandoffUnsentSurvivesAStop(t *testing.T) {
	for _, tc := range []struct{ managersLang, partnerLang string }{{"ru", "en"}, {"en", "ru"}} {
		t.Run("partner_"+tc.partnerLang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withManagers(tc.managersLang))
			g := h.managers(t)
			p := askingForManager(t, h, 42, 1, tc.partnerLang)[0]

			// More failures than the two rounds of retries take: the stop's
			// last attempt at the card fails too, as a crash would cut it.
			h.srv.FailNext("sendMessage", 20, http.StatusInternalServerError, 0)
			msg, d := p.button(p.T("button.send_without_comment"))
			h.srv.PressButton(p.chat, p.user, msg.ID, d)
			eventually(t, "both kept for a later attempt", func() bool {
				logs := h.logs.String()
				return strings.Contains(logs, "replies kept for a later attempt") && strings.Contains(logs, "post handoff card")
			})
			h.stop()
			h.srv.FailNext("sendMessage", 0, 0, 0) // the Bot API is back
			require.Zero(t, g.posts(), "no card went out")
			require.Empty(t, p.find(p.T("contact.sent")), "the partner was not told")

			m := p.mark()
			h.start()
			p.waitText(m, p.T("contact.sent"))
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool { return g.posts() >= 1 })
			h.settle()
			time.Sleep(100 * time.Millisecond)
			assert.Equal(t, 1, g.posts(), "the card once")
			assert.Contains(t, g.cards()[0].Text, g.T("card.state.open"))
			assert.Len(t, p.find(p.T("contact.sent")), 1, "the partner told once")
			eventually(t, "nothing left unsent", func() bool { return unsent(t, h) == 0 })
		})
	}
}
