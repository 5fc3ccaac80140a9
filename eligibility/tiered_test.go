package eligibility_test

// Tests of the tiered edition (catalogs/tiered.yaml, from
// shared/spec/conditions-tiered.ru.md): every threshold of every level of
// every specialization exactly at its boundary and one ruble under, the
// per-service ML & AI sub-thresholds, the three-employee level, "A or B",
// the two tracks of Infrastructure & DevOps, the interview only at
// Professional and the October fast track.

import (
	"os"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Moscow even on a machine without zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

const tieredFile = "catalogs/tiered.yaml"

// Specialization, level and fact ids of the tiered edition.
const (
	tInfraDevOps = "infrastructure_devops"
	tData        = "data_platform"
	tSecurity    = "security"
	tML          = "ml_ai"

	tExpert       = "expert"
	tProfessional = "professional"

	tConsumption = "consumption_rub_year"
	tMLTotal     = "ml_ai_consumption_rub_year"
	tMLService   = "ml_ai_service_consumption_rub_year"
	tInterview   = "architect_interview"
)

// Certificate ids of the tiered edition.
const (
	tCSE        = "cloud_service_engineer"
	tCEA        = "certified_engineer_associate"
	tKubernetes = "managed_kubernetes"
	tCDE        = "certified_devops_engineer"
	tClickHouse = "managed_clickhouse"
	tGreenplum  = "managed_greenplum"
	tNetSec     = "network_security"
	tAuth       = "authentication_access"
	tCSS        = "certified_security_specialist"
	tMLSol      = "ml_solutions"
	tAgents     = "ai_agents"
)

var tieredSpecs = []string{tInfraDevOps, tData, tSecurity, tML}

// tieredMLServices are the keys of the per-service ML & AI fact.
var tieredMLServices = []string{"ai_studio", "speechkit", "speechsense", "vision", "translate", "datasphere"}

func tieredCatalog(t testing.TB) *eligibility.Catalog {
	t.Helper()
	c, err := eligibility.LoadCatalog(tieredFile)
	require.NoError(t, err)
	return c
}

func tieredMoscow(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	return loc
}

// tieredToday is outside any window; the April 2027 window is next.
func tieredToday(t testing.TB) time.Time {
	t.Helper()
	return time.Date(2026, time.November, 25, 12, 0, 0, 0, tieredMoscow(t))
}

func tRef(fact string, key ...string) eligibility.Ref {
	r := eligibility.Ref{Fact: fact}
	if len(key) > 0 {
		r.Key = key[0]
	}
	return r
}

func tEmp(name string, certs ...string) eligibility.Employee {
	return eligibility.Employee{Name: name, Certs: certs}
}

// tieredAllMet meets every condition of every level of every
// specialization, each threshold exactly at Professional's boundary.
func tieredAllMet() eligibility.Facts {
	f := eligibility.NewFacts()
	f.Bools[tRef("partner_agreement")] = true
	f.Bools[tRef("business_plan")] = true
	for _, s := range tieredSpecs {
		f.Numbers[tRef("verified_solutions", s)] = 1
		f.Enums[tRef(tInterview, s)] = "passed"
	}
	f.Numbers[tRef(tConsumption, "infrastructure")] = 20_000_000
	f.Numbers[tRef(tConsumption, "devops")] = 2_000_000
	f.Numbers[tRef(tConsumption, "data_platform")] = 3_000_000
	f.Numbers[tRef(tConsumption, "security")] = 2_000_000
	f.Numbers[tRef(tMLTotal)] = 5_000_000
	for _, s := range tieredMLServices {
		f.Numbers[tRef(tMLService, s)] = 0
	}
	f.Numbers[tRef(tMLService, "ai_studio")] = 500_000
	f.Numbers[tRef(tMLService, "speechkit")] = 500_000
	f.EmployeesKnown = true
	f.Employees = []eligibility.Employee{
		tEmp("Anna", tCSE, tCEA, tKubernetes, tCDE, tClickHouse, tNetSec, tCSS, tMLSol),
		tEmp("Boris", tCSE, tCEA, tKubernetes, tCDE, tGreenplum, tAuth, tCSS, tAgents),
		tEmp("Vera", tAgents),
	}
	return f
}

// factsFn changes facts; a pointer, for the employees list is not a map.
type factsFn func(*eligibility.Facts)

func tMoney(fact, key string, v int64) factsFn {
	return func(f *eligibility.Facts) { f.Numbers[tRef(fact, key)] = v }
}

func tTotal(v int64) factsFn {
	return func(f *eligibility.Facts) { f.Numbers[tRef(tMLTotal)] = v }
}

func tInterviewIs(spec, v string) factsFn {
	return func(f *eligibility.Facts) { f.Enums[tRef(tInterview, spec)] = v }
}

func tForget(fact string, key ...string) factsFn {
	return func(f *eligibility.Facts) { f.Forget(tRef(fact, key...)) }
}

func tEmployees(list ...eligibility.Employee) factsFn {
	return func(f *eligibility.Facts) { f.EmployeesKnown, f.Employees = true, list }
}

func tAll(fns ...factsFn) factsFn {
	return func(f *eligibility.Facts) {
		for _, fn := range fns {
			fn(f)
		}
	}
}

func tieredEval(t testing.TB, f eligibility.Facts, spec string) eligibility.Result {
	t.Helper()
	r := eligibility.Evaluate(tieredCatalog(t), f, tieredToday(t))
	res, ok := r.Result(spec)
	require.True(t, ok, "no result for %s", spec)
	return res
}

// tFind follows condition ids down nested conditions.
func tFind(t testing.TB, conds []eligibility.ConditionResult, path ...string) eligibility.ConditionResult {
	t.Helper()
	for _, c := range conds {
		if c.ID != path[0] {
			continue
		}
		if len(path) == 1 {
			return c
		}
		return tFind(t, c.Children, path[1:]...)
	}
	require.Failf(t, "condition not found", "%v", path)
	return eligibility.ConditionResult{}
}

func tLevel(t testing.TB, res eligibility.Result, level string) eligibility.LevelResult {
	t.Helper()
	for _, l := range res.Levels {
		if l.Level == level {
			return l
		}
	}
	require.Failf(t, "level not found", "%s in %s", level, res.Specialization)
	return eligibility.LevelResult{}
}

// tGaps lists the ids of the conditions not met, in order.
func tGaps(conds []eligibility.ConditionResult) []string {
	var out []string
	for _, c := range conds {
		if c.Status == eligibility.NotMet {
			out = append(out, c.ID)
		}
	}
	return out
}

// tieredCase is one set of facts and what a specialization gets from it.
type tieredCase struct {
	name   string
	spec   string
	facts  factsFn
	expert eligibility.Status // verdict of the Expert level
	pro    eligibility.Status // verdict of the Professional level
	level  string             // Result.Level: the highest level reached
	target string             // Result.Target: the next level to reach
	gaps   []string           // ids of Result.Conditions not met
	check  func(t *testing.T, res eligibility.Result)
}

func runTiered(t *testing.T, cases []tieredCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			f := tieredAllMet()
			if tt.facts != nil {
				tt.facts(&f)
			}
			res := tieredEval(t, f, tt.spec)
			require.Len(t, res.Levels, 2)
			assert.Equal(t, tExpert, res.Levels[0].Level)
			assert.Equal(t, tProfessional, res.Levels[1].Level)
			assert.Equal(t, tt.expert, res.Levels[0].Status, "Expert")
			assert.Equal(t, tt.pro, res.Levels[1].Status, "Professional")
			assert.Equal(t, tt.level, res.Level, "Level")
			assert.Equal(t, tt.target, res.Target, "Target")
			if tt.level != "" {
				assert.Equal(t, eligibility.Eligible, res.Status)
			} else {
				assert.NotEqual(t, eligibility.Eligible, res.Status)
			}
			// Conditions are those of the level Status describes: the
			// level met, else the level closest to being met (the target).
			want := tt.level
			if want == "" {
				want = tt.target
			}
			assert.Equal(t, tLevel(t, res, want).Conditions, res.Conditions, "Result.Conditions are %s's", want)
			// Gaps are counted on what is ahead: the target's conditions.
			assert.Equal(t, tt.gaps, tGaps(res.Ahead()), "gaps")
			assert.Equal(t, len(tt.gaps), res.GapCount())
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

const (
	ok  = eligibility.Eligible
	no  = eligibility.NotEligible
	inc = eligibility.Incomplete
)

// short checks how much a threshold condition of Result.Conditions lacks.
func short(n int64, path ...string) func(*testing.T, eligibility.Result) {
	return func(t *testing.T, res eligibility.Result) {
		c := tFind(t, res.Ahead(), path...)
		assert.Equal(t, eligibility.NotMet, c.Status, "%v", path)
		assert.Equal(t, n, c.Short, "%v short", path)
	}
}

// Track facts of Infrastructure & DevOps: one track's consumption and
// people, the other track's consumption at zero and nobody for it.
var (
	infraOnly = func(consumption int64, certs ...string) factsFn {
		return tAll(tMoney(tConsumption, "infrastructure", consumption), tMoney(tConsumption, "devops", 0),
			tEmployees(tEmp("Anna", certs...), tEmp("Oleg", certs...)))
	}
	devopsOnly = func(consumption int64, certs ...string) factsFn {
		return tAll(tMoney(tConsumption, "devops", consumption), tMoney(tConsumption, "infrastructure", 0),
			tEmployees(tEmp("Anna", certs...), tEmp("Oleg", certs...)))
	}
	infraTrack       = []string{"track", "infrastructure"}
	infraConsumption = []string{"track", "infrastructure", "infrastructure_consumption"}
	devopsConsumpt   = []string{"track", "devops", "devops_consumption"}
)

func TestTieredAllMetReachesProfessionalEverywhere(t *testing.T) {
	r := eligibility.Evaluate(tieredCatalog(t), tieredAllMet(), tieredToday(t))
	require.Len(t, r.Results, len(tieredSpecs))
	for i, spec := range tieredSpecs {
		res := r.Results[i]
		assert.Equal(t, spec, res.Specialization, "results follow catalogue order")
		assert.Equal(t, eligibility.Eligible, res.Status, spec)
		assert.Equal(t, tProfessional, res.Level, spec)
		assert.Empty(t, res.Target, spec)
		assert.Zero(t, res.Gaps(), spec)
		assert.Zero(t, res.Unknowns(), spec)
		for _, l := range res.Levels {
			assert.Equal(t, eligibility.Eligible, l.Status, "%s %s", spec, l.Level)
		}
	}
}

func TestTieredInfrastructureDevOps(t *testing.T) {
	runTiered(t, []tieredCase{
		// Track Infrastructure.
		{name: "infrastructure Expert at 5,000,000", spec: tInfraDevOps,
			facts:  tAll(infraOnly(5_000_000, tCSE), tInterviewIs(tInfraDevOps, "none")),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"track", "interview"},
			check: short(15_000_000, infraConsumption...)},
		{name: "infrastructure Expert at 4,999,999", spec: tInfraDevOps,
			facts:  infraOnly(4_999_999, tCSE),
			expert: no, pro: no, target: tExpert, gaps: []string{"track"},
			check: short(1, infraConsumption...)},
		{name: "infrastructure Professional at 20,000,000", spec: tInfraDevOps,
			facts:  infraOnly(20_000_000, tCSE, tCEA),
			expert: ok, pro: ok, level: tProfessional},
		{name: "infrastructure Professional at 19,999,999", spec: tInfraDevOps,
			facts:  infraOnly(19_999_999, tCSE, tCEA),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"track"},
			check: short(1, infraConsumption...)},
		{name: "infrastructure Professional needs the Certified Engineer Associate for two", spec: tInfraDevOps,
			facts: tAll(infraOnly(20_000_000, tCSE),
				tEmployees(tEmp("Anna", tCSE, tCEA), tEmp("Oleg", tCSE))),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"track"},
			check: func(t *testing.T, res eligibility.Result) {
				emps := tFind(t, res.Ahead(), "track", "infrastructure", "infrastructure_employees")
				require.Len(t, emps.Roles, 2)
				assert.Equal(t, 1, countFilled(emps.Roles))
			}},
		{name: "infrastructure Expert needs two distinct cloud service engineers", spec: tInfraDevOps,
			facts: tAll(infraOnly(20_000_000, tCSE, tCEA),
				tEmployees(tEmp("Anna", tCSE, tCEA, tKubernetes, tCDE))),
			expert: no, pro: no, target: tExpert, gaps: []string{"track"}},

		// Track DevOps.
		{name: "devops Expert at 1,000,000", spec: tInfraDevOps,
			facts:  devopsOnly(1_000_000, tKubernetes),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"track"},
			check: short(1_000_000, devopsConsumpt...)},
		{name: "devops Expert at 999,999", spec: tInfraDevOps,
			facts:  devopsOnly(999_999, tKubernetes),
			expert: no, pro: no, target: tExpert, gaps: []string{"track"},
			check: short(1, devopsConsumpt...)},
		{name: "devops Professional at 2,000,000", spec: tInfraDevOps,
			facts:  devopsOnly(2_000_000, tKubernetes, tCDE),
			expert: ok, pro: ok, level: tProfessional},
		{name: "devops Professional at 1,999,999", spec: tInfraDevOps,
			facts:  devopsOnly(1_999_999, tKubernetes, tCDE),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"track"},
			check: short(1, devopsConsumpt...)},
		{name: "devops Professional needs the Certified DevOps Engineer for two", spec: tInfraDevOps,
			facts: tAll(devopsOnly(2_000_000, tKubernetes),
				tEmployees(tEmp("Anna", tKubernetes, tCDE), tEmp("Oleg", tKubernetes))),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"track"}},

		// The tracks are alternatives, each complete in itself.
		{name: "either track suffices: both met", spec: tInfraDevOps,
			expert: ok, pro: ok, level: tProfessional,
			check: func(t *testing.T, res eligibility.Result) {
				assert.Equal(t, eligibility.Met, tFind(t, res.Ahead(), "track", "infrastructure").Status)
				assert.Equal(t, eligibility.Met, tFind(t, res.Ahead(), "track", "devops").Status)
			}},
		{name: "tracks do not mix: Infrastructure money with DevOps people", spec: tInfraDevOps,
			facts:  infraOnly(20_000_000, tKubernetes, tCDE),
			expert: no, pro: no, target: tExpert, gaps: []string{"track"}},
		{name: "tracks do not mix: DevOps money with Infrastructure people", spec: tInfraDevOps,
			facts:  devopsOnly(2_000_000, tCSE, tCEA),
			expert: no, pro: no, target: tExpert, gaps: []string{"track"}},
		{name: "Expert on one track, Professional on the other", spec: tInfraDevOps,
			facts: tAll(tMoney(tConsumption, "infrastructure", 5_000_000), tMoney(tConsumption, "devops", 2_000_000),
				tEmployees(tEmp("Anna", tCSE, tKubernetes, tCDE), tEmp("Oleg", tCSE, tKubernetes, tCDE))),
			expert: ok, pro: ok, level: tProfessional,
			check: func(t *testing.T, res eligibility.Result) {
				assert.Equal(t, eligibility.NotMet, tFind(t, tLevel(t, res, tProfessional).Conditions, "track", "infrastructure").Status)
				assert.Equal(t, eligibility.Met, tFind(t, tLevel(t, res, tProfessional).Conditions, "track", "devops").Status)
			}},

		// The interview counts only at Professional.
		{name: "interview scheduled: Expert, not Professional", spec: tInfraDevOps,
			facts:  tInterviewIs(tInfraDevOps, "scheduled"),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"interview"}},
		{name: "interview unknown: Expert, Professional incomplete", spec: tInfraDevOps,
			facts:  tForget(tInterview, tInfraDevOps),
			expert: ok, pro: inc, level: tExpert, target: tProfessional},
	})
}

