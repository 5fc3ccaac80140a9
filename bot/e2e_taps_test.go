package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
)

// tickGap is the pause between two quick ticks, as a partner taps.
const tickGap = 20 * time.Millisecond

// quickTicks taps the checklist msg twenty times, tickGap apart, each time
// on the keyboard as it was when the checklist was first shown (the edits
// of the earlier ticks may not have reached the screen yet), and returns
// the labels that must end up ticked.
func quickTicks(t *testing.T, p *partner, msg telegramtest.Message, labels []string) map[string]bool {
	t.Helper()
	on := map[string]bool{}
	for i := range 20 {
		label := labels[(i*i+i/3)%len(labels)]
		p.pressOn(msg.ID, data(t, msg, label))
		on[label] = !on[label]
		time.Sleep(tickGap)
	}
	p.h.settle()
	return on
}

// requireTicked checks the checklist's marks against want.
func requireTicked(t *testing.T, msg telegramtest.Message, want map[string]bool) {
	t.Helper()
	for label, ticked := range want {
		mark := "▫️ "
		if ticked {
			mark = "✅ "
		}
		_, _, ok := findButton([]telegramtest.Message{msg}, label)
		require.True(t, ok, label)
		found := false
		for _, row := range msg.Keyboard {
			for _, b := range row {
				if b.Text == mark+label {
					found = true
				}
			}
		}
		assert.True(t, found, "%q shows %q", label, mark)
	}
}

// message returns the chat's message id as it is now.
func (p *partner) message(id int) telegramtest.Message {
	p.tb.Helper()
	for _, m := range p.srv.Messages(p.chat) {
		if m.ID == id {
			return m
		}
	}
	p.tb.Fatalf("no message %d in chat %d", id, p.chat)
	return telegramtest.Message{}
}

// TestQuickTicksAllCount: twenty ticks 20 ms apart on the specializations
// checklist, and then on a certificates checklist, all count, in order;
// each checklist is edited in place, never sent again, and no tick is
// answered as a stale button.
func TestQuickTicksAllCount(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			p := h.partner(t, 42, "Alice", lang)
			p.typ("/start")
			p.play(press(p.T("button.start_check")), typ("Acme"))
			specs := p.last()
			require.Contains(t, specs.Text, p.T("check.question.specs"))
			names := []string{"Infrastructure", "DevOps", "Data Platform", "ML & AI", "Security Compliance"}
			before := len(h.answered())
			want := quickTicks(t, p, specs, names)
			for _, c := range h.answered()[before:] {
				assert.Empty(t, c.Params["text"], "a tick is never answered as stale")
			}
			now := p.message(specs.ID)
			requireTicked(t, now, want)
			assert.GreaterOrEqual(t, now.Edits, 20, "every tick edits the checklist")
			assert.Equal(t, 1, p.asked(p.T("check.question.specs")), "the checklist was never sent again")
			assert.Equal(t, specs.ID, p.last().ID, "nothing else was sent")

			// The specializations ticked are the ones checked, Infrastructure
			// and DevOps among them for the certificates below.
			for _, name := range []string{"Infrastructure", "DevOps"} {
				if !want[name] {
					p.pressOn(specs.ID, data(t, p.message(specs.ID), name))
					want[name] = true
				}
			}
			h.settle()
			var chosen []string
			for _, name := range names {
				if want[name] {
					chosen = append(chosen, name)
				}
			}
			next := p.press(p.T("button.done"))
			assert.True(t, strings.HasPrefix(next.Text, "✔️ "+p.T("summary.specs")+": <b>"+strings.ReplaceAll(strings.Join(chosen, ", "), "&", "&amp;")+"</b>\n\n"), next.Text)

			// On to the first employee's certificates, answering "I don't
			// know" to every fact.
			for i := 0; i < 40 && !strings.Contains(p.last().Text, p.T("check.employees.ask_name")); i++ {
				p.press(p.T("button.unknown"))
			}
			certs := p.typ("Anna")
			l := p.labels()
			want = quickTicks(t, p, certs, []string{l.cse, l.protect, l.gitops, l.devsecop})
			now = p.message(certs.ID)
			requireTicked(t, now, want)
			assert.GreaterOrEqual(t, now.Edits, 20)
			assert.Equal(t, certs.ID, p.last().ID, "the certificates checklist was never sent again")
			assert.Empty(t, p.find("⚠️"))
			assert.Empty(t, p.find(p.T("button.stale_repeat")), "no tick was answered as stale")
			assert.Empty(t, h.refused())
		})
	}
}

