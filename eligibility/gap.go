package eligibility

// GapKind says what a condition not met (or not known) lacks; renderers
// switch on it and on nothing else.
type GapKind string

// Gap kinds.
const (
	GapUnknown      GapKind = "unknown"      // the fact behind the condition is not known yet
	GapYesNo        GapKind = "yes_no"       // a yes/no fact is "no" (an agreement, a business plan)
	GapAmount       GapKind = "amount"       // an amount of rubles is short of a threshold
	GapCount        GapKind = "count"        // a count is short of a threshold
	GapState        GapKind = "state"        // a state is not the one wanted (an interview)
	GapServices     GapKind = "services"     // too few keys of a map exceed a threshold
	GapRoles        GapKind = "roles"        // some roles have no employee holding their certificates
	GapAlternatives GapKind = "alternatives" // none of several alternatives is met
	GapAll          GapKind = "all"          // some of several conditions are not met
)

// Gap is what one condition lacks, with what a partner needs to act on it.
type Gap struct {
	Kind GapKind `json:"kind"`
	Fact string  `json:"fact,omitempty"`
	Key  string  `json:"key,omitempty"`

	// Thresholds: the threshold, whether it must be exceeded, the actual
	// value (0 when unknown) and how much is short.
	Threshold int64 `json:"threshold,omitempty"`
	Exceeds   bool  `json:"exceeds,omitempty"`
	Actual    int64 `json:"actual,omitempty"`
	Short     int64 `json:"short,omitempty"`

	// States: the state wanted and the state given, with their names.
	Want      string `json:"want,omitempty"`
	State     string `json:"state,omitempty"`
	WantName  Text   `json:"want_name,omitempty"`
	StateName Text   `json:"state_name,omitempty"`

	// Services: how many keys must exceed the threshold, and how many do.
	Need int `json:"need,omitempty"`
	Have int `json:"have,omitempty"`

	// Roles: the roles left open, each with who is closest and what that
	// employee lacks.
	Roles []RoleResult `json:"roles,omitempty"`

	// Alternatives (any) or parts (all): the nested conditions.
	Alternatives []ConditionResult `json:"alternatives,omitempty"`

	// NextStep says what to do about it, Source where the figure is found;
	// both come from the catalogue's fact.
	NextStep Text `json:"next_step,omitempty"`
	Source   Text `json:"source,omitempty"`
}

// gapOf builds the typed gap of a condition evaluated as cr.
func gapOf(c *Catalog, cond *Condition, cr ConditionResult) *Gap {
	if cr.Status == Met {
		return nil
	}
	g := &Gap{Fact: cr.Fact, Key: cr.Key}
	if f, ok := c.Fact(cr.Fact); ok {
		g.NextStep, g.Source = f.NextStep, f.Source
	}
	switch {
	case len(cr.Children) > 0 && cr.Mode == "any":
		g.Kind, g.Alternatives = GapAlternatives, cr.Children
		return g
	case len(cr.Children) > 0:
		g.Kind, g.Alternatives = GapAll, cr.Children
		return g
	case cr.Status == Unknown:
		g.Kind = GapUnknown
		if len(cond.Roles) > 0 {
			g.Fact = EmployeesFactID
			if f, ok := c.Fact(EmployeesFactID); ok {
				g.NextStep, g.Source = f.NextStep, f.Source
			}
		}
		return g
	}
	switch {
	case cond.Is != nil:
		g.Kind = GapYesNo
	case cond.AtLeast != nil, cond.Exceeds != nil:
		g.Kind = GapCount
		if cr.Money {
			g.Kind = GapAmount
		}
		g.Threshold, g.Exceeds, g.Short = *cr.Threshold, cr.Exceeds, cr.Short
		if cr.Actual != nil {
			g.Actual = *cr.Actual
		}
	case cond.Equals != "":
		g.Kind, g.Want, g.State, g.WantName, g.StateName = GapState, cr.Want, cr.State, cr.WantName, cr.StateName
	case cond.CountKeys != nil:
		g.Kind, g.Threshold, g.Exceeds, g.Need, g.Have, g.Short = GapServices, *cr.Threshold, true, cr.Need, len(cr.Qualified), cr.Short
	case len(cond.Roles) > 0:
		g.Kind = GapRoles
		if f, ok := c.Fact(EmployeesFactID); ok {
			g.NextStep, g.Source = f.NextStep, f.Source
		}
		for _, r := range cr.Roles {
			if !r.Filled {
				g.Roles = append(g.Roles, r)
			}
		}
	}
	return g
}

// Levelled reports whether the specialization has named levels.
func (r Result) Levelled() bool { return len(r.Levels) > 0 }

// Close reports whether the specialization is one condition away: not
// eligible, with exactly one condition not met and none unknown.
func (r Result) Close() bool {
	return r.Status == NotEligible && r.Gaps() == 1 && r.Unknowns() == 0
}

// WithinReach reports whether nothing known stands in the way: no condition
// of the described level is not met, and some are still unknown.
func (r Result) WithinReach() bool { return r.Status == Incomplete }

// Described returns the level whose conditions Conditions are: the level
// met, or the level closest to being met. ok is false without levels.
func (r Result) Described() (LevelResult, bool) {
	id := r.Level
	if id == "" {
		id = r.Target
	}
	return r.LevelResult(id)
}

// LevelResult returns the result of one level.
func (r Result) LevelResult(id string) (LevelResult, bool) {
	for _, l := range r.Levels {
		if l.Level == id {
			return l, true
		}
	}
	return LevelResult{}, false
}

// LevelName names a level of the specialization in lang.
func (r Result) LevelName(id, lang string) string {
	if l, ok := r.LevelResult(id); ok && len(l.Name) > 0 {
		return l.Name.Get(lang)
	}
	return id
}

// Ahead returns the conditions still to meet: those of the target level
// when a lower level is met, else the described conditions.
func (r Result) Ahead() []ConditionResult {
	if r.Level != "" && r.Target != "" {
		if l, ok := r.LevelResult(r.Target); ok {
			return l.Conditions
		}
	}
	return r.Conditions
}

// GapCount counts the conditions still to meet (not met) in Ahead.
func (r Result) GapCount() int { return countStatus(r.Ahead(), NotMet) }
