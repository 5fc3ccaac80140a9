package dialogs

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// testNowFixed is a date for evaluations whose window does not matter.
var testNowFixed = time.Date(2026, time.November, 25, 12, 0, 0, 0, time.UTC)

// candidates are the values worth trying for a fact: every enum value, yes
// and no, small counts and each threshold the catalogue sets, either side.
func candidates(c *eligibility.Catalog, f *eligibility.Fact) []any {
	switch f.Type {
	case eligibility.FactBool:
		return []any{true, false}
	case eligibility.FactEnum:
		var out []any
		for _, v := range f.Values {
			out = append(out, v.ID)
		}
		return out
	}
	vals := []int64{0, 1, 2, 3}
	var collect func(cond *eligibility.Condition)
	collect = func(cond *eligibility.Condition) {
		if cond.Fact == f.ID {
			switch {
			case cond.AtLeast != nil:
				vals = append(vals, *cond.AtLeast-1, *cond.AtLeast)
			case cond.Exceeds != nil:
				vals = append(vals, *cond.Exceeds, *cond.Exceeds+1)
			case cond.CountKeys != nil:
				vals = append(vals, cond.CountKeys.Exceeds, cond.CountKeys.Exceeds+1)
			}
		}
		for _, k := range append(slices.Clone(cond.Any), cond.All...) {
			collect(k)
		}
	}
	for _, cond := range c.Common {
		collect(cond)
	}
	for _, s := range c.Specializations {
		for _, l := range s.AllLevels() {
			for _, cond := range l.Conditions {
				collect(cond)
			}
		}
	}
	var out []any
	for _, v := range vals {
		if v >= 0 {
			out = append(out, v)
		}
	}
	return out
}

func setFact(f eligibility.Facts, st Step, v any) {
	f.Forget(st.Ref)
	switch v := v.(type) {
	case bool:
		f.Bools[st.Ref] = v
	case string:
		f.Enums[st.Ref] = v
	case int64:
		f.Numbers[st.Ref] = v
	}
}

// verdictOf is what a partner reads as the verdict: each chosen
// specialization's status and the status of every condition of every level.
func verdictOf(c *eligibility.Catalog, f eligibility.Facts, specs []string) string {
	r := eligibility.Evaluate(c, f, testNowFixed)
	out := ""
	for _, id := range specs {
		res, _ := r.Result(id)
		out += fmt.Sprintf("%s=%s/%s:", id, res.Status, res.Level)
		levels := [][]eligibility.ConditionResult{res.Conditions}
		for _, l := range res.Levels {
			levels = append(levels, l.Conditions)
		}
		for _, conds := range levels {
			for _, cr := range conds {
				out += string(cr.Status) + ","
			}
		}
	}
	return out
}

// TestSkippedQuestionsCannotChangeAVerdict: on both catalogues, over random
// partial answers, a question the check skips is one whose every answer
// leaves the verdict as it is, whatever the questions still open are
// answered; and the examples of the issue are skipped.
func TestSkippedQuestionsCannotChangeAVerdict(t *testing.T) {
	for name, c := range map[string]*eligibility.Catalog{"default": eligibility.DefaultCatalog(), "tiered": tieredCatalog(t)} {
		t.Run(name, func(t *testing.T) {
			var specs []string
			for _, s := range c.Specializations {
				specs = append(specs, s.ID)
			}
			list := steps(c, specs)
			rng := rand.New(rand.NewPCG(1, uint64(len(name))))
			random := func(f eligibility.Facts, st Step) {
				vals := candidates(c, st.Fact)
				if rng.IntN(3) == 0 {
					f.Forget(st.Ref)
					return
				}
				setFact(f, st, vals[rng.IntN(len(vals))])
			}
			skipped := 0
			for range 300 {
				f := eligibility.NewFacts()
				for _, st := range list {
					if st.Fact != nil {
						random(f, st)
					}
				}
				n := needed(c, specs, f, eligibility.Evaluate(c, f, testNowFixed))
				for _, st := range list {
					if st.Fact == nil || n.has(st) || f.Known(st.Ref) {
						continue
					}
					skipped++
					// Whatever the open questions get, this one changes nothing.
					for range 5 {
						g := f.Clone()
						for _, other := range list {
							if other.Fact != nil && other.Key != st.Key && !g.Known(other.Ref) {
								random(g, other)
							}
						}
						want := verdictOf(c, g, specs)
						for _, v := range candidates(c, st.Fact) {
							h := g.Clone()
							setFact(h, st, v)
							require.Equal(t, want, verdictOf(c, h, specs), "%s = %v changed a verdict it was skipped for\nfacts %s", st.Key, v, factsJSON(t, f))
						}
					}
				}
			}
			assert.Positive(t, skipped, "some questions were skipped")
		})
	}
}
