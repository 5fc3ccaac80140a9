package app

import (
	"context"
	"time"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

// The store reads and writes sessions, facts and verdicts as domain values;
// this file turns a stored report into what the dialogs show and a completed
// check into the report kept.

// past loads the partner's latest report, evaluated again under the current
// catalogue and date so that it compares with a new check and shows the
// window from today.
func (a *App) past(ctx context.Context, chatID int64) (*dialogs.Past, error) {
	r, err := a.DB.LatestReport(ctx, chatID)
	if err != nil {
		return nil, err
	}
	return a.pastOf(r), nil
}

func (a *App) pastOf(r store.Report) *dialogs.Past {
	specs := make(map[string]string, len(r.Statuses))
	for spec, status := range r.Statuses {
		specs[spec] = string(status)
	}
	return a.Engine.PastOf(r.Facts, specs, r.CreatedAt)
}

// pastOfChat is the chat's latest report with, when its company keeps
// them, the company's current answers in place of the report's facts (the
// defaults of a new check) and, for a company of several members, who
// changed each answer last.
//
// A company whose latest report no longer reads (one stored under an
// earlier edition) still has its answers: they are evaluated afresh.
func (a *App) pastOfChat(chat store.Chat) *dialogs.Past {
	var p *dialogs.Past
	switch latest := chat.LatestReport(); {
	case latest != nil:
		p = a.pastOf(*latest)
	case chat.Facts != nil:
		var at time.Time
		for _, ch := range chat.Facts.Changed {
			if ch.At.After(at) {
				at = ch.At
			}
		}
		p = a.Engine.PastOf(chat.Facts.Facts, nil, at)
	default:
		return nil
	}
	if cf := chat.Facts; cf != nil {
		p.Facts, p.Shared, p.SetAside = cf.Facts, true, cf.Untold
		if cf.Members > 1 {
			p.ChangedBy = make(map[string]dialogs.Attribution, len(cf.Changed))
			for k, ch := range cf.Changed {
				p.ChangedBy[k] = dialogs.Attribution{Name: ch.Name, At: ch.At}
			}
		}
	}
	return p
}

// storedReport turns a completed check into the row kept in history.
func storedReport(done *dialogs.Completed) *store.Report {
	r := &store.Report{Facts: done.Facts, Verdict: done.Report, Statuses: map[string]eligibility.Status{}, Gaps: map[string]int{},
		Changes: done.Facts.Changes(done.Base)}
	for _, spec := range done.Specs {
		if res, ok := done.Report.Result(spec); ok {
			r.Statuses[spec] = res.Status
			r.Gaps[spec] = res.Gaps()
		}
	}
	return r
}
