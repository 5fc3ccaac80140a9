package reminders_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/bot/telegramtest"
	"specbot/dialogs"
	"specbot/reminders"
	"specbot/store"
)

// cancelAfter wraps a Sender and cancels the broadcast (as SIGTERM cancels
// serve's context) once n sends have succeeded.
type cancelAfter struct {
	reminders.Sender
	n      int64
	ok     atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) SendReminder(ctx context.Context, chatID int64, m dialogs.Message) error {
	err := c.Sender.SendReminder(ctx, chatID, m)
	if err == nil && c.ok.Add(1) == c.n {
		c.cancel()
	}
	return err
}

// TestRestartAfterShutdown stops a broadcast midway (its context is
// cancelled) and drains the rest with a new Broadcaster on a new handle of
// the same database, as a restarted serve would: nobody gets two copies,
// everybody gets one.
func TestRestartAfterShutdown(t *testing.T) {
	const partners = 30
	tests := []struct {
		name string
		// hang holds the fake server's answers, so that sends are in
		// flight (delivered, not yet answered) when the context ends.
		hang   time.Duration
		server bool
	}{
		{name: "recording sender, stopped between sends"},
		{name: "bot and fake server, stopped between sends", server: true},
		{name: "bot and fake server, stopped with sends in flight", server: true, hang: 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db1, path := newDB(t)
			clk := newShifted(t, db1)
			ids := consenting(t, db1, 1, partners)
			require.Equal(t, partners, enqueueAt(t, db1, clk.Now()))

			rec := &recordingSender{}
			var srv *telegramtest.Server
			var first, second reminders.Sender = rec, rec
			if tt.server {
				srv = telegramtest.NewServer(t, testToken)
				first = newBot(t, srv, db1)
			}
			if tt.hang > 0 {
				srv.SetHang("sendMessage", tt.hang)
			}
			runCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			wrapped := &cancelAfter{Sender: first, n: 10, cancel: cancel}
			br1 := &reminders.Broadcaster{App: &app.App{DB: db1}, Sender: wrapped, Rate: 100, Workers: 4, Log: quiet, Now: clk.Now, Backoff: time.Millisecond}
			if tt.hang > 0 {
				// Every answer is held: stop once ten sends reached the server.
				go func() {
					defer cancel()
					for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
						if len(srv.Calls("sendMessage")) >= 10 {
							return
						}
					}
				}()
			}
			st1, err := br1.Drain(runCtx)
			require.ErrorIs(t, err, context.Canceled)
			srv1Calls := 0
			if srv != nil {
				srv1Calls = len(srv.Calls("sendMessage"))
				srv.SetHang("sendMessage", 0)
			}
			t.Logf("first run: %+v, %d calls reached the server", st1, srv1Calls)
			require.Less(t, st1.Sent, partners, "stopped midway")

			// The restart: a new handle, a new sender, a little later.
			db2 := openDB(t, path)
			db2.Now = clk.Now
			clk.Advance(time.Minute)
			if srv != nil {
				second = newBot(t, srv, db2)
			}
			br2 := &reminders.Broadcaster{App: &app.App{DB: db2}, Sender: second, Rate: 100, Workers: 4, Log: quiet, Now: clk.Now, Backoff: time.Millisecond}
			st2 := drainUntilSettled(t, db2, br2, 20*time.Second)

			per := rec.perChat()
			if srv != nil {
				per = sendsPerChat(srv)
			}
			for _, id := range ids {
				assert.Equal(t, 1, per[id], "chat %d: exactly one copy", id)
			}
			assert.Equal(t, partners, st1.Sent+st2.Sent, "every reminder sent, across both runs")
			counts, err := db2.ReminderCounts(ctx)
			require.NoError(t, err)
			assert.Equal(t, map[store.ReminderState]int{store.ReminderSent: partners}, counts)
		})
	}
}

// freezeAfter wraps a Sender and, after n successful sends, never returns
// from the next ones until released: a process that hung or was killed
// with sends claimed. Released sends fail without sending.
type freezeAfter struct {
	reminders.Sender
	n       int64
	ok      atomic.Int64
	frozen  atomic.Int64
	release chan struct{}
}

func (f *freezeAfter) SendReminder(ctx context.Context, chatID int64, m dialogs.Message) error {
	if f.ok.Load() >= f.n {
		f.frozen.Add(1)
		<-f.release
		return errors.New("killed")
	}
	err := f.Sender.SendReminder(ctx, chatID, m)
	if err == nil {
		f.ok.Add(1)
	}
	return err
}

