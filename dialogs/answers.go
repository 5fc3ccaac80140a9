package dialogs

import (
	"fmt"
	"strings"

	"specbot/eligibility"
)

// answerOf writes the recorded answer of a step for people.
func (t *turn) answerOf(st Step) string {
	s := t.s()
	p := t.p
	switch st.Key {
	case stepCompany:
		if s.Company == "" {
			return p.T("answer.skipped")
		}
		return s.Company
	case stepSpecs:
		return t.specList(s.Specs)
	case stepEmployees:
		if !s.Facts.EmployeesKnown {
			return p.T("answer.unknown")
		}
		if len(s.Facts.Employees) == 0 {
			return p.T("answer.no_employees")
		}
		return t.employeeList()
	}
	if !s.Answered[st.Key] && !s.Facts.Known(st.Ref) {
		return "—"
	}
	switch st.Fact.Type {
	case eligibility.FactBool:
		if v, ok := s.Facts.Bools[st.Ref]; ok {
			if v {
				return p.T("answer.yes")
			}
			return p.T("answer.no")
		}
	case eligibility.FactCount:
		if v, ok := s.Facts.Numbers[st.Ref]; ok {
			return p.Number(v)
		}
	case eligibility.FactMoney:
		if v, ok := s.Facts.Numbers[st.Ref]; ok {
			return p.Money(v)
		}
	case eligibility.FactEnum:
		if v, ok := s.Facts.Enums[st.Ref]; ok {
			for _, val := range st.Fact.Values {
				if val.ID == v {
					return val.Name.Get(s.Lang)
				}
			}
		}
	}
	return p.T("answer.unknown")
}

func (t *turn) employeeList() string {
	s := t.s()
	var b strings.Builder
	n := 0 // runes written
	for i, e := range s.Facts.Employees {
		item := e.Name
		if len(e.Certs) > 0 {
			item += " (" + t.certNamesEarned(e) + ")"
		}
		if i > 0 && n+len([]rune(item)) > maxEmployeeList {
			fmt.Fprintf(&b, "; … +%d", len(s.Facts.Employees)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(item)
		n += len([]rune(item)) + 2
	}
	return b.String()
}

// maxEmployeeList bounds the employees written in one message, so that the
// summary and the list fit Telegram's 4096 characters.
const maxEmployeeList = 1200

func (t *turn) certNames(ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if c, ok := t.e.Catalog.Certificate(id); ok {
			names = append(names, c.Name.Get(t.s().Lang))
		}
	}
	return strings.Join(names, ", ")
}

// certNamesEarned names an employee's certificates, each with the month it
// was earned when known ("Cloud service engineer, 04.2025").
func (t *turn) certNamesEarned(e eligibility.Employee) string {
	names := make([]string, 0, len(e.Certs))
	for _, id := range e.Certs {
		c, ok := t.e.Catalog.Certificate(id)
		if !ok {
			continue
		}
		name := c.Name.Get(t.s().Lang)
		if m, ok := e.Earned[id]; ok && len(m) == 7 {
			name += " " + m[5:] + "." + m[:4]
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}
