package eligibility

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func setNumber(fact, key string, v int64) func(Facts) {
	return func(f Facts) { f.Numbers[Ref{Fact: fact, Key: key}] = v }
}

func forget(fact, key string) func(Facts) {
	return func(f Facts) { f.Forget(Ref{Fact: fact, Key: key}) }
}

func setEnum(fact, key, v string) func(Facts) {
	return func(f Facts) { f.Enums[Ref{Fact: fact, Key: key}] = v }
}

func setBool(fact string, v bool) func(Facts) {
	return func(f Facts) { f.Bools[Ref{Fact: fact}] = v }
}

func both(fns ...func(Facts)) func(Facts) {
	return func(f Facts) {
		for _, fn := range fns {
			fn(f)
		}
	}
}

// noBrandVoice leaves ML & AI only the Call Center alternative.
var noBrandVoice = both(
	setNumber("brand_voice_projects", "premium", 0),
	setNumber("brand_voice_projects", "self_service", 0),
	setNumber("brand_voice_projects", "call_center", 1),
)

var (
	ccPath          = []string{"brand_voice", "brand_voice_call_center"}
	ccConsumption   = []string{"brand_voice", "brand_voice_call_center", "brand_voice_call_center_consumption"}
	ccProjects      = []string{"brand_voice", "brand_voice_call_center", "brand_voice_call_center_projects"}
	premiumPath     = []string{"brand_voice", "brand_voice_premium"}
	selfServicePath = []string{"brand_voice", "brand_voice_self_service"}
)

func TestEvaluateAllMetIsEligibleEverywhere(t *testing.T) {
	r := evaluate(t, allMetFacts())
	require.Len(t, r.Results, len(allSpecs))
	for i, spec := range allSpecs {
		res := r.Results[i]
		assert.Equal(t, spec, res.Specialization, "results follow catalogue order")
		assert.Equal(t, Eligible, res.Status, spec)
		assert.Zero(t, res.Gaps(), spec)
		assert.Zero(t, res.Unknowns(), spec)
		assert.Empty(t, res.Level, spec)
		assert.Empty(t, res.Target, spec)
		assert.Nil(t, res.Levels, "a catalogue without levels reports none")
	}
	assert.Equal(t, "specializations-2025", r.Catalog)
	assert.Equal(t, "2026-11-25", r.Today)
	assert.Equal(t, 4, r.Window.Month)
}

type boundaryCase struct {
	name      string
	spec      string
	set       func(Facts)
	path      []string
	want      ConditionStatus
	threshold int64
	actual    int64
	short     int64
	exceeds   bool
	verdict   Status
}

