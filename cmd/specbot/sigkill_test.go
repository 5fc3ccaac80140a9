package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/eligibility"
	"specbot/store"
)

// The SIGKILL harness: the real program run against the fake Bot API, and
// a hold on the fake's answers, so that a test kills the program at a
// chosen moment: after Telegram applied a request, before the program
// heard back.

// startSpecbot runs the binary's subcommand args with a clean environment
// plus vars (startServe is the serve case).
func startSpecbot(t *testing.T, bin string, vars map[string]string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SPECBOT_") && !strings.HasPrefix(kv, "TELEGRAM_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &process{cmd: cmd, out: &lockedBuffer{}, waited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	require.NoError(t, cmd.Start())
	go func() { p.waited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.waited
		}
		if t.Failed() {
			t.Logf("specbot %s output:\n%s", strings.Join(args, " "), p.out.String())
		}
	})
	return p
}

// kill SIGKILLs the program and waits until it is gone.
func (p *process) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	require.Error(t, <-p.waited, "killed")
}

// hold keeps the fake's answers to the calls it matches (once applied)
// until release: the program waits for them, and a kill then leaves each
// applied without the program knowing.
type hold struct {
	held     atomic.Int64
	released chan struct{}
	once     sync.Once
}

// holdCalls holds, from the after-th matching call on, every matching call.
func holdCalls(srv *telegramtest.Server, after int64, match func(telegramtest.Call) bool) *hold {
	h := &hold{released: make(chan struct{})}
	var seen atomic.Int64
	srv.OnCall(func(c telegramtest.Call) {
		if !match(c) || seen.Add(1) < after {
			return
		}
		h.held.Add(1)
		select {
		case <-h.released:
		case <-time.After(serveWait):
		}
	})
	return h
}

func (h *hold) release() { h.once.Do(func() { close(h.released) }) }

// reminderPartners stores n consenting partners, every other one Russian,
// a third of them never checked: each is due one reminder 30 days before
// the April window.
func reminderPartners(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	defer db.Close()
	c := eligibility.DefaultCatalog()
	for i := range n {
		id := int64(100 + i)
		lang := []string{"en", "ru"}[i%2]
		turn := &store.Turn{Partner: store.Partner{ChatID: id, UserID: id, Lang: lang, Reminders: store.Consent("on"), Company: fmt.Sprintf("Acme %d", id)}}
		if i%3 != 0 {
			facts, err := eligibility.ParseFacts(c, []byte(remindFacts[[]string{"eligible", "close"}[i%3-1]]))
			require.NoError(t, err)
			rep := eligibility.Evaluate(c, facts, time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
			res, _ := rep.Result("infrastructure")
			turn.Report = &store.Report{Facts: facts, Verdict: rep,
				Statuses: map[string]eligibility.Status{"infrastructure": res.Status}, Gaps: map[string]int{"infrastructure": res.Gaps()}}
		}
		require.NoError(t, db.SaveTurn(ctx, turn))
	}
}

// sendingReminders counts the reminders claimed and not finished.
func sendingReminders(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	n := 0
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM reminders WHERE state = ?`, store.ReminderSending).Scan(&n))
	return n
}

// TestRemindSIGKILLedBroadcastDeliversEveryReminderOnce: a cron `specbot
// remind` sends 40 reminders; from the 15th on, Telegram takes each but
// its answer is held, and once every sender waits on one the program is
// SIGKILLed. A second run sends the rest. Every partner gets its
// reminder exactly once, in its language: those on the wire at the kill
// (claimed, taken by Telegram, never recorded as sent) are not sent again.
func TestRemindSIGKILLedBroadcastDeliversEveryReminderOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := specbotBinary(t)
	srv := telegramtest.NewServer(t, remindToken)
	path := filepath.Join(t.TempDir(), "specbot.db")
	const partners = 40
	reminderPartners(t, path, partners)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": remindToken, "TELEGRAM_API_URL": srv.URL(), "SPECBOT_DB": path,
		"SPECBOT_SEND_RATE": "30",
	}
	now := "2027-03-02T11:00:00+03:00"
	h := holdCalls(srv, 15, func(c telegramtest.Call) bool { return c.Method == "sendMessage" })
	first := startSpecbot(t, bin, vars, "remind", "--now", now)
	// The broadcaster's eight senders each end up waiting on a held answer.
	deadline := time.Now().Add(serveWait)
	for h.held.Load() < 8 || sendingReminders(t, path) != int(h.held.Load()) {
		require.True(t, time.Now().Before(deadline), "held %d, claimed %d", h.held.Load(), sendingReminders(t, path))
		time.Sleep(20 * time.Millisecond)
	}
	inFlight := sendingReminders(t, path)
	first.kill(t)
	h.release()
	before := len(srv.Calls("sendMessage"))
	t.Logf("killed with %d reminders on the wire, %d taken by Telegram", inFlight, before)
	require.Less(t, before, partners, "the kill came mid-broadcast")

	second := startSpecbot(t, bin, vars, "remind", "--now", now)
	select {
	case err := <-second.waited:
		require.NoError(t, err)
	case <-time.After(serveWait):
		t.Fatal("the second run did not finish")
	}
	assert.Contains(t, second.out.String(), fmt.Sprintf("sent %d,", partners-before))

	for i := range partners {
		id := int64(100 + i)
		msgs := srv.Messages(id)
		if !assert.Len(t, msgs, 1, "chat %d gets its reminder once", id) {
			continue
		}
		cyrillic := regexp.MustCompile(`\p{Cyrillic}`).MatchString(msgs[0].Text)
		assert.Equal(t, i%2 == 1, cyrillic, "chat %d in its language: %.80q", id, msgs[0].Text)
	}
	assert.Len(t, srv.Calls("sendMessage"), partners, "no reminder sent twice")
}

