package eligibility

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNextWindowMoscow(t *testing.T) {
	msk := moscow(t)
	rules := defaultCatalog(t).Windows
	day := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, msk) }
	tests := []struct {
		name  string
		today time.Time
		want  WindowInfo
	}{
		{"2026-11-25: April 2027 is next", day(2026, time.November, 25, 12, 0),
			WindowInfo{Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysUntil: 127}},
		{"2027-04-01 at midnight: open, 30 days left", day(2027, time.April, 1, 0, 0),
			WindowInfo{Open: true, Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysLeft: 30}},
		{"2027-04-15: open, 16 days left", day(2027, time.April, 15, 9, 30),
			WindowInfo{Open: true, Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysLeft: 16}},
		{"2027-04-30 late: open, last day", day(2027, time.April, 30, 23, 59),
			WindowInfo{Open: true, Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysLeft: 1}},
		{"2027-05-01: October is next", day(2027, time.May, 1, 0, 0),
			WindowInfo{Month: 10, Opens: "2027-10-01", Closes: "2027-10-31", DaysUntil: 153}},
		{"2027-03-31: April opens tomorrow", day(2027, time.March, 31, 23, 59),
			WindowInfo{Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysUntil: 1}},
		{"2026-09-30: October opens tomorrow", day(2026, time.September, 30, 12, 0),
			WindowInfo{Month: 10, Opens: "2026-10-01", Closes: "2026-10-31", DaysUntil: 1}},
		{"2026-10-01: October open, 31 days left", day(2026, time.October, 1, 0, 0),
			WindowInfo{Open: true, Month: 10, Opens: "2026-10-01", Closes: "2026-10-31", DaysLeft: 31}},
		{"2026-10-31: October's last day", day(2026, time.October, 31, 18, 0),
			WindowInfo{Open: true, Month: 10, Opens: "2026-10-01", Closes: "2026-10-31", DaysLeft: 1}},
		{"2026-11-01: wraps to April of the next year", day(2026, time.November, 1, 0, 0),
			WindowInfo{Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysUntil: 151}},
		{"2026-12-31: April of the next year", day(2026, time.December, 31, 23, 0),
			WindowInfo{Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysUntil: 91}},
		{"2027-01-01: April of the same year", day(2027, time.January, 1, 0, 0),
			WindowInfo{Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysUntil: 90}},
		{"leap year: 2028-02-29 to April", day(2028, time.February, 29, 12, 0),
			WindowInfo{Month: 4, Opens: "2028-04-01", Closes: "2028-04-30", DaysUntil: 32}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NextWindow(rules, tt.today))
		})
	}
}

// TestNextWindowTimeZone: the day is the day in Moscow, not in UTC.
func TestNextWindowTimeZone(t *testing.T) {
	msk := moscow(t)
	rules := defaultCatalog(t).Windows
	tests := []struct {
		name string
		utc  time.Time
		want WindowInfo
	}{
		{"21:30 UTC on March 31 is April 1 in Moscow", time.Date(2027, time.March, 31, 21, 30, 0, 0, time.UTC),
			WindowInfo{Open: true, Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysLeft: 30}},
		{"22:00 UTC on April 30 is May 1 in Moscow", time.Date(2027, time.April, 30, 22, 0, 0, 0, time.UTC),
			WindowInfo{Month: 10, Opens: "2027-10-01", Closes: "2027-10-31", DaysUntil: 153}},
		{"23:59 UTC on December 31 is January 1 in Moscow", time.Date(2026, time.December, 31, 23, 59, 0, 0, time.UTC),
			WindowInfo{Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysUntil: 90}},
		{"20:59 UTC on March 31 is still March 31 in Moscow", time.Date(2027, time.March, 31, 20, 59, 0, 0, time.UTC),
			WindowInfo{Month: 4, Opens: "2027-04-01", Closes: "2027-04-30", DaysUntil: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NextWindow(rules, tt.utc.In(msk)))
		})
	}

	t.Run("Evaluate reports Moscow's day", func(t *testing.T) {
		now := time.Date(2027, time.March, 31, 21, 30, 0, 0, time.UTC).In(msk)
		r := Evaluate(defaultCatalog(t), NewFacts(), now)
		assert.Equal(t, "2027-04-01", r.Today)
		assert.True(t, r.Window.Open)
		assert.Equal(t, 30, r.Window.DaysLeft)
	})
}

func TestNextWindowRules(t *testing.T) {
	msk := moscow(t)
	tests := []struct {
		name  string
		rules []WindowRule
		today time.Time
		want  WindowInfo
	}{
		{"no windows", nil, time.Date(2027, time.May, 1, 0, 0, 0, 0, msk), WindowInfo{}},
		{"one window a year, just passed", []WindowRule{{Month: 4}}, time.Date(2027, time.May, 1, 0, 0, 0, 0, msk),
			WindowInfo{Month: 4, Opens: "2028-04-01", Closes: "2028-04-30", DaysUntil: 336}},
		{"February of a leap year closes on the 29th", []WindowRule{{Month: 2}}, time.Date(2028, time.February, 10, 0, 0, 0, 0, msk),
			WindowInfo{Open: true, Month: 2, Opens: "2028-02-01", Closes: "2028-02-29", DaysLeft: 20}},
		{"December open, January next", []WindowRule{{Month: 1}, {Month: 12}}, time.Date(2026, time.December, 31, 0, 0, 0, 0, msk),
			WindowInfo{Open: true, Month: 12, Opens: "2026-12-01", Closes: "2026-12-31", DaysLeft: 1}},
		{"levels are carried", []WindowRule{{Month: 4}, {Month: 10, Levels: []string{"professional"}}}, time.Date(2026, time.June, 1, 0, 0, 0, 0, msk),
			WindowInfo{Month: 10, Opens: "2026-10-01", Closes: "2026-10-31", DaysUntil: 122, Levels: []string{"professional"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, NextWindow(tt.rules, tt.today))
		})
	}
}

func TestWindowOpening(t *testing.T) {
	msk := moscow(t)
	got := WindowOpening(WindowRule{Month: 10}, 2026, msk)
	assert.Equal(t, time.Date(2026, time.October, 1, 0, 0, 0, 0, msk), got)
	assert.Equal(t, "2026-09-30T21:00:00Z", got.UTC().Format(time.RFC3339))
}

func TestWindowInfoJSON(t *testing.T) {
	w := NextWindow(defaultCatalog(t).Windows, testToday(t))
	out, err := json.Marshal(w)
	require.NoError(t, err)
	assert.JSONEq(t, `{"open": false, "month": 4, "opens": "2027-04-01", "closes": "2027-04-30", "days_until": 127}`, string(out))
}
