package reminders_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/bot"
	"specbot/bot/telegramtest"
	"specbot/reminders"
	"specbot/store"
)

const testToken = "123456:reminders-test"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// shiftedClock is real time moved to the first reminder day of 2027, so
// that due times, pacing and backoff all run on one clock. It is also the
// clock of the stores given.
func shiftedClock(tb testing.TB, db ...*store.DB) func() time.Time {
	tb.Helper()
	return newShifted(tb, db...).Now
}

// shifted is real time moved to 11:00 Moscow on 2 March 2027, plus an
// offset a test can move forward (a restart "later").
type shifted struct {
	start time.Time
	base  time.Time
	off   atomic.Int64
}

func newShifted(tb testing.TB, db ...*store.DB) *shifted {
	tb.Helper()
	c := &shifted{start: time.Now(), base: thirtyDaysBeforeApril(tb)}
	for _, d := range db {
		d.Now = c.Now
	}
	return c
}

func (c *shifted) Now() time.Time {
	return c.base.Add(time.Since(c.start) + time.Duration(c.off.Load()))
}

func (c *shifted) Advance(d time.Duration) { c.off.Add(int64(d)) }

// newBot is the real bot as a Sender, talking to the fake Bot API server.
func newBot(tb testing.TB, srv *telegramtest.Server, db *store.DB) *bot.Bot {
	tb.Helper()
	b, err := bot.New(context.Background(), bot.Config{Token: testToken, APIURL: srv.URL(), HTTPAddr: "127.0.0.1:0"},
		db, newEngine(tb, nil), quiet)
	require.NoError(tb, err)
	return b
}

// sendsPerChat counts the sendMessage calls answered ok, per chat.
func sendsPerChat(srv *telegramtest.Server) map[int64]int {
	out := map[int64]int{}
	for _, c := range srv.Calls("sendMessage") {
		if c.Code == 0 {
			out[c.ChatID()]++
		}
	}
	return out
}

// drain runs br.Drain with a deadline, so that a broadcaster that never
// ends fails the test instead of hanging it.
func drain(tb testing.TB, br *reminders.Broadcaster, limit time.Duration) (reminders.Stats, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	st, err := br.Drain(ctx)
	if ctx.Err() != nil {
		tb.Errorf("Drain did not finish within %v (stats so far %+v)", limit, st)
	}
	return st, err
}