// TestEvaluateBoundaries checks each threshold of the default catalogue at
// and around its boundary.
func TestEvaluateBoundaries(t *testing.T) {
	tests := []boundaryCase{
		{"infrastructure consumption exactly 12,000,000", specInfra, setNumber("consumption_rub_year", specInfra, 12_000_000),
			[]string{"consumption"}, Met, 12_000_000, 12_000_000, 0, false, Eligible},
		{"infrastructure consumption one ruble under", specInfra, setNumber("consumption_rub_year", specInfra, 11_999_999),
			[]string{"consumption"}, NotMet, 12_000_000, 11_999_999, 1, false, NotEligible},
		{"infrastructure consumption one ruble over", specInfra, setNumber("consumption_rub_year", specInfra, 12_000_001),
			[]string{"consumption"}, Met, 12_000_000, 12_000_001, 0, false, Eligible},
		{"infrastructure consumption zero", specInfra, setNumber("consumption_rub_year", specInfra, 0),
			[]string{"consumption"}, NotMet, 12_000_000, 0, 12_000_000, false, NotEligible},
		{"infrastructure consumption half way", specInfra, setNumber("consumption_rub_year", specInfra, 11_500_000),
			[]string{"consumption"}, NotMet, 12_000_000, 11_500_000, 500_000, false, NotEligible},
		{"devops consumption exactly 2,000,000", specDevOps, setNumber("consumption_rub_year", specDevOps, 2_000_000),
			[]string{"consumption"}, Met, 2_000_000, 2_000_000, 0, false, Eligible},
		{"devops consumption one ruble under", specDevOps, setNumber("consumption_rub_year", specDevOps, 1_999_999),
			[]string{"consumption"}, NotMet, 2_000_000, 1_999_999, 1, false, NotEligible},
		{"data platform consumption exactly 2,000,000", specData, setNumber("consumption_rub_year", specData, 2_000_000),
			[]string{"consumption"}, Met, 2_000_000, 2_000_000, 0, false, Eligible},
		{"data platform consumption one ruble under", specData, setNumber("consumption_rub_year", specData, 1_999_999),
			[]string{"consumption"}, NotMet, 2_000_000, 1_999_999, 1, false, NotEligible},
		{"call center exactly 100,000 does not exceed", specML, both(noBrandVoice, setNumber("brand_voice_call_center_rub_month", "", 100_000)),
			ccConsumption, NotMet, 100_000, 100_000, 1, true, NotEligible},
		{"call center 100,001 exceeds", specML, both(noBrandVoice, setNumber("brand_voice_call_center_rub_month", "", 100_001)),
			ccConsumption, Met, 100_000, 100_001, 0, true, Eligible},
		{"call center 99,999 is two short", specML, both(noBrandVoice, setNumber("brand_voice_call_center_rub_month", "", 99_999)),
			ccConsumption, NotMet, 100_000, 99_999, 2, true, NotEligible},
		{"call center 150,000 as in the design example", specML, both(noBrandVoice, setNumber("brand_voice_call_center_rub_month", "", 150_000)),
			ccConsumption, Met, 100_000, 150_000, 0, true, Eligible},
		{"security compliance one project", specSecurity, setNumber("projects_per_year", specSecurity, 1),
			[]string{"projects"}, NotMet, 2, 1, 1, false, NotEligible},
		{"security compliance two projects", specSecurity, setNumber("projects_per_year", specSecurity, 2),
			[]string{"projects"}, Met, 2, 2, 0, false, Eligible},
		{"security compliance no projects", specSecurity, setNumber("projects_per_year", specSecurity, 0),
			[]string{"projects"}, NotMet, 2, 0, 2, false, NotEligible},
	}
	for _, spec := range allSpecs {
		tests = append(tests,
			boundaryCase{spec + " verified solutions 0", spec, setNumber("verified_solutions", spec, 0),
				[]string{"verified_solutions"}, NotMet, 1, 0, 1, false, NotEligible},
			boundaryCase{spec + " verified solutions 1", spec, setNumber("verified_solutions", spec, 1),
				[]string{"verified_solutions"}, Met, 1, 1, 0, false, Eligible},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := allMetFacts()
			tt.set(f)
			res := evalSpec(t, f, tt.spec)
			c := findCond(t, res.Conditions, tt.path...)
			assert.Equal(t, tt.want, c.Status)
			require.NotNil(t, c.Threshold)
			assert.Equal(t, tt.threshold, *c.Threshold)
			require.NotNil(t, c.Actual)
			assert.Equal(t, tt.actual, *c.Actual)
			assert.Equal(t, tt.short, c.Short)
			assert.Equal(t, tt.exceeds, c.Exceeds)
			assert.Equal(t, tt.verdict, res.Status)
		})
	}
}

// TestEvaluateVerifiedSolutionsPerSpecialization: the count is read for the
// specialization being evaluated, not any other.
func TestEvaluateVerifiedSolutionsPerSpecialization(t *testing.T) {
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			f := allMetFacts()
			f.Numbers[Ref{Fact: "verified_solutions", Key: spec}] = 0
			r := evaluate(t, f)
			for _, res := range r.Results {
				c := findCond(t, res.Conditions, "verified_solutions")
				assert.Equal(t, res.Specialization, c.Key, "the $specialization placeholder is resolved")
				if res.Specialization == spec {
					assert.Equal(t, NotMet, c.Status)
					assert.Equal(t, NotEligible, res.Status)
				} else {
					assert.Equal(t, Met, c.Status, res.Specialization)
					assert.Equal(t, Eligible, res.Status, res.Specialization)
				}
			}
		})
	}
}

