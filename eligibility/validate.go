package eligibility

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// ValidationError lists every problem found in a catalogue.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid catalog: " + e.Problems[0]
	}
	return fmt.Sprintf("invalid catalog: %d problems: %s", len(e.Problems), strings.Join(e.Problems, "; "))
}

// validator collects problems while walking a catalogue.
type validator struct {
	c        *Catalog
	problems []string
	levels   map[string]bool
}

func (v *validator) addf(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) text(path string, t Text) {
	for _, lang := range v.c.Languages {
		if strings.TrimSpace(t[lang]) == "" {
			v.addf("%s: missing %s translation", path, lang)
		}
	}
}

func (v *validator) id(path, id string, seen map[string]bool) {
	switch {
	case id == "":
		v.addf("%s: missing id", path)
	case seen[id]:
		v.addf("%s: duplicate id %q", path, id)
	}
	seen[id] = true
}

func (c *Catalog) validateWith(decodeProblems []string) error {
	if len(c.Languages) == 0 {
		c.Languages = []string{"en", "ru"}
	}
	v := &validator{c: c, problems: decodeProblems, levels: map[string]bool{}}
	c.facts = map[string]*Fact{}
	c.certs = map[string]*Certificate{}
	c.specs = map[string]*Specialization{}

	// A "- ~" entry decodes to nil: name it and drop it, so that no check
	// below meets one.
	c.Certificates = dropNil(v, "certificates", c.Certificates)
	c.Facts = dropNil(v, "facts", c.Facts)
	c.Specializations = dropNil(v, "specializations", c.Specializations)
	for i, s := range c.Specializations {
		s.Levels = dropNil(v, fmt.Sprintf("specializations[%d].levels", i), s.Levels)
	}

	if c.ID == "" {
		v.addf("id: missing")
	}
	v.text("name", c.Name)
	c.validateCertificates(v)
	c.validateFacts(v)
	c.validateSpecializations(v)
	common := map[string]bool{}
	for i, cond := range c.Common {
		c.validateCondition(v, fmt.Sprintf("common[%d]", i), cond, common, true)
	}
	c.validateWindows(v)

	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

// dropNil reports and removes the empty entries of a list.
func dropNil[T any](v *validator, path string, list []*T) []*T {
	out := list[:0]
	for i, x := range list {
		if x == nil {
			v.addf("%s[%d]: empty entry", path, i)
			continue
		}
		out = append(out, x)
	}
	return out
}

func (c *Catalog) validateCertificates(v *validator) {
	seen := map[string]bool{}
	for i, cert := range c.Certificates {
		path := fmt.Sprintf("certificates[%d]", i)
		if cert.ID != "" {
			path = fmt.Sprintf("certificates[%s]", cert.ID)
		}
		v.id(path, cert.ID, seen)
		v.text(path+".name", cert.Name)
		if cert.URL != "" && !strings.HasPrefix(cert.URL, "https://") && !strings.HasPrefix(cert.URL, "http://") {
			v.addf("%s.url: %q is not a web link", path, cert.URL)
		}
		if cert.ValidMonths < 0 || cert.ValidMonths > 240 {
			v.addf("%s.valid_months: %d is not a number of months from 1 to 240 (leave it out when there is no limit)", path, cert.ValidMonths)
		}
		c.certs[cert.ID] = cert
	}
}

func (c *Catalog) validateFacts(v *validator) {
	seen := map[string]bool{}
	employees := 0
	for i, f := range c.Facts {
		path := fmt.Sprintf("facts[%d]", i)
		if f.ID != "" {
			path = fmt.Sprintf("facts[%s]", f.ID)
		}
		v.id(path, f.ID, seen)
		v.text(path+".name", f.Name)
		v.text(path+".question", f.Question)
		switch f.Type {
		case FactBool, FactCount, FactMoney:
		case FactEnum:
			if len(f.Values) == 0 {
				v.addf("%s: an enum needs values", path)
			}
			vals := map[string]bool{}
			for j, val := range f.Values {
				vp := fmt.Sprintf("%s.values[%d]", path, j)
				v.id(vp, val.ID, vals)
				v.text(vp+".name", val.Name)
			}
		case FactEmployees:
			employees++
			if f.ID != EmployeesFactID {
				v.addf("%s: the employees fact must have id %q", path, EmployeesFactID)
			}
			if employees > 1 {
				v.addf("%s: only one employees fact is allowed", path)
			}
		case "":
			v.addf("%s: missing type", path)
		default:
			v.addf("%s: unknown type %q (want bool, count, money, enum or employees)", path, f.Type)
		}
		if f.Max < 0 {
			v.addf("%s.max: must not be negative", path)
		}
		c.decodeKeys(v, path, f)
		c.facts[f.ID] = f
	}
}

// decodeKeys reads the keys node: the word "specializations" or a list.
func (c *Catalog) decodeKeys(v *validator, path string, f *Fact) {
	n := &f.KeysRaw
	if n.Kind == 0 {
		return
	}
	if f.Type == FactEmployees {
		v.addf("%s.keys: an employees fact has no keys", path)
		return
	}
	var word string
	if err := n.Decode(&word); err == nil {
		if word != SpecializationKeys {
			v.addf("%s.keys: %q is neither %q nor a list of keys", path, word, SpecializationKeys)
			return
		}
		f.KeysFrom = SpecializationKeys
		return
	}
	var keys []Key
	if err := n.Decode(&keys); err != nil {
		v.addf("%s.keys: %v", path, err)
		return
	}
	if len(keys) == 0 {
		v.addf("%s.keys: empty list", path)
	}
	seen := map[string]bool{}
	for j, k := range keys {
		kp := fmt.Sprintf("%s.keys[%d]", path, j)
		v.id(kp, k.ID, seen)
		v.text(kp+".name", k.Name)
	}
	f.Keys = keys
}

func (c *Catalog) validateSpecializations(v *validator) {
	if len(c.Specializations) == 0 {
		v.addf("specializations: none declared")
	}
	seen := map[string]bool{}
	for i, s := range c.Specializations {
		path := fmt.Sprintf("specializations[%d]", i)
		if s.ID != "" {
			path = fmt.Sprintf("specializations[%s]", s.ID)
		}
		v.id(path, s.ID, seen)
		v.text(path+".name", s.Name)
		c.specs[s.ID] = s
	}
	for _, s := range c.Specializations {
		path := fmt.Sprintf("specializations[%s]", s.ID)
		switch {
		case len(s.Levels) > 0 && len(s.Conditions) > 0:
			v.addf("%s: has both conditions and levels; put the conditions inside the levels", path)
		case len(s.Levels) == 0 && len(s.Conditions) == 0 && len(c.Common) == 0:
			v.addf("%s: has no conditions", path)
		}
		seen := c.commonIDs()
		for i, cond := range s.Conditions {
			c.validateCondition(v, fmt.Sprintf("%s.conditions[%d]", path, i), cond, seen, true)
		}
		levels := map[string]bool{}
		for i, l := range s.Levels {
			lp := fmt.Sprintf("%s.levels[%d]", path, i)
			v.id(lp, l.ID, levels)
			v.text(lp+".name", l.Name)
			v.levels[l.ID] = true
			if len(l.Conditions) == 0 {
				v.addf("%s: has no conditions", lp)
			}
			seen := c.commonIDs()
			for j, cond := range l.Conditions {
				c.validateCondition(v, fmt.Sprintf("%s.conditions[%d]", lp, j), cond, seen, true)
			}
		}
	}
}

func (c *Catalog) validateWindows(v *validator) {
	if len(c.Windows) == 0 {
		v.addf("windows: none declared")
	}
	months := map[int]bool{}
	for i, w := range c.Windows {
		path := fmt.Sprintf("windows[%d]", i)
		if w.Month < 1 || w.Month > 12 {
			v.addf("%s.month: %d is not a month (1-12)", path, w.Month)
		}
		if months[w.Month] {
			v.addf("%s.month: duplicate month %d", path, w.Month)
		}
		months[w.Month] = true
		if w.Name != nil {
			v.text(path+".name", w.Name)
		}
		for _, l := range w.Levels {
			if !v.levels[l] {
				v.addf("%s.levels: unknown level %q", path, l)
			}
		}
	}
	slices.SortFunc(c.Windows, func(a, b WindowRule) int { return a.Month - b.Month })
}

var numericOperators = map[string]bool{"at_least": true, "exceeds": true, "count_keys": true}

func (c *Catalog) validateCondition(v *validator, path string, cond *Condition, seen map[string]bool, top bool) {
	if cond == nil {
		v.addf("%s: empty condition", path)
		return
	}
	if cond.ID != "" {
		path = path[:strings.LastIndex(path, "[")] + "[" + cond.ID + "]"
	}
	v.id(path, cond.ID, seen)
	v.text(path+".name", cond.Name)

	ops := 0
	for _, set := range []bool{cond.Is != nil, cond.AtLeast != nil, cond.Exceeds != nil, cond.Equals != "",
		cond.CountKeys != nil, len(cond.Roles) > 0, len(cond.Any) > 0, len(cond.All) > 0} {
		if set {
			ops++
		}
	}
	switch {
	case ops == 0:
		v.addf("%s: no rule (want one of is, at_least, exceeds, equals, count_keys, roles, any, all)", path)
		return
	case ops > 1:
		v.addf("%s: more than one rule; nest them under all or any", path)
		return
	}

	op := cond.Operator()
	switch op {
	case "roles":
		if cond.Fact != "" {
			v.addf("%s: roles read the employees fact; remove fact %q", path, cond.Fact)
		}
		if c.employeesFact() == nil {
			v.addf("%s: roles need a fact of type employees", path)
		}
		for i, r := range cond.Roles {
			rp := fmt.Sprintf("%s.roles[%d]", path, i)
			if r == nil {
				v.addf("%s: empty role", rp)
				continue
			}
			v.text(rp+".name", r.Name)
			if len(r.AllOf) == 0 && len(r.AnyOf) == 0 {
				v.addf("%s: role with no certificate", rp)
			}
			for _, id := range append(slices.Clone(r.AllOf), r.AnyOf...) {
				if _, ok := c.certs[id]; !ok {
					v.addf("%s: unknown certificate %q", rp, id)
				}
			}
		}
		return
	case "any", "all":
		if cond.Fact != "" {
			v.addf("%s: %s groups conditions; remove fact %q", path, op, cond.Fact)
		}
		kids := map[string]bool{}
		for i, k := range append(cond.Any, cond.All...) {
			c.validateCondition(v, fmt.Sprintf("%s.%s[%d]", path, op, i), k, kids, false)
		}
		return
	}

	f, ok := c.facts[cond.Fact]
	switch {
	case cond.Fact == "":
		v.addf("%s: %s needs a fact", path, op)
		return
	case !ok:
		v.addf("%s: unknown fact %q", path, cond.Fact)
		return
	}
	c.validateKey(v, path, cond, f)
	switch {
	case op == "is" && f.Type != FactBool:
		v.addf("%s: is needs a bool fact, %q is %s", path, f.ID, f.Type)
	case numericOperators[op] && f.Type != FactCount && f.Type != FactMoney:
		v.addf("%s: %s needs a count or money fact, %q is %s", path, op, f.ID, f.Type)
	case op == "equals" && f.Type != FactEnum:
		v.addf("%s: equals needs an enum fact, %q is %s", path, f.ID, f.Type)
	case op == "equals" && !slices.ContainsFunc(f.Values, func(k Key) bool { return k.ID == cond.Equals }):
		v.addf("%s: %q is not a value of %q", path, cond.Equals, f.ID)
	}
	for name, n := range map[string]*int64{"at_least": cond.AtLeast, "exceeds": cond.Exceeds} {
		if n != nil && *n < 0 {
			v.addf("%s.%s: threshold must not be negative", path, name)
		}
		if name == "exceeds" && n != nil && *n == math.MaxInt64 {
			v.addf("%s.exceeds: no number exceeds %d", path, *n)
		}
	}
	if cond.CountKeys != nil {
		if cond.CountKeys.AtLeast < 1 {
			v.addf("%s.count_keys.at_least: must be at least 1", path)
		}
		if !f.Keyed() {
			v.addf("%s: count_keys needs a fact with keys, %q has none", path, f.ID)
		}
	}
}

func (c *Catalog) validateKey(v *validator, path string, cond *Condition, f *Fact) {
	switch {
	case cond.CountKeys != nil:
		if cond.Key != "" {
			v.addf("%s: count_keys counts every key of %q; remove key %q", path, f.ID, cond.Key)
		}
	case !f.Keyed() && cond.Key != "":
		v.addf("%s: fact %q has no keys, but key %q is given", path, f.ID, cond.Key)
	case f.Keyed() && cond.Key == "":
		v.addf("%s: fact %q needs a key", path, f.ID)
	case f.Keyed() && cond.Key == SpecializationPlaceholder:
		if f.KeysFrom != SpecializationKeys {
			v.addf("%s: %s needs a fact kept per specialization, %q is not", path, SpecializationPlaceholder, f.ID)
		}
	case f.Keyed() && !slices.ContainsFunc(c.FactKeys(f), func(k Key) bool { return k.ID == cond.Key }):
		v.addf("%s: %q is not a key of fact %q", path, cond.Key, f.ID)
	}
}

func (c *Catalog) employeesFact() *Fact {
	for _, f := range c.Facts {
		if f.Type == FactEmployees {
			return f
		}
	}
	return nil
}

// commonIDs returns the ids of the common conditions: every specialization
// (or level) lists them before its own, so its ids must differ from them.
func (c *Catalog) commonIDs() map[string]bool {
	seen := map[string]bool{}
	for _, cond := range c.Common {
		if cond != nil && cond.ID != "" {
			seen[cond.ID] = true
		}
	}
	return seen
}
