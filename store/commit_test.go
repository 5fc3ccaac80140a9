package store

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// saveTurnsAtOnce saves one turn for each of n chats from n goroutines,
// released together, and returns each turn's error.
func saveTurnsAtOnce(t *testing.T, db *DB, n int, turn func(i int) *Turn) []error {
	t.Helper()
	ctx := context.Background()
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			tt := turn(i)
			ready.Done()
			<-start
			errs[i] = db.SaveTurn(ctx, tt)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

func enqueue(t *testing.T, db *DB, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		_, err := db.EnqueueUpdate(context.Background(), InboxUpdate{UpdateID: id, ChatID: id, Payload: []byte(`{}`)})
		require.NoError(t, err)
	}
}

// TestGroupCommitSharesCommits: turns of many chats saved at once take fewer
// commits than turns, and every one of them is saved with its outbox row.
func TestGroupCommitSharesCommits(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n = 64
	for i := range n {
		enqueue(t, db, int64(i+1))
	}
	commits0, ops0 := db.CommitStats()
	turns := make([]*Turn, n)
	errs := saveTurnsAtOnce(t, db, n, func(i int) *Turn {
		turns[i] = &Turn{
			Partner: Partner{ChatID: int64(i + 1), Lang: "en"}, Session: session("en", 1),
			UpdateID: int64(i + 1), Outbox: &Outbound{Payload: []byte(`[]`)},
		}
		return turns[i]
	})
	for i, err := range errs {
		require.NoError(t, err, "turn %d", i)
		assert.NotZero(t, turns[i].Outbox.ID)
		assert.Equal(t, int64(i+1), turns[i].Outbox.ChatID)
	}
	commits, ops := db.CommitStats()
	assert.Equal(t, n, ops-ops0)
	assert.Less(t, commits-commits0, n, "some turns share a commit")
	t.Logf("%d turns in %d commits", n, commits-commits0)

	count, err := db.CountPartners(ctx)
	require.NoError(t, err)
	assert.Equal(t, n, count)
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, pending)
	unsent, err := db.PendingOutbound(ctx, 0, 0)
	require.NoError(t, err)
	assert.Len(t, unsent, n)
}

// TestGroupCommitBadTurnAlone: a turn that fails (its update is not in the
// inbox, or was applied before) fails alone; the turns sharing its commit
// are saved.
func TestGroupCommitBadTurnAlone(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n = 32
	for i := range n {
		enqueue(t, db, int64(i+1))
	}
	// Update 2 was applied before.
	require.NoError(t, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 2, Lang: "en"}, UpdateID: 2}))
	errs := saveTurnsAtOnce(t, db, n, func(i int) *Turn {
		id := int64(i + 1)
		if i == 0 {
			id = 1000 // not in the inbox
		}
		return &Turn{Partner: Partner{ChatID: int64(i + 1), Lang: "en"}, Session: session("en", 3), UpdateID: id}
	})
	assert.ErrorIs(t, errs[0], ErrNotFound)
	assert.ErrorIs(t, errs[1], ErrAlreadyDone)
	for i := 2; i < n; i++ {
		assert.NoError(t, errs[i], "turn %d", i)
	}
	_, err := db.Partner(ctx, 1)
	assert.ErrorIs(t, err, ErrNotFound, "the failed turn saved nothing")
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, int64(1), pending[0].UpdateID)
}

// TestGroupCommitFault: while the disk refuses writes every turn fails and
// nothing is saved; once it is back, the same turns are saved.
func TestGroupCommitFault(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n = 16
	for i := range n {
		enqueue(t, db, int64(i+1))
	}
	full := errors.New("database or disk is full")
	db.SetWriteFault(full)
	turn := func(i int) *Turn {
		return &Turn{
			Partner: Partner{ChatID: int64(i + 1), Lang: "en"}, Session: session("en", 1),
			UpdateID: int64(i + 1), Report: &Report{Statuses: map[string]eligibility.Status{}},
		}
	}
	for i, err := range saveTurnsAtOnce(t, db, n, turn) {
		assert.ErrorIs(t, err, full, "turn %d", i)
	}
	db.SetWriteFault(nil)
	for i, err := range saveTurnsAtOnce(t, db, n, turn) {
		assert.NoError(t, err, "turn %d", i)
	}
	count, err := db.CountPartners(ctx)
	require.NoError(t, err)
	assert.Equal(t, n, count)
}

