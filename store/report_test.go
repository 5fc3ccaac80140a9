package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// mustSaveReports saves one report per status for the partner, a minute
// apart, and returns them as saved.
func mustSaveReports(t *testing.T, db *DB, clk *clock, p Partner, statuses ...eligibility.Status) []Report {
	t.Helper()
	var out []Report
	for _, s := range statuses {
		turn := &Turn{Partner: p, Report: &Report{
			Facts:    facts(t, `{}`),
			Verdict:  eligibility.Report{Catalog: "test"},
			Statuses: map[string]eligibility.Status{"devops": s},
			Gaps:     map[string]int{"devops": 1},
		}}
		require.NoError(t, db.SaveTurn(context.Background(), turn))
		out = append(out, *turn.Report)
		clk.Add(time.Minute)
	}
	return out
}

func TestReports(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	saved := mustSaveReports(t, db, clk, Partner{ChatID: 1, Lang: "en"}, "not_eligible", "incomplete", "eligible")
	mustSaveReports(t, db, clk, Partner{ChatID: 2, Lang: "en"}, "eligible")

	tests := []struct {
		name   string
		chatID int64
		limit  int
		want   []Report
	}{
		{"all", 1, 0, []Report{saved[2], saved[1], saved[0]}},
		{"limited", 1, 2, []Report{saved[2], saved[1]}},
		{"more than there are", 1, 10, []Report{saved[2], saved[1], saved[0]}},
		{"none", 3, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Reports(ctx, tt.chatID, tt.limit)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestLatestReport(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)
	saved := mustSaveReports(t, db, clk, Partner{ChatID: 1, Lang: "en"}, "incomplete", "eligible")
	mustSavePartner(t, db, Partner{ChatID: 2, Lang: "en"})

	got, err := db.LatestReport(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, saved[1], got)

	_, err = db.LatestReport(ctx, 2)
	assert.ErrorIs(t, err, ErrNotFound, "a partner without reports")
	_, err = db.LatestReport(ctx, 3)
	assert.ErrorIs(t, err, ErrNotFound, "no partner")
}

func TestLatestReports(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clk := useClock(db)

	got, err := db.LatestReports(ctx)
	require.NoError(t, err)
	assert.Empty(t, got)

	p30 := Partner{ChatID: 30, Username: "c", Lang: "ru"}
	p10 := Partner{ChatID: 10, Username: "a", Lang: "en"}
	r30 := mustSaveReports(t, db, clk, p30, "incomplete", "eligible")
	r10 := mustSaveReports(t, db, clk, p10, "not_eligible")
	mustSavePartner(t, db, Partner{ChatID: 20, Lang: "en"}) // no report
	r30 = append(r30, mustSaveReports(t, db, clk, p30, "not_eligible")...)

	got, err = db.LatestReports(ctx)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, int64(10), got[0].Partner.ChatID)
	assert.Equal(t, "a", got[0].Partner.Username)
	assert.Equal(t, r10[0], got[0].Report)
	assert.Equal(t, int64(30), got[1].Partner.ChatID)
	assert.Equal(t, r30[2], got[1].Report)
}
