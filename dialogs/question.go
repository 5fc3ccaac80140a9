package dialogs

import (
	"slices"
	"strconv"
	"strings"

	"specbot/eligibility"
)

// progress is the "Step 4 of 11" line of a question. Before the
// specializations are chosen the total is not known yet, and none is
// promised: "Step 2".
func (t *turn) progress(i, n int, spec string) string {
	line := t.p.T("check.progress", "Step", i+1, "Total", n)
	if len(t.s().Specs) == 0 {
		line = t.p.T("check.progress_open", "Step", i+1)
	}
	if spec != "" {
		if sp, ok := t.e.Catalog.Specialization(spec); ok {
			line += " · " + esc(sp.Name.Get(t.s().Lang))
		}
	}
	return "<b>" + line + "</b>"
}

// navRow is the Back / I don't know / Cancel row every question has.
func (t *turn) navRow(unknownLabel string) []Button {
	seq := t.s().Seq
	return []Button{
		{Label: t.p.T("button.back"), Data: qb(seq, actBack)},
		{Label: unknownLabel, Data: qb(seq, actUnknown)},
		{Label: t.p.T("button.cancel"), Data: qb(seq, actCancel)},
	}
}

// question renders the current step, after the note that a condition
// every specialization needs has just failed, when it has.
func (t *turn) question() Message {
	m := t.stepQuestion()
	if t.s().Gate {
		head, rest, _ := strings.Cut(m.Text, "\n")
		m.Text = head + "\n" + t.gateNote() + "\n\n" + rest
		m.Buttons = append(m.Buttons, []Button{{Label: t.p.T("button.stop_here"), Data: qb(t.s().Seq, actStop)}})
	}
	return m
}

// stepQuestion renders the current step's question.
func (t *turn) stepQuestion() Message {
	s := t.s()
	st, i, list := t.current()
	head := t.progress(i, len(list), st.Spec) + "\n"
	seq := s.Seq
	var keepAll []Button
	if t.canKeepAll() {
		keepAll = []Button{{Label: t.p.T("button.keep_all"), Data: qb(seq, actKeepAll)}}
	}
	switch st.Key {
	case stepCompany:
		m := Message{Text: head + t.p.T("check.question.company"), Question: true}
		if s.Company != "" {
			m.Buttons = append(m.Buttons, []Button{{Label: t.p.T("button.keep", "Value", truncate(s.Company, 40)), Data: qb(seq, actKeep)}})
		}
		if keepAll != nil {
			m.Buttons = append(m.Buttons, keepAll)
		}
		m.Buttons = append(m.Buttons, t.e.webAppRow(t.p)...)
		m.Buttons = append(m.Buttons, t.navRow(t.p.T("button.skip")))
		return m
	case stepSpecs:
		m := Message{Text: head + t.p.T("check.question.specs") + "\n<i>" + t.p.T("check.hint.specs_tap") + "</i>", Question: true}
		var row []Button
		for j, sp := range t.e.Catalog.Specializations {
			mark := "▫️ "
			if slices.Contains(s.Picking, sp.ID) {
				mark = "✅ "
			}
			row = append(row, Button{Label: mark + sp.Name.Get(s.Lang), Data: qb(seq, actToggle, strconv.Itoa(j))})
			if len(row) == 2 {
				m.Buttons = append(m.Buttons, row)
				row = nil
			}
		}
		if row != nil {
			m.Buttons = append(m.Buttons, row)
		}
		m.Buttons = append(m.Buttons,
			[]Button{{Label: t.p.T("button.all"), Data: qb(seq, actAll)}, {Label: t.p.T("button.done"), Data: qb(seq, actDone)}})
		if keep := t.keptSpecs(); len(keep) > 0 && len(s.Picking) == 0 {
			m.Buttons = append(m.Buttons, []Button{{Label: t.p.T("button.keep", "Value", truncate(t.specList(keep), 40)), Data: qb(seq, actKeep)}})
		}
		if keepAll != nil {
			m.Buttons = append(m.Buttons, keepAll)
		}
		m.Buttons = append(m.Buttons, t.navRow(t.p.T("button.not_sure")))
		return m
	case stepEmployees:
		return t.employeesQuestion(head)
	}
	m := Message{Text: head + esc(questionText(t.e.Catalog, st, s.Lang)), Question: true}
	if s.Facts.Known(st.Ref) {
		// An earlier answer, of this check or the previous one: one tap
		// keeps it.
		m.Buttons = append(m.Buttons, []Button{{Label: t.p.T("button.keep", "Value", truncate(t.answerOf(st), 40)), Data: qb(seq, actKeep)}})
	}
	switch st.Fact.Type {
	case eligibility.FactBool:
		m.Buttons = append(m.Buttons, []Button{{Label: t.p.T("answer.yes"), Data: qb(seq, actYes)}, {Label: t.p.T("answer.no"), Data: qb(seq, actNo)}})
	case eligibility.FactEnum:
		var row []Button
		for j, v := range st.Fact.Values {
			row = append(row, Button{Label: v.Name.Get(s.Lang), Data: qb(seq, actValue, strconv.Itoa(j))})
			if len(row) == 2 {
				m.Buttons = append(m.Buttons, row)
				row = nil
			}
		}
		if row != nil {
			m.Buttons = append(m.Buttons, row)
		}
	case eligibility.FactCount:
		m.Text += "\n<i>" + t.p.T("check.hint.count") + "</i>"
		var row []Button
		for n := 0; n <= 3; n++ {
			row = append(row, Button{Label: strconv.Itoa(n), Data: qb(seq, actNumber, strconv.Itoa(n))})
		}
		m.Buttons = append(m.Buttons, row)
	case eligibility.FactMoney:
		m.Text += "\n<i>" + t.p.T("check.hint.money") + "</i>"
		m.Buttons = append(m.Buttons, []Button{{Label: t.p.Money(0), Data: qb(seq, actNumber, "0")}})
	}
	if s.Answered[st.Key] || s.Facts.Known(st.Ref) {
		m.Text += "\n" + t.p.T("check.current_answer", "Answer", esc(t.answerOf(st)))
	}
	m.Buttons = append(m.Buttons, t.navRow(t.p.T("button.unknown")))
	return m
}