// TestGroupCommitMarks: delivery marks go through the committer and keep
// their meaning.
func TestGroupCommitMarks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	tt := &Turn{Partner: Partner{ChatID: 7, Lang: "en"}, Outbox: &Outbound{Payload: []byte(`[]`)}}
	require.NoError(t, db.SaveTurn(ctx, tt))
	id := tt.Outbox.ID
	require.NoError(t, db.MarkSending(ctx, id))
	unsent, err := db.PendingOutbound(ctx, 7, 0)
	require.NoError(t, err)
	assert.Empty(t, unsent, "a batch being sent is not listed again")
	require.NoError(t, db.MarkSent(ctx, id))
	assert.ErrorIs(t, db.MarkSent(ctx, id), ErrNotFound, "sent once")
}

// TestWriteAfterClose: a write after Close fails instead of hanging.
func TestWriteAfterClose(t *testing.T) {
	db := MustOpenDB(t)
	require.NoError(t, db.Close())
	err := db.SaveTurn(context.Background(), &Turn{Partner: Partner{ChatID: 1, Lang: "en"}})
	assert.ErrorIs(t, err, ErrClosed)
}

// BenchmarkSaveTurnGroup saves turns of many chats at once, as the bot's
// chat workers do under load: the turns share commits. Compare with
// BenchmarkSaveTurn, one chat at a time (one commit per turn).
func BenchmarkSaveTurnGroup(b *testing.B) {
	for _, chats := range []int{1, 8, 32} {
		b.Run("chats="+strconv.Itoa(chats), func(b *testing.B) {
			ctx := context.Background()
			db := MustOpenDB(b)
			sess := session("en", 1)
			ups := make([]InboxUpdate, b.N)
			for i := range ups {
				ups[i] = InboxUpdate{UpdateID: int64(i + 1), ChatID: 1, Payload: []byte(`{}`)}
			}
			if _, err := db.EnqueueUpdates(ctx, ups); err != nil {
				b.Fatal(err)
			}
			var next, chat int64
			var mu sync.Mutex
			commits0, ops0 := db.CommitStats()
			// RunParallel runs parallelism × GOMAXPROCS goroutines.
			b.SetParallelism(max(1, chats/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				mu.Lock()
				chat++
				c := chat
				mu.Unlock()
				for pb.Next() {
					mu.Lock()
					next++
					id := next
					mu.Unlock()
					t := &Turn{Partner: Partner{ChatID: c, Lang: "en"}, Session: sess, UpdateID: id, Outbox: &Outbound{Payload: []byte(`[{"text":"next question"}]`)}}
					if err := db.SaveTurn(ctx, t); err != nil {
						b.Fatal(err)
					}
				}
			})
			commits, ops := db.CommitStats()
			if c := commits - commits0; c > 0 {
				b.ReportMetric(float64(ops-ops0)/float64(c), "turns/commit")
			}
		})
	}
}

// TestMarkSentLater: the mark is not waited for, and is applied; a mark
// after Close is refused, not lost in a queue.
func TestMarkSentLater(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	tt := &Turn{Partner: Partner{ChatID: 7, Lang: "en"}, Outbox: &Outbound{Payload: []byte(`[]`)}}
	require.NoError(t, db.SaveTurn(ctx, tt))
	require.NoError(t, db.MarkSending(ctx, tt.Outbox.ID))
	done := make(chan error, 1)
	db.MarkSentLater(tt.Outbox.ID, func(err error) { done <- err })
	require.NoError(t, <-done)
	assert.ErrorIs(t, db.MarkSent(ctx, tt.Outbox.ID), ErrNotFound, "already sent")

	require.NoError(t, db.Close())
	db.MarkSentLater(tt.Outbox.ID, func(err error) { done <- err })
	assert.ErrorIs(t, <-done, ErrClosed)
}

// TestGroupCommitLostTransaction: an op that takes the whole transaction
// with it (as SQLite does on some I/O errors) leaves no savepoint to return
// to; the group falls back to one transaction per op, and only that op
// fails.
func TestGroupCommitLostTransaction(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n = 24
	for i := range n {
		enqueue(t, db, int64(i+1))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
				if i == 5 {
					if _, err := tx.ExecContext(ctx, `ROLLBACK`); err != nil {
						return err
					}
					return errors.New("disk I/O error")
				}
				return markUpdateDone(ctx, tx, int64(i+1), db.now())
			})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if i == 5 {
			assert.Error(t, err)
			continue
		}
		assert.NoError(t, err, "op %d", i)
	}
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1, "every update but the failed op's is done")
	assert.Equal(t, int64(6), pending[0].UpdateID)
}
