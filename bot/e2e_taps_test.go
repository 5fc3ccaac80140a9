package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
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
			assert.True(t, strings.HasPrefix(next.Text, "✔️ <b>"+strings.ReplaceAll(strings.Join(chosen, ", "), "&", "&amp;")+"</b>\n\n"), next.Text)

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
	second, answers := -1, 0
	for i, c := range calls {
		if c.Method == "answerCallbackQuery" {
			answers++
			if answers == 2 {
				second = i
			}
		}
	}
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

// liveKeyboards lists the chat's messages that show buttons.
func (p *partner) liveKeyboards() []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range p.srv.Messages(p.chat) {
		if len(m.Keyboard) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// TestNoDeadKeyboards: after the language chooser, the welcome, a whole
// check with an answer changed from the summary, the verdict and the
// reminders question, the only buttons left on screen are the verdict's,
// and every one of them still works.
func TestNoDeadKeyboards(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", lang)
			p.say("/language", p.T("language.choose"))
			chooser := p.last()
			p.pressFor(map[string]string{"en": "English", "ru": "Русский"}[lang], p.T("language.set"))
			h.settle()
			assert.Nil(t, p.message(chooser.ID).Keyboard, "the language chooser keeps no buttons")

			welcome := p.typ("/start")
			p.play(devopsInfraScript(p, map[string]string{"en": "yes", "ru": "да"}[lang], "12.5 mln", "1.5 mln")...)
			h.settle()
			assert.Nil(t, p.message(welcome.ID).Keyboard, "the welcome keeps no buttons once the check began")
			summary := p.last()
			require.Contains(t, summary.Text, p.T("summary.title"))

			// Change an answer from the summary, by typing: the next summary
			// is a new message, and the old one keeps no buttons.
			p.press("✏️ 3")
			p.typ(map[string]string{"en": "no", "ru": "нет"}[lang])
			h.settle()
			require.Contains(t, p.last().Text, p.T("summary.title"))
			assert.NotEqual(t, summary.ID, p.last().ID)
			assert.Nil(t, p.message(summary.ID).Keyboard, "the old summary keeps no buttons")

			verdict := p.verdict()
			p.pressFor(p.T("button.reminders_yes"), p.T("reminders.set_on"))
			h.settle()

			live := p.liveKeyboards()
			require.Len(t, live, 1, "only the verdict keeps buttons: %v", texts(live))
			assert.Equal(t, verdict.ID, live[0].ID)
			for _, row := range live[0].Keyboard {
				for _, b := range row {
					assert.True(t, b.URL != "" || strings.HasPrefix(b.Data, "g:"), "the verdict's %q works at any time", b.Text)
				}
			}
			assert.Empty(t, p.deadButtons())

			// Check again: the verdict keeps its buttons beside the new
			// question, and no removal was wasted on a message without any.
			p.press(p.T("button.check_again"))
			h.settle()
			assert.Len(t, p.liveKeyboards(), 2)
			assert.Empty(t, wastedRemovals(h), "every keyboard removal removed one")
			assert.Empty(t, h.refused())
		})
	}
}

// wastedRemovals lists the editMessageReplyMarkup calls refused because
// the message had no buttons left to remove.
func wastedRemovals(h *harness) []string {
	var out []string
	for _, c := range h.srv.Calls("editMessageReplyMarkup") {
		if c.Code != 0 {
			out = append(out, "message "+c.Params["message_id"])
		}
	}
	return out
}

func texts(msgs []telegramtest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = fmt.Sprintf("%d: %.50q", m.ID, m.Text)
	}
	return out
}

// callsSince counts the Bot API calls made for the chat after the first n:
// those addressed to it and the callback answers (the partner's only).
func callsSince(srv *telegramtest.Server, chat int64, n int) (int, []string) {
	var methods []string
	for _, c := range srv.Calls()[n:] {
		if c.ChatID() == chat || c.Method == "answerCallbackQuery" {
			methods = append(methods, c.Method)
		}
	}
	return len(methods), methods
}

