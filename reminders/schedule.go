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
	// DaysLeft is set when the slot's day was missed and it is sent late:
	// the days really left before the window opens, which the text says.
	DaysLeft int
}

// WindowKey names the window in the outbox: its first day.
func (s Slot) WindowKey() string { return s.Opens.Format(time.DateOnly) }

// Due lists the slots due at now. For each window not yet open it is the
// latest lead time whose sending hour has come: on its own day as usual,
// or later when that day was missed entirely (the bot and cron were down),
// with DaysLeft saying how many days are really left. Older lead times are
// superseded by a later one and never sent late, and the outbox keys a slot
// by its lead time, so a missed day is caught up once. On the opening day
// the opening slot is due, and it is not caught up after.
func (s Schedule) Due(now time.Time) []Slot {
	local := now.In(s.Loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.Loc)
	days := slices.Clone(s.Days)
	slices.Sort(days) // nearest lead time first
	var out []Slot
	for year := local.Year(); year <= local.Year()+1; year++ {
		for _, w := range s.Windows {
			opens := app.WindowOpening(w, year, s.Loc)
			if opens.Equal(today) {
				if due := s.at(opens); !local.Before(due) {
					out = append(out, Slot{Opens: opens, DaysBefore: 0, DueAt: due})
				}
				continue
			}
			if !opens.After(today) {
				continue
			}
			for _, d := range days {
				day := opens.AddDate(0, 0, -d)
				due := s.at(day)
				if local.Before(due) {
					continue // not yet: a longer lead time may be the current one
				}
				slot := Slot{Opens: opens, DaysBefore: d, DueAt: due}
				if !day.Equal(today) {
					slot.DaysLeft = daysBetween(today, opens)
				}
				out = append(out, slot)
				break
			}
		}
	}
	return out
}

// at is the sending time on a day.
func (s Schedule) at(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), s.Hour, 0, 0, 0, s.Loc)
}

// daysBetween counts calendar days from a to b (local midnights).
func daysBetween(a, b time.Time) int {
	n := 0
	for d := a; d.Before(b); d = d.AddDate(0, 0, 1) {
		n++
	}
	return n
}
