package app

import "time"

// Working hours: a handoff waits in working time, Monday to Friday, 09:00
// to 18:00 in the program's time zone; a card posted on Friday evening is
// not overdue by Monday morning.
const (
	workStart = 9
	workEnd   = 18
)

// WorkingBefore is the moment d of working time before t, in the time zone
// of the program's windows: a card created before it has waited at least
// d of working time by t.
func (a *App) WorkingBefore(t time.Time, d time.Duration) time.Time {
	return workingBefore(t, d, a.Engine.Now().Location())
}

func workingBefore(t time.Time, d time.Duration, loc *time.Location) time.Time {
	cur := t.In(loc)
	for range 3660 { // ten years of days: d is hours, not years
		y, m, day := cur.Date()
		open := time.Date(y, m, day, workStart, 0, 0, 0, loc)
		shut := time.Date(y, m, day, workEnd, 0, 0, 0, loc)
		prevShut := time.Date(y, m, day-1, workEnd, 0, 0, 0, loc)
		switch {
		case cur.Weekday() == time.Saturday || cur.Weekday() == time.Sunday || !cur.After(open):
			cur = prevShut
			continue
		case cur.After(shut):
			cur = shut
		}
		if avail := cur.Sub(open); avail >= d {
			return cur.Add(-d)
		} else {
			d -= avail
		}
		cur = prevShut
	}
	return cur
}
