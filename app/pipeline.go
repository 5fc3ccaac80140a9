package app

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// interviewFact is the fact of the architect's interview: a partner whose
// only gap is that condition is blocked only by the interview.
const interviewFact = "architect_interview"

// pipelineShown is how many companies a pipeline line names before it
// counts the rest, so that the answer stays one readable message.
const pipelineShown = 8

// pipelineEntry is one company in a pipeline list.
type pipelineEntry struct {
	name string // HTML: the company, linked to its topic when it has one
	gap  string // HTML: the one gap, for "one gap away"
}

// pipelineList is one list of a pipeline: how many companies it has and
// the first pipelineShown of them, the only ones it names (so that 100,000
// partners take no more memory than eight).
type pipelineList struct {
	n     int
	first []pipelineEntry
}

// add counts e and keeps it when it is among the first shown; gap, when
// set, is called only then.
func (l *pipelineList) add(e pipelineEntry, gap func() string) {
	l.n++
	if len(l.first) < pipelineShown {
		if gap != nil {
			e.gap = gap()
		}
		l.first = append(l.first, e)
	}
}

// pipelineSpec is the pipeline of one specialization.
type pipelineSpec struct {
	eligible, close, interview, unfinished pipelineList
}

// Pipeline renders /pipeline in lang: per specialization, the partners
// eligible, one gap away (with the gap), blocked only by the architect's
// interview, and those that started a check of it without finishing.
// Verdicts are evaluated from each partner's latest facts as of today, or,
// with arg "april" or "october" (also in Russian), as of the next opening
// of that window. Company names link to their topic in managersChatID.
func (a *App) Pipeline(ctx context.Context, lang, arg string, managersChatID int64) (string, error) {
	p := locales.For(lang)
	cat := a.Engine.Catalog
	day, title, ok := a.pipelineDay(strings.ToLower(strings.TrimSpace(arg)), p)
	if !ok {
		return p.T("pipeline.usage"), nil
	}
	specs := map[string]*pipelineSpec{}
	for _, s := range cat.Specializations {
		specs[s.ID] = &pipelineSpec{}
	}
	err := a.DB.EachDeskRow(ctx, true, func(row store.DeskRow) error {
		entry := pipelineEntry{name: companyLink(row, p)}
		if row.Session != nil && (row.Session.State == dialogs.Checking || row.Session.State == dialogs.Summary) {
			for _, id := range row.Session.Specs {
				if ps := specs[id]; ps != nil {
					ps.unfinished.add(entry, nil)
				}
			}
		}
		if row.Report == nil {
			return nil
		}
		r := eligibility.Evaluate(cat, row.Report.Facts, day)
		for _, res := range r.Results {
			ps := specs[res.Specialization]
			if ps == nil || row.Report.Statuses[res.Specialization] == "" {
				continue // not checked for this specialization
			}
			switch {
			case res.Status == eligibility.Eligible:
				ps.eligible.add(entry, nil)
			case res.Status == eligibility.NotEligible && res.Gaps() == 1:
				cr := notMet(res.Conditions)
				if cr.Fact == interviewFact {
					ps.interview.add(entry, nil)
					continue
				}
				ps.close.add(entry, func() string { return dialogs.GapText(r, cr, lang) })
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("pipeline: %w", err)
	}
	var sb strings.Builder
	sb.WriteString("<b>" + title + "</b>\n")
	for _, s := range cat.Specializations {
		ps := specs[s.ID]
		fmt.Fprintf(&sb, "\n<b>%s</b>\n", html.EscapeString(s.Name.Get(p.Lang())))
		if ps.eligible.n+ps.close.n+ps.interview.n+ps.unfinished.n == 0 {
			sb.WriteString(p.T("pipeline.nobody") + "\n")
			continue
		}
		pipelineLine(&sb, p, "pipeline.eligible", ps.eligible, false)
		pipelineLine(&sb, p, "pipeline.close", ps.close, true)
		pipelineLine(&sb, p, "pipeline.interview", ps.interview, false)
		pipelineLine(&sb, p, "pipeline.unfinished", ps.unfinished, false)
	}
	return strings.TrimRight(sb.String(), "\n"), nil
}

// pipelineDay is the day verdicts are evaluated on and the title, for arg.
func (a *App) pipelineDay(arg string, p *locales.Printer) (time.Time, string, bool) {
	today := a.Engine.Now()
	month := 0
	switch arg {
	case "":
		return today, p.T("pipeline.title_today"), true
	case "april", "apr", "апрель", "апр":
		month = 4
	case "october", "oct", "октябрь", "окт":
		month = 10
	default:
		return time.Time{}, "", false
	}
	opens := time.Date(today.Year(), time.Month(month), 1, 0, 0, 0, 0, today.Location())
	if opens.Before(today) {
		opens = opens.AddDate(1, 0, 0)
	}
	return opens, p.T("pipeline.title_window", "Month", p.T(fmt.Sprintf("month.%d.name", month)), "Date", opens.Format(time.DateOnly)), true
}

// pipelineLine writes one list: its label and count, then the companies.
func pipelineLine(sb *strings.Builder, p *locales.Printer, id string, list pipelineList, gaps bool) {
	if list.n == 0 {
		return
	}
	fmt.Fprintf(sb, "%s\n", p.N(id, int64(list.n)))
	for _, e := range list.first {
		if gaps && e.gap != "" {
			fmt.Fprintf(sb, "   • %s — %s\n", e.name, e.gap)
		} else {
			fmt.Fprintf(sb, "   • %s\n", e.name)
		}
	}
	if more := list.n - len(list.first); more > 0 {
		fmt.Fprintf(sb, "   %s\n", p.N("pipeline.more", int64(more)))
	}
}

// notMet is the first condition not met.
func notMet(cs []eligibility.ConditionResult) eligibility.ConditionResult {
	for _, c := range cs {
		if c.Status == eligibility.NotMet {
			return c
		}
	}
	return eligibility.ConditionResult{}
}

// companyLink is a partner's company in HTML, linked to its topic in the
// managers' forum when it has one.
func companyLink(row store.DeskRow, p *locales.Printer) string {
	name := row.Partner.Company
	if name == "" {
		name = p.T("card.no_company")
	}
	name = html.EscapeString(name)
	if row.Thread == 0 || row.TopicChat > minSupergroupID {
		return name
	}
	return fmt.Sprintf(`<a href="https://t.me/c/%d/%d">%s</a>`, -row.TopicChat+minSupergroupID, row.Thread, name)
}

// minSupergroupID: supergroup ids are below it; t.me/c links drop its digits.
const minSupergroupID = -1_000_000_000_000