func TestEvaluateInterview(t *testing.T) {
	tests := []struct {
		name    string
		value   string // "" leaves the interview unknown
		want    ConditionStatus
		verdict Status
	}{
		{"passed", "passed", Met, Eligible},
		{"scheduled", "scheduled", NotMet, NotEligible},
		{"failed", "failed", NotMet, NotEligible},
		{"none", "none", NotMet, NotEligible},
		{"unknown", "", Unknown, Incomplete},
	}
	for _, spec := range interviewSpecs {
		for _, tt := range tests {
			t.Run(spec+"/"+tt.name, func(t *testing.T) {
				f := allMetFacts()
				ref := Ref{Fact: "architect_interview", Key: spec}
				if tt.value == "" {
					f.Forget(ref)
				} else {
					f.Enums[ref] = tt.value
				}
				res := evalSpec(t, f, spec)
				c := findCond(t, res.Conditions, "interview")
				assert.Equal(t, tt.want, c.Status)
				assert.Equal(t, "passed", c.Want)
				assert.Equal(t, tt.value, c.State)
				assert.Equal(t, spec, c.Key)
				assert.Equal(t, tt.verdict, res.Status)
			})
		}
	}
}

// TestEvaluateCommonConditions: the common conditions apply to every
// specialization, ML & AI included, and come first.
func TestEvaluateCommonConditions(t *testing.T) {
	common := []string{"partner_agreement", "verified_solutions", "business_plan"}
	tests := []struct {
		name    string
		set     func(Facts)
		cond    string
		want    ConditionStatus
		verdict Status
	}{
		{"no partner agreement", setBool("partner_agreement", false), "partner_agreement", NotMet, NotEligible},
		{"no business plan", setBool("business_plan", false), "business_plan", NotMet, NotEligible},
		{"partner agreement unknown", forget("partner_agreement", ""), "partner_agreement", Unknown, Incomplete},
		{"business plan unknown", forget("business_plan", ""), "business_plan", Unknown, Incomplete},
	}
	for _, spec := range allSpecs {
		t.Run(spec+"/listed first", func(t *testing.T) {
			res := evalSpec(t, allMetFacts(), spec)
			require.GreaterOrEqual(t, len(res.Conditions), len(common))
			assert.Equal(t, common, condIDs(res.Conditions[:len(common)]))
		})
		for _, tt := range tests {
			t.Run(spec+"/"+tt.name, func(t *testing.T) {
				f := allMetFacts()
				tt.set(f)
				res := evalSpec(t, f, spec)
				assert.Equal(t, tt.want, findCond(t, res.Conditions, tt.cond).Status)
				assert.Equal(t, tt.verdict, res.Status)
			})
		}
	}
}

