package app

import (
	"context"
	"fmt"
	"time"

	"specbot/dialogs"
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