func TestTieredDataPlatform(t *testing.T) {
	// Anna holds the Certified Engineer Associate and the ClickHouse course,
	// Vera the Greenplum one: Expert's two roles and Professional's two.
	base := tEmployees(tEmp("Anna", tCEA, tClickHouse), tEmp("Vera", tGreenplum))
	proEmployees := func(want eligibility.ConditionStatus) func(*testing.T, eligibility.Result) {
		return func(t *testing.T, res eligibility.Result) {
			assert.Equal(t, want, tFind(t, tLevel(t, res, tProfessional).Conditions, "employees").Status)
		}
	}
	runTiered(t, []tieredCase{
		{name: "Professional at 3,000,000", spec: tData, facts: base,
			expert: ok, pro: ok, level: tProfessional},
		{name: "Professional at 2,999,999", spec: tData, facts: tAll(base, tMoney(tConsumption, "data_platform", 2_999_999)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"consumption"},
			check: short(1, "consumption")},
		{name: "Expert at 1,500,000", spec: tData, facts: tAll(base, tMoney(tConsumption, "data_platform", 1_500_000)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"consumption"},
			check: short(1_500_000, "consumption")},
		{name: "Expert at 1,499,999", spec: tData, facts: tAll(base, tMoney(tConsumption, "data_platform", 1_499_999)),
			expert: no, pro: no, target: tExpert, gaps: []string{"consumption"},
			check: short(1, "consumption")},
		{name: "Expert needs ClickHouse and Greenplum on two people", spec: tData,
			facts:  tEmployees(tEmp("Anna", tCEA, tClickHouse, tGreenplum)),
			expert: no, pro: no, target: tExpert, gaps: []string{"employees"}},

		// Professional's second employee: ClickHouse or Greenplum.
		{name: "A or B: the second employee with ClickHouse", spec: tData,
			facts:  tEmployees(tEmp("Anna", tCEA), tEmp("Vera", tClickHouse)),
			expert: no, pro: ok, level: tProfessional, check: proEmployees(eligibility.Met)},
		{name: "A or B: the second employee with Greenplum", spec: tData,
			facts:  tEmployees(tEmp("Anna", tCEA), tEmp("Vera", tGreenplum)),
			expert: no, pro: ok, level: tProfessional, check: proEmployees(eligibility.Met)},
		{name: "A or B: the second employee with neither", spec: tData,
			facts:  tEmployees(tEmp("Anna", tCEA, tClickHouse), tEmp("Vera", tMLSol)),
			expert: no, pro: no, target: tExpert, gaps: []string{"employees"},
			check: func(t *testing.T, res eligibility.Result) {
				emps := tFind(t, tLevel(t, res, tProfessional).Conditions, "employees")
				assert.Equal(t, eligibility.NotMet, emps.Status)
				require.Len(t, emps.Roles, 2)
				assert.Equal(t, []string{tClickHouse, tGreenplum}, emps.Roles[1].AnyOf)
			}},
		{name: "A or B: one person with everything fills one role", spec: tData,
			facts:  tEmployees(tEmp("Anna", tCEA, tClickHouse, tGreenplum)),
			expert: no, pro: no, target: tExpert, gaps: []string{"employees"}, check: proEmployees(eligibility.NotMet)},
		{name: "interview only at Professional", spec: tData, facts: tAll(base, tInterviewIs(tData, "failed")),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"interview"}},
	})
}

