package eligibility

import (
	"slices"
	"time"
)

// Evaluate checks facts against every specialization of the catalogue as of
// today (whose location is the program's time zone).
func Evaluate(c *Catalog, f Facts, today time.Time) Report {
	return evaluateAll(c, f, today, true, nil)
}

// EvaluateStatuses is Evaluate without the gaps, for the specializations
// ids only (every one when ids is nil): each of their statuses, levels and
// nested results is the same, no condition's Gap is set, and the report
// names no certificates. It is for asking what the chosen specializations
// still need, which the statuses tell, at a fraction of the cost.
func EvaluateStatuses(c *Catalog, f Facts, today time.Time, ids []string) Report {
	return evaluateAll(c, f, today, false, ids)
}

func evaluateAll(c *Catalog, f Facts, today time.Time, gaps bool, ids []string) Report {
	r := Report{
		Catalog: c.ID,
		Today:   today.Format(time.DateOnly),
		Results: make([]Result, 0, len(c.Specializations)),
		Window:  NextWindow(c.Windows, today),
	}
	// Roles are assigned over employees in name order, so that the advice
	// never depends on the order they were typed in; sorting once here
	// serves every condition of every specialization.
	f.Employees = canonicalEmployees(f.Employees)
	// A certificate that lapses before the window opens does not count
	// for it; the report says which.
	f.Employees, r.Lapsed = lapsed(c, f.Employees, r.Window.Opens)
	for _, s := range c.Specializations {
		if ids == nil || slices.Contains(ids, s.ID) {
			r.Results = append(r.Results, evaluateSpecialization(c, s, f, gaps))
		}
	}
	for _, id := range r.Window.Levels {
		r.Window.LevelNames = append(r.Window.LevelNames, levelNameIn(c, id))
	}
	if !gaps {
		return r
	}
	r.Certificates = make(map[string]CertificateInfo, len(c.Certificates))
	for _, cert := range c.Certificates {
		r.Certificates[cert.ID] = CertificateInfo{Name: cert.Name, URL: cert.URL}
	}
	return r
}

// levelNameIn names a level id by the first specialization that has it.
func levelNameIn(c *Catalog, id string) Text {
	for _, s := range c.Specializations {
		for _, l := range s.Levels {
			if l.ID == id {
				return l.Name
			}
		}
	}
	return Text{"en": id}
}

func evaluateSpecialization(c *Catalog, s *Specialization, f Facts, gaps bool) Result {
	res := Result{Specialization: s.ID, Name: s.Name}
	levels := s.AllLevels()
	results := make([]LevelResult, len(levels))
	for i, l := range levels {
		conds := make([]ConditionResult, 0, len(c.Common)+len(l.Conditions))
		for _, cond := range c.Common {
			conds = append(conds, evaluateCondition(c, cond, s.ID, f, gaps))
		}
		for _, cond := range l.Conditions {
			conds = append(conds, evaluateCondition(c, cond, s.ID, f, gaps))
		}
		results[i] = LevelResult{Level: l.ID, Name: l.Name, Status: verdict(conds), Conditions: conds}
	}

	// The highest level met is the last eligible one in order; the target
	// is the next level above it not met. With no level met, the status
	// and conditions are those of the level closest to being met, which is
	// also the target.
	reached := -1
	for i, lr := range results {
		if lr.Status == Eligible {
			reached = i
		}
	}
	described := reached
	target := -1
	if reached >= 0 {
		res.Status, res.Level = Eligible, results[reached].Level
		for i := reached + 1; i < len(results); i++ {
			if results[i].Status != Eligible {
				target = i
				break
			}
		}
	} else {
		described = closestLevel(results)
		target = described
		res.Status = results[described].Status
	}
	res.Conditions = results[described].Conditions
	if len(s.Levels) > 0 {
		res.Levels = results
		if target >= 0 {
			res.Target = results[target].Level
		}
	}
	return res
}

// closestLevel picks, among levels none of which is met, the one closest to
// being met: one with no condition not met (fewest unknowns) before any
// with gaps (fewest gaps, then fewest unknowns); the lower level on a tie.
func closestLevel(levels []LevelResult) int {
	best := 0
	key := func(l LevelResult) [2]int {
		return [2]int{countStatus(l.Conditions, NotMet), countStatus(l.Conditions, Unknown)}
	}
	for i := 1; i < len(levels); i++ {
		k, b := key(levels[i]), key(levels[best])
		if k[0] < b[0] || k[0] == b[0] && k[1] < b[1] {
			best = i
		}
	}
	return best
}

func verdict(conds []ConditionResult) Status {
	unknown := false
	for _, c := range conds {
		switch c.Status {
		case NotMet:
			return NotEligible
		case Unknown:
			unknown = true
		}
	}
	if unknown {
		return Incomplete
	}
	return Eligible
}

