package dialogs

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"specbot/eligibility"
)

// Step kinds.
const (
	stepCompany   = "company"
	stepSpecs     = "specs"
	stepEmployees = "employees"
	factPrefix    = "f:"
)

// Step is one question of the check flow.
type Step struct {
	Key  string
	Fact *eligibility.Fact // nil for company, specs and employees
	Ref  eligibility.Ref
	// Spec is the specialization the question is about, when it has one.
	Spec string
}

// steps lists the questions the chosen specializations need, in order:
// company, specializations, the facts common to all of them, then per
// specialization its own facts, then the employees.
//
// The list depends only on the catalogue and the specializations, and a
// turn asks for it several times: it is made once per catalogue and list
// of specializations and shared, so callers must not change it.
func steps(c *eligibility.Catalog, specs []string) []Step {
	key := stepsKey{c, strings.Join(specs, ",")}
	if v, ok := stepLists.Load(key); ok {
		return v.([]Step)
	}
	out := slices.Clip(makeSteps(c, specs))
	// A catalogue has a few specializations, so a few lists; the bound
	// only guards against specializations that are no catalogue's.
	if stepListCount.Add(1) <= maxStepLists {
		stepLists.Store(key, out)
	}
	return out
}

// stepsKey names a list of steps: the catalogue and the specializations.
type stepsKey struct {
	c     *eligibility.Catalog
	specs string
}

const maxStepLists = 4096

var (
	stepLists     sync.Map // stepsKey -> []Step
	stepListCount atomic.Int64
)

func makeSteps(c *eligibility.Catalog, specs []string) []Step {
	out := []Step{{Key: stepCompany}, {Key: stepSpecs}}
	seen := map[string]bool{}
	add := func(ref eligibility.Ref, spec string) {
		f, ok := c.Fact(ref.Fact)
		if !ok || f.Type == eligibility.FactEmployees {
			return
		}
		key := factPrefix + ref.String()
		if seen[key] {
			return
		}
		seen[key] = true
		if f.KeysFrom == eligibility.SpecializationKeys {
			spec = ref.Key
		}
		out = append(out, Step{Key: key, Fact: f, Ref: ref, Spec: spec})
	}
	// Common facts that do not depend on the specialization come first.
	for _, cond := range c.Common {
		walk(c, cond, "", func(ref eligibility.Ref) {
			if ref.Key != eligibility.SpecializationPlaceholder {
				add(ref, "")
			}
		})
	}
	roles := false
	for _, id := range specs {
		s, ok := c.Specialization(id)
		if !ok {
			continue
		}
		for _, cond := range c.Common {
			walk(c, cond, id, func(ref eligibility.Ref) { add(ref, id) })
		}
		for _, l := range s.AllLevels() {
			for _, cond := range l.Conditions {
				walk(c, cond, id, func(ref eligibility.Ref) { add(ref, id) })
				roles = roles || hasRoles(cond)
			}
		}
	}
	if roles {
		out = append(out, Step{Key: stepEmployees})
	}
	return out
}

// walk calls fn with every fact value a condition reads.
func walk(c *eligibility.Catalog, cond *eligibility.Condition, spec string, fn func(eligibility.Ref)) {
	switch {
	case len(cond.Any) > 0:
		for _, k := range cond.Any {
			walk(c, k, spec, fn)
		}
	case len(cond.All) > 0:
		for _, k := range cond.All {
			walk(c, k, spec, fn)
		}
	case cond.CountKeys != nil:
		f, ok := c.Fact(cond.Fact)
		if !ok {
			return
		}
		for _, k := range c.FactKeys(f) {
			fn(eligibility.Ref{Fact: cond.Fact, Key: k.ID})
		}
	case cond.Fact != "":
		key := cond.Key
		if key == eligibility.SpecializationPlaceholder && spec != "" {
			key = spec
		}
		fn(eligibility.Ref{Fact: cond.Fact, Key: key})
	}
}

func hasRoles(cond *eligibility.Condition) bool {
	if len(cond.Roles) > 0 {
		return true
	}
	for _, k := range append(cond.Any, cond.All...) {
		if hasRoles(k) {
			return true
		}
	}
	return false
}

// relevantCerts lists, in catalogue order, the certificates the chosen
// specializations' roles mention.
func relevantCerts(c *eligibility.Catalog, specs []string) []*eligibility.Certificate {
	want := map[string]bool{}
	var collect func(*eligibility.Condition)
	collect = func(cond *eligibility.Condition) {
		for _, r := range cond.Roles {
			for _, id := range append(append([]string{}, r.AllOf...), r.AnyOf...) {
				want[id] = true
			}
		}
		for _, k := range append(cond.Any, cond.All...) {
			collect(k)
		}
	}
	for _, id := range specs {
		if s, ok := c.Specialization(id); ok {
			for _, l := range s.AllLevels() {
				for _, cond := range l.Conditions {
					collect(cond)
				}
			}
		}
	}
	for _, cond := range c.Common {
		collect(cond)
	}
	var out []*eligibility.Certificate
	for _, cert := range c.Certificates {
		if want[cert.ID] {
			out = append(out, cert)
		}
	}
	return out
}

func stepIndex(list []Step, key string) int {
	for i, st := range list {
		if st.Key == key {
			return i
		}
	}
	return -1
}

// questionText fills a fact's question for a step.
func questionText(c *eligibility.Catalog, st Step, lang string) string {
	q := st.Fact.Question.Get(lang)
	if st.Spec != "" {
		if s, ok := c.Specialization(st.Spec); ok {
			q = strings.ReplaceAll(q, "{specialization}", s.Name.Get(lang))
		}
	}
	if st.Ref.Key != "" {
		for _, k := range c.FactKeys(st.Fact) {
			if k.ID == st.Ref.Key {
				q = strings.ReplaceAll(q, "{key}", k.Name.Get(lang))
			}
		}
	}
	return q
}

// stepLabel is the short name of a step in the summary.
func stepLabel(c *eligibility.Catalog, st Step, lang string) string {
	if st.Fact == nil {
		return ""
	}
	name := st.Fact.Name.Get(lang)
	if st.Ref.Key == "" {
		return name
	}
	for _, k := range c.FactKeys(st.Fact) {
		if k.ID == st.Ref.Key {
			return name + " · " + k.Name.Get(lang)
		}
	}
	return name
}
