package dialogs

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"specbot/eligibility"
	"specbot/locales"
)

// The fact sheet is the whole check on one form (the Mini App): the same
// steps as the chat, generated from the catalogue, read by the same parsers
// with the same hints, and ending in the same verdict. The adapter only
// draws the form and sends back what was typed.

// SheetOption is one choice of a form field: a specialization, a value, a
// certificate.
type SheetOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	// Specs lists the specializations that need it (certificates only).
	Specs []string `json:"specs,omitempty"`
}

// SheetField is one fact of the form: a step of the chat's check.
type SheetField struct {
	Key      string               `json:"key"` // the step key, e.g. "f:consumption_rub_year.devops"
	Type     eligibility.FactType `json:"type"`
	Label    string               `json:"label"`
	Question string               `json:"question"`
	// Hint says how to type the answer, with an example, as the chat does.
	Hint    string        `json:"hint,omitempty"`
	Options []SheetOption `json:"options,omitempty"`
	// Spec is the specialization the field is about ("" for a common one);
	// Specs lists the specializations that need it.
	Spec  string   `json:"spec,omitempty"`
	Specs []string `json:"specs"`
}

// SheetForm describes the form in one language.
type SheetForm struct {
	Lang   string        `json:"lang"`
	Specs  []SheetOption `json:"specs"`
	Fields []SheetField  `json:"fields"`
	Certs  []SheetOption `json:"certs"`
	// EmployeesSpecs lists the specializations that need the register.
	EmployeesSpecs []string `json:"employees_specs"`
}

// SheetInput is a filled form. Answers are keyed by SheetField.Key and hold
// what was typed (counts, amounts), "yes"/"no" or a value id; "" or a
// missing key is "I don't know".
type SheetInput struct {
	Company   string                 `json:"company"`
	Specs     []string               `json:"specs"`
	Answers   map[string]string      `json:"answers"`
	Employees []eligibility.Employee `json:"employees"`
	// NoEmployees says the register is known to be empty; an empty
	// register without it is unknown.
	NoEmployees bool `json:"no_employees"`
}

// SheetError is an answer the form cannot take, with the chat's hint.
// Field is a SheetField.Key, "company", "specs", "employees.N" or, for the
// month a certificate was earned, "employees.N.earned.CERT".
type SheetError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// SheetStatus is one specialization's verdict on the live panel: plain text.
type SheetStatus struct {
	Spec   string             `json:"spec"`
	Name   string             `json:"name"`
	Status eligibility.Status `json:"status"`
	Gaps   int                `json:"gaps"`
	Text   string             `json:"text"`
}

// SheetPreview is the live panel.
type SheetPreview struct {
	Statuses []SheetStatus `json:"statuses"`
	Window   string        `json:"window"`
	Errors   []SheetError  `json:"errors"`
}

// SheetForm builds the form for every specialization of the catalogue.
func (e *Engine) SheetForm(lang string) SheetForm {
	c := e.Catalog
	p := locales.For(lang)
	all := make([]string, len(c.Specializations))
	form := SheetForm{Lang: p.Lang(), Fields: []SheetField{}, Certs: []SheetOption{}, EmployeesSpecs: []string{}}
	for i, s := range c.Specializations {
		all[i] = s.ID
		form.Specs = append(form.Specs, SheetOption{ID: s.ID, Label: s.Name.Get(lang)})
	}
	need := map[string][]string{}
	certSpecs := map[string][]string{}
	for _, id := range all {
		for _, st := range steps(c, []string{id}) {
			need[st.Key] = append(need[st.Key], id)
			if st.Key == stepEmployees {
				form.EmployeesSpecs = append(form.EmployeesSpecs, id)
			}
		}
		for _, cert := range relevantCerts(c, []string{id}) {
			certSpecs[cert.ID] = append(certSpecs[cert.ID], id)
		}
	}
	for _, st := range steps(c, all) {
		if st.Fact == nil {
			continue
		}
		f := SheetField{Key: st.Key, Type: st.Fact.Type, Label: stepLabel(c, st, lang), Question: questionText(c, st, lang),
			Spec: st.Spec, Specs: need[st.Key]}
		switch st.Fact.Type {
		case eligibility.FactCount:
			f.Hint = p.T("check.hint.count")
		case eligibility.FactMoney:
			f.Hint = p.T("check.hint.money")
		case eligibility.FactEnum:
			for _, v := range st.Fact.Values {
				f.Options = append(f.Options, SheetOption{ID: v.ID, Label: v.Name.Get(lang)})
			}
		}
		form.Fields = append(form.Fields, f)
	}
	for _, cert := range relevantCerts(c, all) {
		form.Certs = append(form.Certs, SheetOption{ID: cert.ID, Label: cert.Name.Get(lang), Specs: certSpecs[cert.ID]})
	}
	return form
}

