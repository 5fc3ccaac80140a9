package dialogs

import (
	"fmt"
	"strings"
	"testing"

	"specbot/eligibility"
)

// fzBenchFacts is a partner who misses something everywhere: each of the
// five specializations of the default catalogue is not eligible, and the
// report names every kind of gap the catalogue has — a yes/no fact, a
// count, an amount with its progress bar, an amount to exceed, an
// interview, employees (with the closest employee and the courses), a
// choice among alternatives with a track of several conditions, and
// unknown facts. Twenty employees, none of whom fills the harder roles.
func fzBenchFacts() eligibility.Facts {
	f := eligibility.NewFacts()
	ref := func(fact, key string) eligibility.Ref { return eligibility.Ref{Fact: fact, Key: key} }
	f.Bools[ref(factPartner, "")] = true
	f.Bools[ref(factPlan, "")] = false // every specialization: the business plan
	f.Numbers[ref(factSolution, specInfra)] = 0
	f.Numbers[ref(factSolution, specDevOps)] = 1
	f.Numbers[ref(factSolution, specML)] = 0
	f.Numbers[ref(factSolution, "security_compliance")] = 3
	// data_platform solutions unknown
	f.Numbers[ref(factConsume, specInfra)] = 11_500_000
	f.Numbers[ref(factConsume, specDevOps)] = 1_500_000
	// data_platform consumption unknown
	f.Enums[ref(factInter, specInfra)] = "scheduled"
	f.Enums[ref(factInter, specDevOps)] = "failed"
	f.Enums[ref(factInter, "data_platform")] = "none"
	f.Enums[ref(factInter, "security_compliance")] = "passed"
	f.Numbers[ref("brand_voice_projects", "premium")] = 0
	f.Numbers[ref("brand_voice_projects", "self_service")] = 0
	f.Numbers[ref("brand_voice_projects", "call_center")] = 1
	f.Numbers[ref("brand_voice_call_center_rub_month", "")] = 80_000
	f.Numbers[ref("projects_per_year", "security_compliance")] = 1
	mixes := [][]string{
		{certCSE},
		{certCSE, "gitops_deployment"},
		{certProtect},
		{"cloud_compliance"},
		{"enterprise_analytics_platform"},
		{"devsecops_cicd"},
		{},
		{certCSE, "devsecops_cicd"},
		{"gitops_deployment", "devsecops_cicd"},
		{certProtect, "gitops_deployment"},
	}
	f.EmployeesKnown = true
	f.Employees = make([]eligibility.Employee, 20)
	for i := range f.Employees {
		f.Employees[i] = eligibility.Employee{Name: fmt.Sprintf("Employee %02d", i+1), Certs: mixes[i%len(mixes)]}
	}
	return f
}

// fzTieredBenchFacts is the same kind of partner on the tiered catalogue:
// a level reached with the next one's gaps, tracks to choose from, and the
// gaps of the lowest level elsewhere.
func fzTieredBenchFacts() eligibility.Facts {
	f := eligibility.NewFacts()
	ref := func(fact, key string) eligibility.Ref { return eligibility.Ref{Fact: fact, Key: key} }
	f.Bools[ref("partner_agreement", "")] = true
	f.Bools[ref("business_plan", "")] = true
	for _, s := range []string{"infrastructure_devops", "data_platform", "security", "ml_ai"} {
		f.Numbers[ref("verified_solutions", s)] = 1
		f.Enums[ref("architect_interview", s)] = "scheduled"
	}
	f.Numbers[ref("consumption_rub_year", "infrastructure")] = 9_000_000
	f.Numbers[ref("consumption_rub_year", "devops")] = 1_000_000
	f.Numbers[ref("consumption_rub_year", "data_platform")] = 1_500_000
	f.Numbers[ref("consumption_rub_year", "security")] = 500_000
	f.Numbers[ref("ml_ai_consumption_rub_year", "")] = 1_000_000
	for _, s := range []string{"ai_studio", "speechkit", "speechsense", "vision", "translate", "datasphere"} {
		f.Numbers[ref("ml_ai_service_consumption_rub_year", s)] = 100_000
	}
	certs := [][]string{{"cloud_service_engineer"}, {"managed_kubernetes"}, {"managed_clickhouse"}, {"network_security"}, {"ml_solutions"}, {}}
	f.EmployeesKnown = true
	f.Employees = make([]eligibility.Employee, 20)
	for i := range f.Employees {
		f.Employees[i] = eligibility.Employee{Name: fmt.Sprintf("Employee %02d", i+1), Certs: certs[i%len(certs)]}
	}
	return f
}

// BenchmarkRenderReport renders the verdict of a whole check: every
// specialization, every kind of gap, twenty employees.
//
//	go test ./dialogs -run '^$' -bench BenchmarkRenderReport -benchmem
func BenchmarkRenderReport(b *testing.B) {
	tiered, err := eligibility.LoadCatalog(tieredCatalogFile)
	if err != nil {
		b.Fatal(err)
	}
	now := testNow(b)
	cases := []struct {
		name  string
		c     *eligibility.Catalog
		facts eligibility.Facts
		want  []string // in the English report
	}{
		{"default", fzDefaultCatalog(), fzBenchFacts(), []string{
			"Approved business plan: not yet", // is
			"1 more needed",                   // at_least, a count
			"short of ₽12,000,000",            // at_least, an amount
			"<code>▓",                         // its progress bar
			"must exceed ₽100,000",            // exceeds
			"it must be Passed",               // equals
			"is closest",                      // roles, with the closest employee
			"📚 Courses",                       // and the courses
			"one of these is needed",          // any, with a track (all)
			"Not known yet",                   // unknown facts
		}},
		{"tiered", tiered, fzTieredBenchFacts(), nil},
	}
	for _, tc := range cases {
		r := eligibility.Evaluate(tc.c, tc.facts, now)
		for _, res := range r.Results {
			if res.Status == eligibility.Eligible && tc.name == "default" {
				b.Fatalf("%s: %s is eligible; the report should show gaps everywhere", tc.name, res.Specialization)
			}
		}
		for _, lang := range []string{"en", "ru"} {
			out := RenderReport(r, nil, lang)
			if err := checkTelegramHTML(out); err != nil {
				b.Fatalf("%s/%s: %v", tc.name, lang, err)
			}
			if lang == "en" {
				for _, w := range tc.want {
					if !strings.Contains(out, w) {
						b.Fatalf("%s: the report lacks %q:\n%s", tc.name, w, out)
					}
				}
			}
			b.Run(tc.name+"/"+lang, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(out)))
				for b.Loop() {
					out = RenderReport(r, nil, lang)
				}
			})
		}
	}
}