// double taps a button twice in a row, without waiting, and checks that
// the second tap got only a callback answer with the short notice: nothing
// else went to the chat after it.
func (p *partner) double(t *testing.T, label string) {
	t.Helper()
	msg, d := p.button(label)
	n0 := len(p.srv.Calls())
	p.pressOn(msg.ID, d)
	p.pressOn(msg.ID, d)
	p.h.settle()
	calls := p.srv.Calls()[n0:]
	// The second tap is the newest callback query; the answer of an
	// earlier press may still land in this window, as the answer and the
	// edit go out side by side.
	second, answers, newest := -1, 0, ""
	for i, c := range calls {
		if c.Method == "answerCallbackQuery" {
			answers++
			if id := c.Params["callback_query_id"]; len(id) > len(newest) || len(id) == len(newest) && id > newest {
				second, newest = i, id
			}
		}
	}
	require.GreaterOrEqual(t, answers, 2, "%s: both taps answered", label)
	require.GreaterOrEqual(t, second, 0, "%s: both taps answered", label)
	assert.Equal(t, p.T("button.already"), calls[second].Params["text"], "%s: the second tap's notice", label)
	for _, c := range calls[second+1:] {
		assert.NotEqual(t, p.chat, c.ChatID(), "%s: the second tap sent %s", label, c.Method)
	}
}

// TestDoubleTapOnFinalButtons: a double tap on each final button (Start
// the check, Done on a checklist, Show the verdict, Contact my account
// manager, Send without a comment) acts once.
func TestDoubleTapOnFinalButtons(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", lang)
			l := p.labels()
			p.typ("/start")
			p.double(t, p.T("button.start_check"))
			assert.Equal(t, 1, p.asked(p.T("check.question.company")))
			p.play(typ("Acme"), press("Infrastructure"))
			p.double(t, p.T("button.done"))
			assert.Equal(t, 1, p.asked(questionOf(t, p, "partner_agreement")))
			p.double(t, p.T("answer.yes"))
			assert.Equal(t, 1, p.asked(questionOf(t, p, "business_plan")))
			p.play(press(p.T("answer.yes")), typ("1"), typ("12000000"), press(l.passed), typ("Anna"), press(l.cse), press(l.protect))
			p.double(t, p.T("button.done")) // the certificates checklist
			p.play(press(p.T("button.add_employee")), typ("Oleg"), press(l.cse))
			p.double(t, p.T("button.done"))
			p.double(t, p.T("button.done")) // the list of employees
			require.Contains(t, p.last().Text, p.T("summary.title"))
			p.double(t, p.T("button.verdict"))
			assert.Len(t, p.find("🗓"), 1, "one verdict")
			p.double(t, p.T("button.contact"))
			assert.Equal(t, 1, p.asked(p.T("contact.ask_comment")), "one comment prompt")
			p.double(t, p.T("button.send_without_comment"))
			h.settle()
			assert.Len(t, h.srv.Messages(managersChat), 1, "one handoff card")
			assert.Len(t, p.find(p.T("contact.sent")[:12]), 1, "one confirmation")
			assert.Len(t, h.answered(), p.presses, "every tap answered")
			assert.Empty(t, h.refused())
		})
	}
}