func TestTieredSecurity(t *testing.T) {
	base := tEmployees(tEmp("Anna", tNetSec, tCSS), tEmp("Boris", tAuth, tCSS))
	runTiered(t, []tieredCase{
		{name: "Professional at 2,000,000", spec: tSecurity, facts: base,
			expert: ok, pro: ok, level: tProfessional},
		{name: "Professional at 1,999,999", spec: tSecurity, facts: tAll(base, tMoney(tConsumption, "security", 1_999_999)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"consumption"},
			check: short(1, "consumption")},
		{name: "Expert at 1,000,000", spec: tSecurity, facts: tAll(base, tMoney(tConsumption, "security", 1_000_000)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"consumption"},
			check: short(1_000_000, "consumption")},
		{name: "Expert at 999,999", spec: tSecurity, facts: tAll(base, tMoney(tConsumption, "security", 999_999)),
			expert: no, pro: no, target: tExpert, gaps: []string{"consumption"},
			check: short(1, "consumption")},
		{name: "Professional needs two Certified Security Specialists", spec: tSecurity,
			facts:  tEmployees(tEmp("Anna", tNetSec, tCSS), tEmp("Boris", tAuth)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"employees"}},
		{name: "Expert needs both trainings on two people", spec: tSecurity,
			facts:  tEmployees(tEmp("Anna", tNetSec, tAuth)),
			expert: no, pro: no, target: tExpert, gaps: []string{"employees"}},
		{name: "interview only at Professional", spec: tSecurity, facts: tAll(base, tInterviewIs(tSecurity, "none")),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"interview"}},
	})
}

