package reminders_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/reminders"
	"specbot/store"
)

// TestClaimWaitsForTheSlot: eight workers share a budget of four sends a
// second; a drain cut short after a little more than a second leaves no
// reminder claimed without having been sent: a worker claims one only when
// its slot has come, so a killed broadcast holds none it could lose.
func TestClaimWaitsForTheSlot(t *testing.T) {
	db, _ := newDB(t)
	now := shiftedClock(t, db)
	ids := consenting(t, db, 1, 20)
	require.Equal(t, 20, enqueueAt(t, db, now()))
	rec := &recordingSender{}
	br := &reminders.Broadcaster{App: &app.App{DB: db}, Sender: rec, Rate: 4, Workers: 8, Log: quiet, Now: now}
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	states := func() map[store.ReminderState]int {
		counts := map[store.ReminderState]int{}
		for _, id := range ids {
			rs, err := db.Reminders(context.Background(), id)
			require.NoError(t, err)
			for _, r := range rs {
				counts[r.State]++
			}
		}
		return counts
	}
	type result struct {
		stats reminders.Stats
		err   error
	}
	done := make(chan result, 1)
	go func() { s, err := br.Drain(ctx); done <- result{s, err} }()
	time.Sleep(600 * time.Millisecond)
	// Mid-broadcast, as a SIGKILL would find it: the sends are instant, so
	// a claim held now is one waiting for its slot.
	assert.LessOrEqual(t, states()[store.ReminderSending], 1, "no reminder claimed while it waits for its slot")
	res := <-done
	stats, err := res.stats, res.err
	require.ErrorIs(t, err, context.DeadlineExceeded)
	counts := states()
	assert.Equal(t, stats.Sent, counts[store.ReminderSent])
	assert.Zero(t, counts[store.ReminderSending], "none left claimed")
	assert.Zero(t, counts[store.ReminderFailed])
	assert.Equal(t, 20-stats.Sent, counts[store.ReminderPending], "the rest wait, unclaimed, for the next drain")
	assert.LessOrEqual(t, stats.Sent, 6, "the budget held")
}