// SheetAnswers writes a session's answers (or a past check's) as the form
// shows them, so that the form opens prefilled.
func (e *Engine) SheetAnswers(company string, specs []string, facts eligibility.Facts, lang string) SheetInput {
	p := locales.For(lang)
	in := SheetInput{Company: company, Specs: slices.Clone(specs), Answers: map[string]string{}, Employees: []eligibility.Employee{}}
	for _, st := range steps(e.Catalog, e.allSpecs()) {
		if st.Fact == nil {
			continue
		}
		switch st.Fact.Type {
		case eligibility.FactBool:
			if v, ok := facts.Bools[st.Ref]; ok {
				in.Answers[st.Key] = map[bool]string{true: "yes", false: "no"}[v]
			}
		case eligibility.FactCount, eligibility.FactMoney:
			if v, ok := facts.Numbers[st.Ref]; ok {
				in.Answers[st.Key] = p.Number(v)
			}
		case eligibility.FactEnum:
			if v, ok := facts.Enums[st.Ref]; ok {
				in.Answers[st.Key] = v
			}
		}
	}
	if facts.EmployeesKnown {
		in.NoEmployees = len(facts.Employees) == 0
		for _, emp := range facts.Employees {
			in.Employees = append(in.Employees, eligibility.Employee{Name: emp.Name, Certs: slices.Clone(emp.Certs), Earned: maps.Clone(emp.Earned)})
		}
	}
	return in
}

func (e *Engine) allSpecs() []string {
	ids := make([]string, len(e.Catalog.Specializations))
	for i, s := range e.Catalog.Specializations {
		ids[i] = s.ID
	}
	return ids
}

// ReadSheet reads a filled form as the chat reads answers: the chosen
// specializations in catalogue order, then only the facts they need, typed
// amounts and counts through ParseMoney and ParseCount. Every answer that
// cannot be read is reported with the chat's hint; the rest is kept.
func (e *Engine) ReadSheet(in SheetInput, lang string) (specs []string, facts eligibility.Facts, errs []SheetError) {
	t := &turn{e: e, p: locales.For(lang), out: Outcome{Session: NewSession(locales.Normalize(lang))}}
	facts = eligibility.NewFacts()
	for _, id := range e.allSpecs() {
		if slices.Contains(in.Specs, id) {
			specs = append(specs, id)
		}
	}
	if len(specs) == 0 {
		errs = append(errs, SheetError{Field: "specs", Message: t.p.T("check.hint.specs_none")})
	}
	if len([]rune(strings.TrimSpace(in.Company))) > maxCompany {
		errs = append(errs, SheetError{Field: "company", Message: t.p.T("check.hint.company_long", "Max", maxCompany)})
	}
	employees := false
	for _, st := range steps(e.Catalog, specs) {
		if st.Key == stepEmployees {
			employees = true
		}
		if st.Fact == nil {
			continue
		}
		txt := strings.TrimSpace(in.Answers[st.Key])
		if txt == "" {
			continue
		}
		if hint := t.readFact(st, txt, &facts); hint != "" {
			errs = append(errs, SheetError{Field: st.Key, Message: hint})
		}
	}
	if employees {
		errs = append(errs, t.readEmployees(in, &facts)...)
	}
	return specs, facts, errs
}

// readFact stores one typed answer, or returns the hint the chat would give.
func (t *turn) readFact(st Step, txt string, facts *eligibility.Facts) string {
	f := st.Fact
	switch f.Type {
	case eligibility.FactBool:
		yes, ok := ParseYesNo(txt)
		if !ok {
			return t.p.T("check.hint.yes_no")
		}
		facts.Bools[st.Ref] = yes
	case eligibility.FactCount, eligibility.FactMoney:
		parse, hint, format := ParseCount, "check.hint.count", t.p.Number
		if f.Type == eligibility.FactMoney {
			parse, hint, format = ParseMoney, "check.hint.money", t.p.Money
		}
		n, err := parse(txt)
		if err != nil {
			return t.numberHint(hint, err)
		}
		if f.Max > 0 && n > f.Max {
			return t.p.T("check.hint.too_large", "Max", format(f.Max))
		}
		facts.Numbers[st.Ref] = n
	case eligibility.FactEnum:
		v, ok := t.matchValue(f, txt)
		if !ok {
			return t.p.T("check.hint.choose")
		}
		facts.Enums[st.Ref] = v
	}
	return ""
}