func TestTieredMLAI(t *testing.T) {
	services := func(want eligibility.ConditionStatus, qualified ...string) func(*testing.T, eligibility.Result) {
		return func(t *testing.T, res eligibility.Result) {
			c := tFind(t, tLevel(t, res, tProfessional).Conditions, "services")
			assert.Equal(t, want, c.Status)
			assert.Equal(t, qualified, c.Qualified)
			assert.Equal(t, 2, c.Need)
			require.NotNil(t, c.Threshold)
			assert.Equal(t, int64(499_999), *c.Threshold)
			assert.True(t, c.Exceeds)
		}
	}
	onlyAIStudio := func(v int64) factsFn {
		fns := []factsFn{}
		for _, s := range tieredMLServices {
			fns = append(fns, tMoney(tMLService, s, 0))
		}
		return tAll(append(fns, tMoney(tMLService, "ai_studio", v))...)
	}
	runTiered(t, []tieredCase{
		// Expert: ≥ ₽500,000 in total, of which ≥ ₽300,000 on AI Studio.
		{name: "Expert at 500,000 with 300,000 on AI Studio", spec: tML,
			facts:  tAll(tTotal(500_000), onlyAIStudio(300_000)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"consumption", "services"},
			check: short(4_500_000, "consumption")},
		{name: "Expert at 499,999 in total", spec: tML,
			facts:  tAll(tTotal(499_999), onlyAIStudio(300_000)),
			expert: no, pro: no, target: tExpert, gaps: []string{"consumption"},
			check: short(1, "consumption")},
		{name: "AI Studio at 299,999", spec: tML,
			facts:  tAll(tTotal(500_000), onlyAIStudio(299_999)),
			expert: no, pro: no, target: tExpert, gaps: []string{"ai_studio_consumption"},
			check: short(1, "ai_studio_consumption")},
		{name: "AI Studio share is needed even with a large total", spec: tML,
			facts:  tAll(tTotal(4_000_000), onlyAIStudio(0), tMoney(tMLService, "speechkit", 4_000_000)),
			expert: no, pro: no, target: tExpert, gaps: []string{"ai_studio_consumption"},
			check: short(300_000, "ai_studio_consumption")},
		{name: "AI Studio unknown", spec: tML, facts: tForget(tMLService, "ai_studio"),
			expert: inc, pro: inc, target: tExpert},

		// Professional: ≥ ₽5,000,000 and two services each above ₽499,999.
		{name: "Professional at 5,000,000 with two services at 500,000", spec: tML,
			expert: ok, pro: ok, level: tProfessional, check: services(eligibility.Met, "ai_studio", "speechkit")},
		{name: "Professional at 4,999,999", spec: tML, facts: tTotal(4_999_999),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"consumption"},
			check: short(1, "consumption")},
		{name: "a service at 499,999 does not count", spec: tML, facts: tMoney(tMLService, "speechkit", 499_999),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"services"},
			check: services(eligibility.NotMet, "ai_studio")},
		{name: "one service is not enough, however large", spec: tML, facts: onlyAIStudio(5_000_000),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"services"},
			check: func(t *testing.T, res eligibility.Result) {
				services(eligibility.NotMet, "ai_studio")(t, res)
				assert.Equal(t, int64(1), tFind(t, res.Ahead(), "services").Short)
			}},
		{name: "any two services count, AI Studio need not be one", spec: tML,
			facts:  tAll(onlyAIStudio(300_000), tMoney(tMLService, "vision", 500_000), tMoney(tMLService, "datasphere", 2_000_000)),
			expert: ok, pro: ok, level: tProfessional, check: services(eligibility.Met, "vision", "datasphere")},
		{name: "unknown services might still make up the count", spec: tML,
			facts:  tAll(tForget(tMLService, "speechkit"), tForget(tMLService, "vision")),
			expert: ok, pro: inc, level: tExpert, target: tProfessional,
			check: func(t *testing.T, res eligibility.Result) {
				assert.Equal(t, eligibility.Unknown, tFind(t, res.Ahead(), "services").Status)
			}},

		// Three employees at Professional, two at Expert.
		{name: "two employees: Expert, not Professional", spec: tML,
			facts:  tEmployees(tEmp("Anna", tMLSol), tEmp("Boris", tAgents)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"employees"},
			check: func(t *testing.T, res eligibility.Result) {
				emps := tFind(t, res.Ahead(), "employees")
				require.Len(t, emps.Roles, 3)
				assert.Equal(t, 2, countFilled(emps.Roles))
				assert.Equal(t, []string{tAgents}, emps.Roles[2].AllOf, "the third employee needs the AI agents course")
			}},
		{name: "three employees are three people", spec: tML,
			facts:  tEmployees(tEmp("Anna", tMLSol, tAgents), tEmp("Boris", tAgents)),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"employees"}},
		{name: "three distinct employees", spec: tML,
			facts:  tEmployees(tEmp("Anna", tMLSol), tEmp("Boris", tAgents), tEmp("Vera", tAgents)),
			expert: ok, pro: ok, level: tProfessional},
		{name: "no AI agents course", spec: tML,
			facts:  tEmployees(tEmp("Anna", tMLSol), tEmp("Boris", tMLSol), tEmp("Vera", tMLSol)),
			expert: no, pro: no, target: tExpert, gaps: []string{"employees"}},
		{name: "interview only at Professional", spec: tML, facts: tInterviewIs(tML, "none"),
			expert: ok, pro: no, level: tExpert, target: tProfessional, gaps: []string{"interview"}},
	})
}

