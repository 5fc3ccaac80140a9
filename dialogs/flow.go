package dialogs

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"specbot/eligibility"
)

// stateSummaryKey is the Key of a session standing at the summary.
const stateSummaryKey = "summary"

// maxCompany bounds a company name.
const maxCompany = 200

func (t *turn) startCheck() {
	s := t.s()
	s.State, s.Key, s.Sub, s.Editing, s.Draft = Checking, stepCompany, empList, false, nil
	s.Specs, s.Picking = nil, nil
	s.Facts = eligibility.NewFacts()
	s.Answered = map[string]bool{}
	t.ask()
}

func (t *turn) steps() []Step { return steps(t.e.Catalog, t.s().Specs) }

// current returns the current step, its index and the list. Before the
// specializations are chosen the list assumes all of them, so that the
// progress line never promises fewer steps than there will be.
func (t *turn) current() (Step, int, []Step) {
	list := t.steps()
	if len(t.s().Specs) == 0 {
		list = steps(t.e.Catalog, t.specIDs())
	}
	i := stepIndex(list, t.s().Key)
	if i < 0 {
		i = 0
		t.s().Key = list[0].Key
	}
	return list[i], i, list
}

// ask renders the current question (or the summary) as a new message.
func (t *turn) ask() {
	t.s().Seq++
	if t.s().State == Summary {
		t.say(t.summary())
		return
	}
	t.say(t.question())
}

// advance moves past the current step once it is answered.
func (t *turn) advance() {
	s := t.s()
	st, i, list := t.current()
	s.Answered[st.Key] = true
	if s.Editing {
		for _, next := range list {
			if !s.Answered[next.Key] {
				s.Key = next.Key
				t.ask()
				return
			}
		}
		t.toSummary()
		return
	}
	if i+1 < len(list) {
		s.Key = list[i+1].Key
		t.ask()
		return
	}
	t.toSummary()
}

func (t *turn) toSummary() {
	s := t.s()
	s.State, s.Key, s.Editing, s.Sub, s.Draft = Summary, stateSummaryKey, false, empList, nil
	t.ask()
}

func (t *turn) back() {
	s := t.s()
	if s.Editing {
		t.toSummary()
		return
	}
	_, i, list := t.current()
	if i == 0 {
		t.out.Notice = t.p.T("check.first_question")
		t.ask()
		return
	}
	s.Key, s.Sub, s.Draft = list[i-1].Key, empList, nil
	t.ask()
}

// echo edits the answered question to show the answer without buttons.
func (t *turn) echo(question, answer string) {
	t.say(Message{Text: question + "\n\n✔️ <b>" + esc(answer) + "</b>", Edit: true})
}

func (t *turn) answerButton(cb callback) {
	s := t.s()
	st, _, _ := t.current()
	switch cb.act {
	case actBack:
		if st.Key == stepEmployees && s.Sub != empList {
			s.Sub, s.Draft = empList, nil
			t.ask()
			return
		}
		t.back()
		return
	case actCancel:
		t.cancel()
		return
	}
	switch {
	case st.Key == stepCompany:
		t.companyButton(cb)
	case st.Key == stepSpecs:
		t.specsButton(cb)
	case st.Key == stepEmployees:
		t.employeesButton(cb)
	default:
		t.factButton(st, cb)
	}
}

func (t *turn) answerText(txt string) {
	st, _, _ := t.current()
	switch {
	case st.Key == stepCompany:
		t.companyText(txt)
	case st.Key == stepSpecs:
		t.specsText(txt)
	case st.Key == stepEmployees:
		t.employeesText(txt)
	default:
		t.factText(st, txt)
	}
}

// retry repeats the current question after an answer that could not be read.
func (t *turn) retry(hint string) {
	t.say(Message{Text: "⚠️ " + hint})
	t.ask()
}

func (t *turn) companyButton(cb callback) {
	s := t.s()
	switch cb.act {
	case actKeep:
		if s.Company == "" {
			t.stale()
			return
		}
		t.echo(t.p.T("check.question.company"), s.Company)
		t.advance()
	case actUnknown:
		t.echo(t.p.T("check.question.company"), t.p.T("answer.skipped"))
		t.advance()
	default:
		t.stale()
	}
}

func (t *turn) companyText(txt string) {
	if txt == "" {
		t.retry(t.p.T("check.hint.company"))
		return
	}
	if len([]rune(txt)) > maxCompany {
		t.retry(t.p.T("check.hint.company_long", "Max", maxCompany))
		return
	}
	t.s().Company = txt
	t.advance()
}

func (t *turn) specIDs() []string {
	ids := make([]string, len(t.e.Catalog.Specializations))
	for i, s := range t.e.Catalog.Specializations {
		ids[i] = s.ID
	}
	return ids
}

func (t *turn) specsButton(cb callback) {
	s := t.s()
	all := t.specIDs()
	switch cb.act {
	case actToggle:
		i, ok := cb.index(len(all))
		if !ok {
			t.stale()
			return
		}
		if j := slices.Index(s.Picking, all[i]); j >= 0 {
			s.Picking = slices.Delete(s.Picking, j, j+1)
		} else {
			s.Picking = append(s.Picking, all[i])
		}
		s.Seq++
		m := t.question()
		m.Edit = true
		t.say(m)
	case actAll, actNotSure, actUnknown:
		t.chooseSpecs(all)
	case actDone:
		if len(s.Picking) == 0 {
			t.out.Notice = t.p.T("check.hint.specs_none")
			t.retry(t.p.T("check.hint.specs_none"))
			return
		}
		t.chooseSpecs(s.Picking)
	default:
		t.stale()
	}
}

