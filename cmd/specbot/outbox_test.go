package main

import (
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/locales"
)

// TestServeLostReplyArrivesOnceAfterSIGKILL: a partner's tap on "Start the
// check" is applied and committed, and the program is SIGKILLed while it
// answers the callback, before the reply (the company question) went out:
// the reply is lost between the commit and the send. The next start sends
// the stored reply, once, in the partner's language.
func TestServeLostReplyArrivesOnceAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := specbotBinary(t)
	for i, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			srv := telegramtest.NewServer(t, serveToken)
			vars := serveVars(t, srv)
			first := startServe(t, bin, vars)
			first.addr(t)

			chat := int64(7001 + i)
			user := models.User{ID: chat, FirstName: "Alice", LanguageCode: lang}
			p := locales.For(lang)
			srv.SendText(chat, user, "/start")
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return len(srv.Messages(chat)) == 1 })
			welcome := srv.Messages(chat)[0]
			data := buttonOf(t, welcome, p.T("button.start_check"))

			held, release := make(chan struct{}), make(chan struct{})
			var once atomic.Bool
			srv.OnCall(func(c telegramtest.Call) {
				if c.Method == "answerCallbackQuery" && once.CompareAndSwap(false, true) {
					close(held)
					select {
					case <-release:
					case <-time.After(serveWait):
					}
				}
			})
			srv.PressButton(chat, user, welcome.ID, data)
			select {
			case <-held:
			case <-time.After(serveWait):
				t.Fatal("the callback was never answered")
			}
			require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
			require.Error(t, <-first.waited, "killed")
			close(release)
			require.Len(t, srv.Messages(chat), 1, "the reply was lost to the kill")

			second := startServe(t, bin, vars)
			second.addr(t)
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return len(srv.Messages(chat)) > 1 })
			time.Sleep(500 * time.Millisecond)
			msgs := srv.Messages(chat)
			require.Len(t, msgs, 2, "the reply arrives once")
			assert.Contains(t, msgs[1].Text, p.T("check.question.company"), "the company question, in the partner's language")
			assert.NotNil(t, msgs[1].Keyboard, "with its buttons")
			require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
			<-second.waited
		})
	}
}