func evaluateCondition(c *Catalog, cond *Condition, spec string, f Facts, gaps bool) ConditionResult {
	cr := evaluateBare(c, cond, spec, f, gaps)
	if gaps {
		cr.Gap = gapOf(c, cond, cr)
	}
	return cr
}

func evaluateBare(c *Catalog, cond *Condition, spec string, f Facts, gaps bool) ConditionResult {
	cr := ConditionResult{ID: cond.ID, Name: cond.Name, Fact: cond.Fact, Key: cond.Key, Condition: cond}
	if cr.Key == SpecializationPlaceholder {
		cr.Key = spec
	}
	if fact, ok := c.Fact(cond.Fact); ok {
		cr.Money = fact.Type == FactMoney
	}
	ref := Ref{Fact: cond.Fact, Key: cr.Key}
	switch {
	case cond.Is != nil:
		v, ok := f.Bools[ref]
		switch {
		case !ok:
			cr.Status = Unknown
		case v == *cond.Is:
			cr.Status = Met
		default:
			cr.Status = NotMet
		}
	case cond.AtLeast != nil, cond.Exceeds != nil:
		threshold(&cr, cond, f.Numbers, ref)
	case cond.Equals != "":
		cr.Want = cond.Equals
		v, ok := f.Enums[ref]
		cr.State = v
		if fact, found := c.Fact(cond.Fact); found {
			for _, val := range fact.Values {
				if val.ID == cr.Want {
					cr.WantName = val.Name
				}
				if val.ID == v {
					cr.StateName = val.Name
				}
			}
		}
		switch {
		case !ok:
			cr.Status = Unknown
		case v == cond.Equals:
			cr.Status = Met
		default:
			cr.Status = NotMet
		}
	case cond.CountKeys != nil:
		countKeys(c, &cr, cond, f)
	case len(cond.Roles) > 0:
		cr.Roles, cr.Status = assignSorted(cond.Roles, f)
	case len(cond.Any) > 0:
		cr.Mode = "any"
		cr.Children = make([]ConditionResult, len(cond.Any))
		met, unknown := false, false
		for i, k := range cond.Any {
			cr.Children[i] = evaluateCondition(c, k, spec, f, gaps)
			met = met || cr.Children[i].Status == Met
			unknown = unknown || cr.Children[i].Status == Unknown
		}
		switch {
		case met:
			cr.Status = Met
		case unknown:
			cr.Status = Unknown
		default:
			cr.Status = NotMet
		}
	case len(cond.All) > 0:
		cr.Mode = "all"
		cr.Children = make([]ConditionResult, len(cond.All))
		for i, k := range cond.All {
			cr.Children[i] = evaluateCondition(c, k, spec, f, gaps)
		}
		switch verdict(cr.Children) {
		case Eligible:
			cr.Status = Met
		case NotEligible:
			cr.Status = NotMet
		default:
			cr.Status = Unknown
		}
	}
	return cr
}

// threshold checks "at least N" (>=) or "exceeding N" (>).
func threshold(cr *ConditionResult, cond *Condition, numbers map[Ref]int64, ref Ref) {
	var need int64 // the smallest value that meets the condition
	if cond.AtLeast != nil {
		t := *cond.AtLeast
		cr.Threshold, need = &t, t
	} else {
		t := *cond.Exceeds
		cr.Threshold, cr.Exceeds, need = &t, true, t+1
	}
	v, ok := numbers[ref]
	if !ok {
		cr.Status = Unknown
		return
	}
	cr.Actual = &v
	if v >= need {
		cr.Status = Met
		return
	}
	cr.Status = NotMet
	cr.Short = need - v
}

// countKeys checks "at least N keys each exceeding X". Unknown keys could
// still qualify, so the condition is unknown while they might make up the count.
func countKeys(c *Catalog, cr *ConditionResult, cond *Condition, f Facts) {
	ck := cond.CountKeys
	fact, _ := c.Fact(cond.Fact)
	t := ck.Exceeds
	cr.Threshold, cr.Exceeds, cr.Need = &t, true, ck.AtLeast
	unknown := 0
	for _, k := range c.FactKeys(fact) {
		v, ok := f.Numbers[Ref{Fact: cond.Fact, Key: k.ID}]
		switch {
		case !ok:
			unknown++
		case v > ck.Exceeds:
			cr.Qualified = append(cr.Qualified, k.ID)
		}
	}
	n := len(cr.Qualified)
	switch {
	case n >= ck.AtLeast:
		cr.Status = Met
	case n+unknown >= ck.AtLeast:
		cr.Status = Unknown
	default:
		cr.Status = NotMet
		cr.Short = int64(ck.AtLeast - n)
	}
}