func countFilled(roles []eligibility.RoleResult) int {
	n := 0
	for _, r := range roles {
		if r.Filled {
			n++
		}
	}
	return n
}

// TestTieredExpertReachedTargetsProfessional pins what a report says when
// Expert is reached and Professional is not: the level, the target, and
// Professional's gaps with their amounts and roles.
func TestTieredExpertReachedTargetsProfessional(t *testing.T) {
	f := tieredAllMet()
	devopsOnly(1_200_000, tKubernetes)(&f)
	tInterviewIs(tInfraDevOps, "scheduled")(&f)
	res := tieredEval(t, f, tInfraDevOps)

	assert.Equal(t, eligibility.Eligible, res.Status, "a reached level makes the specialization eligible")
	assert.Equal(t, tExpert, res.Level)
	assert.Equal(t, tProfessional, res.Target)
	assert.Equal(t, []string{"track", "interview"}, tGaps(res.Ahead()))
	assert.Equal(t, 2, res.GapCount())
	assert.Equal(t, 0, res.Gaps(), "the described level, Expert, is met")

	// The DevOps track lacks ₽800,000 and two Certified DevOps Engineers.
	devops := tFind(t, res.Ahead(), "track", "devops")
	assert.Equal(t, eligibility.NotMet, devops.Status)
	assert.Equal(t, "all", devops.Mode)
	consumption := tFind(t, res.Ahead(), devopsConsumpt...)
	require.NotNil(t, consumption.Threshold)
	assert.Equal(t, int64(2_000_000), *consumption.Threshold)
	assert.Equal(t, int64(800_000), consumption.Short)
	emps := tFind(t, res.Ahead(), "track", "devops", "devops_employees")
	require.Len(t, emps.Roles, 2)
	for _, r := range emps.Roles {
		assert.False(t, r.Filled)
		assert.Equal(t, []string{tCDE}, r.AllOf)
	}
	// The Infrastructure track is the other way: nothing there yet.
	assert.Equal(t, eligibility.NotMet, tFind(t, res.Ahead(), infraTrack...).Status)
	interview := tFind(t, res.Ahead(), "interview")
	assert.Equal(t, "scheduled", interview.State)
	assert.Equal(t, "passed", interview.Want)

	// Expert's own conditions are all met and hold no interview.
	expert := tLevel(t, res, tExpert)
	assert.Equal(t, eligibility.Eligible, expert.Status)
	assert.Empty(t, tGaps(expert.Conditions))
}

