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
// partner, without writing anything: the window reminders, then the
// warnings of certificates about to lapse.
func (p *Planner) Plan(ctx context.Context, now time.Time) ([]Planned, error) {
	out, err := p.App.PlanReminders(ctx, p.slots(now))
	if err != nil {
		return nil, err
	}
	lapses, err := p.App.PlanLapseWarnings(ctx, now, p.Schedule.Hour, p.loc())
	return append(out, lapses...), err
}

// Enqueue plans and writes the reminders due at now; it returns how many
// were new (a reminder already in the outbox is never written again).
func (p *Planner) Enqueue(ctx context.Context, now time.Time) (int, error) {
	n, err := p.App.EnqueueReminders(ctx, p.slots(now))
	if err != nil {
		return n, err
	}
	k, err := p.App.EnqueueLapseWarnings(ctx, now, p.Schedule.Hour, p.loc())
	return n + k, err
}

func (p *Planner) loc() *time.Location {
	if p.Schedule.Loc != nil {
		return p.Schedule.Loc
	}
	return time.Local
}

func (p *Planner) slots(now time.Time) []app.ReminderSlot {
	due := p.Schedule.Due(now)
	out := make([]app.ReminderSlot, len(due))
	for i, s := range due {
		out[i] = app.ReminderSlot{Opens: s.Opens, Window: s.WindowKey(), DaysBefore: s.DaysBefore, DueAt: s.DueAt, DaysLeft: s.DaysLeft}
	}
	return out
}
