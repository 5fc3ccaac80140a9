package reminders_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/reminders"
)

// slotKey names a slot the way the outbox does: window and lead time.
func slotKey(s reminders.Slot) string { return fmt.Sprintf("%s/%d", s.WindowKey(), s.DaysBefore) }

func slotKeys(slots []reminders.Slot) []string {
	out := make([]string, 0, len(slots))
	for _, s := range slots {
		out = append(out, slotKey(s))
	}
	sort.Strings(out)
	return out
}

func TestScheduleDue(t *testing.T) {
	msk := moscow(t)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, msk) }
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	early := schedule(t)
	early.Hour = 1

	tests := []struct {
		name  string
		sched reminders.Schedule
		now   time.Time
		want  []string
	}{
		{"30 days before April, 11:00 Moscow", schedule(t), at(2027, 3, 2, 11, 0), []string{"2027-04-01/30"}},
		{"10:59 Moscow is not yet", schedule(t), at(2027, 3, 2, 10, 59), nil},
		{"07:59 UTC is 10:59 Moscow: not yet", schedule(t), utc(2027, 3, 2, 7, 59), nil},
		{"08:00 UTC is 11:00 Moscow: due", schedule(t), utc(2027, 3, 2, 8, 0), []string{"2027-04-01/30"}},
		{"late evening of the day still due", schedule(t), at(2027, 3, 2, 23, 59), []string{"2027-04-01/30"}},
		{"the day before is not due", schedule(t), at(2027, 3, 1, 23, 0), nil},
		// A missed day is caught up until the next lead time takes over.
		{"the day after is caught up", schedule(t), at(2027, 3, 3, 9, 0), []string{"2027-04-01/30"}},
		{"UTC still on the reminder day, Moscow already the next: caught up", schedule(t), utc(2027, 3, 2, 21, 30), []string{"2027-04-01/30"}},
		{"a missed 7-day supersedes the 30-day", schedule(t), at(2027, 3, 28, 11, 0), []string{"2027-04-01/7"}},
		{"an opening day missed is not sent late", schedule(t), at(2027, 4, 2, 11, 0), nil},
		{"UTC on the eve, Moscow on the reminder day after the hour", early, utc(2027, 3, 1, 22, 0), []string{"2027-04-01/30"}},
		{"UTC on the eve, Moscow on the reminder day before the hour", early, utc(2027, 3, 1, 21, 59), nil},
		{"an instant in New York counts for the Moscow day", schedule(t), time.Date(2027, 3, 2, 4, 0, 0, 0, newYork), []string{"2027-04-01/30"}},
		{"New York on the eve, Moscow on the day before 11:00", schedule(t), time.Date(2027, 3, 1, 23, 0, 0, 0, newYork), nil},
		{"04:00 in New York (EDT) is 11:00 Moscow", schedule(t), time.Date(2027, 3, 25, 4, 0, 0, 0, newYork), []string{"2027-04-01/7"}},
		{"7 days before April", schedule(t), at(2027, 3, 25, 11, 0), []string{"2027-04-01/7"}},
		{"April window opens", schedule(t), at(2027, 4, 1, 11, 0), []string{"2027-04-01/0"}},
		{"April opening day before the hour", schedule(t), at(2027, 4, 1, 9, 0), nil},
		// September has 30 days: 30 days before 1 October is 1 September.
		{"30 days before October", schedule(t), at(2027, 9, 1, 11, 0), []string{"2027-10-01/30"}},
		{"31 days before October is not a reminder day", schedule(t), at(2027, 8, 31, 11, 0), nil},
		{"7 days before October", schedule(t), at(2027, 9, 24, 12, 0), []string{"2027-10-01/7"}},
		{"October window opens", schedule(t), at(2027, 10, 1, 18, 0), []string{"2027-10-01/0"}},
		{"an ordinary day", schedule(t), at(2027, 6, 15, 11, 0), nil},
		{"an ordinary day between the 30- and 7-day reminders", schedule(t), at(2027, 3, 15, 11, 0), []string{"2027-04-01/30"}},
		{"New Year's Eve", schedule(t), at(2027, 12, 31, 23, 0), nil},
		{"next year's first reminder", schedule(t), at(2028, 3, 2, 11, 0), []string{"2028-04-01/30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slots := tt.sched.Due(tt.now)
			if tt.want == nil {
				assert.Empty(t, slots)
				return
			}
			assert.Equal(t, tt.want, slotKeys(slots))
			for _, s := range slots {
				assert.Equal(t, msk.String(), s.Opens.Location().String(), "the window opens at Moscow midnight")
				assert.Equal(t, 0, s.Opens.Hour())
				due := s.DueAt.In(msk)
				assert.Equal(t, tt.sched.Hour, due.Hour(), "due at the schedule's local hour")
				assert.Equal(t, s.Opens.AddDate(0, 0, -s.DaysBefore).Format(time.DateOnly), due.Format(time.DateOnly))
				if local := tt.now.In(msk); local.Format(time.DateOnly) != due.Format(time.DateOnly) {
					assert.Positive(t, s.DaysLeft, "a slot sent late says the days really left")
					assert.Less(t, s.DaysLeft, s.DaysBefore)
				} else {
					assert.Zero(t, s.DaysLeft)
				}
				assert.False(t, tt.now.Before(s.DueAt), "a slot is never due before its time")
			}
		})
	}
}

// TestScheduleAcrossYear walks every hour of 2027 in Moscow: six slots
// come due, each first on its own day from 11:00 local; a slot stays due
// (to catch up a missed day) until the next one takes over.
func TestScheduleAcrossYear(t *testing.T) {
	msk := moscow(t)
	sched := schedule(t)
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, msk)
	end := time.Date(2028, 1, 1, 0, 0, 0, 0, msk)

	firstHour := map[string]int{}    // day -> first local hour a slot appeared
	slotsOn := map[string][]string{} // day a slot first appeared -> slots
	seen := map[string]bool{}
	for now := start; now.Before(end); now = now.Add(time.Hour) {
		slots := sched.Due(now.UTC()) // the clock of a server in UTC
		day := now.In(msk).Format(time.DateOnly)
		for _, k := range slotKeys(slots) {
			if seen[k] {
				continue
			}
			seen[k] = true
			if _, ok := firstHour[day]; !ok {
				firstHour[day] = now.In(msk).Hour()
			}
			slotsOn[day] = append(slotsOn[day], k)
		}
		assert.LessOrEqual(t, len(slots), 1, "%s: at most one slot per window", now)
	}
	assert.Equal(t, map[string][]string{
		"2027-03-02": {"2027-04-01/30"},
		"2027-03-25": {"2027-04-01/7"},
		"2027-04-01": {"2027-04-01/0"},
		"2027-09-01": {"2027-10-01/30"}, // 30 days before: September has 30 days
		"2027-09-24": {"2027-10-01/7"},
		"2027-10-01": {"2027-10-01/0"},
	}, slotsOn)
	for day, h := range firstHour {
		assert.Equal(t, 11, h, "%s: first due at 11:00 Moscow", day)
	}
}
