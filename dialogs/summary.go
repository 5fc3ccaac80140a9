package dialogs

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"specbot/eligibility"
)

// summaryButton handles the summary's buttons.
func (t *turn) summaryButton(cb callback) {
	s := t.s()
	switch cb.act {
	case actVerdict:
		t.verdict()
	case actEdit:
		list := t.steps()
		i, ok := cb.index(len(list))
		if !ok {
			t.stale()
			return
		}
		s.State, s.Key, s.Editing, s.Sub = Checking, list[i].Key, true, empList
		if list[i].Key == stepSpecs {
			s.Picking = slices.Clone(s.Specs)
		}
		t.ask()
	case actCancel:
		t.cancel()
	default:
		t.stale()
	}
}

// summaryNumber opens the answer whose number the partner typed ("4",
// "✏️ 4", "#4"), as its ✏️ button does, and reports whether it did.
func (t *turn) summaryNumber(txt string) bool {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimLeft(txt, "#\u270f\ufe0f \u00a0")))
	if err != nil || n < 1 || n > len(t.steps()) {
		return false
	}
	t.summaryButton(callback{seq: t.s().Seq, act: actEdit, arg: strconv.Itoa(n - 1)})
	return true
}

// labelOf is a step's short name, as the summary and an answer's trace
// show it: "Partner agreement signed", "Annual consumption · DevOps".
func (t *turn) labelOf(st Step) string {
	switch st.Key {
	case stepCompany:
		return t.p.T("summary.company")
	case stepSpecs:
		return t.p.T("summary.specs")
	case stepEmployees:
		return t.p.T("summary.employees")
	default:
		return stepLabel(t.e.Catalog, st, t.s().Lang)
	}
}

func (t *turn) summary() Message {
	s := t.s()
	list := t.steps()
	var b strings.Builder
	b.WriteString("<b>" + t.p.T("summary.title") + "</b>\n")
	var rows [][]Button
	var row []Button
	for i, st := range list {
		fmt.Fprintf(&b, "%d. %s: <b>%s</b>%s\n", i+1, esc(t.labelOf(st)), esc(t.answerOf(st)), t.changedBy(st))
		if line := t.replaced(st); line != "" {
			b.WriteString("   " + line + "\n")
		}
		row = append(row, Button{Label: "✏️ " + strconv.Itoa(i+1), Data: qb(s.Seq, actEdit, strconv.Itoa(i))})
		if len(row) == 5 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	b.WriteString("\n" + t.p.T("summary.hint"))
	buttons := append([][]Button{{{Label: t.p.T("button.verdict"), Data: qb(s.Seq, actVerdict)}}}, rows...)
	buttons = append(buttons, []Button{{Label: t.p.T("button.cancel"), Data: qb(s.Seq, actCancel)}})
	return Message{Text: b.String(), Buttons: buttons, Question: true}
}

// verdict evaluates the answers and ends the check.
func (t *turn) verdict() {
	s := t.s()
	report := t.evaluate()
	t.out.Report = &Completed{Facts: s.Facts.Clone(), Base: s.Base.Clone(), Report: report, Specs: slices.Clone(s.Specs)}
	prev := t.previous()
	// The summary stays as the record of the answers, without its buttons
	// and without the hint about them.
	t.saved = true
	answers := strings.TrimRight(strings.TrimSuffix(t.summary().Text, t.p.T("summary.hint")), "\n")
	t.say(Message{Text: answers, Edit: true})
	t.say(t.e.verdictMessage(s.Lang, report, s.Specs, prev, t.env.ContactConfigured))
	s.State, s.Key, s.Editing = Idle, "", false
	s.Checks++
	s.Seq++
	// Asked after every verdict until answered: a partner who never saw
	// the question (or skipped it) gets another chance.
	if t.env.Reminders == "" {
		t.say(Message{Text: t.p.T("reminders.ask"), Buttons: [][]Button{{
			{Label: t.p.T("button.reminders_yes"), Data: cbRemindOn},
			{Label: t.p.T("button.reminders_no"), Data: cbRemindOff},
		}}})
	}
}

// lastChange is the company's answers as this check found them, the fact
// key of step st and the member who changed that answer last; false for a
// partner alone in its company, a step that is no fact, or an answer no
// named member changed.
func (t *turn) lastChange(st Step) (*Past, string, Attribution, bool) {
	past := t.previous()
	if past == nil || len(past.ChangedBy) == 0 {
		return nil, "", Attribution{}, false
	}
	key := st.Ref.String()
	switch st.Key {
	case stepEmployees:
		key = eligibility.EmployeesFactID
	case stepCompany, stepSpecs:
		return nil, "", Attribution{}, false
	}
	a, ok := past.ChangedBy[key]
	if !ok || a.Name == "" {
		return nil, "", Attribution{}, false
	}
	return past, key, a, true
}

// changedBy is " · Olga, 25 November 2026" after an answer of the company
// that a member changed last and is still the answer given; "" otherwise,
// and always for a partner alone in its company.
func (t *turn) changedBy(st Step) string {
	past, key, a, ok := t.lastChange(st)
	if !ok {
		return ""
	}
	now, was := t.s().Facts.Values()[key], past.Facts.Values()[key]
	if !bytes.Equal(now, was) {
		return ""
	}
	d := a.At.In(t.e.Now().Location())
	date := t.p.T("date.format", "Day", d.Day(), "Month", t.p.T(fmt.Sprintf("month.%d.of", int(d.Month()))), "Year", d.Year())
	return " <i>· " + t.p.T("summary.changed_by", "Name", esc(a.Name), "Date", esc(date)) + "</i>"
}

// replaced is the one line under an answer this check changed that another
// member changed too after the check began: whose answer it replaces (in
// the verdict: replaced), what it was and when it was changed. "" for any
// other answer, and always for a partner alone in its company.
func (t *turn) replaced(st Step) string {
	past, key, a, ok := t.lastChange(st)
	if !ok {
		return ""
	}
	s := t.s()
	mine, base, theirs := s.Facts.Values()[key], s.Base.Values()[key], past.Facts.Values()[key]
	if bytes.Equal(mine, base) || bytes.Equal(theirs, base) || bytes.Equal(mine, theirs) {
		return ""
	}
	// Their answer, written as the summary writes answers.
	own := s.Facts
	s.Facts = past.Facts
	value := t.answerOf(st)
	s.Facts = own
	now := t.e.Now()
	at := a.At.In(now.Location())
	when := at.Format("15:04")
	if y, m, d := now.Date(); at.Year() != y || at.Month() != m || at.Day() != d {
		when = t.p.T("date.format", "Day", at.Day(), "Month", t.p.T(fmt.Sprintf("month.%d.of", int(at.Month()))), "Year", at.Year()) + ", " + when
	}
	id := "summary.replaces"
	if t.saved {
		id = "summary.replaced"
	}
	return "↩️ <i>" + t.p.T(id, "Name", esc(a.Name), "Value", esc(value), "At", esc(when)) + "</i>"
}
