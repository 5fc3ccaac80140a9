package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/locales"
)

// serveChat starts the program on a fresh database and a partner of lang.
func serveChat(t *testing.T, id int64, lang string) (*chat, map[string]string, *process) {
	t.Helper()
	bin := specbotBinary(t)
	srv := telegramtest.NewServer(t, serveToken)
	vars := serveVars(t, srv)
	p := startServe(t, bin, vars)
	p.addr(t)
	c := &chat{t: t, srv: srv, user: models.User{ID: id, FirstName: "Alice", LanguageCode: lang}, p: locales.For(lang)}
	return c, vars, p
}

// restart starts the program again after a kill and waits until every
// queued update is fetched.
func (c *chat) restart(vars map[string]string) *process {
	c.t.Helper()
	p := startServe(c.t, specbotBinary(c.t), vars)
	p.addr(c.t)
	c.srv.WaitFor(c.t, serveWait, func([]telegramtest.Call) bool { return c.srv.Pending() == 0 })
	return p
}

func stopServe(t *testing.T, p *process) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	<-p.waited
}

// TestServeQuickTicksSurviveSIGKILL: twenty ticks 20 ms apart on the
// specializations checklist, each on the keyboard as first shown; from the
// eighth on, the checklist's edits are held on the wire and the program is
// SIGKILLed after the tenth; the rest are tapped while it is down. After
// the restart every tick counts, in order: the checklist shows each
// specialization ticked or not as the taps left it, edited in place,
// never sent again.
func TestServeQuickTicksSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	names := []string{"Infrastructure", "DevOps", "Data Platform", "ML & AI", "Security Compliance"}
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			id := int64(7301 + i)
			c, vars, first := serveChat(t, id, lang)
			c.say("/start")
			c.press(c.p.T("button.start_check"))
			c.waitFor(c.p.T("check.question.company"))
			c.say("Acme")
			specs := c.waitFor(c.p.T("check.question.specs"))
			data := map[string]string{}
			for _, name := range names {
				data[name] = buttonOf(t, specs, "▫️ "+name)
			}
			h := holdCalls(c.srv, 8, func(call telegramtest.Call) bool {
				return call.Method == "editMessageText" && call.ChatID() == id
			})
			on := map[string]bool{}
			for n := range 20 {
				if n == 10 {
					// The worst moment: a tick's edit taken by Telegram,
					// unanswered, and later ticks behind it.
					c.srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return h.held.Load() >= 1 })
					first.kill(t)
					h.release()
				}
				name := names[(n*n+n/3)%len(names)]
				c.srv.PressButton(id, c.user, specs.ID, data[name])
				on[name] = !on[name]
				time.Sleep(20 * time.Millisecond)
			}
			second := c.restart(vars)
			want := func(m telegramtest.Message) bool {
				for _, name := range names {
					mark := map[bool]string{false: "▫️ ", true: "✅ "}[on[name]]
					found := false
					for _, row := range m.Keyboard {
						for _, b := range row {
							found = found || b.Text == mark+name
						}
					}
					if !found {
						return false
					}
				}
				return true
			}
			var now telegramtest.Message
			c.srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool {
				for _, m := range c.messages() {
					if m.ID == specs.ID {
						now = m
					}
				}
				return want(now)
			})
			time.Sleep(500 * time.Millisecond)
			n := 0
			for _, m := range c.messages() {
				if strings.Contains(m.Text, c.p.T("check.question.specs")) {
					n++
				}
				if m.ID == specs.ID {
					now = m
				}
			}
			assert.True(t, want(now), "every tick counts: %v", now.Keyboard)
			assert.Equal(t, 1, n, "the checklist was never sent again")
			stopServe(t, second)
		})
	}
}

// TestServeDoubleTapOnTheVerdictSurvivesSIGKILL: "Show the verdict" is
// tapped, the verdict is taken by Telegram and the program is SIGKILLed
// before it hears back; the second tap of the double tap arrives while it
// is down. After the restart the partner has one verdict, and the second
// tap gets only the short notice, in the partner's language.
func TestServeDoubleTapOnTheVerdictSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			id := int64(7401 + i)
			c, vars, first := serveChat(t, id, lang)
			c.say("/start")
			c.press(c.p.T("button.start_check"))
			c.waitFor(c.p.T("check.question.company"))
			c.say("Acme")
			c.waitFor(c.p.T("check.question.specs"))
			c.say("DevOps")
			c.waitFor(question(t, "partner_agreement", lang))
			for n := 0; n < 20 && !strings.Contains(c.messages()[len(c.messages())-1].Text, c.p.T("summary.title")); n++ {
				s := c.screen()
				c.press(c.p.T("button.unknown"))
				c.afterButton(s, c.p.T("button.cancel"))
			}
			sum := c.waitFor(c.p.T("summary.title"))
			d := buttonOf(t, sum, c.p.T("button.verdict"))
			h := holdCalls(c.srv, 1, func(call telegramtest.Call) bool {
				return call.ChatID() == id && call.Method != "answerCallbackQuery" && strings.Contains(call.Params["text"], "🗓")
			})
			c.srv.PressButton(id, c.user, sum.ID, d)
			c.srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return h.held.Load() == 1 })
			first.kill(t)
			h.release()
			answers := len(c.srv.Calls("answerCallbackQuery"))
			c.srv.PressButton(id, c.user, sum.ID, d)

			second := c.restart(vars)
			c.srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool {
				return len(c.srv.Calls("answerCallbackQuery")) > answers
			})
			time.Sleep(500 * time.Millisecond)
			verdicts := 0
			for _, m := range c.messages() {
				if strings.Contains(m.Text, "🗓") {
					verdicts++
				}
			}
			assert.Equal(t, 1, verdicts, "one verdict")
			calls := c.srv.Calls("answerCallbackQuery")
			assert.Equal(t, c.p.T("button.already"), calls[len(calls)-1].Params["text"], "the second tap's notice")
			stopServe(t, second)
		})
	}
}

