package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOutboxRidesTheTurn: the replies are saved with the turn, listed in
// order per chat until marked sent, and a failed turn leaves none.
func TestOutboxRidesTheTurn(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i, chat := range []int64{1, 2, 1} {
		turn := &Turn{Partner: Partner{ChatID: chat, Lang: "en"}, Outbox: &Outbound{Payload: []byte{byte('a' + i)}}}
		require.NoError(t, db.SaveTurn(ctx, turn))
		assert.Positive(t, turn.Outbox.ID)
		assert.Equal(t, chat, turn.Outbox.ChatID)
	}
	all, err := db.PendingOutbound(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 3)
	one, err := db.PendingOutbound(ctx, 1, 0)
	require.NoError(t, err)
	require.Len(t, one, 2)
	assert.Equal(t, []byte("a"), one[0].Payload)
	assert.Equal(t, []byte("c"), one[1].Payload)

	require.NoError(t, db.CountAttempt(ctx, one[0].ID, nil))
	require.NoError(t, db.MarkSent(ctx, one[0].ID))
	assert.ErrorIs(t, db.MarkSent(ctx, one[0].ID), ErrNotFound, "sent once")
	one, err = db.PendingOutbound(ctx, 1, 0)
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, []byte("c"), one[0].Payload)

	// A turn refused by the store leaves no reply behind.
	bad := &Turn{Partner: Partner{ChatID: 3, Lang: "en"}, UpdateID: 999, Outbox: &Outbound{Payload: []byte("x")}}
	require.Error(t, db.SaveTurn(ctx, bad))
	none, err := db.PendingOutbound(ctx, 3, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}

// TestUpgradeFromSchema6 opens a database written by the schema of
// migration 0006 (testdata/schema6.db: the rows of schema5.db, with the
// inbox's failure columns) and checks that the outbox arrives empty beside
// the old rows, which are all still there.
func TestUpgradeFromSchema6(t *testing.T) {
	ctx := context.Background()
	db := openFixture(t, "schema6.db")

	chat, err := db.Chat(ctx, 7)
	require.NoError(t, err)
	require.True(t, chat.Found)
	assert.Equal(t, "Acme", chat.Partner.Company)
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, int64(101), pending[0].UpdateID)

	none, err := db.PendingOutbound(ctx, 0, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
	turn := &Turn{Partner: chat.Partner, Session: chat.Session, UpdateID: 101, Outbox: &Outbound{Payload: []byte(`{}`)}}
	require.NoError(t, db.SaveTurn(ctx, turn))
	one, err := db.PendingOutbound(ctx, 7, 0)
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, turn.Outbox.ID, one[0].ID)
}

// TestOutboxAnswerRidesTheDoneMark: an answer to an update is stored with
// the update's done mark; the same update again stores nothing and says
// so; a batch is claimed for sending once.
func TestOutboxAnswerRidesTheDoneMark(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := db.EnqueueUpdates(ctx, []InboxUpdate{{UpdateID: 5, ChatID: 1}})
	require.NoError(t, err)

	o := &Outbound{ChatID: 1, Payload: []byte("figures")}
	require.NoError(t, db.SaveAnswer(ctx, o, 5))
	assert.Positive(t, o.ID)
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, pending, "the update is done")

	again := &Outbound{ChatID: 1, Payload: []byte("figures")}
	assert.ErrorIs(t, db.SaveAnswer(ctx, again, 5), ErrAlreadyDone)
	assert.ErrorIs(t, db.SaveAnswer(ctx, &Outbound{ChatID: 1, Payload: []byte("x")}, 99), ErrNotFound, "an update never received")
	waiting, err := db.PendingOutbound(ctx, 1, 0)
	require.NoError(t, err)
	require.Len(t, waiting, 1, "answered once")

	require.NoError(t, db.MarkSending(ctx, o.ID))
	assert.ErrorIs(t, db.MarkSending(ctx, o.ID), ErrNotFound, "claimed once")
	require.NoError(t, db.CountAttempt(ctx, o.ID, nil))
	require.NoError(t, db.MarkSending(ctx, o.ID), "a refused batch can be claimed again")

	alone := &Outbound{ChatID: 2, Payload: []byte("apology")}
	require.NoError(t, db.SaveAnswer(ctx, alone, 0))
	assert.Positive(t, alone.ID)
}

