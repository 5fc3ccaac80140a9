package reminders

import (
	"context"
	"time"

	"specbot/app"
)

// Planner writes due reminders to the outbox: the schedule says which
// rounds are due, app renders and stores them.
type Planner struct {
	App      *app.App
	Schedule Schedule
}

// Planned is one reminder a partner would get.
type Planned = app.PlannedReminder

// Plan renders the reminders due at now for every consenting, reachable
// partner, without writing anything.
func (p *Planner) Plan(ctx context.Context, now time.Time) ([]Planned, error) {
	return p.App.PlanReminders(ctx, p.slots(now))
}

// Enqueue plans and writes the reminders due at now; it returns how many
// were new (a reminder already in the outbox is never written again).
func (p *Planner) Enqueue(ctx context.Context, now time.Time) (int, error) {
	return p.App.EnqueueReminders(ctx, p.slots(now))
}

func (p *Planner) slots(now time.Time) []app.ReminderSlot {
	due := p.Schedule.Due(now)
	out := make([]app.ReminderSlot, len(due))
	for i, s := range due {
		out[i] = app.ReminderSlot{Opens: s.Opens, Window: s.WindowKey(), DaysBefore: s.DaysBefore, DueAt: s.DueAt, DaysLeft: s.DaysLeft}
	}
	return out
}
