package eligibility

import "time"

// WindowInfo tells whether a qualification window is open on a day, until
// when, or when the next one opens.
type WindowInfo struct {
	Open      bool     `json:"open"`
	Month     int      `json:"month"`
	Opens     string   `json:"opens"`  // first day, YYYY-MM-DD
	Closes    string   `json:"closes"` // last day, YYYY-MM-DD
	DaysUntil int      `json:"days_until"`
	DaysLeft  int      `json:"days_left,omitempty"` // days left in an open window, today included
	Levels    []string `json:"levels,omitempty"`
	// LevelNames names Levels, in the same order.
	LevelNames []Text `json:"level_names,omitempty"`
}

// NextWindow finds the window open on today's date or the next one to open.
// Windows open on the 1st of their month and close on its last day, in the
// location of today.
func NextWindow(rules []WindowRule, today time.Time) WindowInfo {
	if len(rules) == 0 {
		return WindowInfo{}
	}
	loc := today.Location()
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	for year := day.Year(); year <= day.Year()+1; year++ {
		for _, w := range rules {
			opens := time.Date(year, time.Month(w.Month), 1, 0, 0, 0, 0, loc)
			closes := opens.AddDate(0, 1, -1)
			if closes.Before(day) {
				continue
			}
			info := WindowInfo{
				Month:  w.Month,
				Opens:  opens.Format(time.DateOnly),
				Closes: closes.Format(time.DateOnly),
				Levels: w.Levels,
			}
			if !opens.After(day) {
				info.Open = true
				info.DaysLeft = daysBetween(day, closes) + 1
			} else {
				info.DaysUntil = daysBetween(day, opens)
			}
			return info
		}
	}
	return WindowInfo{}
}

// WindowOpening returns the opening day of the window rule in year, at
// midnight in loc.
func WindowOpening(w WindowRule, year int, loc *time.Location) time.Time {
	return time.Date(year, time.Month(w.Month), 1, 0, 0, 0, 0, loc)
}

// daysBetween counts calendar days from a to b, immune to DST shifts.
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}
