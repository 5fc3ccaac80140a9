package reminders_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Moscow even on a machine without zoneinfo

	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/reminders"
	"specbot/store"
)

// Facts files of the partners the tests talk to, under the default
// catalogue, all about Infrastructure.
const (
	// eligibleFacts meets every Infrastructure condition.
	eligibleFacts = `{
		"partner_agreement": true, "business_plan": true,
		"verified_solutions": {"infrastructure": 1},
		"consumption_rub_year": {"infrastructure": 12000000},
		"architect_interview": {"infrastructure": "passed"},
		"employees": [
			{"name": "Anna", "certs": ["cloud_service_engineer", "infrastructure_protection"]},
			{"name": "Oleg", "certs": ["cloud_service_engineer"]}
		]}`
	// closeFacts misses only the consumption, by ₽500,000.
	closeFacts = `{
		"partner_agreement": true, "business_plan": true,
		"verified_solutions": {"infrastructure": 1},
		"consumption_rub_year": {"infrastructure": 11500000},
		"architect_interview": {"infrastructure": "passed"},
		"employees": [
			{"name": "Anna", "certs": ["cloud_service_engineer", "infrastructure_protection"]},
			{"name": "Oleg", "certs": ["cloud_service_engineer"]}
		]}`
	// gapsFacts misses almost everything.
	gapsFacts = `{
		"partner_agreement": false, "business_plan": false,
		"verified_solutions": {"infrastructure": 0},
		"consumption_rub_year": {"infrastructure": 0},
		"architect_interview": {"infrastructure": "none"},
		"employees": []}`
)

// catalog is the default catalogue, parsed once for all tests.
var catalog = sync.OnceValue(eligibility.DefaultCatalog)

// Callback data of the reminder buttons (dialogs/callback.go).
const (
	cbCheck     = "g:chk"
	cbContact   = "g:m"
	cbRemindOff = "g:r:off"
	cbContinue  = "g:go"
)

func moscow(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(tb, err)
	return loc
}

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// openDB opens a database file in dir (a real file, so that a second Open
// of the same path is another "process").
func openDB(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), path)
	require.NoError(tb, err)
	db.Catalog = eligibility.DefaultCatalog()
	tb.Cleanup(func() { db.Close() })
	return db
}

func newDB(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "specbot.db")
	return openDB(tb, path), path
}

func newEngine(tb testing.TB, now func() time.Time) *dialogs.Engine {
	tb.Helper()
	e := dialogs.NewEngine(catalog(), moscow(tb))
	if now != nil {
		loc := moscow(tb)
		e.Now = func() time.Time { return now().In(loc) }
	}
	return e
}

func schedule(tb testing.TB) reminders.Schedule {
	tb.Helper()
	return reminders.Schedule{Windows: catalog().Windows, Days: []int{30, 7}, Hour: 11, Loc: moscow(tb)}
}

// partner is a partner to put in the store.
type partner struct {
	chatID      int64
	lang        string
	reminders   store.Consent // "", "on", "off"
	unreachable bool
	facts       string   // the last check's facts; "" when never checked
	specs       []string // the specializations of that check (default: infrastructure)
	midCheck    bool     // a session stopped in the middle of a check
}

// addPartner stores p as the bot would after its conversations: the
// partner, its last report (evaluated like the dialogs do) and its session.
func addPartner(tb testing.TB, db *store.DB, p partner) {
	tb.Helper()
	ctx := context.Background()
	turn := &store.Turn{Partner: store.Partner{
		ChatID: p.chatID, UserID: p.chatID, Name: fmt.Sprintf("Partner %d", p.chatID), Lang: p.lang,
		Company: "Acme", Reminders: p.reminders, Unreachable: p.unreachable,
	}}
	if p.facts != "" {
		turn.Report = makeReport(tb, p.facts, p.specs)
	}
	if p.midCheck {
		s := dialogs.NewSession(p.lang)
		s.Company = "Acme"
		s.State = dialogs.Checking
		s.Specs = []string{"infrastructure"}
		s.Key = "f:consumption_rub_year.infrastructure"
		s.Answered = map[string]bool{"f:partner_agreement": true}
		s.Facts.Bools[eligibility.Ref{Fact: "partner_agreement"}] = true
		s.Seq = 4
		turn.Session = &s
	}
	require.NoError(tb, db.SaveTurn(ctx, turn))
}