// TestRestartAfterCrash: the first process dies (freezes for good) after
// ten sends; a second one, started more than ten minutes later, drains the
// outbox. Nobody gets two copies, and only reminders that were being sent
// at the crash (at most one per worker) may be lost — recorded as failed.
func TestRestartAfterCrash(t *testing.T) {
	const partners, workers = 30, 2
	ctx := context.Background()
	db1, path := newDB(t)
	clk := newShifted(t, db1)
	ids := consenting(t, db1, 1, partners)
	require.Equal(t, partners, enqueueAt(t, db1, clk.Now()))

	rec := &recordingSender{}
	frozen := &freezeAfter{Sender: rec, n: 10, release: make(chan struct{})}
	br1 := &reminders.Broadcaster{App: &app.App{DB: db1}, Sender: frozen, Rate: 200, Workers: workers, Log: quiet, Now: clk.Now}
	ctx1, cancel1 := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		br1.Drain(ctx1)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for frozen.frozen.Load() < workers && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.EqualValues(t, workers, frozen.frozen.Load(), "every worker of the first process is stuck")
	t.Cleanup(func() { cancel1(); close(frozen.release); wg.Wait() })

	counts, err := db1.ReminderCounts(ctx)
	require.NoError(t, err)
	t.Logf("outbox at the crash: %v", counts)

	db2 := openDB(t, path)
	db2.Now = clk.Now
	clk.Advance(11 * time.Minute)
	br2 := &reminders.Broadcaster{App: &app.App{DB: db2}, Sender: rec, Rate: 200, Workers: workers, Log: quiet, Now: clk.Now}
	st2, err := drain(t, br2, 20*time.Second)
	require.NoError(t, err)

	per := rec.perChat()
	sentTotal := 0
	for _, id := range ids {
		assert.LessOrEqual(t, per[id], 1, "chat %d: never two copies", id)
		sentTotal += per[id]
	}
	assert.Equal(t, 10, int(frozen.ok.Load()))
	assert.GreaterOrEqual(t, sentTotal, partners-workers,
		"only the reminders in flight at the crash may be lost; the restart sent %d, %d before the crash", st2.Sent, frozen.ok.Load())
	counts, err = db2.ReminderCounts(ctx)
	require.NoError(t, err)
	assert.Zero(t, counts[store.ReminderPending]+counts[store.ReminderSending], "nothing left behind: %v", counts)
	assert.LessOrEqual(t, counts[store.ReminderFailed], workers, "lost reminders are recorded failed: %v", counts)
	for _, id := range ids {
		if per[id] == 0 {
			rows, err := db2.Reminders(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, "interrupted while sending", rows[0].LastError)
		}
	}
}

// TestConcurrentBroadcasters: serve's scheduler and a cron `specbot remind`
// work on the same outbox at once, each through its own database handle
// and bot: each reminder is sent once.
func TestConcurrentBroadcasters(t *testing.T) {
	const partners = 250 // more than one claim batch (200)
	tests := []struct {
		name string
		plan bool // each also plans (reminders.Once) before draining
	}{
		{"two drains", false},
		{"two runs of plan and drain", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dbA, path := newDB(t)
			dbB := openDB(t, path)
			clk := newShifted(t, dbA, dbB)
			ids := consenting(t, dbA, 1, partners)
			if !tt.plan {
				require.Equal(t, partners, enqueueAt(t, dbA, clk.Now()))
			}
			srv := telegramtest.NewServer(t, testToken)

			var wg sync.WaitGroup
			stats := make([]reminders.Stats, 2)
			errs := make([]error, 2)
			for i, db := range []*store.DB{dbA, dbB} {
				br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: newBot(t, srv, db), Rate: 1000, Workers: 8, Log: quiet, Now: clk.Now}
				planner := &reminders.Planner{App: &app.App{DB: db, Engine: newEngine(t, clk.Now)}, Schedule: schedule(t)}
				wg.Add(1)
				go func() {
					defer wg.Done()
					runCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
					defer cancel()
					if tt.plan {
						stats[i], errs[i] = reminders.Once(runCtx, planner, br, quiet)
					} else {
						stats[i], errs[i] = br.Drain(runCtx)
					}
				}()
			}
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			t.Logf("A: %+v; B: %+v", stats[0], stats[1])

			per := sendsPerChat(srv)
			for _, id := range ids {
				assert.Equal(t, 1, per[id], "chat %d: exactly one copy", id)
			}
			assert.Equal(t, partners, stats[0].Sent+stats[1].Sent)
			counts, err := dbA.ReminderCounts(ctx)
			require.NoError(t, err)
			assert.Equal(t, map[store.ReminderState]int{store.ReminderSent: partners}, counts)
		})
	}
}