// TestEvaluateMLAlternatives: ML & AI needs any one of three alternatives; an
// unknown alternative keeps the verdict open only while none is met.
func TestEvaluateMLAlternatives(t *testing.T) {
	type bv struct{ premium, selfService, callCenter, rubMonth int64 } // -1: unknown
	tests := []struct {
		name     string
		facts    bv
		want     ConditionStatus // of the any-of condition
		children []ConditionStatus
		verdict  Status
	}{
		{"premium unknown, others not met", bv{-1, 0, 0, 0}, Unknown,
			[]ConditionStatus{Unknown, NotMet, NotMet}, Incomplete},
		{"premium unknown, call center consumption not exceeded", bv{-1, 0, 1, 100_000}, Unknown,
			[]ConditionStatus{Unknown, NotMet, NotMet}, Incomplete},
		{"premium met, others unknown", bv{1, -1, -1, -1}, Met,
			[]ConditionStatus{Met, Unknown, Unknown}, Eligible},
		{"self service met, others unknown", bv{-1, 1, -1, -1}, Met,
			[]ConditionStatus{Unknown, Met, Unknown}, Eligible},
		{"call center met, others unknown", bv{-1, -1, 2, 100_001}, Met,
			[]ConditionStatus{Unknown, Unknown, Met}, Eligible},
		{"everything unknown", bv{-1, -1, -1, -1}, Unknown,
			[]ConditionStatus{Unknown, Unknown, Unknown}, Incomplete},
		{"nothing met", bv{0, 0, 0, 0}, NotMet,
			[]ConditionStatus{NotMet, NotMet, NotMet}, NotEligible},
		{"no call center project, consumption unknown", bv{0, 0, 0, -1}, NotMet,
			[]ConditionStatus{NotMet, NotMet, NotMet}, NotEligible},
		{"call center project, consumption unknown", bv{0, 0, 1, -1}, Unknown,
			[]ConditionStatus{NotMet, NotMet, Unknown}, Incomplete},
		{"call center consumption without a project", bv{0, 0, 0, 500_000}, NotMet,
			[]ConditionStatus{NotMet, NotMet, NotMet}, NotEligible},
		{"every alternative met", bv{3, 2, 1, 1_000_000}, Met,
			[]ConditionStatus{Met, Met, Met}, Eligible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := allMetFacts()
			put := func(r Ref, v int64) {
				if v < 0 {
					f.Forget(r)
				} else {
					f.Numbers[r] = v
				}
			}
			put(Ref{Fact: "brand_voice_projects", Key: "premium"}, tt.facts.premium)
			put(Ref{Fact: "brand_voice_projects", Key: "self_service"}, tt.facts.selfService)
			put(Ref{Fact: "brand_voice_projects", Key: "call_center"}, tt.facts.callCenter)
			put(Ref{Fact: "brand_voice_call_center_rub_month"}, tt.facts.rubMonth)

			res := evalSpec(t, f, specML)
			c := findCond(t, res.Conditions, "brand_voice")
			assert.Equal(t, "any", c.Mode)
			assert.Equal(t, tt.want, c.Status)
			got := make([]ConditionStatus, len(c.Children))
			for i, k := range c.Children {
				got[i] = k.Status
			}
			assert.Equal(t, tt.children, got)
			assert.Equal(t, tt.verdict, res.Status)
		})
	}
}

func TestEvaluateMLCallCenterNested(t *testing.T) {
	f := allMetFacts()
	noBrandVoice(f)
	f.Numbers[Ref{Fact: "brand_voice_call_center_rub_month"}] = 100_000
	res := evalSpec(t, f, specML)

	cc := findCond(t, res.Conditions, ccPath...)
	assert.Equal(t, "all", cc.Mode)
	assert.Equal(t, NotMet, cc.Status)
	assert.Equal(t, Met, findCond(t, res.Conditions, ccProjects...).Status)
	assert.Equal(t, NotMet, findCond(t, res.Conditions, premiumPath...).Status)
	assert.Equal(t, NotMet, findCond(t, res.Conditions, selfServicePath...).Status)
	assert.Equal(t, 1, res.Gaps(), "the any-of counts as one gap")
}