// drainUntilSettled drains again and again (as the scheduler's ticks would)
// until no reminder is pending or sending, adding up the stats.
func drainUntilSettled(tb testing.TB, db *store.DB, br *reminders.Broadcaster, limit time.Duration) reminders.Stats {
	tb.Helper()
	deadline := time.Now().Add(limit)
	var total reminders.Stats
	for {
		st, err := drain(tb, br, time.Until(deadline))
		require.NoError(tb, err)
		total.Sent += st.Sent
		total.Failed += st.Failed
		total.Blocked += st.Blocked
		total.Retried += st.Retried
		total.RateLimited += st.RateLimited
		counts, err := db.ReminderCounts(context.Background())
		require.NoError(tb, err)
		if counts[store.ReminderPending]+counts[store.ReminderSending] == 0 {
			return total
		}
		if time.Now().After(deadline) {
			tb.Fatalf("outbox not settled within %v: %v (stats %+v)", limit, counts, total)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestBroadcastFakeServer: 30 consenting partners against the fake Bot API,
// three 429s with retry_after 1 and one chat that blocked the bot.
func TestBroadcastFakeServer(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	now := shiftedClock(t, db)
	srv := telegramtest.NewServer(t, testToken)
	ids := consenting(t, db, 1001, 30)
	addPartner(t, db, partner{chatID: 2001, lang: "en", reminders: "off", facts: eligibleFacts})
	addPartner(t, db, partner{chatID: 2002, lang: "ru", reminders: "on", unreachable: true})
	blocked := ids[17]
	srv.BlockChat(blocked)
	srv.FailNext("sendMessage", 3, http.StatusTooManyRequests, 1)

	require.Equal(t, 30, enqueueAt(t, db, now()))
	br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: newBot(t, srv, db), Rate: 25, Log: quiet, Now: now, Backoff: 10 * time.Millisecond}
	// 30 sends at 25/s and three pauses of a second: about 4.3 s.
	st, err := drain(t, br, 15*time.Second)
	assert.NoError(t, err)

	t.Run("every consenting partner gets exactly one copy", func(t *testing.T) {
		per := sendsPerChat(srv)
		for _, id := range ids {
			if id == blocked {
				assert.Zero(t, per[id], "the blocked chat got nothing")
				continue
			}
			assert.Equal(t, 1, per[id], "chat %d", id)
		}
		assert.Zero(t, per[2001], "reminders off")
		assert.Zero(t, per[2002], "unreachable")
		assert.Len(t, per, 29)
	})
	t.Run("the blocked chat is tried once, marked and recorded", func(t *testing.T) {
		n := 0
		for _, c := range srv.Calls("sendMessage") {
			if c.ChatID() == blocked {
				n++
				assert.Equal(t, http.StatusForbidden, c.Code)
			}
		}
		assert.Equal(t, 1, n, "a 403 is not retried")
		p, err := db.Partner(ctx, blocked)
		require.NoError(t, err)
		assert.True(t, p.Unreachable)
		rows, err := db.Reminders(ctx, blocked)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		assert.Equal(t, store.ReminderBlocked, rows[0].State)
	})
	t.Run("the 429 pause is honoured", func(t *testing.T) {
		calls := srv.Calls("sendMessage")
		var limited []telegramtest.Call
		for _, c := range calls {
			if c.Code == http.StatusTooManyRequests {
				limited = append(limited, c)
			}
		}
		require.Len(t, limited, 3)
		for _, l := range limited {
			for _, c := range calls {
				if c.Code == 0 && c.At.After(l.At) {
					assert.GreaterOrEqual(t, c.At.Sub(l.At), time.Second,
						"a send %v after a 429 at %v, within its retry_after", c.At.Sub(l.At), l.At.Format("15:04:05.000"))
				}
			}
		}
	})
	t.Run("stats add up", func(t *testing.T) {
		assert.Equal(t, 29, st.Sent)
		assert.Equal(t, 1, st.Blocked)
		assert.Zero(t, st.Failed)
		assert.Equal(t, 3, st.RateLimited)
		assert.Equal(t, 30, st.Sent+st.Blocked+st.Failed, "every reminder ends once")
		assert.Len(t, srv.Calls("sendMessage"), st.Sent+st.Blocked+st.RateLimited+st.Retried, "one call per outcome")
		assert.GreaterOrEqual(t, st.Elapsed, 3*time.Second, "three pauses of a second")
		counts, err := db.ReminderCounts(ctx)
		require.NoError(t, err)
		assert.Equal(t, map[store.ReminderState]int{store.ReminderSent: 29, store.ReminderBlocked: 1}, counts)
	})
	t.Run("the message is the stored one, with its buttons", func(t *testing.T) {
		for _, id := range ids[:4] {
			msgs := srv.Messages(id)
			require.Len(t, msgs, 1)
			rows, err := db.Reminders(ctx, id)
			require.NoError(t, err)
			m := rows[0].Message
			var data []string
			for _, row := range msgs[0].Keyboard {
				for _, b := range row {
					data = append(data, b.Data)
				}
			}
			assert.Equal(t, buttons(m), data)
			assert.Equal(t, store.ReminderSent, rows[0].State)
			assert.False(t, rows[0].SentAt.IsZero())
		}
	})

	// A week later: the blocked partner is skipped, the others reminded once more.
	t.Run("the blocked partner is skipped next time", func(t *testing.T) {
		p, err := db.Partner(ctx, blocked)
		require.NoError(t, err)
		require.True(t, p.Unreachable, "the blocked partner was not marked")
		before := len(srv.Calls("sendMessage"))
		sevenDays := time.Date(2027, 3, 25, 11, 0, 0, 0, moscow(t))
		assert.Equal(t, 29, enqueueAt(t, db, sevenDays))
		rows, err := db.Reminders(ctx, blocked)
		require.NoError(t, err)
		assert.Len(t, rows, 1, "nothing new for the blocked chat")
		br.Now = func() time.Time { return sevenDays.Add(time.Minute) }
		st, err := drain(t, br, 30*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 29, st.Sent)
		for _, c := range srv.Calls("sendMessage")[before:] {
			assert.NotEqual(t, blocked, c.ChatID())
		}
	})
}

// TestBroadcastServerErrors: other failures (500) are retried with backoff
// and recorded as failed after three attempts.
func TestBroadcastServerErrors(t *testing.T) {
	tests := []struct {
		name      string
		fails     int
		wantState store.ReminderState
		wantCalls int
	}{
		{"one 500, then sent", 1, store.ReminderSent, 2},
		{"two 500s, then sent", 2, store.ReminderSent, 3},
		{"500 every time: failed after three attempts", 10, store.ReminderFailed, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := newDB(t)
			now := shiftedClock(t, db)
			srv := telegramtest.NewServer(t, testToken)
			addPartner(t, db, partner{chatID: 77, lang: "en", reminders: "on", facts: closeFacts})
			require.Equal(t, 1, enqueueAt(t, db, now()))
			srv.FailNext("sendMessage", tt.fails, http.StatusInternalServerError, 0)
			backoff := 50 * time.Millisecond
			br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: newBot(t, srv, db), Rate: 25, Log: quiet, Now: now, Backoff: backoff}

			st := drainUntilSettled(t, db, br, 10*time.Second)

			calls := srv.Calls("sendMessage")
			assert.Equal(t, tt.wantCalls, len(calls), "sendMessage calls")
			rows, err := db.Reminders(ctx, 77)
			require.NoError(t, err)
			require.Len(t, rows, 1)
			assert.Equal(t, tt.wantState, rows[0].State)
			assert.Equal(t, min(tt.fails, 2), st.Retried, "retries counted")
			if tt.wantState == store.ReminderFailed {
				assert.Equal(t, 1, st.Failed)
				assert.Equal(t, 3, rows[0].Attempts)
				assert.Contains(t, rows[0].LastError, "Internal Server Error")
			} else {
				assert.Equal(t, 1, st.Sent)
			}
			for i := 1; i < min(len(calls), tt.wantCalls); i++ {
				wait := backoff << (i - 1)
				assert.GreaterOrEqual(t, calls[i].At.Sub(calls[i-1].At), wait, "attempt %d waits the backoff (doubled each time)", i+1)
			}
			assert.Zero(t, st.RateLimited, "a 500 is not a rate limit")
		})
	}
}

