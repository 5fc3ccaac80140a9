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

// startCheck starts a check from the answers the bot already has: those of
// the check in progress or paused, else those of the latest completed one.
// Nothing is erased: each earlier answer is the current answer of its
// question, one tap to keep.
func (t *turn) startCheck() {
	t.out.Started = true
	s := t.s()
	specs := s.Specs
	if len(specs) == 0 {
		specs = s.Prev
	}
	if past := t.previous(); past != nil {
		if factsEmpty(s.Facts) || past.Shared {
			s.Facts = past.Facts.Clone()
		}
		if len(past.SetAside) > 0 {
			t.say(Message{Text: "ℹ️ " + t.p.N("check.set_aside", int64(len(past.SetAside)), "Facts", esc(setAsideNames(t.e.Catalog, s.Lang, past.SetAside)))})
			t.out.ToldSetAside = slices.Clone(past.SetAside)
		}
		if len(specs) == 0 {
			specs = past.Specs
		}
	}
	s.State, s.Key, s.Sub, s.Editing, s.Draft, s.EmpIndex = Checking, stepCompany, empList, false, nil, 0
	s.Gate, s.GoOn = false, false
	s.Specs, s.Picking, s.Prev = nil, nil, t.knownSpecs(specs)
	s.Answered = map[string]bool{}
	s.Base = s.Facts.Clone()
	t.ask()
}

// knownSpecs keeps the ids the catalogue still has, in catalogue order.
func (t *turn) knownSpecs(ids []string) []string {
	var out []string
	for _, id := range t.specIDs() {
		if slices.Contains(ids, id) {
			out = append(out, id)
		}
	}
	return out
}

// factsEmpty reports whether nothing at all is known.
func factsEmpty(f eligibility.Facts) bool {
	return len(f.Bools) == 0 && len(f.Numbers) == 0 && len(f.Enums) == 0 && !f.EmployeesKnown
}

// inProgress reports whether a check is under way or paused.
func (t *turn) inProgress() bool {
	s := t.s()
	switch s.State {
	case Checking, Summary:
		return true
	case ConfirmForget, ContactNote:
		return s.Resume == Checking || s.Resume == Summary || s.Key != ""
	}
	return s.Key != ""
}

// offerContinue answers every way of starting a check while one is under
// way: continue it, or start over from its answers.
func (t *turn) offerContinue() {
	t.say(Message{Text: t.p.T("check.in_progress"), Buttons: [][]Button{{
		{Label: t.p.T("button.continue"), Data: cbContinue},
		{Label: t.p.T("button.restart"), Data: cbRestart},
	}}})
}

// steps lists the questions of the check as it stands: those whose answer
// can still change a verdict of the chosen specializations (see needed),
// and those already answered in this check, so that a step once counted
// stays counted.
func (t *turn) steps() []Step {
	s := t.s()
	all := steps(t.e.Catalog, s.Specs)
	if len(s.Specs) == 0 {
		return all
	}
	n := t.needs()
	out := make([]Step, 0, len(all))
	for _, st := range all {
		if n.has(st) || s.Answered[st.Key] {
			out = append(out, st)
		}
	}
	return out
}

// needs evaluates what the chosen specializations still need.
func (t *turn) needs() needs {
	s := t.s()
	return needed(t.e.Catalog, s.Specs, s.Facts, t.statuses())
}

// has reports whether a step is needed.
func (n needs) has(st Step) bool {
	switch st.Key {
	case stepCompany, stepSpecs:
		return true
	case stepEmployees:
		return n.roles
	}
	return n.refs[st.Ref]
}

// current returns the current step, its index and the list. A current step
// that is no longer listed gives way to the next listed one.
func (t *turn) current() (Step, int, []Step) {
	s := t.s()
	list := t.steps()
	i := stepIndex(list, s.Key)
	if i < 0 {
		i = 0
		all := steps(t.e.Catalog, s.Specs)
		if at := stepIndex(all, s.Key); at >= 0 {
			i = len(list) - 1
			for j, st := range list {
				if stepIndex(all, st.Key) > at {
					i = j
					break
				}
			}
		}
		s.Key = list[i].Key
	}
	return list[i], i, list
}

// ask renders the current question (or the summary) as a new message. A
// current step that is no longer needed (a session stored before an answer
// made it so) gives way to the next one, or to the summary.
func (t *turn) ask() {
	s := t.s()
	if s.State == Checking && len(s.Specs) > 0 && stepIndex(t.steps(), s.Key) < 0 {
		all, list := steps(t.e.Catalog, s.Specs), t.steps()
		if at := stepIndex(all, s.Key); at >= 0 && stepIndex(all, list[len(list)-1].Key) < at {
			s.State, s.Key, s.Editing, s.Sub, s.Draft, s.EmpIndex, s.Gate = Summary, stateSummaryKey, false, empList, nil, 0, false
		}
	}
	t.s().Seq++
	if t.s().State == Summary {
		t.say(t.summary())
		return
	}
	t.say(t.question())
}