// chooseSpecs records the chosen specializations in catalogue order.
func (t *turn) chooseSpecs(chosen []string) {
	s := t.s()
	var specs []string
	for _, id := range t.specIDs() {
		if slices.Contains(chosen, id) {
			specs = append(specs, id)
		}
	}
	s.Specs, s.Picking = specs, nil
	t.echo(t.p.T("check.question.specs"), t.specList(specs))
	t.advance()
}

func (t *turn) specList(ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if sp, ok := t.e.Catalog.Specialization(id); ok {
			names = append(names, sp.Name.Get(t.s().Lang))
		}
	}
	return strings.Join(names, ", ")
}

// specsText reads specializations typed by name ("devops, ml").
func (t *turn) specsText(txt string) {
	low := strings.ToLower(txt)
	if yes, ok := ParseYesNo(txt); (ok && yes) || strings.Contains(low, "все") || strings.Contains(low, "all") {
		t.chooseSpecs(t.specIDs())
		return
	}
	var chosen []string
	for _, sp := range t.e.Catalog.Specializations {
		for _, name := range []string{sp.ID, sp.Name.Get("en"), sp.Name.Get("ru"), strings.ReplaceAll(sp.ID, "_", " ")} {
			if name != "" && strings.Contains(low, strings.ToLower(name)) {
				chosen = append(chosen, sp.ID)
				break
			}
		}
	}
	if len(chosen) == 0 {
		t.retry(t.p.T("check.hint.specs"))
		return
	}
	t.chooseSpecs(chosen)
}

func (t *turn) factButton(st Step, cb callback) {
	s := t.s()
	q := esc(questionText(t.e.Catalog, st, s.Lang))
	switch cb.act {
	case actUnknown:
		s.Facts.Forget(st.Ref)
		t.echo(q, t.p.T("answer.unknown"))
		t.advance()
		return
	case actYes, actNo:
		if st.Fact.Type != eligibility.FactBool {
			t.stale()
			return
		}
		s.Facts.Bools[st.Ref] = cb.act == actYes
	case actValue:
		i, ok := cb.index(len(st.Fact.Values))
		if st.Fact.Type != eligibility.FactEnum || !ok {
			t.stale()
			return
		}
		s.Facts.Enums[st.Ref] = st.Fact.Values[i].ID
	case actNumber:
		n, err := strconv.ParseInt(cb.arg, 10, 64)
		if (st.Fact.Type != eligibility.FactCount && st.Fact.Type != eligibility.FactMoney) || err != nil || n < 0 ||
			st.Fact.Max > 0 && n > st.Fact.Max || n > numberLimit(st.Fact.Type) {
			// Only a forged payload carries a number the question never
			// offered: the same bounds as a typed answer (factText).
			t.stale()
			return
		}
		s.Facts.Numbers[st.Ref] = n
	default:
		t.stale()
		return
	}
	t.echo(q, t.answerOf(st))
	t.advance()
}

func (t *turn) factText(st Step, txt string) {
	s := t.s()
	f := st.Fact
	switch f.Type {
	case eligibility.FactBool:
		yes, ok := ParseYesNo(txt)
		if !ok {
			t.retry(t.p.T("check.hint.yes_no"))
			return
		}
		s.Facts.Bools[st.Ref] = yes
	case eligibility.FactCount, eligibility.FactMoney:
		parse, hint, format := ParseCount, "check.hint.count", t.p.Number
		if f.Type == eligibility.FactMoney {
			parse, hint, format = ParseMoney, "check.hint.money", t.p.Money
		}
		n, err := parse(txt)
		if err != nil {
			t.retry(t.numberHint(hint, err))
			return
		}
		if f.Max > 0 && n > f.Max {
			t.retry(t.p.T("check.hint.too_large", "Max", format(f.Max)))
			return
		}
		s.Facts.Numbers[st.Ref] = n
	case eligibility.FactEnum:
		v, ok := t.matchValue(f, txt)
		if !ok {
			t.retry(t.p.T("check.hint.choose"))
			return
		}
		s.Facts.Enums[st.Ref] = v
	}
	t.advance()
}

// numberLimit is the largest number a partner can type for a fact type.
func numberLimit(typ eligibility.FactType) int64 {
	if typ == eligibility.FactMoney {
		return MaxMoney
	}
	return MaxCount
}

// numberHint explains what was expected, with an example, and why the
// answer did not fit.
func (t *turn) numberHint(id string, err error) string {
	switch {
	case errors.Is(err, ErrNegative):
		return t.p.T("check.hint.negative") + " " + t.p.T(id)
	case errors.Is(err, ErrTooLarge):
		return t.p.T("check.hint.too_large_plain") + " " + t.p.T(id)
	}
	return t.p.T(id)
}

func (t *turn) matchValue(f *eligibility.Fact, txt string) (string, bool) {
	low := strings.ToLower(strings.TrimSpace(txt))
	for _, v := range f.Values {
		for _, name := range []string{v.ID, v.Name.Get("en"), v.Name.Get("ru")} {
			if low == strings.ToLower(name) {
				return v.ID, true
			}
		}
	}
	return "", false
}
