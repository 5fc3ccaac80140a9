package dialogs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"specbot/eligibility"
	"specbot/locales"
)

// ReminderKind says what a reminder is about, for logs and dry runs.
type ReminderKind string

// Reminder kinds.
const (
	ReminderEligible   ReminderKind = "eligible"    // some specialization is met
	ReminderClose      ReminderKind = "close"       // one gap left somewhere
	ReminderGaps       ReminderKind = "gaps"        // checked, more than one gap everywhere
	ReminderUnfinished ReminderKind = "unfinished"  // a check in progress
	ReminderNoCheck    ReminderKind = "no_check"    // never checked
	ReminderOpen       ReminderKind = "window_open" // the window opened today
)

// ReminderInput is what a personal reminder is made of.
type ReminderInput struct {
	Lang       string
	Opens      time.Time // the window's first day
	DaysBefore int       // 0 on the day it opens
	Past       *Past     // the latest check, nil when none
	InProgress bool      // a check is under way
}

// Reminder writes one partner's reminder before (or on the first day of) a
// window. ok is false when the partner should get nothing: on the opening
// day only partners with an eligible specialization are told.
func (e *Engine) Reminder(in ReminderInput) (m Message, kind ReminderKind, ok bool) {
	p := locales.For(in.Lang)
	report := &eligibility.Report{}
	if in.Past != nil {
		report = &in.Past.Report
	}
	w := &reportWriter{r: report, p: p, lang: in.Lang}
	month := p.T(fmt.Sprintf("month.%d.name", int(in.Opens.Month())))
	opens := w.date(in.Opens.Format(time.DateOnly))
	var eligible []string
	var open []eligibility.Result // every specialization not met, fewest gaps first
	anyClose := false
	if in.Past != nil {
		for _, res := range in.Past.Report.Results {
			if !contains(in.Past.Specs, res.Specialization) {
				continue
			}
			if res.Status == eligibility.Eligible {
				eligible = append(eligible, res.Specialization)
				continue
			}
			anyClose = anyClose || res.Close()
			open = append(open, res)
		}
		slices.SortStableFunc(open, func(a, b eligibility.Result) int {
			return cmp.Or(cmp.Compare(a.GapCount(), b.GapCount()), cmp.Compare(a.Unknowns(), b.Unknowns()))
		})
	}
	names := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = esc(w.specName(id))
		}
		return strings.Join(out, ", ")
	}
	contact := Button{Label: p.T("button.contact"), Data: cbContact}
	recheck := Button{Label: p.T("button.check_again"), Data: cbCheck}
	optOut := Button{Label: p.T("button.reminders_off"), Data: cbRemindOff}

	if in.DaysBefore == 0 {
		if len(eligible) == 0 {
			return Message{}, ReminderOpen, false
		}
		text := "🗓 " + p.T("reminder.open", "Month", month, "Specs", names(eligible))
		return Message{Text: text, Buttons: [][]Button{{contact}, {recheck, optOut}}}, ReminderOpen, true
	}

	head := "🗓 " + p.N("reminder.head", int64(in.DaysBefore), "Month", month, "Opens", opens) + "\n\n"
	switch {
	case in.InProgress:
		return Message{Text: head + p.T("reminder.unfinished"), Buttons: [][]Button{
			{{Label: p.T("button.continue"), Data: cbContinue}}, {recheck, optOut}}}, ReminderUnfinished, true
	case in.Past == nil:
		return Message{Text: head + p.T("reminder.no_check"), Buttons: [][]Button{
			{{Label: p.T("button.start_check"), Data: cbCheck}}, {optOut}}}, ReminderNoCheck, true
	}
	parts := []string{strings.TrimRight(head, "\n")}
	kind = ReminderGaps
	if len(eligible) > 0 {
		kind = ReminderEligible
		parts = append(parts, "✅ "+p.T("reminder.eligible", "Specs", names(eligible)))
	}
	if len(open) > 0 {
		block := p.T("reminder.missing")
		if anyClose {
			if kind == ReminderGaps {
				kind = ReminderClose
			}
			block = p.T("reminder.close")
		}
		for _, res := range open {
			w.b.Reset()
			w.result(res)
			block += "\n\n" + strings.TrimRight(w.b.String(), "\n")
		}
		parts = append(parts, block)
	}
	if kind == ReminderGaps {
		parts = append(parts, p.T("reminder.gaps"))
	} else {
		parts = append(parts, p.T("reminder.recheck"))
	}
	buttons := [][]Button{{recheck, optOut}}
	if len(eligible) > 0 || anyClose {
		buttons = append([][]Button{{contact}}, buttons...)
	}
	return Message{Text: strings.Join(parts, "\n\n"), Buttons: buttons}, kind, true
}

// InProgress reports whether a stored session is in the middle of a check.
func InProgress(s Session) bool {
	return s.State == Checking || s.State == Summary || (s.State == Idle && s.Key != "")
}