// TestBotAPICallsPerAnswer: through a whole check, an answer given by a
// button costs at most two Bot API calls (the callback answer and one edit
// that turns the question into the next one) and a typed answer at most two
// (the next question and the removal of the old one's buttons).
func TestBotAPICallsPerAnswer(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			p := h.partner(t, 42, "Alice", lang)
			p.typ("/start")
			p.press(p.T("button.start_check"))
			h.settle()
			script := devopsInfraScript(p, map[string]string{"en": "yes", "ru": "да"}[lang], "12.5 mln", "1.5 mln")[1:]
			maxPress, maxTyped, presses, typed, total := 0, 0, 0, 0, 0
			for _, a := range script {
				n0 := len(h.srv.Calls())
				p.play(a)
				h.settle()
				n, methods := callsSince(h.srv, p.chat, n0)
				total += n
				if a.press != "" {
					presses++
					maxPress = max(maxPress, n)
					assert.LessOrEqual(t, n, 2, "press %q: %v", a.press, methods)
				} else {
					typed++
					maxTyped = max(maxTyped, n)
					assert.LessOrEqual(t, n, 2, "type %q: %v", a.typ, methods)
				}
			}
			require.Contains(t, p.last().Text, p.T("summary.title"))
			n0 := len(h.srv.Calls())
			p.verdict()
			h.settle()
			verdictCalls, methods := callsSince(h.srv, p.chat, n0)
			t.Logf("%s: %d button answers, at most %d calls each; %d typed answers, at most %d calls each; %d calls in all; the verdict %d calls %v",
				lang, presses, maxPress, typed, maxTyped, total, verdictCalls, methods)
			assert.Empty(t, wastedRemovals(h))
			assert.Empty(t, p.deadButtons())
			assert.Empty(t, h.refused())
		})
	}
}

// TestTypedInputSupersedesMenus: a menu left on screen loses its buttons
// when the partner goes on by typing instead of pressing them: the welcome
// when /check starts the check, the reminders menu when the next question
// comes, the pause's Continue when /check resumes.
func TestTypedInputSupersedesMenus(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			p := h.partner(t, 42, "Alice", lang)
			welcome := p.typ("/start")
			p.typ("/check")
			h.settle()
			assert.Nil(t, p.message(welcome.ID).Keyboard, "the welcome")

			p.typ("Acme")
			menu := p.say("/reminders", p.T("reminders.off"))
			p.press(p.T("button.all"))
			h.settle()
			assert.NotNil(t, p.message(menu.ID).Keyboard, "pressing the question's buttons leaves the menu")
			p.typ(map[string]string{"en": "yes", "ru": "да"}[lang])
			h.settle()
			assert.Nil(t, p.message(menu.ID).Keyboard, "the reminders menu, once a new question came")

			paused := p.pressFor(p.T("button.cancel"), p.T("check.paused"))
			p.say("/check", p.T("check.in_progress"))
			p.press(p.T("button.continue"))
			h.settle()
			assert.Nil(t, p.message(paused.ID).Keyboard, "the pause")
			live := p.liveKeyboards()
			require.Len(t, live, 1, "only the current question keeps buttons: %v", texts(live))
			assert.Empty(t, wastedRemovals(h))
			assert.Empty(t, h.refused())
		})
	}
}

// leftover posts a message with a keyboard into the chat as an earlier
// process of the bot would have left it: a question of an earlier check.
func leftover(t *testing.T, h *harness, chat int64, data string) int {
	t.Helper()
	markup := `{"inline_keyboard":[[{"text":"Yes","callback_data":"` + data + `"}]]}`
	resp, err := http.PostForm(h.srv.URL()+"/bot"+testToken+"/sendMessage", url.Values{
		"chat_id": {strconv.FormatInt(chat, 10)}, "text": {"An earlier question?"}, "reply_markup": {markup},
	})
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		OK     bool `json:"ok"`
		Result struct {
			ID int `json:"message_id"`
		} `json:"result"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.True(t, out.OK)
	return out.Result.ID
}

// TestStaleKeyboardGoesWhenPressed: a dead keyboard left on screen (by an
// earlier process) gets the friendly stale reply when pressed, and loses
// its buttons.
func TestStaleKeyboardGoesWhenPressed(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			p := h.partner(t, 42, "Alice", lang)
			p.typ("/start")
			p.play(press(p.T("button.start_check")), typ("Acme"))
			old := leftover(t, h, p.chat, "1:y")
			m := p.mark()
			p.pressOn(old, "1:y")
			p.waitText(m, p.T("button.stale_repeat"))
			h.settle()
			assert.Equal(t, p.T("button.stale"), h.answered()[len(h.answered())-1].Params["text"])
			assert.Nil(t, p.message(old).Keyboard, "the dead keyboard pressed is gone")
			live := p.liveKeyboards()
			require.Len(t, live, 1, "only the current question keeps buttons: %v", texts(live))
			assert.Contains(t, live[0].Text, p.T("check.question.specs"))
			assert.Empty(t, wastedRemovals(h))
			assert.Empty(t, h.refused())
		})
	}
}
