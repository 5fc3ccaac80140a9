package dialogs

import (
	"maps"
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
	if s.Sub == empMonth && t.monthToAsk() == "" {
		// No month left to ask (a new edition took the validity away):
		// back to the certificates, Done puts the employee on the list.
		s.Sub = empCerts
	}
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
	case empMonth:
		id := t.monthToAsk()
		cert, _ := t.e.Catalog.Certificate(id)
		name, months := id, 0
		if cert != nil {
			name, months = cert.Name.Get(s.Lang), cert.ValidMonths
		}
		return Message{Text: head + t.monthQuestion(name, months), Question: true, Buttons: [][]Button{{
			{Label: t.p.T("button.back"), Data: qb(seq, actBack)},
			{Label: t.p.T("button.month_unknown"), Data: qb(seq, actUnknown)},
		}}}
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
		// The same checklist, edited: Seq stays (see specsButton).
		m := t.question()
		m.Edit = true
		t.say(m)
	case s.Sub == empCerts && cb.act == actDone:
		t.certsChosen(true)
	case s.Sub == empMonth && cb.act == actUnknown:
		id := t.monthToAsk()
		if id == "" {
			t.stale()
			return
		}
		t.echo(t.monthQuestion(t.certNames([]string{id}), t.validity(id)), t.p.T("answer.unknown"))
		t.out.Messages[len(t.out.Messages)-1].trace = "✔️ " + esc(t.certNames([]string{id})) + ": <b>" + esc(t.p.T("answer.unknown")) + "</b>"
		t.earned(id, "")
	case s.Sub == empMore && cb.act == actAdd:
		s.Sub = empName
		if !t.byButton {
			// Typed: the list stays on screen, without its buttons. A press
			// turns the list into the next question (see fold).
			t.say(Message{Text: t.p.T("check.employees.more", "List", esc(t.employeeList())), Edit: true})
		}
		t.ask()
	case (s.Sub == empMore || s.Sub == empList || s.Sub == empName) && cb.act == actDone:
		if !s.Facts.EmployeesKnown {
			s.Facts.EmployeesKnown = true
		}
		t.echoStep(q, Step{Key: stepEmployees}, t.answerOf(Step{Key: stepEmployees}))
		s.Sub = empList
		t.advance()
	case s.Sub == empList && cb.act == actNone:
		s.Facts.EmployeesKnown, s.Facts.Employees = true, nil
		t.echoStep(q, Step{Key: stepEmployees}, t.p.T("answer.no_employees"))
		t.advance()
	case s.Sub == empList && cb.act == actUnknown:
		s.Facts.EmployeesKnown, s.Facts.Employees = false, nil
		t.echoStep(q, Step{Key: stepEmployees}, t.p.T("answer.unknown"))
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

// saveDraft puts the employee being written on the list (in its place
// when it was already there) and asks for another; echo edits the
// certificates question to show the answer.
func (t *turn) saveDraft(echo bool) {
	s := t.s()
	d := *s.Draft
	// The month a certificate was earned goes with the certificate; a
	// month not known is not kept.
	maps.DeleteFunc(d.Earned, func(cert, month string) bool { return !d.Has(cert) || month == "" })
	if len(d.Earned) == 0 {
		d.Earned = nil
	}
	s.Facts.EmployeesKnown = true
	if i := s.EmpIndex - 1; i >= 0 && i < len(s.Facts.Employees) {
		s.Facts.Employees[i] = d
	} else {
		s.Facts.Employees = append(s.Facts.Employees, d)
	}
	s.Draft, s.Sub, s.EmpIndex = nil, empMore, 0
	certs := t.certNames(d.Certs)
	if certs == "" {
		certs = t.p.T("answer.no_certs")
	}
	line := "✔️ <b>" + esc(d.Name) + "</b>: " + esc(certs)
	if echo {
		t.echo(t.p.T("check.employees.certs", "Name", esc(d.Name)), certs)
		t.out.Messages[len(t.out.Messages)-1].trace = line // whose certificates, on top of the next question
	} else {
		t.say(Message{Text: line})
	}
	t.ask()
}

// findEmployee returns the index of the listed employee with that name,
// trimmed and case-folded: one person is one person.
func (t *turn) findEmployee(name string) int {
	for i, e := range t.s().Facts.Employees {
		if strings.EqualFold(strings.TrimSpace(e.Name), strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

// certsHint explains a certificate name that matched nothing, listing the
// names the chosen specializations' roles use.
func (t *turn) certsHint(bad []string) string {
	s := t.s()
	var names []string
	for _, c := range relevantCerts(t.e.Catalog, s.Specs) {
		n := c.Name.Get(s.Lang)
		_, short := certForms(c)
		if i := min(len(short)-1, map[bool]int{true: 1}[s.Lang == "ru"]); i >= 0 && len([]rune(short[i])) <= 4 {
			n += " (" + strings.ToUpper(short[i]) + ")"
		}
		names = append(names, n)
	}
	return t.p.T("check.hint.cert_unknown", "Typed", esc(strings.Join(bad, ", ")), "Names", esc(strings.Join(names, "; ")))
}

func (t *turn) employeesText(txt string) {
	s := t.s()
	switch s.Sub {
	case empCerts:
		// The certificates typed instead of ticked: they are the
		// employee's certificates.
		var ids []string
		if !noCerts(txt) {
			var bad []string
			var earned map[string]string
			ids, earned, bad = parseCertsEarned(t.e.Catalog, txt)
			s.Draft.Earned = mergeEarned(s.Draft.Earned, earned)
			if len(bad) > 0 || len(ids) == 0 {
				t.retry(t.certsHint(append(bad, txt)[:max(1, len(bad))]))
				return
			}
		}
		s.Draft.Certs = ids
		t.certsChosen(false)
		return
	case empMonth:
		id := t.monthToAsk()
		if id == "" {
			s.Sub = empCerts
			t.ask()
			return
		}
		month, hint := ParseMonth(txt, t.e.Now())
		if hint != "" {
			t.retry(t.p.T(hint))
			return
		}
		t.say(Message{Text: "✔️ " + esc(t.certNames([]string{id})) + ": <b>" + esc(month[5:]+"."+month[:4]) + "</b>"})
		t.earned(id, month)
		return
	case empMore:
		if yes, ok := ParseYesNo(txt); ok && !yes {
			t.employeesButton(callback{seq: s.Seq, act: actDone})
			return
		}
	}
	name, certs, oneLine := strings.Cut(strings.TrimSpace(txt), ":")
	name = strings.TrimSpace(name)
	existing := t.findEmployee(name)
	switch {
	case name == "":
		t.retry(t.p.T("check.hint.employee_name"))
		return
	case len([]rune(name)) > 100:
		t.retry(t.p.T("check.hint.employee_name"))
		return
	case existing < 0 && len(s.Facts.Employees) >= maxEmployees:
		t.retry(t.p.T("check.hint.employees_max", "Max", maxEmployees))
		return
	}
	d := &eligibility.Employee{Name: name, Certs: []string{}}
	s.EmpIndex = 0
	if existing >= 0 {
		// A name already on the list opens that person, certificates
		// ticked, to change them.
		e := s.Facts.Employees[existing]
		d = &eligibility.Employee{Name: e.Name, Certs: slices.Clone(e.Certs), Earned: maps.Clone(e.Earned)}
		s.EmpIndex = existing + 1
	}
	if oneLine && strings.TrimSpace(certs) != "" {
		// "Anna: CSE, infrastructure protection" in one message.
		var ids []string
		if !noCerts(certs) {
			var bad []string
			var earned map[string]string
			ids, earned, bad = parseCertsEarned(t.e.Catalog, certs)
			d.Earned = mergeEarned(d.Earned, earned)
			if len(bad) > 0 || len(ids) == 0 {
				s.EmpIndex = 0
				t.retry(t.certsHint(append(bad, certs)[:max(1, len(bad))]))
				return
			}
		}
		d.Certs = ids
		s.Draft = d
		t.certsChosen(false)
		return
	}
	s.Draft = d
	s.Sub = empCerts
	t.ask()
}

// mergeEarned adds the months typed to those already known.
func mergeEarned(known, typed map[string]string) map[string]string {
	if len(typed) == 0 {
		return known
	}
	out := maps.Clone(known)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, typed)
	return out
}

// certsChosen goes on once the draft's certificates are chosen: to the
// month earned of each certificate the catalogue gives a validity and the
// draft has no month for, then onto the list. echo shows the certificates
// chosen on their question (pressed Done).
func (t *turn) certsChosen(echo bool) {
	s := t.s()
	if t.monthToAsk() == "" {
		t.saveDraft(echo)
		return
	}
	if echo {
		certs := t.certNames(s.Draft.Certs)
		if certs == "" {
			certs = t.p.T("answer.no_certs")
		}
		t.echo(t.p.T("check.employees.certs", "Name", esc(s.Draft.Name)), certs)
		t.out.Messages[len(t.out.Messages)-1].trace = "✔️ <b>" + esc(s.Draft.Name) + "</b>: " + esc(certs)
	}
	s.Sub = empMonth
	t.ask()
}

// earned records the month the certificate id was earned ("": not known)
// and asks the next month, or puts the draft on the list.
func (t *turn) earned(id, month string) {
	s := t.s()
	if s.Draft.Earned == nil {
		s.Draft.Earned = map[string]string{}
	}
	s.Draft.Earned[id] = month
	if t.monthToAsk() != "" {
		t.ask()
		return
	}
	t.saveDraft(false)
}

// monthToAsk is the first certificate of the draft with a validity in the
// catalogue and no month earned (nor "not known"); "" when none.
func (t *turn) monthToAsk() string {
	d := t.s().Draft
	if d == nil {
		return ""
	}
	for _, id := range d.Certs {
		if _, asked := d.Earned[id]; !asked && t.validity(id) > 0 {
			return id
		}
	}
	return ""
}

// validity is how many months the catalogue says certificate id stays
// valid, 0 for no limit.
func (t *turn) validity(id string) int {
	if c, ok := t.e.Catalog.Certificate(id); ok {
		return c.ValidMonths
	}
	return 0
}

// monthQuestion asks when the draft's employee earned the certificate
// named cert, valid months months.
func (t *turn) monthQuestion(cert string, months int) string {
	return t.p.T("check.employees.month", "Name", esc(t.s().Draft.Name), "Cert", esc(cert), "Months", months)
}