// TestBroadcastOutcomes drives the Broadcaster through a Sender that keeps
// the documented contract exactly (only a 429 has RetryAfter, only a 403
// Blocked), to tell the broadcaster's logic from the bot's errors.
func TestBroadcastOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		fail        func(chatID int64, n int) error
		wantState   store.ReminderState
		wantTries   int
		wantStats   reminders.Stats
		unreachable bool
	}{
		{"sent", nil, store.ReminderSent, 1, reminders.Stats{Sent: 1}, false},
		{"rate limited twice, then sent", func(_ int64, n int) error {
			if n <= 2 {
				return rateLimited{after: 100 * time.Millisecond}
			}
			return nil
		}, store.ReminderSent, 3, reminders.Stats{Sent: 1, RateLimited: 2}, false},
		{"blocked", func(int64, int) error { return blockedErr{} }, store.ReminderBlocked, 1, reminders.Stats{Blocked: 1}, true},
		{"failing", func(int64, int) error { return errServer }, store.ReminderFailed, 3, reminders.Stats{Failed: 1, Retried: 2}, false},
		{"failing once", func(_ int64, n int) error {
			if n == 1 {
				return errServer
			}
			return nil
		}, store.ReminderSent, 2, reminders.Stats{Sent: 1, Retried: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := newDB(t)
			now := shiftedClock(t, db)
			addPartner(t, db, partner{chatID: 5, lang: "ru", reminders: "on"})
			require.Equal(t, 1, enqueueAt(t, db, now()))
			s := &recordingSender{fail: tt.fail}
			br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: s, Rate: 100, Log: quiet, Now: now, Backoff: 5 * time.Millisecond}
			st := drainUntilSettled(t, db, br, 10*time.Second)
			st.Elapsed = 0
			assert.Equal(t, tt.wantStats, st)
			assert.Equal(t, tt.wantTries, s.tries[5])
			rows, err := db.Reminders(ctx, 5)
			require.NoError(t, err)
			assert.Equal(t, tt.wantState, rows[0].State)
			p, err := db.Partner(ctx, 5)
			require.NoError(t, err)
			assert.Equal(t, tt.unreachable, p.Unreachable)
		})
	}
}

