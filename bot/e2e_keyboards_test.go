package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
)

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
