package reminders

import (
	"slices"
	"time"

	"specbot/app"
)

// DefaultHour is the local hour reminders go out: late morning, when a
// partnership lead reads work messages.
const DefaultHour = 11

// Schedule is when reminders are due.
type Schedule struct {
	Windows []app.WindowRule
	Days    []int // lead times, in days before a window opens
	Hour    int   // local hour of sending
	Loc     *time.Location
}

// Slot is one due reminder round: a window and a lead time (0 on the
// opening day).
type Slot struct {
	Opens      time.Time // local midnight of the window's first day
	DaysBefore int
	DueAt      time.Time
}

// WindowKey names the window in the outbox: its first day.
func (s Slot) WindowKey() string { return s.Opens.Format(time.DateOnly) }

// Due lists the slots due at now: those whose day is today (in the
// schedule's time zone) and whose hour has come. A day missed entirely
// (the bot was down) is not sent late: a "30 days before" on day 29 would
// say the wrong thing.
func (s Schedule) Due(now time.Time) []Slot {
	local := now.In(s.Loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.Loc)
	days := append(slices.Clone(s.Days), 0)
	var out []Slot
	for year := local.Year(); year <= local.Year()+1; year++ {
		for _, w := range s.Windows {
			opens := app.WindowOpening(w, year, s.Loc)
			for _, d := range days {
				day := opens.AddDate(0, 0, -d)
				if !day.Equal(today) {
					continue
				}
				due := time.Date(day.Year(), day.Month(), day.Day(), s.Hour, 0, 0, 0, s.Loc)
				if local.Before(due) {
					continue
				}
				out = append(out, Slot{Opens: opens, DaysBefore: d, DueAt: due})
			}
		}
	}
	return out
}
