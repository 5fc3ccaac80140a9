package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// Recheck tells a partner's managers what its new check changed, when it
// has a handoff: the specializations it now meets, and, once the request
// was taken, those that got worse (a met one lost, or more gaps). The card
// of a request not done is queued to show the new verdict. It reports
// whether anything was queued.
func (a *App) Recheck(ctx context.Context, chatID, managersChatID int64, lang string) (bool, error) {
	h, err := a.DB.LatestHandoff(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("recheck %d: %w", chatID, err)
	}
	rs, err := a.DB.RecentReports(ctx, chatID, 2)
	if err != nil {
		return false, fmt.Errorf("recheck %d: %w", chatID, err)
	}
	if len(rs) < 2 {
		return false, nil
	}
	posts, err := a.recheckPosts(h, rs[1], rs[0], managersChatID, lang)
	if err != nil {
		return false, err
	}
	for i, o := range posts {
		if err := a.DB.AddOutbound(ctx, o); err != nil {
			return i > 0, err
		}
	}
	return len(posts) > 0, nil
}

// recheckPosts are what Recheck queues for handoff h when a check went
// from prev to now: the notes, then the card's sync, in the managers'
// chat; none when nothing is to be said.
func (a *App) recheckPosts(h store.Handoff, prev, now store.Report, managersChatID int64, lang string) ([]*store.Outbound, error) {
	p := locales.For(lang)
	var better, worse []string
	for _, s := range a.Engine.Catalog.Specializations {
		was, is := prev.Statuses[s.ID], now.Statuses[s.ID]
		name := s.Name.Get(p.Lang())
		switch {
		case is == eligibility.Eligible && was != eligibility.Eligible:
			better = append(better, name)
		case was == eligibility.Eligible && is != eligibility.Eligible,
			is == eligibility.NotEligible && was == eligibility.NotEligible && now.Gaps[s.ID] > prev.Gaps[s.ID]:
			worse = append(worse, name)
		}
	}
	var posts []*store.Outbound
	note := func(text string) error {
		data, err := json.Marshal(groupPayload{Group: &GroupItem{Kind: store.PostNote, Partner: h.ChatID, Text: text}})
		if err != nil {
			return fmt.Errorf("encode group item: %w", err)
		}
		posts = append(posts, &store.Outbound{ChatID: managersChatID, HandoffID: h.ID, Payload: data})
		return nil
	}
	if len(better) > 0 {
		if err := note(p.T("note.eligible", "Specs", html.EscapeString(strings.Join(better, ", ")))); err != nil {
			return nil, err
		}
	}
	if len(worse) > 0 && h.State == store.HandoffTaken {
		if err := note(p.T("note.worse", "Specs", html.EscapeString(strings.Join(worse, ", ")))); err != nil {
			return nil, err
		}
	}
	if h.State != store.HandoffDone && h.CardMessageID != 0 {
		posts = append(posts, &store.Outbound{ChatID: managersChatID, HandoffID: h.ID})
	}
	return posts, nil
}

// Nudge queues, once per handoff, a reminder in the managers' chat of each
// card that has waited untaken since before olderThan. It returns how many
// were queued.
func (a *App) Nudge(ctx context.Context, managersChatID int64, olderThan time.Time, lang string) (int, error) {
	due, err := a.DB.NudgeDue(ctx, olderThan)
	if err != nil {
		return 0, err
	}
	p := locales.For(lang)
	n := 0
	for _, h := range due {
		first, err := a.DB.MarkNudged(ctx, h.ID)
		if err != nil {
			return n, err
		}
		if !first {
			continue
		}
		company := p.T("card.no_company")
		if partner, err := a.DB.Partner(ctx, h.ChatID); err == nil && partner.Company != "" {
			company = partner.Company
		}
		if err := a.queueItem(ctx, managersChatID, h.ID, GroupItem{Kind: store.PostNote, Partner: h.ChatID,
			Text: p.T("note.nudge", "Company", html.EscapeString(company))}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
