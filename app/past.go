package app

import (
	"context"

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

// storedReport turns a completed check into the row kept in history.
func storedReport(done *dialogs.Completed) *store.Report {
	r := &store.Report{Facts: done.Facts, Verdict: done.Report, Statuses: map[string]eligibility.Status{}, Gaps: map[string]int{}}
	for _, spec := range done.Specs {
		if res, ok := done.Report.Result(spec); ok {
			r.Statuses[spec] = res.Status
			r.Gaps[spec] = res.Gaps()
		}
	}
	return r
}