// TestBroadcastPauseHoldsEveryone: a 429 for one chat holds the sends to
// all chats, not just the retry.
func TestBroadcastPauseHoldsEveryone(t *testing.T) {
	db, _ := newDB(t)
	now := shiftedClock(t, db)
	consenting(t, db, 1, 20)
	require.Equal(t, 20, enqueueAt(t, db, now()))
	pause := 300 * time.Millisecond
	var limitedAt time.Time
	s := &recordingSender{}
	s.fail = func(chatID int64, n int) error {
		if chatID == 5 && n == 1 {
			limitedAt = time.Now()
			return rateLimited{after: pause}
		}
		return nil
	}
	rate := 50.0
	br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: s, Rate: rate, Workers: 8, Log: quiet, Now: now}
	st, err := drain(t, br, 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 20, st.Sent)
	assert.Equal(t, 1, st.RateLimited)
	require.False(t, limitedAt.IsZero())
	s.mu.Lock()
	defer s.mu.Unlock()
	// A send already released when the 429 came back may still go out
	// (as on Telegram, a request in flight is in flight): one at most,
	// within one interval. None after that until the pause is over.
	interval := time.Duration(float64(time.Second) / rate)
	inFlight := 0
	for _, c := range s.calls {
		d := c.at.Sub(limitedAt)
		switch {
		case d <= 0 || d >= pause:
		case d < interval:
			inFlight++
		default:
			t.Errorf("chat %d sent %v after the 429, during the pause", c.chatID, d)
		}
	}
	assert.LessOrEqual(t, inFlight, 1)
}

// TestBroadcastRate: over a 2-second window at Rate 25 the broadcaster
// never sends more than 25 a second (+1 for the window's edge), and not
// much fewer either.
func TestBroadcastRate(t *testing.T) {
	tests := []struct {
		name   string
		server bool
	}{
		{"recording sender", false},
		{"bot against the fake server", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := newDB(t)
			now := shiftedClock(t, db)
			consenting(t, db, 1, 80)
			require.Equal(t, 80, enqueueAt(t, db, now()))
			rec := &recordingSender{}
			var sender reminders.Sender = rec
			var srv *telegramtest.Server
			if tt.server {
				srv = telegramtest.NewServer(t, testToken)
				sender = newBot(t, srv, db)
			}
			br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: sender, Rate: 25, Workers: 8, Log: quiet, Now: now}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_, err := br.Drain(ctx)
			require.ErrorIs(t, err, context.DeadlineExceeded)

			var times []time.Time
			if tt.server {
				for _, c := range srv.Calls("sendMessage") {
					times = append(times, c.At)
				}
			} else {
				rec.mu.Lock()
				for _, c := range rec.calls {
					times = append(times, c.at)
				}
				rec.mu.Unlock()
			}
			sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
			assert.LessOrEqual(t, len(times), 2*25+1, "at most 25/s (+1) over the 2 s")
			assert.GreaterOrEqual(t, len(times), 45, "at least 90%% of the limit")
			busiest := 0
			for i := range times {
				n := 0
				for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
					n++
				}
				busiest = max(busiest, n)
			}
			t.Logf("%d sends in 2 s, at most %d in any second", len(times), busiest)
			if !tt.server {
				// The pacer's own release times: strict. Arrival times at the
				// server also carry the HTTP round trip's jitter.
				assert.LessOrEqual(t, busiest, 25+1, "sends in the busiest second")
			}
		})
	}
}
