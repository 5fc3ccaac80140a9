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

// screen is what a chat shows at one moment: its newest message and each
// message's edits, to tell what the program sent or edited since.
type screen struct {
	maxID int
	edits map[int]int
}

func (c *chat) screen() screen {
	s := screen{edits: map[int]int{}}
	for _, m := range c.messages() {
		s.maxID = max(s.maxID, m.ID)
		s.edits[m.ID] = m.Edits
	}
	return s
}

// after waits until a message sent or edited since s contains want.
func (c *chat) after(s screen, want string) telegramtest.Message {
	c.t.Helper()
	var got telegramtest.Message
	c.srv.WaitFor(c.t, serveWait, func([]telegramtest.Call) bool {
		for _, m := range c.messages() {
			if (m.ID > s.maxID || m.Edits > s.edits[m.ID]) && strings.Contains(m.Text, want) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// afterButton waits until a message sent or edited since s carries a
// button labelled label, and returns it with the button's data.
func (c *chat) afterButton(s screen, label string) (telegramtest.Message, string) {
	c.t.Helper()
	var got telegramtest.Message
	var data string
	c.srv.WaitFor(c.t, serveWait, func([]telegramtest.Call) bool {
		for _, m := range c.messages() {
			if m.ID <= s.maxID && m.Edits <= s.edits[m.ID] {
				continue
			}
			for _, row := range m.Keyboard {
				for _, b := range row {
					if b.Text == label {
						got, data = m, b.Data
						return true
					}
				}
			}
		}
		return false
	})
	return got, data
}

// buttonOf returns the data of m's button labelled label.
func buttonOf(t *testing.T, m telegramtest.Message, label string) string {
	t.Helper()
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Text == label {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q under %q", label, m.Text)
	return ""
}

// keepButton returns m's "Keep: …" button label.
func keepButton(t *testing.T, p *locales.Printer, m telegramtest.Message) string {
	t.Helper()
	prefix, _, _ := strings.Cut(p.T("button.keep", "Value", "@@"), "@@")
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Text, prefix) {
				return b.Text
			}
		}
	}
	t.Fatalf("no %q button under %q", prefix, m.Text)
	return ""
}

// TestServePausedCheckSurvivesSIGKILL: a partner answers the first
// questions and pauses the check; the pause is committed and the program
// is SIGKILLed before its reply reached the partner. After the restart
// every way of starting a check (a new welcome's button, /check, the reply
// to a stale button) offers Continue or Start over, in the partner's
// language, and erases nothing: Continue goes on at the next question,
// and Start over offers each earlier answer as one tap to keep.
func TestServePausedCheckSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := specbotBinary(t)
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			srv := telegramtest.NewServer(t, serveToken)
			vars := serveVars(t, srv)
			id := int64(7101 + i)
			c := &chat{t: t, srv: srv, user: models.User{ID: id, FirstName: "Alice", LanguageCode: lang}, p: locales.For(lang)}
			yes := c.p.T("answer.yes")

			first := startServe(t, bin, vars)
			first.addr(t)
			c.say("/start")
			c.press(c.p.T("button.start_check"))
			c.waitFor(c.p.T("check.question.company"))
			c.say("Acme")
			c.waitFor(c.p.T("check.question.specs"))
			c.say("DevOps")
			agreement := c.waitFor(question(t, "partner_agreement", lang))
			stale := buttonOf(t, agreement, yes)
			c.press(yes)
			c.waitFor(question(t, "business_plan", lang))
			c.press(yes)
			c.waitFor(question(t, "verified_solutions", lang))

			// The pause is committed; its reply is held on the wire, and
			// the program dies.
			h := holdCalls(srv, 1, func(call telegramtest.Call) bool {
				return call.ChatID() == id && call.Method != "answerCallbackQuery"
			})
			c.say("/cancel")
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return h.held.Load() == 1 })
			first.kill(t)
			h.release()

			second := startServe(t, bin, vars)
			second.addr(t)
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return srv.Pending() == 0 })
			offer := c.p.T("check.in_progress")

			// A new welcome's button.
			s := c.screen()
			c.say("/start")
			welcome, data := c.afterButton(s, c.p.T("button.start_check"))
			s = c.screen()
			srv.PressButton(id, c.user, welcome.ID, data)
			got := c.after(s, offer)
			buttonOf(t, got, c.p.T("button.continue"))
			buttonOf(t, got, c.p.T("button.restart"))

			// /check.
			s = c.screen()
			c.say("/check")
			c.after(s, offer)

			// A stale button: the agreement's Yes, answered long ago. Its
			// reply's start button offers the same choice.
			s = c.screen()
			srv.PressButton(id, c.user, agreement.ID, stale)
			reply, data := c.afterButton(s, c.p.T("button.start_check"))
			s = c.screen()
			srv.PressButton(id, c.user, reply.ID, data)
			c.after(s, offer)

			// Continue goes on where the partner left off.
			s = c.screen()
			c.press(c.p.T("button.continue"))
			c.after(s, question(t, "verified_solutions", lang))

			// Start over keeps every earlier answer, one tap away.
			c.say("/cancel")
			s = c.screen()
			c.say("/check")
			c.after(s, offer)
			s = c.screen()
			c.press(c.p.T("button.restart"))
			q := c.after(s, c.p.T("check.question.company"))
			assert.Equal(t, c.p.T("button.keep", "Value", "Acme"), keepButton(t, c.p, q))
			s = c.screen()
			c.press(keepButton(t, c.p, q))
			q = c.after(s, c.p.T("check.question.specs"))
			assert.Equal(t, c.p.T("button.keep", "Value", "DevOps"), keepButton(t, c.p, q))
			s = c.screen()
			c.press(keepButton(t, c.p, q))
			for _, fact := range []string{"partner_agreement", "business_plan"} {
				q = c.after(s, question(t, fact, lang))
				label := keepButton(t, c.p, q)
				assert.Contains(t, label, yes, "%s kept", fact)
				s = c.screen()
				c.press(label)
			}
			c.after(s, question(t, "verified_solutions", lang))
			for _, m := range c.messages() {
				assert.NotContains(t, m.Text, "⚠️", "nothing went wrong on the way")
			}
			require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
			<-second.waited
		})
	}
}

