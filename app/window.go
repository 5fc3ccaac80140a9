package app

import (
	"time"

	"specbot/eligibility"
)

// WindowRule is a qualification window as the catalogue states it; the
// reminders' schedule plans by it.
type WindowRule = eligibility.WindowRule

// WindowOpening is the local midnight of the first day of window w in
// year, in loc.
func WindowOpening(w WindowRule, year int, loc *time.Location) time.Time {
	return eligibility.WindowOpening(w, year, loc)
}
