package eligibility

import "time"

// Evaluate checks facts against every specialization of the catalogue as of
// today (whose location is the program's time zone).
func Evaluate(c *Catalog, f Facts, today time.Time) Report {
	r := Report{
		Catalog: c.ID,
		Today:   today.Format(time.DateOnly),
		Results: make([]Result, 0, len(c.Specializations)),
		Window:  NextWindow(c.Windows, today),
	}
	for _, s := range c.Specializations {
		r.Results = append(r.Results, evaluateSpecialization(c, s, f))
	}
	return r
}

func evaluateSpecialization(c *Catalog, s *Specialization, f Facts) Result {
	res := Result{Specialization: s.ID}
	levels := s.AllLevels()
	results := make([]LevelResult, len(levels))
	for i, l := range levels {
		conds := make([]ConditionResult, 0, len(c.Common)+len(l.Conditions))
		for _, cond := range c.Common {
			conds = append(conds, evaluateCondition(c, cond, s.ID, f))
		}
		for _, cond := range l.Conditions {
			conds = append(conds, evaluateCondition(c, cond, s.ID, f))
		}
		results[i] = LevelResult{Level: l.ID, Status: verdict(conds), Conditions: conds}
	}

	// The highest level reached is the last eligible one in order; the
	// target is the first level above it that is not reached.
	reached := -1
	for i, lr := range results {
		if lr.Status == Eligible {
			reached = i
		}
	}
	target := reached + 1
	if target >= len(results) {
		target = len(results) - 1
	}
	switch {
	case reached >= 0:
		res.Status = Eligible
		res.Level = results[reached].Level
	default:
		res.Status = results[0].Status
	}
	res.Conditions = results[target].Conditions
	if target != reached {
		res.Target = results[target].Level
	}
	if len(s.Levels) > 0 {
		res.Levels = results
	}
	return res
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

func evaluateCondition(c *Catalog, cond *Condition, spec string, f Facts) ConditionResult {
	cr := ConditionResult{ID: cond.ID, Fact: cond.Fact, Key: cond.Key, Condition: cond}
	if cr.Key == SpecializationPlaceholder {
		cr.Key = spec
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
		cr.Roles, cr.Status = assignRoles(cond.Roles, f)
	case len(cond.Any) > 0:
		cr.Mode = "any"
		cr.Children = make([]ConditionResult, len(cond.Any))
		met, unknown := false, false
		for i, k := range cond.Any {
			cr.Children[i] = evaluateCondition(c, k, spec, f)
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
			cr.Children[i] = evaluateCondition(c, k, spec, f)
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
