package reminders

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"specbot/dialogs"
	"specbot/store"
)

// Planner writes due reminders to the outbox.
type Planner struct {
	DB       *store.DB
	Engine   *dialogs.Engine
	Schedule Schedule
}

// Planned is one reminder a partner would get.
type Planned struct {
	Reminder store.Reminder
	Partner  store.Partner
	Kind     dialogs.ReminderKind
	Message  dialogs.Message
}

// Plan renders the reminders due at now for every consenting, reachable
// partner, without writing anything.
func (p *Planner) Plan(ctx context.Context, now time.Time) ([]Planned, error) {
	slots := p.Schedule.Due(now)
	if len(slots) == 0 {
		return nil, nil
	}
	cands, err := p.DB.ReminderCandidates(ctx)
	if err != nil {
		return nil, err
	}
	var out []Planned
	for _, c := range cands {
		in := dialogs.ReminderInput{Lang: c.Partner.Lang}
		if c.Report != nil {
			if past, err := p.Engine.PastFrom(c.Report.Facts, c.Report.Statuses, c.Report.CreatedAt); err == nil {
				in.Past = past
			}
		}
		if c.Session != nil {
			if s, err := dialogs.DecodeSession(p.Engine.Catalog, c.Session); err == nil {
				in.InProgress = dialogs.InProgress(s)
			}
		}
		for _, slot := range slots {
			in.Opens, in.DaysBefore = slot.Opens, slot.DaysBefore
			m, kind, ok := p.Engine.Reminder(in)
			if !ok {
				continue
			}
			payload, err := json.Marshal(m)
			if err != nil {
				return nil, fmt.Errorf("encode reminder: %w", err)
			}
			out = append(out, Planned{
				Reminder: store.Reminder{ChatID: c.Partner.ChatID, WindowOpens: slot.WindowKey(), DaysBefore: slot.DaysBefore, DueAt: slot.DueAt, Payload: payload},
				Partner:  c.Partner, Kind: kind, Message: m,
			})
		}
	}
	return out, nil
}

// Enqueue plans and writes the reminders due at now; it returns how many
// were new (a reminder already in the outbox is never written again).
func (p *Planner) Enqueue(ctx context.Context, now time.Time) (int, error) {
	planned, err := p.Plan(ctx, now)
	if err != nil || len(planned) == 0 {
		return 0, err
	}
	rs := make([]store.Reminder, len(planned))
	for i, pl := range planned {
		rs[i] = pl.Reminder
	}
	return p.DB.EnqueueReminders(ctx, rs)
}
