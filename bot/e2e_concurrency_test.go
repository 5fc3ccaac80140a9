package bot_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
)

var stepRE = regexp.MustCompile(`(?m)^<b>(?:Step|Шаг) (\d+)(?: (?:of|из) (\d+))?`)

// TestTwentyPartnersAtOnce: twenty partners chat at the same time, each
// typing some answers faster than the bot replies; every one gets its own
// verdict, and the updates of each chat are applied in order.
func TestTwentyPartnersAtOnce(t *testing.T) {
	const partners = 20
	h := newHarness(t, withManagers("ru"), func(c *bot.Config) { c.Workers = 8 })

	type result struct {
		p       *partner
		month   int64
		verdict string
		tb      *goTB
	}
	results := make([]*result, partners)
	var wg sync.WaitGroup
	for i := range partners {
		lang := []string{"en", "ru"}[i%2]
		tb := &goTB{TB: t}
		r := &result{p: h.partner(tb, int64(1001+i), fmt.Sprintf("Partner%02d", i), lang), month: int64(51_000 + 1_000*i), tb: tb}
		results[i] = r
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := r.p
			p.typ("/start")
			p.play(press(p.T("button.start_check")), typ(fmt.Sprintf("Company %02d", i)), press("ML & AI"), press(p.T("button.done")))
			// Three answers in a row, without waiting: they must be applied in order.
			yes := map[string]string{"en": "yes", "ru": "да"}[lang]
			m := p.mark()
			for _, text := range []string{yes, yes, "1"} {
				p.srv.SendText(p.chat, p.user, text)
			}
			p.waitText(m, "<b>"+p.T("check.progress", "Step", 6, "Total", 9))
			p.play(press("0"), press("0"), press("1"), typ(strconv.FormatInt(r.month, 10)))
			r.verdict = p.verdict().Text
		}()
	}
	wg.Wait()
	for i, r := range results {
		r.tb.report(t, fmt.Sprintf("partner %d", i))
	}
	if t.Failed() {
		return
	}
	h.settle()

	presses := 0
	for i, r := range results {
		p := r.p
		presses += p.presses
		// Its own verdict: its own amount and nobody else's.
		assert.Contains(t, r.verdict, "❌ <b>ML &amp; AI</b>", "partner %d", i)
		assert.Contains(t, r.verdict, p.p.Money(r.month), "partner %d sees its own amount", i)
		for j, other := range results {
			if j != i {
				assert.NotContains(t, r.verdict, other.p.p.Money(other.month), "partner %d sees partner %d's amount", i, j)
			}
		}
		// In order: the questions came one step after another, none
		// repeated but for the ticks that edit the checklist in place.
		last := 0
		for _, c := range h.srv.Calls("sendMessage", "editMessageText") {
			if c.ChatID() != p.chat {
				continue
			}
			if m := stepRE.FindStringSubmatch(c.Params["text"]); m != nil {
				n, _ := strconv.Atoi(m[1])
				if n != last || c.Method == "sendMessage" {
					assert.Equal(t, last+1, n, "partner %d: step %d after step %d", i, n, last)
				}
				last = n
			}
		}
		assert.Equal(t, 9, last, "partner %d reached the last step", i)
		assert.Empty(t, p.find("⚠️"), "partner %d: every answer was understood where it was typed", i)
		summary := p.find(p.T("summary.title"))
		require.Len(t, summary, 1, "partner %d", i)
		assert.Contains(t, summary[0].Text, fmt.Sprintf("Company %02d", i))
		assert.Equal(t, 2, strings.Count(summary[0].Text, "<b>"+p.T("answer.yes")+"</b>"), "partner %d: agreement and plan", i)
	}
	assert.Len(t, h.answered(), presses, "every callback answered")
	assert.Empty(t, h.refused())
	n, err := h.metric("specbot_updates_handled_total")
	require.NoError(t, err)
	assert.EqualValues(t, partners*13, n, "every update handled once")
}