// TestServeRedeliveredAnswerAfterSIGKILL: a manager's /stats or /export, or
// a partner's text too long, is answered; Telegram takes the answer, and
// the program is SIGKILLed before it hears back; Telegram then delivers
// the same update again. The next run answers nothing twice: the answer
// was stored with the update's done mark, and what was on the wire at the
// kill is not sent again.
func TestServeRedeliveredAnswerAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	const managersChat, manager = -1001, 77
	tests := []struct {
		name, lang, text, method string
		chat                     int64
		from                     models.User
	}{
		{"stats in Russian", "ru", "/stats", "sendMessage", managersChat, models.User{ID: manager, FirstName: "Maria", LanguageCode: "ru"}},
		{"export in English", "en", "/export", "sendDocument", managersChat, models.User{ID: manager, FirstName: "Ivan", LanguageCode: "en"}},
		{"too long in Russian", "ru", strings.Repeat("а", 2001), "sendMessage", 7001, models.User{ID: 7001, FirstName: "Vera", LanguageCode: "ru"}},
		{"too long in English", "en", strings.Repeat("a", 2001), "sendMessage", 7002, models.User{ID: 7002, FirstName: "Alice", LanguageCode: "en"}},
	}
	bin := specbotBinary(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.NewServer(t, serveToken)
			vars := managersVars(t, srv, managersChat, manager, tt.lang)
			first := startServe(t, bin, vars)
			first.addr(t)
			answers := func() int {
				n := 0
				for _, c := range srv.Calls(tt.method) {
					if c.ChatID() == tt.chat && c.Code == 0 {
						n++
					}
				}
				return n
			}
			h := holdCalls(srv, 1, func(c telegramtest.Call) bool { return c.Method == tt.method && c.ChatID() == tt.chat })
			id := srv.SendText(tt.chat, tt.from, tt.text)
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return h.held.Load() == 1 })
			first.kill(t)
			h.release()
			require.Equal(t, 1, answers(), "Telegram took the answer before the kill")
			srv.Redeliver(id)

			second := startServe(t, bin, vars)
			second.addr(t)
			srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return srv.Pending() == 0 })
			// Fetched again, it is either looked at and found answered, or
			// (fetched before the dispatcher runs) stored as done already
			// and left alone; and the update is in the inbox, done, so the
			// start does not apply it either.
			deadline := time.Now().Add(3 * time.Second)
			for !strings.Contains(second.out.String(), "update answered before; skipped") && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(500 * time.Millisecond)
			assert.Equal(t, 1, answers(), "answered once")
			if tt.method == "sendMessage" && tt.chat > 0 {
				msgs := srv.Messages(tt.chat)
				require.Len(t, msgs, 1)
				want := map[string]string{"en": "too long", "ru": "длинн"}[tt.lang]
				assert.Contains(t, msgs[0].Text, want)
			}
			require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
			<-second.waited
		})
	}
}

// TestRemindTwoRunsShareOneBudget: two `specbot remind` processes on one
// database at once (as serve and a cron run would) send 40 reminders
// between them at SPECBOT_SEND_RATE=10: together, never faster than 10 a
// second (apart, they would send 20), and each reminder once.
func TestRemindTwoRunsShareOneBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := specbotBinary(t)
	srv := telegramtest.NewServer(t, remindToken)
	path := filepath.Join(t.TempDir(), "specbot.db")
	const partners, rate = 40, 10
	reminderPartners(t, path, partners)
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": remindToken, "TELEGRAM_API_URL": srv.URL(), "SPECBOT_DB": path,
		"SPECBOT_SEND_RATE": fmt.Sprint(rate),
	}
	now := "2027-03-02T11:00:00+03:00"
	runs := []*process{startSpecbot(t, bin, vars, "remind", "--now", now), startSpecbot(t, bin, vars, "remind", "--now", now)}
	for _, p := range runs {
		select {
		case err := <-p.waited:
			require.NoError(t, err)
		case <-time.After(serveWait):
			t.Fatal("a run did not finish")
		}
	}
	sent := srv.Calls("sendMessage")
	require.Len(t, sent, partners, "each reminder once")
	span := sent[len(sent)-1].At.Sub(sent[0].At)
	most := 0
	for i := range sent {
		n := 0
		for _, c := range sent[i:] {
			if c.At.Sub(sent[i].At) < time.Second {
				n++
			}
		}
		most = max(most, n)
	}
	t.Logf("%d reminders from two processes over %v; at most %d in one second (budget %d/s)", partners, span.Round(time.Millisecond), most, rate)
	assert.GreaterOrEqual(t, span, time.Duration(float64(partners-1)/rate*0.9*float64(time.Second)), "one budget for both")
	assert.LessOrEqual(t, most, rate+1)
	for _, p := range runs {
		assert.Contains(t, p.out.String(), "sent ")
	}
}