// TestPruneSent: batches sent before the cut are deleted; newer sent ones,
// pending ones and ones a crash left sending stay, whatever their age.
func TestPruneSent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	start := clk.Now()
	ids := make([]int64, 4)
	for i := range ids {
		turn := &Turn{Partner: Partner{ChatID: int64(i + 1), Lang: "en"}, Outbox: &Outbound{Payload: []byte("hi")}}
		require.NoError(t, db.SaveTurn(ctx, turn))
		ids[i] = turn.Outbox.ID
	}
	require.NoError(t, db.MarkSent(ctx, ids[0]))
	require.NoError(t, db.MarkSending(ctx, ids[2]))
	clk.Add(2 * time.Hour)
	require.NoError(t, db.MarkSent(ctx, ids[1]))

	n, err := db.PruneSent(ctx, start.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "only the batch sent before the cut")
	n, err = db.PruneSent(ctx, start.Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n)

	assert.Equal(t, ids[1:], column[int64](t, db, `SELECT id FROM outbox ORDER BY id`))
	pending, err := db.PendingOutbound(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, ids[3], pending[0].ID)
}

// TestHotStatementsUseTheirIndexes: the statements each turn, each reminder
// claim and each outbox scan run read through an index, not the whole
// table, which grows with every reply and reminder ever sent. A bound state
// would make SQLite pass over the partial indexes.
func TestHotStatementsUseTheirIndexes(t *testing.T) {
	db := MustOpenDB(t)
	for name, q := range map[string]string{
		"a chat's pending batches":   pendingOutboxOfChat,
		"a chat, as a turn reads it": chatQuery,
		"all pending batches":        pendingOutboxAll,
		"pending batches counted":    countPendingOutbound,
		"due reminders claimed":      claimRemindersQuery,
	} {
		t.Run(name, func(t *testing.T) {
			stmt, err := db.rw.Prepare(`EXPLAIN QUERY PLAN ` + q)
			require.NoError(t, err)
			defer stmt.Close()
			rows, err := stmt.Query(make([]any, strings.Count(q, "?"))...)
			require.NoError(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
				plan = append(plan, detail)
			}
			require.NoError(t, rows.Err())
			require.NotEmpty(t, plan)
			for _, step := range plan {
				assert.NotRegexp(t, `^SCAN (outbox|reminders)$`, step, "plan: %q", plan)
			}
			assert.Regexp(t, `USING (COVERING )?INDEX (outbox|reminders)_pending`, strings.Join(plan, "\n"))
		})
	}
}

// BenchmarkChatBesideSentOutbox reads a chat as each turn does, in a
// database whose outbox holds a week of sent replies (100,000 batches).
func BenchmarkChatBesideSentOutbox(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	require.NoError(b, db.SaveTurn(ctx, &Turn{Partner: Partner{ChatID: 1, Lang: "en"}, Session: session("en", 1)}))
	_, err := db.rw.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
		INSERT INTO outbox (chat_id, payload, state, created_at, sent_at)
		SELECT i % 1000 + 1, x'', 'sent', '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z' FROM n`)
	require.NoError(b, err)
	for b.Loop() {
		if _, err := db.Chat(ctx, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChatAfterWrite reads a chat as each turn does, right after
// another chat's turn was committed, as under load: every read
// transaction then starts with SQLite's page cache emptied.
func BenchmarkChatAfterWrite(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	for i := 1; i <= 2000; i++ {
		turn := &Turn{Partner: Partner{ChatID: int64(i), Lang: "en"}, Session: session("en", 1), Outbox: &Outbound{Payload: []byte("x")}}
		require.NoError(b, db.SaveTurn(ctx, turn))
		require.NoError(b, db.MarkSent(ctx, turn.Outbox.ID))
	}
	i := 0
	for b.Loop() {
		i++
		b.StopTimer()
		turn := &Turn{Partner: Partner{ChatID: int64(i%2000 + 1), Lang: "en", Name: "x"}, Session: session("en", i%5+1), Outbox: &Outbound{Payload: []byte("y")}}
		require.NoError(b, db.SaveTurn(ctx, turn))
		require.NoError(b, db.MarkSent(ctx, turn.Outbox.ID))
		b.StartTimer()
		if _, err := db.Chat(ctx, int64((i*7)%2000+1)); err != nil {
			b.Fatal(err)
		}
	}
}
