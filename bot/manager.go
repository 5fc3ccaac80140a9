package bot

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

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// isManagerContext reports whether a message comes from a manager, in the
// managers' chat or in private.
func (b *Bot) isManagerContext(m *models.Message) bool {
	if m.From == nil || !b.cfg.isManager(m.From.ID) {
		return false
	}
	return m.Chat.Type == models.ChatTypePrivate || m.Chat.ID == b.cfg.ManagersChatID
}

// managerCommand runs /stats, /partner and /export; handled is false for
// anything else, which then goes to the partner dialogs. From anyone who is
// not a manager these commands never get here, so they act as unknown.
func (b *Bot) managerCommand(ctx context.Context, u *models.Update, cmd, args string) (bool, error) {
	chatID := u.Message.Chat.ID
	p := locales.For(b.cfg.ManagersLang)
	var text string
	var err error
	switch cmd {
	case "stats":
		text, err = b.stats(ctx, p)
	case "partner":
		text, err = b.partnerReport(ctx, p, args)
	case "export":
		err = b.export(ctx, chatID, p)
		if err == nil {
			return true, b.done(ctx, u.ID)
		}
	case "help":
		if chatID != b.cfg.ManagersChatID {
			return false, nil
		}
		text = p.T("manager.help")
	default:
		return false, nil
	}
	if err != nil {
		return true, err
	}
	b.send(ctx, chatID, dialogs.Message{Text: text})
	return true, b.done(ctx, u.ID)
}

// stats writes the managers' figures: partners checked, eligible and close
// (one gap left) per specialization, open handoffs.
func (b *Bot) stats(ctx context.Context, p *locales.Printer) (string, error) {
	cat := b.conv.Engine.Catalog
	checked := 0
	eligible, close := map[string]int{}, map[string]int{}
	err := b.db.EachLatestSummary(ctx, func(pr store.PartnerReport) error {
		checked++
		for _, s := range cat.Specializations {
			switch {
			case pr.Report.Statuses[s.ID] == string(eligibility.Eligible):
				eligible[s.ID]++
			case pr.Report.Statuses[s.ID] == string(eligibility.NotEligible) && pr.Report.Gaps[s.ID] == 1:
				close[s.ID]++
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	open, err := b.db.CountOpenHandoffs(ctx)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "<b>%s</b>\n", p.T("stats.title"))
	fmt.Fprintf(&sb, "%s\n\n", p.N("stats.checked", int64(checked)))
	for _, s := range cat.Specializations {
		fmt.Fprintf(&sb, "<b>%s</b>: %s\n", html.EscapeString(s.Name.Get(p.Lang())), p.T("stats.line", "Eligible", eligible[s.ID], "Close", close[s.ID]))
	}
	fmt.Fprintf(&sb, "\n%s", p.N("stats.open_handoffs", int64(open)))
	return sb.String(), nil
}

// partnerReport shows one partner's latest report, found by chat id or @username.
func (b *Bot) partnerReport(ctx context.Context, p *locales.Printer, arg string) (string, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return p.T("manager.partner_usage"), nil
	}
	var partner store.Partner
	var err error
	if id, perr := strconv.ParseInt(arg, 10, 64); perr == nil {
		partner, err = b.db.Partner(ctx, id)
	} else {
		partner, err = b.db.PartnerByUsername(ctx, strings.TrimPrefix(arg, "@"))
	}
	if errors.Is(err, store.ErrNotFound) {
		return p.T("manager.partner_unknown", "Who", html.EscapeString(arg)), nil
	} else if err != nil {
		return "", err
	}
	c := dialogs.Card{Company: partner.Company, PartnerName: partner.Name, Username: partner.Username,
		UserID: partner.UserID, PartnerLang: partner.Lang, State: "report"}
	if c.UserID == 0 {
		c.UserID = partner.ChatID
	}
	if past, err := b.conv.Past(ctx, partner.ChatID); err == nil {
		c.Past = past
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	return b.conv.Engine.RenderCard(c, b.cfg.ManagersLang), nil
}

// export sends a CSV of the latest report of every partner.
func (b *Bot) export(ctx context.Context, chatID int64, p *locales.Printer) error {
	data, err := b.exportCSV(ctx)
	if err != nil {
		return err
	}
	name := "specbot-" + time.Now().Format("2006-01-02") + ".csv"
	return b.call(ctx, "sendDocument", func(ctx context.Context) error {
		_, err := b.tg.SendDocument(ctx, &tgbot.SendDocumentParams{
			ChatID:   chatID,
			Document: &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)},
			Caption:  p.T("manager.export_caption"),
		})
		return err
	})
}

// exportCSV writes one row per partner: who it is, when it checked, and per
// specialization its status and number of gaps.
func (b *Bot) exportCSV(ctx context.Context) ([]byte, error) {
	cat := b.conv.Engine.Catalog
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
	err := b.db.EachLatestSummary(ctx, func(pr store.PartnerReport) error {
		row := []string{strconv.FormatInt(pr.Partner.ChatID, 10), pr.Partner.Username, pr.Partner.Name, pr.Partner.Company,
			pr.Partner.Lang, pr.Partner.Reminders, pr.Report.CreatedAt.UTC().Format(time.RFC3339)}
		for _, s := range cat.Specializations {
			status, ok := pr.Report.Statuses[s.ID]
			gaps := ""
			if ok {
				gaps = strconv.Itoa(pr.Report.Gaps[s.ID])
			}
			row = append(row, status, gaps)
		}
		return w.Write(row)
	})
	if err != nil {
		return nil, err
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