// TestServeCardsBehindThePacerSurviveSIGKILL: four partners ask for a
// manager at once; the cards queue behind the managers' group pacer (one
// post per 3 s); the second card is taken by Telegram and the program is
// SIGKILLed before it hears back, with two more waiting. Every partner was
// told at once, in its language; after the restart every card is in the
// group exactly once, the one on the wire at the kill included.
func TestServeCardsBehindThePacerSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	const managersChat, manager, partners = -1001, 77, 4
	bin := specbotBinary(t)
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			srv := telegramtest.NewServer(t, serveToken)
			vars := managersVars(t, srv, managersChat, manager, lang)
			first := startServe(t, bin, vars)
			first.addr(t)
			var cs []*chat
			for n := range partners {
				id := int64(7200 + 10*i + n)
				c := &chat{t: t, srv: srv, user: models.User{ID: id, FirstName: fmt.Sprintf("P%d", n), LanguageCode: lang}, p: locales.For(lang)}
				c.say("/start")
				c.press(c.p.T("button.start_check"))
				c.waitFor(c.p.T("check.question.company"))
				c.say("/manager")
				c.waitFor(c.p.T("contact.ask_comment"))
				cs = append(cs, c)
			}
			cards := func() map[int64]int {
				n := map[int64]int{}
				for _, call := range srv.Calls("sendMessage") {
					if call.ChatID() != managersChat || !strings.HasPrefix(call.Params["text"], "📨") {
						continue
					}
					for _, c := range cs {
						if strings.Contains(call.Params["text"], fmt.Sprintf("tg://user?id=%d", c.user.ID)) {
							n[c.user.ID]++
						}
					}
				}
				return n
			}
			h := holdCalls(srv, 2, func(call telegramtest.Call) bool {
				return call.Method == "sendMessage" && call.ChatID() == managersChat && strings.HasPrefix(call.Params["text"], "📨")
			})
			for _, c := range cs {
				c.press(c.p.T("button.send_without_comment"))
			}
			for _, c := range cs {
				c.waitFor(c.p.T("contact.sent"))
			}
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return h.held.Load() == 1 })
			first.kill(t)
			h.release()
			require.Len(t, cards(), 2, "two cards taken by Telegram at the kill, two waiting")

			second := startServe(t, bin, vars)
			second.addr(t)
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return len(cards()) == partners })
			time.Sleep(3500 * time.Millisecond) // one more slot of the group's pace: nothing comes again
			for _, c := range cs {
				assert.Equal(t, 1, cards()[c.user.ID], "the card of chat %d, once", c.user.ID)
				n := 0
				for _, m := range c.messages() {
					if strings.Contains(m.Text, c.p.T("contact.sent")) {
						n++
					}
				}
				assert.Equal(t, 1, n, "chat %d told once", c.user.ID)
			}
			require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
			<-second.waited
		})
	}
}

// TestServeManyHandoffsDoNotDelayAPartnerAfterSIGKILL: forty partners ask
// for a manager at once and are told; the program is SIGKILLed with their
// cards waiting behind the group's pace (one post per 3 s) and started
// again. With 39 cards still to post, a partner who has nothing to do with
// them gets its welcome within a second, in its language.
func TestServeManyHandoffsDoNotDelayAPartnerAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	const managersChat, manager, partners = -1001, 77, 40
	bin := specbotBinary(t)
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			srv := telegramtest.NewServer(t, serveToken)
			vars := managersVars(t, srv, managersChat, manager, lang)
			first := startServe(t, bin, vars)
			first.addr(t)
			p := locales.For(lang)
			var cs []*chat
			for n := range partners {
				c := &chat{t: t, srv: srv, user: models.User{ID: int64(8000 + 100*i + n), FirstName: fmt.Sprintf("P%d", n), LanguageCode: lang}, p: p}
				c.say("/manager")
				cs = append(cs, c)
			}
			for _, c := range cs {
				c.waitFor(p.T("contact.ask_comment"))
			}
			posts := func() int {
				n := 0
				for _, call := range srv.Calls("sendMessage") {
					if call.ChatID() == managersChat && strings.HasPrefix(call.Params["text"], "📨") {
						n++
					}
				}
				return n
			}
			for _, c := range cs {
				c.press(p.T("button.send_without_comment"))
			}
			for _, c := range cs {
				c.waitFor(p.T("contact.sent"))
			}
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return posts() >= 1 })
			first.kill(t)

			second := startServe(t, bin, vars)
			second.addr(t)
			other := &chat{t: t, srv: srv, user: models.User{ID: 42, FirstName: "Alice", LanguageCode: lang}, p: p}
			asked := time.Now()
			other.say("/start")
			other.waitFor(p.T("button.start_check")[:0])
			took := time.Since(asked)
			t.Logf("the unrelated partner's welcome after %v, %d of %d cards posted", took.Round(time.Millisecond), posts(), partners)
			assert.Less(t, took, time.Second, "the unrelated partner is not held by the cards")
			assert.Less(t, posts(), partners, "cards still wait for the group's slots")
			welcome := other.messages()[0]
			buttonOf(t, welcome, p.T("button.start_check"))
			require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
			<-second.waited
		})
	}
}
