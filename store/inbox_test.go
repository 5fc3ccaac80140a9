package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnqueueUpdate(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)

	tests := []struct {
		name string
		u    InboxUpdate
		want bool
		err  error
	}{
		{"new", InboxUpdate{UpdateID: 10, ChatID: 1, Payload: []byte(`{"a":1}`)}, true, nil},
		{"duplicate while pending", InboxUpdate{UpdateID: 10, ChatID: 1, Payload: []byte(`{"a":2}`)}, false, nil},
		{"no chat", InboxUpdate{UpdateID: 11, Payload: []byte(`{}`)}, true, nil},
		{"zero id", InboxUpdate{UpdateID: 0}, false, ErrInvalid},
		{"negative id", InboxUpdate{UpdateID: -1}, false, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.EnqueueUpdate(ctx, tt.u)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, []InboxUpdate{
		{UpdateID: 10, ChatID: 1, Payload: []byte(`{"a":1}`), ReceivedAt: clk.Now()},
		{UpdateID: 11, ChatID: 0, Payload: []byte(`{}`), ReceivedAt: clk.Now()},
	}, pending, "the duplicate changed nothing")

	require.NoError(t, db.MarkUpdateDone(ctx, 10))
	ok, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: 10, ChatID: 1})
	require.NoError(t, err)
	assert.False(t, ok, "duplicate of a done update")
}

func TestPendingUpdates_OrderAndLimit(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, id := range []int64{30, 10, 20, 40} {
		_, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: id, Payload: []byte(`{}`)})
		require.NoError(t, err)
	}
	require.NoError(t, db.MarkUpdateDone(ctx, 20))

	tests := []struct {
		name  string
		limit int
		want  []int64
	}{
		{"all", 0, []int64{10, 30, 40}},
		{"negative is all", -1, []int64{10, 30, 40}},
		{"limited", 2, []int64{10, 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pending, err := db.PendingUpdates(ctx, tt.limit)
			require.NoError(t, err)
			var ids []int64
			for _, u := range pending {
				ids = append(ids, u.UpdateID)
			}
			assert.Equal(t, tt.want, ids)
		})
	}
}

func TestMarkUpdateDone(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: 1, Payload: []byte(`{}`)})
	require.NoError(t, err)

	require.NoError(t, db.MarkUpdateDone(ctx, 1))
	require.NoError(t, db.MarkUpdateDone(ctx, 1), "marking twice is harmless")
	assert.ErrorIs(t, db.MarkUpdateDone(ctx, 2), ErrNotFound)
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, pending)
}

func TestMaxUpdateID(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	maxID, err := db.MaxUpdateID(ctx)
	require.NoError(t, err)
	assert.Zero(t, maxID)

	for _, id := range []int64{5, 9, 7} {
		_, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: id, Payload: []byte(`{}`)})
		require.NoError(t, err)
	}
	require.NoError(t, db.MarkUpdateDone(ctx, 9))
	maxID, err = db.MaxUpdateID(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(9), maxID, "done updates count")
}

func TestPruneUpdates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	start := clk.Now()

	// Ids 1..4 arrive an hour apart; 1, 2 and 4 are done, 3 is pending.
	for id := int64(1); id <= 4; id++ {
		_, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: id, Payload: []byte(`{}`)})
		require.NoError(t, err)
		clk.Add(time.Hour)
	}
	for _, id := range []int64{1, 2, 4} {
		require.NoError(t, db.MarkUpdateDone(ctx, id))
	}

	n, err := db.PruneUpdates(ctx, start.Add(90*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, int64(2), n, "done rows received before the cut")

	n, err = db.PruneUpdates(ctx, start.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "the pending row and the max row stay")

	assert.Equal(t, []int64{3, 4}, column[int64](t, db, `SELECT update_id FROM inbox ORDER BY update_id`))

	maxID, err := db.MaxUpdateID(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(4), maxID)
	ok, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: 4})
	require.NoError(t, err)
	assert.False(t, ok, "the kept max row still deduplicates")
}
