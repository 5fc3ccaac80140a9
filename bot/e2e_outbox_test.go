package bot_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