// TestTieredNothingReachedTargetsExpert: with no level reached, the gaps
// are Expert's.
func TestTieredNothingReachedTargetsExpert(t *testing.T) {
	f := tieredAllMet()
	f.Bools[tRef("partner_agreement")] = false
	for _, spec := range tieredSpecs {
		res := tieredEval(t, f, spec)
		assert.Equal(t, eligibility.NotEligible, res.Status, spec)
		assert.Empty(t, res.Level, spec)
		assert.Equal(t, tExpert, res.Target, spec)
		assert.Equal(t, []string{"partner_agreement"}, tGaps(res.Ahead()), "common conditions apply at every level: %s", spec)
		assert.Equal(t, eligibility.NotEligible, tLevel(t, res, tProfessional).Status, spec)
	}
}

func TestTieredVerifiedSolutionsPerSpecialization(t *testing.T) {
	f := tieredAllMet()
	f.Numbers[tRef("verified_solutions", tSecurity)] = 0
	for _, spec := range tieredSpecs {
		res := tieredEval(t, f, spec)
		if spec == tSecurity {
			assert.Equal(t, []string{"verified_solutions"}, tGaps(res.Ahead()))
			assert.Empty(t, res.Level)
			continue
		}
		assert.Equal(t, tProfessional, res.Level, spec)
	}
}