// advance moves past the current step once it is answered, to the next
// step that is still needed.
func (t *turn) advance() {
	s := t.s()
	st, _, _ := t.current()
	s.Answered[st.Key] = true
	if s.Gate {
		// The note was read and the partner went on.
		s.Gate, s.GoOn = false, true
	}
	list, n := t.steps(), t.needs()
	if s.Editing {
		for _, next := range list {
			if !s.Answered[next.Key] && n.has(next) {
				s.Key = next.Key
				t.ask()
				return
			}
		}
		t.toSummary()
		return
	}
	for j := stepIndex(list, st.Key) + 1; j < len(list); j++ {
		if n.has(list[j]) {
			s.Key = list[j].Key
			if cond := t.failedCommon(st); cond != nil && !s.GoOn {
				s.Gate = true
			}
			t.ask()
			return
		}
	}
	t.toSummary()
}

// commonResults returns the results of the conditions every
// specialization has, as they stand.
func (t *turn) commonResults() []eligibility.ConditionResult {
	s := t.s()
	if len(s.Specs) == 0 {
		return nil
	}
	r := t.statuses() // their statuses and names: no gaps
	res, ok := r.Result(s.Specs[0])
	if !ok {
		return nil
	}
	conds := res.Conditions
	if len(res.Levels) > 0 {
		conds = res.Levels[0].Conditions
	}
	var out []eligibility.ConditionResult
	for _, cr := range conds {
		if slices.Contains(t.e.Catalog.Common, cr.Condition) {
			out = append(out, cr)
		}
	}
	return out
}

// failedCommon returns the condition every specialization has that the
// answer to st has just failed, if any.
func (t *turn) failedCommon(st Step) *eligibility.Condition {
	if st.Fact == nil {
		return nil
	}
	for _, cr := range t.commonResults() {
		if cr.Condition.Fact == st.Ref.Fact && cr.Condition.Key == st.Ref.Key && cr.Status == eligibility.NotMet {
			return cr.Condition
		}
	}
	return nil
}

// gateNote tells the partner, above the next question, that a condition
// every specialization needs is not met: answering goes on, so that every
// other gap shows; the Stop here button goes to the summary.
func (t *turn) gateNote() string {
	s := t.s()
	var names []string
	for _, cr := range t.commonResults() {
		if cr.Status == eligibility.NotMet {
			names = append(names, cr.Condition.Name.Get(s.Lang))
		}
	}
	return t.p.T("check.gate", "Condition", esc(strings.Join(names, "; ")))
}

// keepAll keeps every earlier answer the chosen specializations need and
// goes on to the first question without one, or to the summary.
func (t *turn) keepAll() {
	s := t.s()
	if !t.canKeepAll() {
		t.stale()
		return
	}
	t.echo(t.p.T("check.question."+s.Key), t.p.T("button.keep_all"))
	if len(s.Specs) == 0 {
		s.Specs, s.Picking = s.Prev, nil
	}
	s.Answered[stepCompany], s.Answered[stepSpecs] = true, true
	n := t.needs()
	for _, st := range steps(t.e.Catalog, s.Specs) {
		known := st.Key == stepEmployees && s.Facts.EmployeesKnown || st.Fact != nil && s.Facts.Known(st.Ref)
		if known && n.has(st) {
			s.Answered[st.Key] = true
		}
	}
	for _, st := range t.steps() {
		if !s.Answered[st.Key] && n.has(st) {
			// Only the questions without an answer are left: each goes
			// on to the next one of them, then to the summary.
			s.Key, s.Sub, s.Editing = st.Key, empList, true
			t.ask()
			return
		}
	}
	t.toSummary()
}

// canKeepAll reports whether the check started from earlier answers that
// can all be kept at once: before the specializations are chosen again.
func (t *turn) canKeepAll() bool {
	s := t.s()
	return len(s.Specs) == 0 && len(s.Prev) > 0 && !factsEmpty(s.Facts)
}

func (t *turn) toSummary() {
	s := t.s()
	s.State, s.Key, s.Editing, s.Sub, s.Draft, s.EmpIndex, s.Gate = Summary, stateSummaryKey, false, empList, nil, 0, false
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
	s.Key, s.Sub, s.Draft, s.EmpIndex, s.Gate = list[i-1].Key, empList, nil, 0, false
	t.ask()
}

