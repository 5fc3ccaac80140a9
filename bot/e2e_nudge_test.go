package bot_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"specbot/bot"
	"specbot/bot/telegramtest"
)

// fakeClock is a clock a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func withClock(c *fakeClock) option {
	return func(cfg *bot.Config) { cfg.Now = c.Now }
}

// TestNudgeUntakenCard: a card nobody took within SPECBOT_HANDOFF_NUDGE is
// recalled once in the managers' chat, in both languages; a taken one never.
func TestNudgeUntakenCard(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			// Monday 10:00 in Moscow; the store's clock follows the bot's,
			// so the cards are created then. The nudge counts working hours.
			start := time.Date(2026, time.November, 30, 10, 0, 0, 0, testNow().Location())
			clock := &fakeClock{now: start}
			h := newHarness(t, withManagers(lang), withClock(clock), func(c *bot.Config) { c.HandoffNudge = 4 * time.Hour })
			h.skew.Store(int64(time.Until(start)))
			advance := func(d time.Duration) {
				clock.add(d)
				h.skew.Add(int64(d))
			}
			g := h.managers(t)
			alice := h.partner(t, 42, "Alice", "en")
			alice.say("/manager", alice.T("contact.ask_comment"))
			alice.pressFor(alice.T("button.send_without_comment"), "✅")
			bob := h.partner(t, 43, "Bob", "ru")
			bob.say("/start", "👋")
			bob.play(press(bob.T("button.start_check")), typ("Beta"))
			bob.say("/manager", bob.T("contact.ask_comment"))
			bob.pressFor(bob.T("button.send_without_comment"), "✅")
			h.settle()
			var bobCard telegramtest.Message
			for _, m := range g.cards() {
				if strings.Contains(m.Text, "Beta") {
					bobCard = m
				}
			}
			take, _ := buttonData(bobCard, g.T("button.take"))
			g.press(maria, bobCard, take)

			nudges := func() []telegramtest.Message {
				var out []telegramtest.Message
				for _, m := range g.cards() {
					if strings.HasPrefix(m.Text, "⏰") {
						out = append(out, m)
					}
				}
				return out
			}
			advance(3 * time.Hour)              // 13:00: three working hours
			time.Sleep(1500 * time.Millisecond) // a round of the group sender
			h.settle()
			assert.Empty(t, nudges(), "not before the nudge time")

			advance(2 * time.Hour) // 15:00: five
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool { return len(nudges()) > 0 })
			advance(5 * time.Hour)
			time.Sleep(1500 * time.Millisecond)
			h.settle()
			got := nudges()
			if assert.Len(t, got, 1, "nudged once, and only the untaken card") {
				assert.Equal(t, g.T("note.nudge", "Company", g.T("card.no_company")), got[0].Text)
			}
		})
	}
}
