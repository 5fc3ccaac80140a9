package dialogs

import (
	"slices"
	"strconv"
	"strings"

	"specbot/eligibility"
)

// maxEmployees bounds the employees of one check.
const maxEmployees = 50

// employeesQuestion renders the employees step at its sub-stage.
func (t *turn) employeesQuestion(head string) Message {
	s := t.s()
	seq := s.Seq
	switch s.Sub {
	case empCerts:
		m := Message{Text: head + t.p.T("check.employees.certs", "Name", esc(s.Draft.Name)), Question: true}
		for j, c := range relevantCerts(t.e.Catalog, s.Specs) {
			mark := "▫️ "
			if s.Draft.Has(c.ID) {
				mark = "✅ "
			}
			m.Buttons = append(m.Buttons, []Button{{Label: mark + c.Name.Get(s.Lang), Data: qb(seq, actToggle, strconv.Itoa(j))}})
		}
		m.Buttons = append(m.Buttons, []Button{
			{Label: t.p.T("button.back"), Data: qb(seq, actBack)},
			{Label: t.p.T("button.done"), Data: qb(seq, actDone)},
		})
		return m
	case empName:
		return Message{Text: head + t.p.T("check.employees.ask_name"), Question: true, Buttons: [][]Button{{
			{Label: t.p.T("button.back"), Data: qb(seq, actBack)},
			{Label: t.p.T("button.done"), Data: qb(seq, actDone)},
		}}}
	case empMore:
		m := Message{Text: head + t.p.T("check.employees.more", "List", esc(t.employeeList())), Question: true}
		m.Buttons = [][]Button{{
			{Label: t.p.T("button.add_employee"), Data: qb(seq, actAdd)},
			{Label: t.p.T("button.done"), Data: qb(seq, actDone)},
		}, {
			{Label: t.p.T("button.back"), Data: qb(seq, actBack)},
			{Label: t.p.T("button.cancel"), Data: qb(seq, actCancel)},
		}}
		return m
	}
	text := head + esc(t.e.Catalog.Facts[slices.IndexFunc(t.e.Catalog.Facts, func(f *eligibility.Fact) bool {
		return f.Type == eligibility.FactEmployees
	})].Question.Get(s.Lang)) + "\n" + t.p.T("check.employees.ask_name")
	m := Message{Question: true}
	if s.Facts.EmployeesKnown && len(s.Facts.Employees) > 0 {
		text += "\n\n" + t.p.T("check.employees.list", "List", esc(t.employeeList()))
		var row []Button
		for j, e := range s.Facts.Employees {
			row = append(row, Button{Label: "✖ " + truncate(e.Name, 20), Data: qb(seq, actRemove, strconv.Itoa(j))})
			if len(row) == 3 {
				m.Buttons = append(m.Buttons, row)
				row = nil
			}
		}
		if row != nil {
			m.Buttons = append(m.Buttons, row)
		}
		m.Buttons = append(m.Buttons, []Button{{Label: t.p.T("button.done"), Data: qb(seq, actDone)}})
	} else {
		m.Buttons = append(m.Buttons, []Button{{Label: t.p.T("button.no_employees"), Data: qb(seq, actNone)}})
	}
	m.Text = text
	m.Buttons = append(m.Buttons, t.navRow(t.p.T("button.unknown")))
	return m
}

func (t *turn) employeesButton(cb callback) {
	s := t.s()
	q := t.p.T("summary.employees")
	switch {
	case s.Sub == empCerts && cb.act == actToggle:
		certs := relevantCerts(t.e.Catalog, s.Specs)
		i, ok := cb.index(len(certs))
		if !ok {
			t.stale()
			return
		}
		id := certs[i].ID
		if j := slices.Index(s.Draft.Certs, id); j >= 0 {
			s.Draft.Certs = slices.Delete(s.Draft.Certs, j, j+1)
		} else {
			s.Draft.Certs = append(s.Draft.Certs, id)
		}
		s.Seq++
		m := t.question()
		m.Edit = true
		t.say(m)
	case s.Sub == empCerts && cb.act == actDone:
		d := *s.Draft
		s.Facts.EmployeesKnown = true
		s.Facts.Employees = append(s.Facts.Employees, d)
		s.Draft, s.Sub = nil, empMore
		certs := t.certNames(d.Certs)
		if certs == "" {
			certs = t.p.T("answer.no_certs")
		}
		t.echo(t.p.T("check.employees.certs", "Name", esc(d.Name)), certs)
		t.ask()
	case s.Sub == empMore && cb.act == actAdd:
		s.Sub = empName
		t.say(Message{Text: t.p.T("check.employees.more", "List", esc(t.employeeList())), Edit: true})
		t.ask()
	case (s.Sub == empMore || s.Sub == empList || s.Sub == empName) && cb.act == actDone:
		if !s.Facts.EmployeesKnown {
			s.Facts.EmployeesKnown = true
		}
		t.echo(q, t.answerOf(Step{Key: stepEmployees}))
		s.Sub = empList
		t.advance()
	case s.Sub == empList && cb.act == actNone:
		s.Facts.EmployeesKnown, s.Facts.Employees = true, nil
		t.echo(q, t.p.T("answer.no_employees"))
		t.advance()
	case s.Sub == empList && cb.act == actUnknown:
		s.Facts.EmployeesKnown, s.Facts.Employees = false, nil
		t.echo(q, t.p.T("answer.unknown"))
		t.advance()
	case s.Sub == empList && cb.act == actRemove:
		i, ok := cb.index(len(s.Facts.Employees))
		if !ok {
			t.stale()
			return
		}
		s.Facts.Employees = slices.Delete(s.Facts.Employees, i, i+1)
		s.Seq++
		m := t.question()
		m.Edit = true
		t.say(m)
	default:
		t.stale()
	}
}

func (t *turn) employeesText(txt string) {
	s := t.s()
	switch s.Sub {
	case empCerts:
		t.retry(t.p.T("check.hint.tick_certs"))
		return
	case empMore:
		if yes, ok := ParseYesNo(txt); ok && !yes {
			t.employeesButton(callback{seq: s.Seq, act: actDone})
			return
		}
	}
	name := strings.TrimSpace(txt)
	switch {
	case name == "":
		t.retry(t.p.T("check.hint.employee_name"))
		return
	case len([]rune(name)) > 100:
		t.retry(t.p.T("check.hint.employee_name"))
		return
	case len(s.Facts.Employees) >= maxEmployees:
		t.retry(t.p.T("check.hint.employees_max", "Max", maxEmployees))
		return
	}
	s.Draft = &eligibility.Employee{Name: name, Certs: []string{}}
	s.Sub = empCerts
	t.ask()
}
