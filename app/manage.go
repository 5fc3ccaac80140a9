package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"io"
	"slices"
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

// PartnerReport renders, in lang, a company's latest report with its
// members and who asked last, the company found by its name or any
// member's chat id or @username.
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
	} else if strings.HasPrefix(arg, "@") {
		partner, err = a.DB.PartnerByUsername(ctx, strings.TrimPrefix(arg, "@"))
	} else {
		partner, err = a.DB.PartnerByUsername(ctx, arg)
		if errors.Is(err, store.ErrNotFound) {
			var found []store.Partner
			if found, err = a.DB.PartnersByCompany(ctx, arg); err != nil {
				return "", fmt.Errorf("partner report: %w", err)
			}
			switch {
			case len(found) == 0:
				err = store.ErrNotFound
			case len(found) > 1 && !strings.EqualFold(found[0].Company, found[1].Company) && strings.EqualFold(found[0].Company, arg):
				partner = found[0] // one exact match beats partial ones
			case len(found) > 1:
				return companyChoices(p, arg, found), nil
			default:
				partner = found[0]
			}
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return p.T("manager.partner_unknown", "Who", html.EscapeString(arg)), nil
	} else if err != nil {
		return "", fmt.Errorf("partner report: %w", err)
	}
	desk, err := a.DB.Desk(ctx, partner.ChatID, time.Time{})
	if err != nil {
		return "", fmt.Errorf("partner report: %w", err)
	}
	c := dialogs.Card{Company: desk.CompanyName(), PartnerName: partner.Name, Username: partner.Username,
		UserID: partner.UserID, PartnerLang: partner.Lang, State: "report"}
	if c.UserID == 0 {
		c.UserID = partner.ChatID
	}
	// The company's members, and who asked in its latest request.
	var asks []store.Ask
	if h, err := a.DB.LatestHandoff(ctx, partner.ChatID); err == nil {
		if asks, err = a.DB.HandoffAsks(ctx, h.ID); err != nil {
			return "", fmt.Errorf("partner report: %w", err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("partner report: %w", err)
	}
	c.Members, c.Asks = cardMembers(desk.Company.Members, asks)
	if past, err := a.past(ctx, partner.ChatID); err == nil {
		c.Past = past
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("partner report: %w", err)
	}
	return a.Engine.RenderCard(c, lang), nil
}

// ExportFilter narrows /export: to partners checked for Spec (any when
// ""), with Status there (or, without Spec, anywhere), checked since Since.
type ExportFilter struct {
	Spec   string
	Status string // eligible, not_eligible, incomplete, or close (one gap away)
	Since  time.Time
}

// ErrBadFilter is returned by ParseExportFilter, wrapped with the argument
// at fault.
var ErrBadFilter = errors.New("bad export filter")

// exportStatuses are the statuses /export filters on.
var exportStatuses = []string{string(eligibility.Eligible), string(eligibility.NotEligible), string(eligibility.Incomplete), "close"}

// ParseExportFilter reads "spec=ID status=S since=YYYY-MM-DD", each optional.
func (a *App) ParseExportFilter(args string) (ExportFilter, error) {
	var f ExportFilter
	for _, field := range strings.Fields(args) {
		k, v, ok := strings.Cut(field, "=")
		switch {
		case !ok:
			return f, fmt.Errorf("%q: %w", field, ErrBadFilter)
		case k == "spec":
			if _, found := a.Engine.Catalog.Specialization(v); !found {
				return f, fmt.Errorf("spec %q: %w", v, ErrBadFilter)
			}
			f.Spec = v
		case k == "status":
			if !slices.Contains(exportStatuses, v) {
				return f, fmt.Errorf("status %q: %w", v, ErrBadFilter)
			}
			f.Status = v
		case k == "since":
			t, err := time.ParseInLocation(time.DateOnly, v, a.Engine.Now().Location())
			if err != nil {
				return f, fmt.Errorf("since %q: %w", v, ErrBadFilter)
			}
			f.Since = t
		default:
			return f, fmt.Errorf("%q: %w", k, ErrBadFilter)
		}
	}
	return f, nil
}

// statusOf is a specialization's status as /export filters on it.
func statusOf(r *store.Report, spec string) string {
	st := r.Statuses[spec]
	if st == eligibility.NotEligible && r.Gaps[spec] == 1 {
		return "close"
	}
	return string(st)
}

// keep reports whether a partner's row passes the filter.
func (f ExportFilter) keep(row store.DeskRow, specs []string) bool {
	r := row.Report
	if r == nil {
		return f.Spec == "" && f.Status == "" && f.Since.IsZero()
	}
	if !f.Since.IsZero() && r.CreatedAt.Before(f.Since) {
		return false
	}
	if f.Spec != "" {
		if _, checked := r.Statuses[f.Spec]; !checked {
			return false
		}
		specs = []string{f.Spec}
	}
	if f.Status == "" {
		return true
	}
	for _, s := range specs {
		st := statusOf(r, s)
		if st == f.Status || f.Status == string(eligibility.NotEligible) && st == "close" {
			return true
		}
	}
	return false
}

// ExportCSV writes one row per company that passes f: who it is (the
// member who asked last, or the owner), when it checked, per
// specialization its status, number of gaps and what they are (in lang),
// its latest request: state, manager and comment, its members and the
// member who asked last. A cell
// that a spreadsheet would read as a formula is neutralised.
func (a *App) ExportCSV(ctx context.Context, f ExportFilter, lang string) ([]byte, error) {
	var buf bytes.Buffer
	if err := a.writeExport(ctx, &buf, f, lang); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Export is ExportCSV as a document named name, written compressed as it
// is built: 10,000 partners are 4 MB of CSV and a tenth of that
// compressed, and only the compressed bytes are ever held, in memory and
// in the outbox.
func (a *App) Export(ctx context.Context, f ExportFilter, lang, name, caption string) (*Document, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := a.writeExport(ctx, zw, f, lang); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return &Document{Name: name, Data: buf.Bytes(), Caption: caption, Gzip: true}, nil
}

// writeExport writes the rows of ExportCSV to out as they are read.
func (a *App) writeExport(ctx context.Context, out io.Writer, f ExportFilter, lang string) error {
	cat := a.Engine.Catalog
	var ids []string
	for _, s := range cat.Specializations {
		ids = append(ids, s.ID)
	}
	if _, err := io.WriteString(out, "\ufeff"); err != nil { // so spreadsheet programs read UTF-8
		return fmt.Errorf("export: %w", err)
	}
	w := csv.NewWriter(out)
	head := []string{"chat_id", "username", "name", "company", "language", "reminders", "checked_at"}
	for _, s := range cat.Specializations {
		head = append(head, s.ID+"_status", s.ID+"_gaps", s.ID+"_gap_text")
	}
	head = append(head, "handoff_state", "manager", "comment", "members", "asked_by")
	if err := w.Write(head); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	p := locales.For(lang)
	err := a.DB.EachDeskRow(ctx, false, func(row store.DeskRow) error {
		if !f.keep(row, ids) {
			return nil
		}
		pt := row.Partner
		row0 := []string{strconv.FormatInt(pt.ChatID, 10), pt.Username, pt.Name, pt.Company, pt.Lang, string(pt.Reminders), ""}
		r := row.Report
		var verdict eligibility.Report
		if r != nil {
			row0[6] = r.CreatedAt.UTC().Format(time.RFC3339)
			// The facts evaluated again as of the check's day give the
			// verdict stored with it, at a fraction of the cost of
			// decoding that verdict.
			verdict = eligibility.Evaluate(cat, r.Facts, r.CreatedAt.In(a.Engine.Now().Location()))
		}
		for _, s := range cat.Specializations {
			if r == nil {
				row0 = append(row0, "", "", "")
				continue
			}
			status, ok := r.Statuses[s.ID]
			gaps, text := "", ""
			if ok {
				gaps = strconv.Itoa(r.Gaps[s.ID])
				if res, found := verdict.Result(s.ID); found {
					text = gapTexts(verdict, res, lang)
				}
			}
			row0 = append(row0, string(status), gaps, text)
		}
		if h := row.Handoff; h != nil {
			manager := h.TakenName
			if h.State == store.HandoffDone && h.DoneName != "" {
				manager = h.DoneName
			}
			row0 = append(row0, string(h.State), manager, h.Comment)
		} else {
			row0 = append(row0, "", "", "")
		}
		row0 = append(row0, exportMembers(row.Members, p), "")
		if row.Handoff != nil {
			row0[len(row0)-1] = exportMember(pt)
		}
		for i := range row0 {
			row0[i] = neutralise(row0[i])
		}
		return w.Write(row0)
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// exportMember is a member as an /export cell: name and @username.
func exportMember(pt store.Partner) string {
	s := pt.Name
	if pt.Username != "" {
		s = strings.TrimSpace(s + " @" + pt.Username)
	}
	if s == "" {
		s = strconv.FormatInt(pt.ChatID, 10)
	}
	return s
}

// exportMembers is a company's members as one /export cell, "; "-separated,
// each with its role and language.
func exportMembers(members []store.Member, p *locales.Printer) string {
	var out []string
	for _, m := range members {
		out = append(out, fmt.Sprintf("%s (%s, %s)", exportMember(m.Partner), p.T("export.role."+string(m.Role)), m.Partner.Lang))
	}
	return strings.Join(out, "; ")
}

// gapTexts is every gap of a result in plain text, "; "-separated.
func gapTexts(r eligibility.Report, res eligibility.Result, lang string) string {
	var out []string
	for _, c := range res.Conditions {
		if c.Status == eligibility.NotMet {
			if t := dialogs.GapText(r, c, lang); t != "" {
				out = append(out, dialogs.PlainText(t))
			}
		}
	}
	return strings.Join(out, "; ")
}

// neutralise keeps a spreadsheet from reading a cell as a formula: a cell
// starting with = + - @ (or a tab or carriage return) gets a leading '.
func neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// partnerChoices is how many partners /partner lists when a company name
// matches several.
const partnerChoices = 10

// companyChoices lists the partners a company name matches, each with the
// command that shows it.
func companyChoices(p *locales.Printer, arg string, found []store.Partner) string {
	var sb strings.Builder
	sb.WriteString(p.N("manager.partner_choose", int64(len(found)), "Who", html.EscapeString(arg)))
	for i, pt := range found {
		if i == partnerChoices {
			sb.WriteString("\n…")
			break
		}
		fmt.Fprintf(&sb, "\n• %s — /partner %d", html.EscapeString(pt.Company), pt.ChatID)
	}
	return sb.String()
}