// readEmployees reads the register: names as the chat takes them, one
// person per name (trimmed, case-folded), certificates of the catalogue.
func (t *turn) readEmployees(in SheetInput, facts *eligibility.Facts) []SheetError {
	var errs []SheetError
	if len(in.Employees) == 0 {
		facts.EmployeesKnown = in.NoEmployees
		return nil
	}
	if len(in.Employees) > maxEmployees {
		return []SheetError{{Field: "employees", Message: t.p.T("check.hint.employees_max", "Max", maxEmployees)}}
	}
	facts.EmployeesKnown = true
	facts.Employees = []eligibility.Employee{}
	seen := map[string]bool{}
	for i, emp := range in.Employees {
		field := "employees." + strconv.Itoa(i)
		name := strings.TrimSpace(emp.Name)
		switch folded := strings.ToLower(name); {
		case name == "" || len([]rune(name)) > 100:
			errs = append(errs, SheetError{Field: field, Message: t.p.T("check.hint.employee_name")})
			continue
		case seen[folded]:
			errs = append(errs, SheetError{Field: field, Message: t.p.T("webapp.error.same_name", "Name", name)})
			continue
		default:
			seen[folded] = true
		}
		certs := []string{}
		var earned map[string]string
		for _, cert := range t.e.Catalog.Certificates {
			if !slices.Contains(emp.Certs, cert.ID) {
				continue
			}
			certs = append(certs, cert.ID)
			txt := strings.TrimSpace(emp.Earned[cert.ID])
			if txt == "" {
				continue // not known
			}
			month, hint := ParseMonth(txt, t.e.Now())
			if hint != "" {
				id := "webapp.error.month_bad"
				if hint == MonthFuture {
					id = "webapp.error.month_future"
				}
				errs = append(errs, SheetError{Field: field + ".earned." + cert.ID,
					Message: t.p.T(id, "Name", name, "Cert", cert.Name.Get(t.s().Lang))})
				continue
			}
			if earned == nil {
				earned = map[string]string{}
			}
			earned[cert.ID] = month
		}
		facts.Employees = append(facts.Employees, eligibility.Employee{Name: name, Certs: certs, Earned: earned})
	}
	return errs
}

// PreviewSheet evaluates a filled form for the live panel.
func (e *Engine) PreviewSheet(in SheetInput, lang string) SheetPreview {
	specs, facts, errs := e.ReadSheet(in, lang)
	r := eligibility.Evaluate(e.Catalog, facts, e.Now())
	w := &reportWriter{r: &r, p: locales.For(lang), lang: lang}
	out := SheetPreview{Statuses: []SheetStatus{}, Window: PlainText(w.window(r.Window)), Errors: errs}
	if out.Errors == nil {
		out.Errors = []SheetError{}
	}
	for _, res := range r.Results {
		if !slices.Contains(specs, res.Specialization) {
			continue
		}
		w.b.Reset()
		w.result(res)
		out.Statuses = append(out.Statuses, SheetStatus{Spec: res.Specialization, Name: w.specName(res.Specialization),
			Status: res.Status, Gaps: res.GapCount(), Text: strings.TrimRight(PlainText(w.b.String()), "\n")})
	}
	return out
}

// SubmitSheet ends a check with a filled form, as the summary's verdict
// button does in the chat: the session takes the form's company,
// specializations and facts, and the outcome carries the report to store
// and the verdict to send. Nothing changes when the form has errors.
func (e *Engine) SubmitSheet(s Session, in SheetInput, env Env) (Outcome, []SheetError) {
	if s.Version == 0 {
		s = NewSession("en")
	}
	specs, facts, errs := e.ReadSheet(in, s.Lang)
	if len(errs) > 0 {
		return Outcome{Session: s}, errs
	}
	t := &turn{e: e, env: env, out: Outcome{Session: s}, p: locales.For(s.Lang)}
	st := t.s()
	if company := strings.TrimSpace(in.Company); company != "" {
		st.Company = company
	}
	st.Specs, st.Picking, st.Facts, st.Draft, st.Sub = specs, nil, facts, nil, empList
	st.State, st.Key, st.Editing = Summary, stateSummaryKey, false
	st.Answered = map[string]bool{}
	for _, step := range steps(e.Catalog, specs) {
		st.Answered[step.Key] = true
	}
	t.verdict()
	// The chat's verdict first turns the summary question into a plain
	// summary; the form had no such question: keep the verdict and what
	// follows it.
	if len(t.out.Messages) > 0 && t.out.Messages[0].Edit {
		t.out.Messages = t.out.Messages[1:]
	}
	return t.out, nil
}

// webAppRow is the button that opens the Mini App, when it is configured.
func (e *Engine) webAppRow(p *locales.Printer) [][]Button {
	if e.WebAppURL == "" {
		return nil
	}
	return [][]Button{{{Label: p.T("button.webapp"), WebApp: e.WebAppURL}}}
}
