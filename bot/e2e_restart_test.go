package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
)

// TestRestartKeepsTheDialog: the bot is stopped in the middle of a dialog,
// right after the partner typed three answers; more answers arrive while it
// is down. A new bot on the same database and the same Bot API server goes
// on at the same question with every answer kept, none lost and none
// applied twice, and the buttons sent before the restart still work.
func TestRestartKeepsTheDialog(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", lang)
			words := map[string][]string{"en": {"yes", "no", "1.5 mln", "passed"}, "ru": {"да", "нет", "1,5 млн", "пройдено"}}[lang]

			p.typ("/start")
			p.play(press(p.T("button.start_check")), typ("Acme"), press("DevOps"))
			agreement := p.press(p.T("button.done"))
			require.Contains(t, agreement.Text, questionOf(t, p, "partner_agreement"))

			// Three answers, and the bot stops while they are on their way.
			for _, text := range []string{words[0], words[1], "2"} {
				h.srv.SendText(p.chat, p.user, text)
			}
			h.stop()
			// Two more while it is down.
			for _, text := range []string{words[2], words[3]} {
				h.srv.SendText(p.chat, p.user, text)
			}
			m := p.mark()
			h.start()
			employees := p.waitText(m, questionOf(t, p, "employees")[:20])
			h.settle()
			require.Equal(t, employees.ID, p.last().ID, "the employees question is the current one")

			for _, fact := range []string{"partner_agreement", "business_plan", "verified_solutions", "consumption_rub_year", "architect_interview", "employees"} {
				assert.Len(t, p.find(questionOf(t, p, fact)[:20]), 1, "%s asked once: no answer lost or applied twice", fact)
			}
			assert.Empty(t, p.find("⚠️"), "every answer was applied to its own question")

			assert.Empty(t, p.deadButtons(), "no question before the restart keeps its buttons")

			// A button sent before the restart is recognised as stale.
			m = p.mark()
			p.pressOn(agreement.ID, data(t, agreement, p.T("answer.no")))
			p.waitText(m, p.T("button.stale_repeat"))
			again := p.waitStep(m)
			assert.Contains(t, again.Text, questionOf(t, p, "employees")[:20], "the current question again")

			// The summary shows every answer kept.
			p.press(p.T("button.unknown"))
			summary := p.last()
			require.Contains(t, summary.Text, p.T("summary.title"))
			for _, want := range []string{
				"<b>Acme</b>", "<b>DevOps</b>",
				"3. " + answerLabel(t, p, "partner_agreement") + ": <b>" + p.T("answer.yes") + "</b>",
				"4. " + answerLabel(t, p, "business_plan") + ": <b>" + p.T("answer.no") + "</b>",
				": <b>2</b>",
				"<b>" + p.p.Money(1_500_000) + "</b>",
				"<b>" + p.labels().passed + "</b>",
			} {
				assert.Contains(t, summary.Text, want)
			}
			verdict := p.verdict()
			assert.Contains(t, verdict.Text, "DevOps")
			h.settle()
			assert.Len(t, h.answered(), p.presses, "every press answered, across the restart")
			pending, err := h.db.PendingUpdates(context.Background(), 0)
			require.NoError(t, err)
			assert.Empty(t, pending)
			assert.Zero(t, h.srv.Pending())
		})
	}
}

// answerLabel is a fact's name as the summary shows it.
func answerLabel(t *testing.T, p *partner, fact string) string {
	t.Helper()
	f, ok := p.h.engine().Catalog.Fact(fact)
	require.True(t, ok)
	return f.Name.Get(p.p.Lang())
}

// TestRestartWithUnprocessedInbox: updates stored in the inbox but not yet
// applied when the bot stops are applied by the next one, once.
func TestRestartWithUnprocessedInbox(t *testing.T) {
	h := newHarness(t, withManagers("ru"), func(c *bot.Config) { c.ShutdownGrace = 300 * time.Millisecond })
	p := h.partner(t, 42, "Alice", "en")
	p.typ("/start")
	p.play(press(p.T("button.start_check")), typ("Acme"), press("DevOps"))
	p.press(p.T("button.done"))
	// Hold the bot's replies so that the updates queue up in the inbox.
	h.srv.SetHang("sendMessage", waitFor)
	for _, text := range []string{"yes", "no", "2", "1.5 mln"} {
		h.srv.SendText(p.chat, p.user, text)
	}
	h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool { return h.srv.Pending() == 0 }) // all stored
	h.stop()
	h.srv.SetHang("sendMessage", 0)
	m := p.mark()
	h.start()
	p.waitText(m, questionOf(t, p, "architect_interview")[:20])
	h.settle()
	for _, fact := range []string{"business_plan", "verified_solutions", "consumption_rub_year", "architect_interview"} {
		assert.LessOrEqual(t, len(p.find(questionOf(t, p, fact)[:20])), 1, "%s asked at most once", fact)
	}
	assert.Empty(t, p.find("⚠️"), "no answer applied twice or to the wrong question")
	p.press(p.labels().passed)
	p.press(p.T("button.unknown"))
	summary := p.last()
	require.Contains(t, summary.Text, p.T("summary.title"))
	assert.Contains(t, summary.Text, "<b>"+p.p.Money(1_500_000)+"</b>")
	assert.Contains(t, summary.Text, "4. "+answerLabel(t, p, "business_plan")+": <b>No</b>")
}