// TestTieredCatalogShape checks the catalogue against the page: four
// specializations, each with Expert then Professional, the interview only
// at Professional, the thresholds, and every certificate with its link.
func TestTieredCatalogShape(t *testing.T) {
	c := tieredCatalog(t)
	assert.Equal(t, "specializations-tiered", c.ID)
	assert.True(t, c.HasLevels())
	assert.Equal(t, []string{"en", "ru"}, c.Languages)

	var ids []string
	for _, s := range c.Specializations {
		ids = append(ids, s.ID)
		assert.Empty(t, s.Conditions, "%s: conditions live in the levels", s.ID)
		require.Len(t, s.Levels, 2, s.ID)
		assert.Equal(t, tExpert, s.Levels[0].ID)
		assert.Equal(t, tProfessional, s.Levels[1].ID)
		assert.Equal(t, "Expert", s.Levels[0].Name.Get("ru"))
		assert.Equal(t, "Professional", s.Levels[1].Name.Get("en"))
		for _, l := range s.Levels {
			interviews := 0
			tWalk(l.Conditions, func(cond *eligibility.Condition) {
				if cond.Fact == tInterview {
					interviews++
					assert.Equal(t, s.ID, cond.Key, "%s: the interview is the specialization's", s.ID)
					assert.Equal(t, "passed", cond.Equals)
				}
			})
			want := 0
			if l.ID == tProfessional {
				want = 1
			}
			assert.Equal(t, want, interviews, "%s %s: interviews", s.ID, l.ID)
		}
	}
	assert.Equal(t, tieredSpecs, ids)

	thresholds := map[string]int64{}
	for _, s := range c.Specializations {
		for _, l := range s.Levels {
			tWalk(l.Conditions, func(cond *eligibility.Condition) {
				if cond.AtLeast != nil && cond.Fact != "verified_solutions" {
					key := cond.Key
					if key == "" {
						key = cond.Fact
					}
					thresholds[s.ID+"/"+l.ID+"/"+key] = *cond.AtLeast
				}
				if cond.CountKeys != nil {
					assert.Equal(t, int64(499_999), cond.CountKeys.Exceeds)
					assert.Equal(t, 2, cond.CountKeys.AtLeast)
				}
			})
		}
	}
	assert.Equal(t, map[string]int64{
		"infrastructure_devops/expert/infrastructure":       5_000_000,
		"infrastructure_devops/expert/devops":               1_000_000,
		"infrastructure_devops/professional/infrastructure": 20_000_000,
		"infrastructure_devops/professional/devops":         2_000_000,
		"data_platform/expert/data_platform":                1_500_000,
		"data_platform/professional/data_platform":          3_000_000,
		"security/expert/security":                          1_000_000,
		"security/professional/security":                    2_000_000,
		"ml_ai/expert/ml_ai_consumption_rub_year":           500_000,
		"ml_ai/expert/ai_studio":                            300_000,
		"ml_ai/professional/ml_ai_consumption_rub_year":     5_000_000,
	}, thresholds)

	wantCerts := []string{tCSE, tCEA, tKubernetes, tCDE, tClickHouse, tGreenplum, tNetSec, tAuth, tCSS, tMLSol, tAgents}
	var certs []string
	for _, cert := range c.Certificates {
		certs = append(certs, cert.ID)
		assert.Regexp(t, `^https://(practicum\.yandex\.ru|yandex\.cloud/ru)/`, cert.URL, cert.ID)
		assert.NotEmpty(t, cert.Name.Get("en"), cert.ID)
		assert.NotEmpty(t, cert.Name.Get("ru"), cert.ID)
	}
	assert.ElementsMatch(t, wantCerts, certs)

	f, found := c.Fact(tMLService)
	require.True(t, found)
	var keys []string
	for _, k := range c.FactKeys(f) {
		keys = append(keys, k.ID)
	}
	assert.Equal(t, tieredMLServices, keys)
}