func makeReport(tb testing.TB, factsJSON string, specs []string) *store.Report {
	tb.Helper()
	c := catalog()
	if len(specs) == 0 {
		specs = []string{"infrastructure"}
	}
	facts, err := eligibility.ParseFacts(c, []byte(factsJSON))
	require.NoError(tb, err)
	rep := eligibility.Evaluate(c, facts, time.Date(2026, 11, 20, 12, 0, 0, 0, moscow(tb)))
	r := &store.Report{Facts: facts, Verdict: rep, Statuses: map[string]eligibility.Status{}, Gaps: map[string]int{}}
	for _, spec := range specs {
		res, ok := rep.Result(spec)
		require.True(tb, ok, spec)
		r.Statuses[spec] = res.Status
		r.Gaps[spec] = res.Gaps()
	}
	return r
}

// consenting stores n partners who said yes to reminders, alternating
// languages and kinds, with chat ids from first on, and returns their ids.
func consenting(tb testing.TB, db *store.DB, first int64, n int) []int64 {
	tb.Helper()
	kinds := []string{eligibleFacts, closeFacts, gapsFacts, ""}
	ids := make([]int64, n)
	for i := range n {
		id := first + int64(i)
		ids[i] = id
		addPartner(tb, db, partner{chatID: id, lang: []string{"en", "ru"}[i%2], reminders: "on", facts: kinds[i%len(kinds)]})
	}
	return ids
}

// enqueueAt plans with the default schedule at the given moment and
// returns how many reminders were written.
func enqueueAt(tb testing.TB, db *store.DB, at time.Time) int {
	tb.Helper()
	p := &reminders.Planner{App: &app.App{DB: db, Engine: newEngine(tb, func() time.Time { return at })}, Schedule: schedule(tb)}
	n, err := p.Enqueue(context.Background(), at)
	require.NoError(tb, err)
	return n
}

// thirtyDaysBeforeApril is when the first reminders of 2027 are due.
func thirtyDaysBeforeApril(tb testing.TB) time.Time {
	return time.Date(2027, 3, 2, 11, 0, 0, 0, moscow(tb))
}

// sendErr is an error of a Sender, classified like bot.SendError: only a
// rate limit has a RetryAfter method, only a blocked chat Blocked.
type rateLimited struct{ after time.Duration }

func (e rateLimited) Error() string             { return "429 Too Many Requests" }
func (e rateLimited) RetryAfter() time.Duration { return e.after }

type blockedErr struct{}

func (blockedErr) Error() string { return "403 Forbidden: bot was blocked by the user" }
func (blockedErr) Blocked() bool { return true }

var errServer = errors.New("500 Internal Server Error")

// sent is one SendReminder call of a recordingSender.
type sent struct {
	chatID int64
	at     time.Time
	msg    dialogs.Message
}

// recordingSender records every call and answers with fail (nil: success).
type recordingSender struct {
	mu    sync.Mutex
	calls []sent
	fail  func(chatID int64, n int) error // n: this chat's attempt, from 1
	tries map[int64]int
	ok    atomic.Int64
	after func() // called after each successful send
}

func (s *recordingSender) SendReminder(ctx context.Context, chatID int64, m dialogs.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.tries == nil {
		s.tries = map[int64]int{}
	}
	s.tries[chatID]++
	n := s.tries[chatID]
	var err error
	if s.fail != nil {
		err = s.fail(chatID, n)
	}
	if err == nil {
		s.calls = append(s.calls, sent{chatID: chatID, at: time.Now(), msg: m})
	}
	s.mu.Unlock()
	if err == nil {
		s.ok.Add(1)
		if s.after != nil {
			s.after()
		}
	}
	return err
}

// perChat counts successful sends per chat.
func (s *recordingSender) perChat() map[int64]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]int{}
	for _, c := range s.calls {
		out[c.chatID]++
	}
	return out
}

// buttons lists the callback data of a message's buttons.
func buttons(m dialogs.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}
