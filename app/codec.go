package app

import (
	"context"
	"encoding/json"
	"fmt"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

// The store keeps sessions and reports as bytes; this file is the one place
// that turns them into domain values and back.

// decodeSession reads a stored session; no data is a zero session.
func (a *App) decodeSession(data []byte) (dialogs.Session, error) {
	if data == nil {
		return dialogs.Session{}, nil
	}
	return dialogs.DecodeSession(a.Engine.Catalog, data)
}

// past loads the partner's latest report, evaluated again under the current
// catalogue and date so that it compares with a new check and shows the
// window from today.
func (a *App) past(ctx context.Context, chatID int64) (*dialogs.Past, error) {
	r, err := a.DB.LatestReport(ctx, chatID)
	if err != nil {
		return nil, err
	}
	return a.pastOf(r)
}

func (a *App) pastOf(r store.Report) (*dialogs.Past, error) {
	specs := make(map[string]string, len(r.Statuses))
	for spec, status := range r.Statuses {
		specs[spec] = string(status)
	}
	past, err := a.Engine.PastFrom(r.Facts, specs, r.CreatedAt)
	if err != nil {
		// A report stored under another catalogue edition: show nothing
		// rather than a wrong verdict.
		return nil, store.ErrNotFound
	}
	return past, nil
}

// storedReport turns a completed check into the row kept in history.
func storedReport(done *dialogs.Completed) (*store.Report, error) {
	facts, err := json.Marshal(done.Facts)
	if err != nil {
		return nil, fmt.Errorf("encode facts: %w", err)
	}
	verdict, err := json.Marshal(done.Report)
	if err != nil {
		return nil, fmt.Errorf("encode verdict: %w", err)
	}
	r := &store.Report{Facts: facts, Verdict: verdict, Statuses: map[string]eligibility.Status{}, Gaps: map[string]int{}}
	for _, spec := range done.Specs {
		if res, ok := done.Report.Result(spec); ok {
			r.Statuses[spec] = res.Status
			r.Gaps[spec] = res.Gaps()
		}
	}
	return r, nil
}

// decodeReminder reads a reminder's stored message.
func decodeReminder(payload []byte) (dialogs.Message, error) {
	var m dialogs.Message
	if err := json.Unmarshal(payload, &m); err != nil {
		return dialogs.Message{}, fmt.Errorf("decode reminder: %w", err)
	}
	return m, nil
}
