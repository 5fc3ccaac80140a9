package bot_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Moscow on any machine

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// The end-to-end tests run the real go-telegram/bot client inside bot.Bot
// against telegramtest's fake Bot API server on 127.0.0.1 and assert on what
// the server received. A harness owns one bot (restartable on the same
// database file); a partner plays one private chat the way a person does:
// it reads the buttons of the bot's latest messages and presses them by
// label, or types.

// testToken is the bot token of every test; it must never reach a log.
const testToken = "123456:SECRET-e2e-token"

// waitFor bounds every wait for the bot.
const waitFor = 15 * time.Second

// Managers of the handoff tests.
const managersChat int64 = -100

var (
	maria = models.User{ID: 7, FirstName: "Maria", Username: "maria", LanguageCode: "ru"}
	ivan  = models.User{ID: 8, FirstName: "Ivan", Username: "ivan", LanguageCode: "en"}
)

// testNow is the dialogs' clock: outside any window, the April 2027 window
// opens in 127 days.
func testNow() time.Time {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		panic(err)
	}
	return time.Date(2026, time.November, 25, 12, 0, 0, 0, loc)
}

// harness runs one bot against a fake Bot API server.
type harness struct {
	t      *testing.T
	srv    *telegramtest.Server
	cfg    bot.Config
	dbPath string
	logs   *syncBuffer
	// webhook is set in webhook mode: updates reach the bot only when the
	// test delivers them.
	webhook bool

	// catalog is the edition the bot runs (nil: the default); a test
	// switches editions between a stop and a start.
	catalog *eligibility.Catalog

	// movedGroup is the supergroup the managers' group was upgraded to, 0 if none.
	movedGroup int64

	db   *store.DB
	addr string
	// skew moves the store's clock ahead of time.Now (invitations expire
	// by it); atomic, so a test moves it while the bot runs.
	skew   atomic.Int64
	cancel context.CancelFunc
	done   chan error
}

type option func(*bot.Config)

// withRetryEvery shortens the dispatcher's retry tick, so that a fault test
// sees a retry without sleeping through real seconds.
func withRetryEvery(d time.Duration) option {
	return func(c *bot.Config) { c.RetryEvery = d }
}

func withManagers(lang string) option {
	return func(c *bot.Config) {
		c.ManagersChatID = managersChat
		c.ManagerIDs = []int64{maria.ID, ivan.ID}
		c.ManagersLang = lang
	}
}

// newHarness starts a bot in polling mode unless an option sets a webhook.
func newHarness(t *testing.T, opts ...option) *harness {
	t.Helper()
	srv := telegramtest.NewServer(t, testToken)
	cfg := bot.Config{
		Token: testToken, APIURL: srv.URL(), HTTPAddr: "127.0.0.1:0",
		PollTimeout: 2 * time.Second, GroupInterval: 10 * time.Millisecond, ShutdownGrace: 5 * time.Second,
		// The simulated partners act faster than people: Telegram's pace
		// and budget are left wide except where a test sets them
		// (TestDeliveryRepliesToOneChatArePaced, TestOutboxMany…, TestBudget*).
		ChatInterval: time.Millisecond, SendRate: 1000,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h := &harness{t: t, srv: srv, cfg: cfg, dbPath: filepath.Join(t.TempDir(), "specbot.db"), logs: &syncBuffer{}, webhook: cfg.WebhookURL != ""}
	t.Cleanup(func() {
		h.stop()
		require.NotContains(t, h.logs.String(), testToken, "the token leaked into the logs")
		require.NotContains(t, h.logs.String(), strings.SplitN(testToken, ":", 2)[1], "the token leaked into the logs")
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
	})
	h.start()
	return h
}

// edition is the catalogue the bot runs.
func (h *harness) edition() *eligibility.Catalog {
	if h.catalog != nil {
		return h.catalog
	}
	return eligibility.DefaultCatalog()
}

func (h *harness) engine() *dialogs.Engine {
	e := dialogs.NewEngine(h.edition(), testNow().Location())
	e.Now = testNow
	return e
}

// start opens the database and runs a new bot on it.
func (h *harness) start() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := store.Open(ctx, h.dbPath)
	require.NoError(h.t, err)
	db.Catalog = h.edition()
	db.Now = func() time.Time { return time.Now().Add(time.Duration(h.skew.Load())) }
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := bot.New(ctx, h.cfg, db, h.engine(), log)
	require.NoError(h.t, err)
	registered := len(h.srv.Calls("setWebhook"))
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	h.db, h.cancel, h.done = db, cancel, done
	actx, acancel := context.WithTimeout(ctx, waitFor)
	defer acancel()
	addr := make(chan string, 1)
	go func() { addr <- b.Addr(actx) }()
	select {
	case h.addr = <-addr:
	case err := <-done:
		cancel()
		h.cancel = nil
		db.Close()
		h.t.Fatalf("Run ended before listening: %v", err)
	}
	require.NotEmpty(h.t, h.addr, "the bot never listened")
	if h.webhook {
		// Run registers the webhook once it listens.
		h.srv.WaitFor(h.t, waitFor, func([]telegramtest.Call) bool { return len(h.srv.Calls("setWebhook")) > registered })
	}
}