// TestEvaluateUnknownFacts: a fact left out is unknown; unknowns make the
// verdict incomplete, but a condition not met makes it not eligible anyway.
func TestEvaluateUnknownFacts(t *testing.T) {
	tests := []struct {
		name     string
		spec     string
		set      func(Facts)
		verdict  Status
		unknowns int
		gaps     int
	}{
		{"consumption left out", specInfra, forget("consumption_rub_year", specInfra), Incomplete, 1, 0},
		{"verified solutions left out", specML, forget("verified_solutions", specML), Incomplete, 1, 0},
		{"projects left out", specSecurity, forget("projects_per_year", specSecurity), Incomplete, 1, 0},
		{"two facts left out", specDevOps, both(forget("consumption_rub_year", specDevOps), forget("architect_interview", specDevOps)),
			Incomplete, 2, 0},
		{"unknown and not met", specInfra, both(forget("consumption_rub_year", specInfra), setEnum("architect_interview", specInfra, "failed")),
			NotEligible, 1, 1},
		{"unknowns and one ruble short", specData, both(forget("partner_agreement", ""), forget("business_plan", ""),
			setNumber("consumption_rub_year", specData, 1_999_999)), NotEligible, 2, 1},
		{"another specialization's fact left out", specInfra, forget("consumption_rub_year", specDevOps), Eligible, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := allMetFacts()
			tt.set(f)
			res := evalSpec(t, f, tt.spec)
			assert.Equal(t, tt.verdict, res.Status)
			assert.Equal(t, tt.unknowns, res.Unknowns())
			assert.Equal(t, tt.gaps, res.Gaps())
		})
	}

	t.Run("no facts at all", func(t *testing.T) {
		r := evaluate(t, NewFacts())
		for _, res := range r.Results {
			assert.Equal(t, Incomplete, res.Status, res.Specialization)
			assert.Zero(t, res.Gaps(), res.Specialization)
			for _, c := range res.Conditions {
				assert.Equal(t, Unknown, c.Status, "%s.%s", res.Specialization, c.ID)
				assert.Nil(t, c.Actual, "%s.%s", res.Specialization, c.ID)
			}
		}
	})

	t.Run("zero value facts", func(t *testing.T) {
		r := evaluate(t, Facts{})
		for _, res := range r.Results {
			assert.Equal(t, Incomplete, res.Status, res.Specialization)
		}
	})
}

// TestEvaluateEmployeesKnown: an absent employees key is unknown; an empty
// list is a known "nobody".
func TestEvaluateEmployeesKnown(t *testing.T) {
	roleSpecs := []string{specInfra, specDevOps, specData, specSecurity}
	tests := []struct {
		name    string
		known   bool
		list    []Employee
		want    ConditionStatus
		verdict Status
	}{
		{"key absent", false, nil, Unknown, Incomplete},
		{"empty list", true, []Employee{}, NotMet, NotEligible},
		{"nil list known", true, nil, NotMet, NotEligible},
		{"nobody certified", true, []Employee{emp("Ivan"), emp("Pyotr")}, NotMet, NotEligible},
	}
	for _, tt := range tests {
		for _, spec := range roleSpecs {
			t.Run(tt.name+"/"+spec, func(t *testing.T) {
				f := allMetFacts()
				f.EmployeesKnown, f.Employees = tt.known, tt.list
				res := evalSpec(t, f, spec)
				c := findCond(t, res.Conditions, "employees")
				assert.Equal(t, tt.want, c.Status)
				assert.Equal(t, tt.verdict, res.Status)
				for i, role := range c.Roles {
					assert.False(t, role.Filled, "role %d", i)
					assert.Equal(t, i, role.Index)
				}
			})
		}
		t.Run(tt.name+"/ml_ai does not read employees", func(t *testing.T) {
			f := allMetFacts()
			f.EmployeesKnown, f.Employees = tt.known, tt.list
			assert.Equal(t, Eligible, evalSpec(t, f, specML).Status)
		})
	}
}

func TestEvaluateEmployeesFromFactsFile(t *testing.T) {
	const rest = `"partner_agreement": true, "business_plan": true, "verified_solutions": {"security_compliance": 1},
		"projects_per_year": {"security_compliance": 2}, "architect_interview": {"security_compliance": "passed"}`
	tests := []struct {
		name    string
		data    string
		want    ConditionStatus
		verdict Status
	}{
		{"employees left out", `{` + rest + `}`, Unknown, Incomplete},
		{"employees left out", `{` + rest + `}`, Unknown, Incomplete},
		{"employees empty", `{` + rest + `, "employees": []}`, NotMet, NotEligible},
		{"the specialist listed", `{` + rest + `, "employees": [{"name": "Sec", "certs": ["cloud_compliance", "infrastructure_protection"]}]}`, Met, Eligible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFacts(defaultCatalog(t), []byte(tt.data))
			require.NoError(t, err)
			res := evalSpec(t, f, specSecurity)
			assert.Equal(t, tt.want, findCond(t, res.Conditions, "employees").Status)
			assert.Equal(t, tt.verdict, res.Status)
		})
	}
}

