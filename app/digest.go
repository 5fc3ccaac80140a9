package app

import (
	"context"
	"fmt"
	"time"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
)

// digestLeads are the days before a window opens on which the managers'
// chat gets the pipeline, once each.
var digestLeads = []int{30, 7}

// Digest is the pipeline of the next window, posted into the managers'
// chat 30 and 7 days before it opens (the latest lead that has come, so a
// bot that was down on the day catches up, once). It is stored in the
// outbox under a once-only name in one transaction; ok is false when there
// is nothing to post now.
func (a *App) Digest(ctx context.Context, managersChatID int64, lang string) (o Outbound, ok bool, err error) {
	if managersChatID == 0 {
		return Outbound{}, false, nil
	}
	today := a.Engine.Now()
	info := eligibility.NextWindow(a.Engine.Catalog.Windows, today)
	if info.Open || info.Opens == "" {
		return Outbound{}, false, nil
	}
	lead := 0
	for _, l := range digestLeads {
		if info.DaysUntil <= l {
			lead = l // the nearest lead that has come
		}
	}
	if lead == 0 {
		return Outbound{}, false, nil
	}
	name := fmt.Sprintf("digest:%s:%d", info.Opens, lead)
	if done, err := a.DB.OnceDone(ctx, name); err != nil || done {
		return Outbound{}, false, err
	}
	month := map[int]string{4: "april", 10: "october"}[info.Month]
	if month == "" {
		return Outbound{}, false, nil
	}
	pipeline, err := a.Pipeline(ctx, lang, month, managersChatID)
	if err != nil {
		return Outbound{}, false, fmt.Errorf("digest: %w", err)
	}
	p := locales.For(lang)
	opens, _ := time.Parse(time.DateOnly, info.Opens)
	title := p.N("digest.title", int64(info.DaysUntil), "Month", p.T(fmt.Sprintf("month.%d.name", info.Month)), "Date", opens.Format(time.DateOnly))
	msgs := []dialogs.Message{{Text: title + "\n\n" + pipeline}}
	stored, err := encodeOutbound(0, 0, msgs)
	if err != nil {
		return Outbound{}, false, err
	}
	stored.ChatID = managersChatID
	first, err := a.DB.AddOnce(ctx, name, stored)
	if err != nil || !first {
		return Outbound{}, false, err
	}
	a.log().Info("pipeline digest stored", "window", info.Opens, "days_before", lead)
	return Outbound{ID: stored.ID, ChatID: managersChatID, Messages: msgs, CreatedAt: stored.CreatedAt}, true, nil
}
