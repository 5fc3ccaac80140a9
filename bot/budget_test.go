package bot

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBudgetSharedByTwoProcesses: two budgets opened on one file (what
// serve and a cron remind do; flock treats two opens like two processes)
// hold broadcasts together to the rate: 40 messages between them at 50 a
// second take at least 0.78 s, where two separate budgets would take 0.4 s.
func TestBudgetSharedByTwoProcesses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "specbot.db-budget")
	const rate, each = 50.0, 20
	var budgets []*Budget
	for range 2 {
		b, err := OpenBudget(path, rate, 5)
		require.NoError(t, err)
		t.Cleanup(func() { b.Close() })
		budgets = append(budgets, b)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, b := range budgets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				assert.NoError(t, b.Wait(context.Background(), true))
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	t.Logf("%d broadcasts through two handles of one budget at %v/s: %v", 2*each, rate, took.Round(time.Millisecond))
	assert.GreaterOrEqual(t, took, time.Duration(float64(2*each-1)/rate*float64(time.Second)), "the two share one rate")
}

// TestBudgetRepliesRunAheadBroadcastsWait: replies may spend a burst ahead
// of the rate at once; a broadcast then waits until the excess is paid back.
func TestBudgetRepliesRunAheadBroadcastsWait(t *testing.T) {
	b, err := OpenBudget(filepath.Join(t.TempDir(), "budget"), 10, 5)
	require.NoError(t, err)
	defer b.Close()
	now := time.Now().UnixNano()
	for i := range 5 {
		d, err := b.take(now, false)
		require.NoError(t, err)
		assert.Zero(t, d, "reply %d goes at once", i+1)
	}
	d, err := b.take(now, false)
	require.NoError(t, err)
	assert.Equal(t, 100*time.Millisecond, d, "the sixth reply waits for one interval")
	d, err = b.take(now, true)
	require.NoError(t, err)
	assert.Equal(t, 500*time.Millisecond, d, "a broadcast waits until the replies' excess is paid back")
	d, err = b.take(now+int64(500*time.Millisecond), true)
	require.NoError(t, err)
	assert.Zero(t, d)
}

// TestBudgetClockSetBack: a time far ahead in the file (the clock was set
// back, or a stale file) does not stall sending.
func TestBudgetClockSetBack(t *testing.T) {
	b, err := OpenBudget(filepath.Join(t.TempDir(), "budget"), 10, 1)
	require.NoError(t, err)
	defer b.Close()
	now := time.Now().UnixNano()
	require.NoError(t, b.save(now+int64(time.Hour)))
	d, err := b.take(now, true)
	require.NoError(t, err)
	assert.Zero(t, d)
}
