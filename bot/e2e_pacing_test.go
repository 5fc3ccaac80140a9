package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"specbot/bot"
	"specbot/bot/telegramtest"
)

// withGroupInterval sets the managers' group's pace.
func withGroupInterval(d time.Duration) option {
	return func(c *bot.Config) { c.GroupInterval = d }
}

// TestPacingNeverDelaysAToast: while ten cards wait for the group's slow
// pace, a manager's Take is answered (its toast) and each partner is told
// its request went out, each in well under a second; the cards all arrive,
// at the group's pace.
func TestPacingNeverDelaysAToast(t *testing.T) {
	const cards = 10
	h := newHarness(t, withManagers("en"), withGroupInterval(500*time.Millisecond))
	var partners []*partner
	for i := range cards {
		p := h.partner(t, int64(100+i), fmt.Sprintf("P%d", i), "en")
		p.say("/manager", p.T("contact.ask_comment"))
		partners = append(partners, p)
	}
	for _, p := range partners {
		start := time.Now()
		p.pressFor(p.T("button.send_without_comment"), p.T("contact.sent"))
		// Generous: the machine may be busy; a queued confirmation would
		// wait for up to ten cards, five seconds.
		assert.Less(t, time.Since(start), 2*time.Second, "the partner's confirmation waits for no card")
	}

	// The first card is out; the others are still queued behind the pace.
	var first telegramtest.Message
	h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
		for _, m := range h.srv.Messages(managersChat) {
			if _, ok := buttonData(m, h.managers(t).T("button.take")); ok {
				first = m
				return true
			}
		}
		return false
	})
	posted := len(h.srv.Messages(managersChat))
	take, _ := buttonData(first, h.managers(t).T("button.take"))
	pressed := time.Now()
	h.srv.PressButton(managersChat, maria, first.ID, take)
	var toastAt time.Time
	h.srv.WaitFor(t, waitFor, func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "answerCallbackQuery" && c.Code == 0 && c.At.After(pressed) {
				toastAt = c.At
				return true
			}
		}
		return false
	})
	took := toastAt.Sub(pressed)
	t.Logf("Take answered in %v while %d of %d cards were out", took, posted, cards)
	assert.Less(t, took, time.Second, "the toast is not queued behind the group's pace")

	h.settle()
	assert.Len(t, h.managers(t).cards(), cards, "every card arrived")
}