// TestEvaluateDesignExample evaluates the facts file of DESIGN.md.
func TestEvaluateDesignExample(t *testing.T) {
	f, err := ParseFacts(defaultCatalog(t), []byte(designFacts))
	require.NoError(t, err)
	r := evaluate(t, f)
	want := map[string]Status{
		specInfra:    Eligible,    // 12,000,000 exactly, Anna + Oleg, passed
		specDevOps:   NotEligible, // 0 verified solutions, 1,500,000
		specData:     NotEligible, // consumption 0
		specML:       Incomplete,  // call center met; verified solutions unknown
		specSecurity: NotEligible, // nobody with both certificates
	}
	for spec, status := range want {
		res, ok := r.Result(spec)
		require.True(t, ok)
		assert.Equal(t, status, res.Status, spec)
	}
	devops, _ := r.Result(specDevOps)
	c := findCond(t, devops.Conditions, "consumption")
	assert.Equal(t, int64(500_000), c.Short)
	assert.Equal(t, NotMet, findCond(t, devops.Conditions, "interview").Status)
	assert.Equal(t, "scheduled", findCond(t, devops.Conditions, "interview").State)
}

func TestReportResultMissing(t *testing.T) {
	r := evaluate(t, allMetFacts())
	_, ok := r.Result("quantum")
	assert.False(t, ok)
}

// TestEvaluateStatusesIsEvaluateWithoutGaps: over facts drawn at random
// around every threshold of both editions, the statuses-only evaluation
// gives every status, level and nested result Evaluate gives.
func TestEvaluateStatusesIsEvaluateWithoutGaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []*Catalog{fzDefault(), fzTiered()} {
		for range 400 {
			fzStatusesAgree(t, c, randomFacts(rng, c))
		}
	}
}

// randomFacts answers each of c's facts, or leaves it unknown, with values
// near the thresholds the catalogue uses.
func randomFacts(rng *rand.Rand, c *Catalog) Facts {
	f := NewFacts()
	amounts := []int64{0, 1, 299_999, 300_000, 499_999, 500_000, 1_999_999, 2_000_000, 11_999_999, 12_000_000, 50_000_000}
	for _, fact := range c.Facts {
		keys := c.FactKeys(fact)
		refs := []Ref{{Fact: fact.ID}}
		if fact.Keyed() {
			refs = refs[:0]
			for _, k := range keys {
				refs = append(refs, Ref{Fact: fact.ID, Key: k.ID})
			}
		}
		for _, r := range refs {
			if rng.IntN(4) == 0 {
				continue // unknown
			}
			switch fact.Type {
			case FactBool:
				f.Bools[r] = rng.IntN(2) == 0
			case FactCount:
				f.Numbers[r] = int64(rng.IntN(4))
			case FactMoney:
				f.Numbers[r] = amounts[rng.IntN(len(amounts))]
			case FactEnum:
				if len(fact.Values) > 0 {
					f.Enums[r] = fact.Values[rng.IntN(len(fact.Values))].ID
				}
			case FactEmployees:
				if rng.IntN(3) == 0 {
					break
				}
				f.EmployeesKnown = true
				for i := range rng.IntN(4) {
					e := Employee{Name: string(rune('A' + i))}
					for _, cert := range c.Certificates {
						if rng.IntN(3) == 0 {
							e.Certs = append(e.Certs, cert.ID)
						}
					}
					f.Employees = append(f.Employees, e)
				}
			}
		}
	}
	return f
}
