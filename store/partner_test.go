package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mustSavePartner saves a turn with p and no session.
func mustSavePartner(t *testing.T, db *DB, p Partner) Partner {
	t.Helper()
	turn := &Turn{Partner: p}
	require.NoError(t, db.SaveTurn(context.Background(), turn))
	return turn.Partner
}

func TestPartner_NotFound(t *testing.T) {
	db := MustOpenDB(t)
	_, err := db.Partner(context.Background(), 42)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestPartnerByUsername(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	mustSavePartner(t, db, Partner{ChatID: 1, Username: "Anna_K", Lang: "en"})
	mustSavePartner(t, db, Partner{ChatID: 2, Username: "", Lang: "en"})
	clk.Add(time.Minute)
	// The username moved from chat 3 to chat 4; the newer owner wins.
	mustSavePartner(t, db, Partner{ChatID: 3, Username: "oleg", Lang: "ru"})
	clk.Add(time.Minute)
	mustSavePartner(t, db, Partner{ChatID: 4, Username: "Oleg", Lang: "ru"})

	tests := []struct {
		name     string
		username string
		want     int64
		err      error
	}{
		{"exact", "Anna_K", 1, nil},
		{"lower case", "anna_k", 1, nil},
		{"upper case", "ANNA_K", 1, nil},
		{"with at sign", "@anna_k", 1, nil},
		{"newest owner", "OLEG", 4, nil},
		{"unknown", "boris", 0, ErrNotFound},
		{"empty never matches", "", 0, ErrNotFound},
		{"only at sign", "@", 0, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := db.PartnerByUsername(ctx, tt.username)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.ChatID)
		})
	}
}

func TestSetReminders(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	mustSavePartner(t, db, Partner{ChatID: 1, Lang: "en"})

	tests := []struct {
		name   string
		chatID int64
		state  Consent
		err    error
	}{
		{"on", 1, "on", nil},
		{"off", 1, "off", nil},
		{"ask again", 1, "", nil},
		{"unknown state", 1, "maybe", ErrInvalid},
		{"unknown partner", 2, "on", ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Add(time.Second)
			err := db.SetReminders(ctx, tt.chatID, tt.state)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			p, err := db.Partner(ctx, tt.chatID)
			require.NoError(t, err)
			assert.Equal(t, tt.state, p.Reminders)
			assert.Equal(t, clk.Now(), p.UpdatedAt)
		})
	}
}

func TestSetUnreachable(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustSavePartner(t, db, Partner{ChatID: 1, Lang: "en"})

	for _, want := range []bool{true, false} {
		require.NoError(t, db.SetUnreachable(ctx, 1, want))
		p, err := db.Partner(ctx, 1)
		require.NoError(t, err)
		assert.Equal(t, want, p.Unreachable)
	}
	assert.ErrorIs(t, db.SetUnreachable(ctx, 2, true), ErrNotFound)
}

func TestCountPartners(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	n, err := db.CountPartners(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, n)

	for id := int64(1); id <= 3; id++ {
		mustSavePartner(t, db, Partner{ChatID: id, Lang: "en"})
	}
	mustSavePartner(t, db, Partner{ChatID: 2, Lang: "ru"}) // an update, not a new partner
	n, err = db.CountPartners(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestForget(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := formatTime(db.now())

	for _, id := range []int64{1, 2} {
		require.NoError(t, db.SaveTurn(ctx, &Turn{
			Partner: Partner{ChatID: id, Username: "user", Lang: "en"},
			Session: session("en", 1),
			Report:  &Report{},
		}))
		report, err := db.LatestReport(ctx, id)
		require.NoError(t, err)
		_, err = db.rw.Exec(`INSERT INTO handoffs (chat_id, report_id, created_at) VALUES (?, ?, ?)`, id, report.ID, now)
		require.NoError(t, err)
		_, err = db.rw.Exec(`INSERT INTO reminders (chat_id, window_opens, days_before, due_at) VALUES (?, '2026-04-01', 7, ?)`, id, now)
		require.NoError(t, err)
	}
	ok, err := db.EnqueueUpdate(ctx, InboxUpdate{UpdateID: 10, ChatID: 1, Payload: []byte(`{}`)})
	require.NoError(t, err)
	require.True(t, ok)

	require.NoError(t, db.Forget(ctx, 1))

	_, err = db.Partner(ctx, 1)
	assert.ErrorIs(t, err, ErrNotFound)
	s, err := db.Session(ctx, 1)
	require.NoError(t, err)
	assert.Nil(t, s)
	_, err = db.LatestReport(ctx, 1)
	assert.ErrorIs(t, err, ErrNotFound)
	for _, table := range []string{"partners", "sessions", "reports", "handoffs", "reminders"} {
		var n int
		require.NoError(t, db.rw.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE chat_id = 1`).Scan(&n))
		assert.Zero(t, n, "rows of chat 1 left in %s", table)
		require.NoError(t, db.rw.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE chat_id = 2`).Scan(&n))
		assert.Equal(t, 1, n, "rows of chat 2 in %s", table)
	}

	// A pending update of the forgotten chat is still processed, once.
	pending, err := db.PendingUpdates(ctx, 0)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, int64(10), pending[0].UpdateID)

	assert.ErrorIs(t, db.Forget(ctx, 1), ErrNotFound)
}
