package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// Stats renders the managers' figures in lang: partners checked, eligible
// and close (one gap left) per specialization, open handoffs.
func (a *App) Stats(ctx context.Context, lang string) (string, error) {
	cat := a.Engine.Catalog
	checked := 0
	eligible, close := map[string]int{}, map[string]int{}
	err := a.DB.EachLatestSummary(ctx, func(pr store.PartnerReport) error {
		checked++
		for _, s := range cat.Specializations {
			switch {
			case pr.Report.Statuses[s.ID] == eligibility.Eligible:
				eligible[s.ID]++
			case pr.Report.Statuses[s.ID] == eligibility.NotEligible && pr.Report.Gaps[s.ID] == 1:
				close[s.ID]++
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("stats: %w", err)
	}
	open, err := a.DB.CountOpenHandoffs(ctx)
	if err != nil {
		return "", fmt.Errorf("stats: %w", err)
	}
	p := locales.For(lang)
	var sb strings.Builder
	fmt.Fprintf(&sb, "<b>%s</b>\n", p.T("stats.title"))
	fmt.Fprintf(&sb, "%s\n\n", p.N("stats.checked", int64(checked)))
	for _, s := range cat.Specializations {
		fmt.Fprintf(&sb, "<b>%s</b>: %s\n", html.EscapeString(s.Name.Get(p.Lang())), p.T("stats.line", "Eligible", eligible[s.ID], "Close", close[s.ID]))
	}
	fmt.Fprintf(&sb, "\n%s", p.N("stats.open_handoffs", int64(open)))
	return sb.String(), nil
}

// PartnerReport renders, in lang, one partner's latest report, the partner
// found by chat id or @username.
func (a *App) PartnerReport(ctx context.Context, lang, arg string) (string, error) {
	p := locales.For(lang)
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return p.T("manager.partner_usage"), nil
	}
	var partner store.Partner
	var err error
	if id, perr := strconv.ParseInt(arg, 10, 64); perr == nil {
		partner, err = a.DB.Partner(ctx, id)
	} else {
		partner, err = a.DB.PartnerByUsername(ctx, strings.TrimPrefix(arg, "@"))
	}
	if errors.Is(err, store.ErrNotFound) {
		return p.T("manager.partner_unknown", "Who", html.EscapeString(arg)), nil
	} else if err != nil {
		return "", fmt.Errorf("partner report: %w", err)
	}
	c := dialogs.Card{Company: partner.Company, PartnerName: partner.Name, Username: partner.Username,
		UserID: partner.UserID, PartnerLang: partner.Lang, State: "report"}
	if c.UserID == 0 {
		c.UserID = partner.ChatID
	}
	if past, err := a.past(ctx, partner.ChatID); err == nil {
		c.Past = past
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("partner report: %w", err)
	}
	return a.Engine.RenderCard(c, lang), nil
}

// ExportCSV writes one row per partner: who it is, when it checked, and per
// specialization its status and number of gaps.
func (a *App) ExportCSV(ctx context.Context) ([]byte, error) {
	cat := a.Engine.Catalog
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // so spreadsheet programs read UTF-8
	w := csv.NewWriter(&buf)
	head := []string{"chat_id", "username", "name", "company", "language", "reminders", "checked_at"}
	for _, s := range cat.Specializations {
		head = append(head, s.ID+"_status", s.ID+"_gaps")
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	err := a.DB.EachLatestSummary(ctx, func(pr store.PartnerReport) error {
		row := []string{strconv.FormatInt(pr.Partner.ChatID, 10), pr.Partner.Username, pr.Partner.Name, pr.Partner.Company,
			pr.Partner.Lang, string(pr.Partner.Reminders), pr.Report.CreatedAt.UTC().Format(time.RFC3339)}
		for _, s := range cat.Specializations {
			status, ok := pr.Report.Statuses[s.ID]
			gaps := ""
			if ok {
				gaps = strconv.Itoa(pr.Report.Gaps[s.ID])
			}
			row = append(row, string(status), gaps)
		}
		return w.Write(row)
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