func tWalk(conds []*eligibility.Condition, fn func(*eligibility.Condition)) {
	for _, c := range conds {
		fn(c)
		tWalk(c.Any, fn)
		tWalk(c.All, fn)
	}
}

// TestTieredWindows: April is the main stream for every level; October is
// the fast track, for Professional only.
func TestTieredWindows(t *testing.T) {
	c := tieredCatalog(t)
	require.Len(t, c.Windows, 2)
	assert.Equal(t, 4, c.Windows[0].Month)
	assert.Empty(t, c.Windows[0].Levels, "April grants every level")
	assert.Equal(t, 10, c.Windows[1].Month)
	assert.Equal(t, []string{tProfessional}, c.Windows[1].Levels, "October grants only Professional")

	msk := tieredMoscow(t)
	cases := []struct {
		day    time.Time
		month  int
		open   bool
		levels []string
	}{
		{time.Date(2026, time.September, 15, 9, 0, 0, 0, msk), 10, false, []string{tProfessional}},
		{time.Date(2026, time.October, 1, 0, 0, 0, 0, msk), 10, true, []string{tProfessional}},
		{time.Date(2026, time.October, 31, 23, 59, 0, 0, msk), 10, true, []string{tProfessional}},
		{time.Date(2026, time.November, 1, 0, 0, 0, 0, msk), 4, false, nil},
		{time.Date(2027, time.April, 30, 12, 0, 0, 0, msk), 4, true, nil},
		{time.Date(2027, time.May, 1, 0, 0, 0, 0, msk), 10, false, []string{tProfessional}},
	}
	for _, tt := range cases {
		t.Run(tt.day.Format(time.DateOnly), func(t *testing.T) {
			r := eligibility.Evaluate(c, tieredAllMet(), tt.day)
			assert.Equal(t, tt.month, r.Window.Month)
			assert.Equal(t, tt.open, r.Window.Open)
			assert.Equal(t, tt.levels, r.Window.Levels)
		})
	}
}

func tieredParse(t *testing.T, path string) eligibility.Facts {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := eligibility.ParseFacts(tieredCatalog(t), data)
	require.NoError(t, err)
	return f
}

// TestTieredBoundariesFile: the facts file of every threshold at
// Professional's boundary reads as tieredAllMet.
func TestTieredBoundariesFile(t *testing.T) {
	f := tieredParse(t, "testdata/tiered_boundaries.json")
	assert.Equal(t, tieredAllMet(), f)
}

// TestTieredExampleFile is the example of `specbot check --rules
// eligibility/catalogs/tiered.yaml --facts eligibility/testdata/tiered_example.json`.
func TestTieredExampleFile(t *testing.T) {
	f := tieredParse(t, "testdata/tiered_example.json")
	r := eligibility.Evaluate(tieredCatalog(t), f, tieredToday(t))
	want := map[string][2]string{ // level, target
		tInfraDevOps: {tExpert, tProfessional},
		tData:        {tProfessional, ""},
		tSecurity:    {"", tExpert},
		tML:          {tExpert, tProfessional},
	}
	for spec, lt := range want {
		res, found := r.Result(spec)
		require.True(t, found, spec)
		assert.Equal(t, lt[0], res.Level, spec)
		assert.Equal(t, lt[1], res.Target, spec)
	}
	ml, _ := r.Result(tML)
	services := tFind(t, ml.Ahead(), "services")
	assert.Equal(t, []string{"ai_studio"}, services.Qualified, "SpeechKit at ₽499,999 does not count")
	assert.Equal(t, []string{"consumption", "services", "employees", "interview"}, tGaps(ml.Ahead()))
}

// TestTieredFactsFile: the facts file follows this catalogue, not the
// default one.
func TestTieredFactsFile(t *testing.T) {
	c := tieredCatalog(t)
	cases := []struct{ name, data, field string }{
		{"default specialization id", `{"verified_solutions": {"devops": 1}}`, "verified_solutions.devops"},
		{"consumption of a specialization, not of a group", `{"consumption_rub_year": {"infrastructure_devops": 1}}`, "consumption_rub_year.infrastructure_devops"},
		{"unknown ML & AI service", `{"ml_ai_service_consumption_rub_year": {"gpt": 1}}`, "ml_ai_service_consumption_rub_year.gpt"},
		{"default certificate", `{"employees": [{"name": "Anna", "certs": ["infrastructure_protection"]}]}`, "employees[0].certs[0]"},
		{"negative amount", `{"ml_ai_consumption_rub_year": -1}`, "ml_ai_consumption_rub_year"},
		{"Brand Voice belongs to the default edition", `{"brand_voice_projects": {"premium": 1}}`, "brand_voice_projects"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := eligibility.ParseFacts(c, []byte(tt.data))
			var fe *eligibility.FactError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.field, fe.Field)
		})
	}
}
