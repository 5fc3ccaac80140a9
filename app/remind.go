package app

import (
	"context"
	"fmt"
	"time"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

// ReminderSlot is one due reminder round: a window and a lead time (0 on
// the opening day), as the reminders' schedule computes it.
type ReminderSlot struct {
	Opens time.Time // local midnight of the window's first day
	// Window names the window in the outbox.
	Window     string
	DaysBefore int
	DueAt      time.Time
	// DaysLeft, when set, is what the text says instead of DaysBefore: the
	// slot's day was missed and it is sent late.
	DaysLeft int
}

// PlannedReminder is one reminder a partner would get.
type PlannedReminder struct {
	Reminder store.Reminder
	Partner  store.Partner
	Kind     dialogs.ReminderKind
	Message  dialogs.Message
}

// PlanReminders renders the reminders of slots for every consenting,
// reachable partner, each in its language and about its own latest check
// or check in progress, without writing anything.
func (a *App) PlanReminders(ctx context.Context, slots []ReminderSlot) ([]PlannedReminder, error) {
	if len(slots) == 0 {
		return nil, nil
	}
	cands, err := a.DB.ReminderCandidates(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan reminders: %w", err)
	}
	var out []PlannedReminder
	for _, c := range cands {
		in := dialogs.ReminderInput{Lang: c.Partner.Lang}
		if c.Report != nil {
			in.Past = a.pastOf(*c.Report)
		}
		if c.Session != nil {
			in.InProgress = dialogs.InProgress(*c.Session)
		}
		for _, slot := range slots {
			in.Opens, in.DaysBefore = slot.Opens, slot.DaysBefore
			if slot.DaysLeft > 0 {
				in.DaysBefore = slot.DaysLeft
			}
			m, kind, ok := a.Engine.Reminder(in)
			if !ok {
				continue
			}
			out = append(out, PlannedReminder{
				Reminder: store.Reminder{ChatID: c.Partner.ChatID, WindowOpens: slot.Window, DaysBefore: slot.DaysBefore, DueAt: slot.DueAt, Message: m},
				Partner:  c.Partner, Kind: kind, Message: m,
			})
		}
	}
	return out, nil
}

// EnqueueReminders plans the reminders of slots and writes them to the
// outbox; it returns how many were new (a reminder already in the outbox is
// never written again).
func (a *App) EnqueueReminders(ctx context.Context, slots []ReminderSlot) (int, error) {
	planned, err := a.PlanReminders(ctx, slots)
	if err != nil || len(planned) == 0 {
		return 0, err
	}
	rs := make([]store.Reminder, len(planned))
	for i, pl := range planned {
		rs[i] = pl.Reminder
	}
	return a.DB.EnqueueReminders(ctx, rs)
}

// LapseLead is how long before a certificate lapses its warning is due.
const LapseLead = 60

// PlanLapseWarnings renders the lapse warnings due at now: for every
// consenting, reachable member, one per certificate of its company's
// register that lapses (by the catalogue's validity and the month earned)
// within LapseLead days and would open a gap in a specialization the
// company meets. A warning is due at hour (local time, loc) LapseLead days
// before the lapse and stays due until the lapse, so a missed day is
// caught up; the outbox keys it by company, certificate, lapse month and
// employee, so each member gets it once.
func (a *App) PlanLapseWarnings(ctx context.Context, now time.Time, hour int, loc *time.Location) ([]PlannedReminder, error) {
	cat := a.Engine.Catalog
	if !hasValidity(cat) {
		return nil, nil
	}
	cands, err := a.DB.ReminderCandidates(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan lapse warnings: %w", err)
	}
	local := now.In(loc)
	type due struct {
		key string
		at  time.Time
		in  dialogs.LapseInput
	}
	byCompany := map[int64][]due{}
	var out []PlannedReminder
	for _, c := range cands {
		if c.CompanyID == 0 {
			continue
		}
		warnings, seen := byCompany[c.CompanyID]
		if !seen {
			var facts eligibility.Facts
			switch {
			case c.Facts != nil:
				facts = c.Facts.Facts
			case c.Report != nil:
				facts = c.Report.Facts
			}
			for _, u := range eligibility.UpcomingLapses(cat, facts.Employees) {
				m, err := time.ParseInLocation("2006-01", u.Lapses, loc)
				if err != nil {
					continue
				}
				day := m.AddDate(0, 0, -LapseLead)
				at := time.Date(day.Year(), day.Month(), day.Day(), hour, 0, 0, 0, loc)
				if local.Before(at) || !local.Before(m) {
					continue
				}
				specs := eligibility.GapsIfLapsed(cat, facts, local, u.Employee, u.Cert)
				if len(specs) == 0 {
					continue
				}
				warnings = append(warnings, due{
					key: fmt.Sprintf("lapse:%d:%s:%s:%s", c.CompanyID, u.Lapses, u.Cert, u.Employee),
					at:  at,
					in:  dialogs.LapseInput{Employee: u.Employee, Cert: u.Cert, Lapses: u.Lapses, Specs: specs},
				})
			}
			byCompany[c.CompanyID] = warnings
		}
		for _, w := range warnings {
			in := w.in
			in.Lang = c.Partner.Lang
			m := a.Engine.LapseWarning(in)
			out = append(out, PlannedReminder{
				Reminder: store.Reminder{ChatID: c.Partner.ChatID, WindowOpens: w.key, DaysBefore: LapseLead, DueAt: w.at, Message: m},
				Partner:  c.Partner, Kind: dialogs.ReminderLapse, Message: m,
			})
		}
	}
	return out, nil
}

// EnqueueLapseWarnings plans the lapse warnings due at now and writes them
// to the outbox; it returns how many were new.
func (a *App) EnqueueLapseWarnings(ctx context.Context, now time.Time, hour int, loc *time.Location) (int, error) {
	planned, err := a.PlanLapseWarnings(ctx, now, hour, loc)
	if err != nil || len(planned) == 0 {
		return 0, err
	}
	rs := make([]store.Reminder, len(planned))
	for i, pl := range planned {
		rs[i] = pl.Reminder
	}
	return a.DB.EnqueueReminders(ctx, rs)
}

// hasValidity reports whether any certificate of the catalogue lapses.
func hasValidity(c *eligibility.Catalog) bool {
	if c == nil {
		return false
	}
	for _, cert := range c.Certificates {
		if cert.ValidMonths > 0 {
			return true
		}
	}
	return false
}