// TestServeSlowBotAPISendsNoDuplicateAfterSIGKILL: Telegram takes the
// welcome but would answer only after 45 s; the program is SIGKILLed while
// it waits. After the restart the welcome is not sent again, and the
// partner's next step is answered, in its language.
func TestServeSlowBotAPISendsNoDuplicateAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			id := int64(7501 + i)
			c, vars, first := serveChat(t, id, lang)
			c.srv.SetHang("sendMessage", 45*time.Second)
			c.say("/start")
			welcome := c.waitFor(c.p.T("button.start_check")[:0])
			time.Sleep(300 * time.Millisecond) // the program waits on the answer
			first.kill(t)
			c.srv.SetHang("sendMessage", 0)

			second := c.restart(vars)
			time.Sleep(time.Second)
			require.Len(t, c.messages(), 1, "the welcome, once: %v", c.messages())
			s := c.screen()
			c.srv.PressButton(id, c.user, welcome.ID, buttonOf(t, welcome, c.p.T("button.start_check")))
			c.after(s, c.p.T("check.question.company"))
			n := 0
			for _, call := range c.srv.Calls("sendMessage") {
				if call.ChatID() == id && strings.HasPrefix(call.Params["text"], welcome.Text[:min(20, len(welcome.Text))]) {
					n++
				}
			}
			assert.Equal(t, 1, n, fmt.Sprintf("the welcome was sent once (%s)", lang))
			stopServe(t, second)
		})
	}
}

// TestServeDoubleTapOnSendSurvivesSIGKILL: "Send without a comment" is
// tapped; the partner's confirmation is taken by Telegram and the program
// is SIGKILLed before it hears back; the second tap arrives while it is
// down. After the restart the managers get one card, the partner one
// confirmation, and the second tap only the short notice, in the
// partner's language.
func TestServeDoubleTapOnSendSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	const managersChat, manager = -1001, 77
	bin := specbotBinary(t)
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			srv := telegramtest.NewServer(t, serveToken)
			vars := managersVars(t, srv, managersChat, manager, lang)
			first := startServe(t, bin, vars)
			first.addr(t)
			id := int64(7601 + i)
			c := &chat{t: t, srv: srv, user: models.User{ID: id, FirstName: "Alice", LanguageCode: lang}, p: locales.For(lang)}
			c.say("/manager")
			ask := c.waitFor(c.p.T("contact.ask_comment"))
			d := buttonOf(t, ask, c.p.T("button.send_without_comment"))
			sent := c.p.T("contact.sent")
			h := holdCalls(srv, 1, func(call telegramtest.Call) bool {
				return call.ChatID() == id && strings.Contains(call.Params["text"], sent[:20])
			})
			cards := func() int {
				n := 0
				for _, call := range srv.Calls("sendMessage") {
					if call.ChatID() == managersChat && strings.HasPrefix(call.Params["text"], "📨") {
						n++
					}
				}
				return n
			}
			srv.PressButton(id, c.user, ask.ID, d)
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return h.held.Load() == 1 })
			// The card goes out beside the confirmation, at the group's
			// pace; the kill comes once it is posted (a card killed between
			// its claim and its post is the rare loss the claim accepts, as
			// for any send: see bot/claim.go).
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return cards() == 1 })
			first.kill(t)
			h.release()
			answers := len(srv.Calls("answerCallbackQuery"))
			srv.PressButton(id, c.user, ask.ID, d)

			second := c.restart(vars)
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool {
				return len(srv.Calls("answerCallbackQuery")) > answers
			})
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return cards() >= 1 })
			time.Sleep(3500 * time.Millisecond) // a slot of the group's pace: no second card
			assert.Equal(t, 1, cards(), "one card")
			n := 0
			for _, m := range c.messages() {
				if strings.Contains(m.Text, sent) {
					n++
				}
			}
			assert.Equal(t, 1, n, "one confirmation")
			calls := srv.Calls("answerCallbackQuery")
			assert.Equal(t, c.p.T("button.already"), calls[len(calls)-1].Params["text"], "the second tap's notice")
			stopServe(t, second)
		})
	}
}
