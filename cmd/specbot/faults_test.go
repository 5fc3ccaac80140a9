package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
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

// faultPartners is how many partners play a whole check during the kills.
const faultPartners = 10

// faultKills is how many times the program is killed during the run.
const faultKills = 3

// faultQuiet is how long a partner waits for a reply before it writes
// /start, the way a person nudges a bot that went silent: a SIGKILL right
// after an answer was saved but before the reply went out loses the reply
// (never the answer), and /start in the middle of a check asks the current
// question again without changing anything.
const faultQuiet = 1200 * time.Millisecond

// faultSeedVar replays a run: the seed decides when the kills happen (at
// which action of the run, and whether right after an update or while a
// reply is in flight) and how long each partner thinks before each action.
const faultSeedVar = "SPECBOT_FAULT_SEED"

// TestServeSurvivesSIGKILLUnderLoad: ten partners play a whole check at
// once against the real program (buttons, toggles and typed amounts), and
// the program is SIGKILLed at three random moments while their updates are
// in flight, then started again on the same database. Every partner reaches
// the verdict; each stored report holds exactly the answers the partner
// gave (nothing lost, nothing applied twice or to a question it was not
// meant for, no employee twice); every update the partners sent is in the
// inbox and done; no callback query is answered twice.
func TestServeSurvivesSIGKILLUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(faultSeedVar); v != "" {
		var err error
		seed, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, faultSeedVar)
	}
	t.Logf("seed %d (replay with %s=%d)", seed, faultSeedVar, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	bin := specbotBinary(t)
	begin := time.Now()
	srv := telegramtest.NewServer(t, serveToken)
	dbPath := filepath.Join(t.TempDir(), "specbot.db")
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": serveToken, "TELEGRAM_API_URL": srv.URL(),
		"SPECBOT_DB": dbPath, "SPECBOT_HTTP_ADDR": "127.0.0.1:0",
		// The partners tap faster than people: each chat's pace is
		// Telegram's limit, not theirs.
		"SPECBOT_CHAT_RATE": "30",
	}
	runs := []*process{startServe(t, bin, vars)}
	runs[0].addr(t)

	var awaiting atomic.Int64 // partners waiting for the bot's answer to an action
	var actions atomic.Int64  // actions of all partners so far
	// A kill lands either right after a partner's update was sent (before
	// or while it is stored and applied), or while the program waits for
	// the answer to one of its replies (after the update was applied):
	// the hook holds that answer until the process is dead.
	var armed atomic.Bool
	killNow := make(chan chan struct{})
	srv.OnCall(func(c telegramtest.Call) {
		switch c.Method {
		case "sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery":
		default:
			return
		}
		if !armed.CompareAndSwap(true, false) {
			return
		}
		done := make(chan struct{})
		select {
		case killNow <- done:
			select {
			case <-done:
			case <-time.After(serveWait):
			}
		case <-time.After(serveWait):
		}
	})

	partners := make([]*faultPartner, faultPartners)
	deadline := time.Now().Add(25 * time.Second)
	stop := make(chan struct{}) // ends the partners when the test fails early
	errs := make([]error, faultPartners)
	var wg sync.WaitGroup
	for i := range partners {
		id := int64(7001 + i)
		partners[i] = &faultPartner{
			srv: srv, chat: id, awaiting: &awaiting, total: &actions, stop: stop,
			user:  models.User{ID: id, FirstName: fmt.Sprintf("Partner%d", i), Username: fmt.Sprintf("partner%d", i), LanguageCode: "en"},
			rng:   rand.New(rand.NewPCG(seed, uint64(id))),
			think: time.Duration(30+rng.IntN(50)) * time.Millisecond,
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = partners[i].play(deadline)
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	t.Cleanup(func() { close(stop); <-finished })

	// A whole check is 23 actions: the kills fall in the first, second and
	// last third of the run.
	const span = faultPartners * 23 / faultKills
	for k := range faultKills {
		target := int64(k*span + span/5 + rng.IntN(span*3/5))
		inReply := rng.IntN(2) == 1
		for actions.Load() < target {
			select {
			case <-finished:
				t.Fatalf("every partner finished before kill %d: %v", k+1, errors.Join(errs...))
			case <-time.After(200 * time.Microsecond):
			}
		}
		var release chan struct{}
		how := "right after an update was sent"
		if inReply {
			how = "while a reply was in flight"
			armed.Store(true)
			select {
			case release = <-killNow:
			case <-finished:
				t.Fatalf("every partner finished before kill %d: %v", k+1, errors.Join(errs...))
			}
		}
		p := runs[len(runs)-1]
		inFlight, queued := awaiting.Load(), srv.Pending()
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
		require.Error(t, <-p.waited, "killed")
		if release != nil {
			close(release)
		}
		steps := make([]string, len(partners))
		for i, fp := range partners {
			steps[i] = strconv.Itoa(int(fp.actions.Load()))
		}
		t.Logf("kill %d at %v, %s (action %d of ~%d): %d partners waiting for a reply, %d updates unconfirmed; actions per partner: %s",
			k+1, time.Since(begin).Round(time.Millisecond), how, actions.Load(), faultPartners*23, inFlight, queued, strings.Join(steps, " "))
		// Partners go on writing while it is down.
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		runs = append(runs, startServe(t, bin, vars))
		runs[len(runs)-1].addr(t)
	}

	select {
	case <-finished:
	case <-time.After(time.Until(deadline) + 5*time.Second):
		t.Fatal("the partners did not finish")
	}
	for i, err := range errs {
		assert.NoError(t, err, "partner %d", partners[i].chat)
	}
	srv.WaitFor(t, serveWait, func([]telegramtest.Call) bool { return srv.Pending() == 0 })
	last := runs[len(runs)-1]
	require.NoError(t, last.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-last.waited:
		require.NoError(t, err, "clean exit after SIGTERM")
	case <-time.After(serveWait):
		t.Fatal("no exit after SIGTERM")
	}
	nudges, lostVerdicts := 0, 0
	for _, p := range partners {
		nudges += p.nudges
		lostVerdicts += p.lostVerdicts
	}
	redelivered := 0
	for _, p := range runs {
		redelivered += strings.Count(p.out.String(), `"msg":"update applied before; skipped"`)
	}
	t.Logf("%d partners finished in %v across %d kills; %d nudges (/start after a reply lost to a kill), "+
		"%d verdicts lost to a kill and asked for with /report; %d updates delivered again after a kill and recognised as applied",
		faultPartners, time.Since(begin).Round(time.Millisecond), faultKills, nudges, lostVerdicts, redelivered)
	if t.Failed() {
		return
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	defer db.Close()
	want := faultFacts(t)
	for _, p := range partners {
		r, err := db.LatestReport(ctx, p.chat)
		if !assert.NoError(t, err, "partner %d has a report", p.chat) {
			continue
		}
		var got map[string]any
		factsData, err := json.Marshal(r.Facts)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(factsData, &got))
		assert.Equal(t, want, got, "partner %d: the report holds exactly the answers given", p.chat)
		reports, err := db.Reports(ctx, p.chat, 0)
		require.NoError(t, err)
		if !assert.Equal(t, 1, len(reports), "partner %d: one verdict", p.chat) {
			for _, r := range reports {
				t.Logf("report %d at %v", r.ID, r.CreatedAt)
			}
			for _, m := range srv.Messages(p.chat) {
				t.Logf("  %d edits %d kb %d: %.100q", m.ID, m.Edits, len(m.Keyboard), m.Text)
			}
			for _, c := range srv.Calls() {
				if c.ChatID() == p.chat || c.Method == "answerCallbackQuery" {
					t.Logf("  call %s %s %s %.60q code %d", c.At.Format("15:04:05.000"), c.Method, c.Params["message_id"], c.Params["text"], c.Code)
				}
			}
		}
		partner, err := db.Partner(ctx, p.chat)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("ACME %d", p.chat), partner.Company)
		for _, m := range srv.Messages(p.chat) {
			assert.NotContains(t, m.Text, "⚠️", "partner %d: every answer applied to its own question", p.chat)
		}
	}

	// The inbox: every update sent is there, done.
	sent := map[int64]int64{} // update id -> chat
	for _, p := range partners {
		for _, id := range p.sent {
			sent[id] = p.chat
		}
	}
	inbox, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	require.NoError(t, err)
	defer inbox.Close()
	rows, err := inbox.QueryContext(ctx, `SELECT update_id, chat_id, done_at IS NOT NULL FROM inbox`)
	require.NoError(t, err)
	stored := map[int64]bool{}
	for rows.Next() {
		var id, chat int64
		var done bool
		require.NoError(t, rows.Scan(&id, &chat, &done))
		assert.True(t, done, "update %d of chat %d is done", id, chat)
		stored[id] = true
		if want, ok := sent[id]; ok {
			assert.Equal(t, want, chat, "update %d stored with its chat", id)
		}
	}
	require.NoError(t, rows.Err())
	missing := 0
	for id := range sent {
		if !stored[id] {
			missing++
		}
	}
	assert.Zero(t, missing, "updates sent but not in the inbox")
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, pending)

	// An update applied twice would answer its callback query twice.
	answered := map[string]int{}
	for _, c := range srv.Calls("answerCallbackQuery") {
		if c.Code == 0 {
			answered[c.Params["callback_query_id"]]++
		}
	}
	for id, n := range answered {
		assert.Equal(t, 1, n, "callback query %s answered once", id)
	}
	// Not an error: the message ids of current questions are written down
	// every 200 ms, so a kill can leave an older question with its buttons
	// (pressing them is answered as stale).
	dead := 0
	for _, p := range partners {
		msgs := srv.Messages(p.chat)
		newest := 0
		for _, m := range msgs {
			if len(m.Keyboard) > 0 && strings.HasPrefix(m.Text, "<b>Step ") {
				newest = m.ID
			}
		}
		for _, m := range msgs {
			if len(m.Keyboard) > 0 && strings.HasPrefix(m.Text, "<b>Step ") && m.ID != newest {
				dead++
			}
		}
	}
	t.Logf("%d answered questions kept their buttons after a kill", dead)
	for i, p := range runs {
		assert.NotContains(t, p.out.String(), serveToken, "run %d printed the token", i+1)
	}
}