// echo edits the answered question to show the answer without buttons.
// When the next question follows, fold keeps only the answer's line, on
// top of it.
func (t *turn) echo(question, answer string) {
	line := "✔️ <b>" + esc(answer) + "</b>"
	t.say(Message{Text: question + "\n\n" + line, Edit: true, trace: line})
}

// echoStep is echo for a step of the check: the trace left on top of the
// next question names the step ("✔️ Partner agreement signed: Yes"), since
// the question it answered is no longer on screen.
func (t *turn) echoStep(question string, st Step, answer string) {
	t.echo(question, answer)
	t.out.Messages[len(t.out.Messages)-1].trace = traceLine(t.labelOf(st), answer)
}

// traceLine is an answer's one line: "✔️ Label: <b>answer</b>".
func traceLine(label, answer string) string {
	if label == "" {
		return "✔️ <b>" + esc(answer) + "</b>"
	}
	return "✔️ " + esc(label) + ": <b>" + esc(answer) + "</b>"
}

func (t *turn) answerButton(cb callback) {
	s := t.s()
	st, _, _ := t.current()
	switch cb.act {
	case actStop:
		if !s.Gate {
			t.stale()
			return
		}
		t.toSummary()
		return
	case actKeepAll:
		t.keepAll()
		return
	case actBack:
		if st.Key == stepEmployees && s.Sub != empList {
			s.Sub, s.Draft, s.EmpIndex = empList, nil, 0
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
	if t.typedButton(txt) {
		return
	}
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
		t.echoStep(t.p.T("check.question.company"), Step{Key: stepCompany}, s.Company)
		t.advance()
	case actUnknown:
		t.echoStep(t.p.T("check.question.company"), Step{Key: stepCompany}, t.p.T("answer.skipped"))
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
		// The same question, edited: Seq stays, so that a tick pressed
		// before this edit reached the screen still counts.
		m := t.question()
		m.Edit = true
		t.say(m)
	case actAll, actNotSure, actUnknown:
		t.chooseSpecs(all)
	case actKeep:
		keep := t.keptSpecs()
		if len(keep) == 0 {
			t.stale()
			return
		}
		t.chooseSpecs(keep)
	case actDone:
		if len(s.Picking) == 0 {
			t.out.Notice = t.p.T("check.hint.specs_none")
			if !t.byButton {
				t.retry(t.p.T("check.hint.specs_none"))
			}
			// A press needs only the notice: the checklist stays as it is.
			return
		}
		t.chooseSpecs(s.Picking)
	default:
		t.stale()
	}
}

// keptSpecs are the specializations one tap keeps: those chosen in this
// check, else those of the check it started from.
func (t *turn) keptSpecs() []string {
	if s := t.s(); len(s.Specs) > 0 {
		return s.Specs
	}
	return t.knownSpecs(t.s().Prev)
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
	t.echoStep(t.p.T("check.question.specs"), Step{Key: stepSpecs}, t.specList(specs))
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
		t.echoStep(q, st, t.p.T("answer.unknown"))
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
	case actKeep:
		if !s.Facts.Known(st.Ref) {
			t.stale()
			return
		}
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
	t.echoStep(q, st, t.answerOf(st))
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
		if f.Type == eligibility.FactMoney {
			// Echo the amount understood: kopecks dropped, "12,5 млн"
			// written out, so that a misreading shows at once.
			t.say(Message{Text: traceLine(t.labelOf(st), format(n))})
		}
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

// setAsideNames names the answers a new edition set aside as the partner
// read them: by the new catalogue's names, or the embedded default
// edition's for a fact the new one dropped; the id when neither knows it.
// A keyed answer is its fact's name with the key's ("Brand Voice projects:
// Premium"); the keys of one fact are named once.
func setAsideNames(c *eligibility.Catalog, lang string, ids []string) string {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	editions := []*eligibility.Catalog{c}
	for _, id := range ids {
		fid, key, _ := strings.Cut(id, ".")
		name := ""
		for i := 0; name == "" && i < 2; i++ {
			if i == len(editions) {
				editions = append(editions, eligibility.DefaultCatalog())
			}
			ed := editions[i]
			f, ok := ed.Fact(fid)
			if !ok {
				continue
			}
			name = f.Name.Get(lang)
			if key == "" {
				break
			}
			keyName := key
			for _, k := range f.Keys {
				if k.ID == key {
					keyName = k.Name.Get(lang)
				}
			}
			if sp, ok := ed.Specialization(key); ok {
				keyName = sp.Name.Get(lang)
			}
			name += ": " + keyName
		}
		if name == "" {
			name = id
		}
		add(name)
	}
	return strings.Join(names, ", ")
}