// stop cancels the bot's context, waits for Run and closes the database.
func (h *harness) stop() {
	h.t.Helper()
	if h.cancel == nil {
		return
	}
	h.cancel()
	select {
	case err := <-h.done:
		require.NoError(h.t, err)
	case <-time.After(waitFor):
		h.t.Fatal("Run did not return after its context ended")
	}
	require.NoError(h.t, h.db.Close())
	h.cancel = nil
}

// settle waits until the bot has nothing left to do: every queued update
// fetched and stored (polling), nothing pending in the inbox and no chat in
// flight (replies included), and no card waiting for the group sender.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.Now().Add(waitFor)
	for !h.idle() {
		if time.Now().After(deadline) {
			h.t.Fatalf("the bot did not settle within %v: %d updates queued on the server", waitFor, h.srv.Pending())
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// waitingCards counts the group posts waiting to be sent or claimed for
// sending and not yet marked sent, in one snapshot: a card goes from one
// state to the other (a refused post goes back to waiting), and counts
// taken one after the other could each miss it.
func (h *harness) waitingCards() (int, error) {
	db, err := sql.Open("sqlite3", "file:"+h.dbPath+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	n := 0
	err = db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE chat_id IN (?, ?, ?) AND state IN (?, ?)`,
		managersChat, h.cfg.ManagersChatID, h.movedGroup, store.OutboxPending, store.OutboxSending).Scan(&n)
	return n, err
}

func (h *harness) idle() bool {
	if !h.webhook && h.srv.Pending() > 0 {
		return false
	}
	pending, err := h.db.PendingUpdates(context.Background(), 1)
	if err != nil || len(pending) > 0 {
		return false
	}
	// Cards wait in the outbox for the group sender; a card claimed for
	// its slot is on its way (a 429 may hold it).
	if n, err := h.waitingCards(); err != nil || n > 0 {
		return false
	}
	n, err := h.metric("specbot_chats_in_flight")
	return err == nil && n == 0
}

// metric sums the samples of a Prometheus series from /metrics.
func (h *harness) metric(name string) (float64, error) {
	resp, err := http.Get("http://" + h.addr + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("metrics: %s", resp.Status)
	}
	sum, found := 0.0, false
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok || (series != name && !strings.HasPrefix(series, name+"{")) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return 0, err
		}
		sum, found = sum+v, true
	}
	if !found {
		return 0, fmt.Errorf("metrics: no %s", name)
	}
	return sum, sc.Err()
}

// calls returns the calls of a method addressed to a chat.
func (h *harness) calls(method string, chatID int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range h.srv.Calls(method) {
		if c.ChatID() == chatID {
			out = append(out, c)
		}
	}
	return out
}

// refused lists the calls the server refused, but for clearing the
// buttons of a message that has none ("message is not modified", which the
// bot ignores on purpose).
func (h *harness) refused() []string {
	var out []string
	for _, c := range h.srv.Calls() {
		if c.Code != 0 && !(c.Method == "editMessageReplyMarkup" && c.Code == http.StatusBadRequest) {
			out = append(out, fmt.Sprintf("%s %d chat %s: %.80q", c.Method, c.Code, c.Params["chat_id"], c.Params["text"]))
		}
	}
	return out
}

// answered returns the successful answerCallbackQuery calls.
func (h *harness) answered() []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range h.srv.Calls("answerCallbackQuery") {
		if c.Code == 0 {
			out = append(out, c)
		}
	}
	return out
}

// partner plays one private chat.
type partner struct {
	tb   testing.TB
	h    *harness
	srv  *telegramtest.Server
	chat int64
	user models.User
	p    *locales.Printer
	// presses counts the callback queries this partner sent.
	presses int
}

// partner opens a private chat with a user whose Telegram speaks lang.
func (h *harness) partner(tb testing.TB, id int64, name, lang string) *partner {
	return &partner{
		tb: tb, h: h, srv: h.srv, chat: id, p: locales.For(lang),
		user: models.User{ID: id, FirstName: name, Username: strings.ToLower(name), LanguageCode: lang},
	}
}

// T is a text of the partner's language.
func (p *partner) T(id string, kv ...any) string { return p.p.T(id, kv...) }

// deliver pushes queued updates in webhook mode; polling needs nothing.
func (p *partner) deliver() {
	p.tb.Helper()
	if !p.h.webhook {
		return
	}
	require.NoError(p.tb, p.srv.DeliverWebhook(context.Background(), p.h.webhookURL(), p.h.cfg.WebhookSecret))
}

func (h *harness) webhookURL() string {
	return "http://" + h.addr + "/hook"
}

// mark is what the chat looked like before an action.
type mark struct {
	maxID int
	edits map[int]int
}

func (p *partner) mark() mark {
	m := mark{edits: map[int]int{}}
	for _, msg := range p.srv.Messages(p.chat) {
		m.maxID = max(m.maxID, msg.ID)
		m.edits[msg.ID] = msg.Edits
	}
	return m
}

// changed returns the messages sent or edited since m, oldest first.
func (p *partner) changed(m mark) []telegramtest.Message {
	var out []telegramtest.Message
	for _, msg := range p.srv.Messages(p.chat) {
		if msg.ID > m.maxID || msg.Edits > m.edits[msg.ID] {
			out = append(out, msg)
		}
	}
	return out
}

// waitStep waits until the bot asks something after m: a new message with
// buttons, or the current one edited with its buttons kept (a toggle).
func (p *partner) waitStep(m mark) telegramtest.Message {
	p.tb.Helper()
	var got telegramtest.Message
	p.srv.WaitFor(p.tb, waitFor, func([]telegramtest.Call) bool {
		for _, msg := range p.changed(m) {
			if msg.Keyboard != nil {
				got = msg
			}
		}
		return got.ID != 0
	})
	return got
}

// waitText waits until a message sent or edited after m contains want.
func (p *partner) waitText(m mark, want string) telegramtest.Message {
	p.tb.Helper()
	var got telegramtest.Message
	p.srv.WaitFor(p.tb, waitFor, func([]telegramtest.Call) bool {
		for _, msg := range p.changed(m) {
			if strings.Contains(msg.Text, want) {
				got = msg
				return true
			}
		}
		return false
	})
	return got
}

// typ sends a text and waits for the next question.
func (p *partner) typ(text string) telegramtest.Message {
	p.tb.Helper()
	m := p.mark()
	p.srv.SendText(p.chat, p.user, text)
	p.deliver()
	return p.waitStep(m)
}

// say sends a text and waits for a reply containing want.
func (p *partner) say(text, want string) telegramtest.Message {
	p.tb.Helper()
	m := p.mark()
	p.srv.SendText(p.chat, p.user, text)
	p.deliver()
	return p.waitText(m, want)
}

// press presses the button labelled label and waits for the next question.
func (p *partner) press(label string) telegramtest.Message {
	p.tb.Helper()
	msg, data := p.button(label)
	m := p.mark()
	p.pressOn(msg.ID, data)
	return p.waitStep(m)
}

// pressFor presses a button and waits for a reply containing want.
func (p *partner) pressFor(label, want string) telegramtest.Message {
	p.tb.Helper()
	msg, data := p.button(label)
	m := p.mark()
	p.pressOn(msg.ID, data)
	return p.waitText(m, want)
}

// pressOn presses data under a message, whatever it shows now.
func (p *partner) pressOn(msgID int, data string) int64 {
	p.tb.Helper()
	id := p.srv.PressButton(p.chat, p.user, msgID, data)
	p.presses++
	p.deliver()
	return id
}

// button waits until a message of the chat shows a button labelled label
// (a toggle's "▫️ "/"✅ " mark aside), newest message first.
func (p *partner) button(label string) (telegramtest.Message, string) {
	p.tb.Helper()
	var msg telegramtest.Message
	var data string
	p.srv.WaitFor(p.tb, waitFor, func([]telegramtest.Call) bool {
		var ok bool
		msg, data, ok = findButton(p.srv.Messages(p.chat), label)
		return ok
	})
	return msg, data
}

func findButton(msgs []telegramtest.Message, label string) (telegramtest.Message, string, bool) {
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Keyboard {
			for _, b := range row {
				if b.Text == label || strings.TrimPrefix(strings.TrimPrefix(b.Text, "▫️ "), "✅ ") == label {
					return msgs[i], b.Data, true
				}
			}
		}
	}
	return telegramtest.Message{}, "", false
}

// last returns the newest message of the chat.
func (p *partner) last() telegramtest.Message {
	p.tb.Helper()
	m, ok := p.srv.LastMessage(p.chat)
	require.True(p.tb, ok, "no message in chat %d", p.chat)
	return m
}

// find returns the messages of the chat containing s.
func (p *partner) find(s string) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range p.srv.Messages(p.chat) {
		if strings.Contains(m.Text, s) {
			out = append(out, m)
		}
	}
	return out
}

// asked counts the times the bot showed a text to the partner: each
// message sent with it, and each edit that turned a message into it (a
// question answered by a button becomes the next one in place).
func (p *partner) asked(q string) int {
	// The sent messages, in the order of the successful sendMessage calls
	// that made them.
	var sent []int
	for _, m := range p.srv.Messages(p.chat) {
		if m.Method == "sendMessage" {
			sent = append(sent, m.ID)
		}
	}
	n, i := 0, 0
	shows := map[string]bool{} // message id -> it shows q now
	for _, c := range p.srv.Calls("sendMessage", "editMessageText") {
		if c.Code != 0 || c.ChatID() != p.chat {
			continue
		}
		has := strings.Contains(c.Params["text"], q)
		if c.Method == "sendMessage" {
			if has {
				n++
			}
			if i < len(sent) {
				shows[strconv.Itoa(sent[i])] = has
			}
			i++
			continue
		}
		id := c.Params["message_id"]
		if has && !shows[id] {
			n++
		}
		shows[id] = has
	}
	return n
}

// deadButtons returns the questions (messages starting with their "Step N
// of M" line) that still show buttons although a newer question was asked.
func (p *partner) deadButtons() []string {
	msgs := p.srv.Messages(p.chat)
	current := 0
	for _, m := range msgs {
		if m.Keyboard != nil && stepRE.MatchString(m.Text) {
			current = m.ID
		}
	}
	var out []string
	for _, m := range msgs {
		if m.Keyboard != nil && m.ID != current && stepRE.MatchString(m.Text) {
			out = append(out, fmt.Sprintf("%d: %.60q", m.ID, m.Text))
		}
	}
	return out
}

// act is one thing a partner does: press a button by label, or type.
type act struct{ press, typ string }

func press(label string) act { return act{press: label} }
func typ(text string) act    { return act{typ: text} }

func (p *partner) play(script ...act) {
	p.tb.Helper()
	for _, a := range script {
		if a.press != "" {
			p.press(a.press)
		} else {
			p.typ(a.typ)
		}
	}
}

// Labels of the default catalogue, per language.
type labels struct {
	passed, scheduled              string
	cse, protect, gitops, devsecop string
}

var catalogLabels = map[string]labels{
	"en": {passed: "Passed", scheduled: "Scheduled", cse: "Cloud service engineer", protect: "Cloud infrastructure protection",
		gitops: "GitOps infrastructure deployment", devsecop: "DevSecOps in cloud CI/CD"},
	"ru": {passed: "Пройдено", scheduled: "Назначено", cse: "Инженер облачных сервисов", protect: "Защита облачной инфраструктуры",
		gitops: "Развёртывание инфраструктуры по GitOps", devsecop: "DevSecOps в облачном CI/CD"},
}

func (p *partner) labels() labels { return catalogLabels[p.p.Lang()] }

// mlCheck runs a whole ML & AI check from /start to the summary: Brand
// Voice Call Center with one project consuming month a month.
func (p *partner) mlCheck(company, month string) {
	p.tb.Helper()
	p.typ("/start")
	p.play(press(p.T("button.start_check")), typ(company), press("ML & AI"), press(p.T("button.done")),
		press(p.T("answer.yes")), press(p.T("answer.yes")), typ("1"), press("0"), press("0"))
	// A later check skips the call-center count when the amount kept from
	// the previous one already decides that alternative.
	if _, ok := buttonData(p.last(), "1"); ok {
		p.play(press("1"))
	}
	p.play(typ(month))
	require.Contains(p.tb, p.last().Text, p.T("summary.title"))
}

// verdict presses "Show the verdict" and returns the verdict message.
func (p *partner) verdict() telegramtest.Message {
	p.tb.Helper()
	return p.pressFor(p.T("button.verdict"), "🗓")
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// goTB lets a helper that fails through testing.TB run in a goroutine: a
// fatal failure records the message and ends only that goroutine, and the
// test goroutine reports it.
type goTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (g *goTB) Helper() {}

func (g *goTB) Errorf(format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.errs = append(g.errs, fmt.Sprintf(format, args...))
}

func (g *goTB) Error(args ...any)                 { g.Errorf("%s", fmt.Sprint(args...)) }
func (g *goTB) Fatalf(format string, args ...any) { g.Errorf(format, args...); runtime.Goexit() }
func (g *goTB) Fatal(args ...any)                 { g.Error(args...); runtime.Goexit() }
func (g *goTB) FailNow()                          { runtime.Goexit() }
func (g *goTB) Fail()                             { g.Errorf("failed") }

func (g *goTB) Failed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.errs) > 0
}

func (g *goTB) report(t *testing.T, who string) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, e := range g.errs {
		t.Errorf("%s: %s", who, e)
	}
}

// freeAddr reserves a loopback port for a webhook URL that must name it.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// commandsOf decodes the commands of a setMyCommands call.
func commandsOf(t *testing.T, c telegramtest.Call) map[string]string {
	t.Helper()
	var cmds []models.BotCommand
	require.NoError(t, json.Unmarshal([]byte(c.Params["commands"]), &cmds))
	out := map[string]string{}
	for _, cmd := range cmds {
		out[cmd.Command] = cmd.Description
	}
	return out
}

// scopeOf decodes the scope of a setMyCommands call ("default" when none).
func scopeOf(t *testing.T, c telegramtest.Call) map[string]any {
	t.Helper()
	scope := map[string]any{"type": "default"}
	if s := c.Params["scope"]; s != "" {
		require.NoError(t, json.Unmarshal([]byte(s), &scope))
	}
	return scope
}

// get fetches a path of the bot's HTTP address.
func (h *harness) get(path string) (int, string) {
	h.t.Helper()
	resp, err := http.Get("http://" + h.addr + path)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	return resp.StatusCode, string(body)
}