// faultFacts are the facts of the check the partners play.
func faultFacts(t *testing.T) map[string]any {
	t.Helper()
	var f map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{
		"partner_agreement": true, "business_plan": true,
		"verified_solutions": {"infrastructure": 2, "devops": 1},
		"consumption_rub_year": {"infrastructure": 12500000, "devops": 1500000},
		"architect_interview": {"infrastructure": "passed", "devops": "scheduled"},
		"employees": [
			{"name": "Anna", "certs": ["cloud_service_engineer", "infrastructure_protection"]},
			{"name": "Oleg", "certs": ["cloud_service_engineer"]}
		]}`), &f))
	return f
}

// faultPartner plays a whole check in English (the load tool's script),
// deciding each action from the question on screen, so that it copes with
// replies lost to a kill: it never types an answer twice for the same
// question (a typed answer is applied to whatever question is current, so
// a second one would answer the next question), and presses again only on
// a newer message (buttons carry the question's sequence number, so a
// press can never be applied twice).
type faultPartner struct {
	srv      *telegramtest.Server
	chat     int64
	user     models.User
	rng      *rand.Rand
	think    time.Duration
	awaiting *atomic.Int64
	total    *atomic.Int64
	stop     <-chan struct{}

	sent         []int64 // update ids, in order
	nudges       int
	lostVerdicts int
	actions      atomic.Int64
}

// faultMark is what the chat looked like before an action.
type faultMark struct {
	maxID int
	edits map[int]int
}

func (p *faultPartner) mark() faultMark {
	m := faultMark{edits: map[int]int{}}
	for _, msg := range p.srv.Messages(p.chat) {
		m.maxID = max(m.maxID, msg.ID)
		m.edits[msg.ID] = msg.Edits
	}
	return m
}

func (p *faultPartner) changedSince(m faultMark) bool {
	for _, msg := range p.srv.Messages(p.chat) {
		if msg.ID > m.maxID || msg.Edits > m.edits[msg.ID] {
			return true
		}
	}
	return false
}

func (p *faultPartner) say(text string) {
	p.sent = append(p.sent, p.srv.SendText(p.chat, p.user, text))
}

// waitChange waits until the chat changes after m, writing /start after
// every faultQuiet of silence.
func (p *faultPartner) waitChange(m faultMark, deadline time.Time) error {
	quiet := time.Now()
	for !p.changedSince(m) {
		if time.Now().After(deadline) {
			return errors.New("no reply before the deadline")
		}
		select {
		case <-p.stop:
			return errors.New("stopped")
		default:
		}
		if time.Since(quiet) > faultQuiet {
			p.say("/start")
			p.nudges++
			quiet = time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// faultSignature identifies a question as the partner sees it: its text
// and button labels (not the callback data, which changes when the same
// question is asked again).
func faultSignature(m telegramtest.Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	for _, row := range m.Keyboard {
		for _, btn := range row {
			b.WriteString("|" + btn.Text)
		}
	}
	return b.String()
}

// faultAction is what a partner does on a question: press a button by its
// label, or type.
type faultAction struct{ press, typ string }

// decide returns the answer the check's script gives to a question.
// afterVerdict is set once the partner asked for the verdict: a welcome
// then means the check is over but the verdict was lost to a kill, and the
// partner asks for its last report (/report, in the bot's command menu)
// rather than starting another check.
func (p *faultPartner) decide(q telegramtest.Message, afterVerdict bool) (faultAction, error) {
	has := func(label string) bool {
		_, ok := faultButton(q, label)
		return ok
	}
	first := func(labels ...string) faultAction {
		for _, l := range labels {
			if has(l) {
				return faultAction{press: l}
			}
		}
		return faultAction{press: "✔️ Done"}
	}
	text := q.Text
	switch {
	case has("✅ Start the check") && afterVerdict:
		return faultAction{typ: "/report"}, nil
	case has("✅ Start the check"):
		return faultAction{press: "✅ Start the check"}, nil
	case strings.Contains(text, "What is your company's name?"):
		return faultAction{typ: fmt.Sprintf("ACME %d", p.chat)}, nil
	case strings.Contains(text, "Which specializations shall I check?"):
		return first("▫️ Infrastructure", "▫️ DevOps"), nil
	case strings.Contains(text, "signed partner agreement"):
		return faultAction{typ: "yes"}, nil
	case strings.Contains(text, "approved business plan"):
		return faultAction{press: "Yes"}, nil
	case strings.Contains(text, "verified solutions based on Infrastructure"):
		return faultAction{typ: "2"}, nil
	case strings.Contains(text, "consume per year of Infrastructure"):
		return faultAction{typ: "12 500 000"}, nil
	case strings.Contains(text, "architect for Infrastructure"):
		return faultAction{press: "Passed"}, nil
	case strings.Contains(text, "verified solutions based on DevOps"):
		return faultAction{press: "1"}, nil
	case strings.Contains(text, "consume per year of DevOps"):
		return faultAction{typ: "1,5 млн"}, nil
	case strings.Contains(text, "architect for DevOps"):
		return faultAction{press: "Scheduled"}, nil
	case strings.Contains(text, "Tell me about your employees"):
		return faultAction{typ: "Anna"}, nil
	case strings.Contains(text, "does <b>Anna</b> hold"):
		return first("▫️ Cloud service engineer", "▫️ Cloud infrastructure protection"), nil
	case strings.Contains(text, "Employees so far:") && !strings.Contains(text, "Oleg"):
		return faultAction{press: "➕ Add another"}, nil
	case strings.Contains(text, "Send the name of one employee"):
		return faultAction{typ: "Oleg"}, nil
	case strings.Contains(text, "does <b>Oleg</b> hold"):
		return first("▫️ Cloud service engineer"), nil
	case strings.Contains(text, "Employees so far:"):
		return faultAction{press: "✔️ Done"}, nil
	case strings.Contains(text, "<b>Your answers</b>"):
		return faultAction{press: "✅ Show the verdict"}, nil
	}
	return faultAction{}, fmt.Errorf("unexpected question %q", text)
}

func faultButton(m telegramtest.Message, label string) (string, bool) {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Text == label {
				return b.Data, true
			}
		}
	}
	return "", false
}

// current returns the newest message with buttons, if it is not older than
// the question last acted on (an older one kept its buttons because its
// reply was lost).
func (p *faultPartner) current(notBefore int) (telegramtest.Message, bool) {
	msgs := p.srv.Messages(p.chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].ID < notBefore {
			break
		}
		if len(msgs[i].Keyboard) > 0 {
			return msgs[i], true
		}
	}
	return telegramtest.Message{}, false
}

func (p *faultPartner) hasVerdict() bool {
	for _, m := range p.srv.Messages(p.chat) {
		if strings.Contains(m.Text, "<b>Your specializations</b>") {
			return true
		}
	}
	return false
}

// play runs the check until the verdict.
func (p *faultPartner) play(deadline time.Time) error {
	m := p.mark()
	p.awaiting.Add(1)
	p.say("/start")
	var lastID int     // the question last acted on
	var lastSig string // and how it looked
	var lastTyped bool // whether the answer was typed (not a command, which changes nothing)
	afterVerdict := false
	for {
		err := p.waitChange(m, deadline)
		if err != nil {
			p.awaiting.Add(-1)
			last, _ := p.srv.LastMessage(p.chat)
			return fmt.Errorf("%w; last message: %.120q", err, last.Text)
		}
		m = p.mark()
		if p.hasVerdict() {
			p.awaiting.Add(-1)
			return nil
		}
		q, ok := p.current(lastID)
		if !ok {
			continue // the reply is on its way (or lost: waitChange nudges)
		}
		if strings.Contains(q.Text, "<b>Your specializations</b>") {
			// The verdict landed between the two looks at the chat.
			p.awaiting.Add(-1)
			return nil
		}
		sig := faultSignature(q)
		switch {
		case lastTyped && sig == lastSig:
			continue // the typed answer is not applied yet: never type it twice
		case !lastTyped && sig == lastSig && q.ID == lastID:
			continue // the press is not applied yet
		}
		act, err := p.decide(q, afterVerdict)
		if err != nil {
			p.awaiting.Add(-1)
			return err
		}
		p.awaiting.Add(-1)
		time.Sleep(p.think/2 + time.Duration(p.rng.Int64N(int64(p.think))))
		m = p.mark()
		p.awaiting.Add(1)
		if act.typ == "/report" {
			p.lostVerdicts++
		}
		if act.typ != "" {
			p.say(act.typ)
		} else {
			data, _ := faultButton(q, act.press)
			p.sent = append(p.sent, p.srv.PressButton(p.chat, p.user, q.ID, data))
		}
		p.actions.Add(1)
		p.total.Add(1)
		afterVerdict = afterVerdict || act.press == "✅ Show the verdict"
		lastID, lastSig, lastTyped = q.ID, sig, act.typ != "" && !strings.HasPrefix(act.typ, "/")
	}
}
