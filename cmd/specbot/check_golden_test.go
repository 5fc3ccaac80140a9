package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGoldenCases cover every kind of gap, each with its next step: a
// yes/no fact, an amount one ruble short, a count, an interview state,
// roles with the closest employee, alternatives, services (tiered) and
// unknown facts with where they are found.
var checkGoldenCases = []struct {
	name, rules, facts string
}{
	{"gaps", "", `{"partner_agreement": false, "business_plan": false,
		"verified_solutions": {"infrastructure": 0, "devops": 1, "data_platform": 1, "ml_ai": 1, "security_compliance": 1},
		"consumption_rub_year": {"infrastructure": 11999999, "devops": 2000000, "data_platform": 1999999},
		"architect_interview": {"infrastructure": "scheduled", "devops": "passed", "data_platform": "none", "security_compliance": "failed"},
		"employees": [{"name": "Anna", "certs": ["cloud_service_engineer", "gitops_deployment"]}, {"name": "Oleg", "certs": ["cloud_service_engineer"]}],
		"brand_voice_projects": {"premium": 0, "self_service": 0, "call_center": 1},
		"brand_voice_call_center_rub_month": 100000,
		"projects_per_year": {"security_compliance": 1}}`},
	{"unknown", "", `{"partner_agreement": true}`},
	{"tiered", "../../eligibility/catalogs/tiered.yaml", `{"partner_agreement": true, "business_plan": true,
		"verified_solutions": {"infrastructure_devops": 1, "data_platform": 1, "security": 1, "ml_ai": 1},
		"consumption_rub_year": {"infrastructure": 4000000, "devops": 2500000, "data_platform": 3000000, "security": 999999},
		"ml_ai_consumption_rub_year": 6000000,
		"ml_ai_service_consumption_rub_year": {"ai_studio": 3000000, "speechkit": 499999, "speechsense": 0, "vision": 0, "translate": 0, "datasphere": 0},
		"architect_interview": {"infrastructure_devops": "passed", "data_platform": "scheduled", "ml_ai": "passed"},
		"employees": [{"name": "Anna", "certs": ["certified_devops_engineer", "certified_engineer_associate", "ml_solutions"]},
			{"name": "Oleg", "certs": ["certified_devops_engineer", "managed_clickhouse", "ai_agents"]}]}`},
}

func TestCheckGolden(t *testing.T) {
	for _, tc := range checkGoldenCases {
		for _, lang := range []string{"en", "ru"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				facts := writeFile(t, "facts.json", tc.facts)
				args := []string{"--facts", facts, "--lang", lang, "--today", "2026-12-01"}
				if tc.rules != "" {
					args = append(args, "--rules", tc.rules)
				}
				var out, errb bytes.Buffer
				code := runCheck(args, &out, &errb, func(string) string { return "" })
				require.Equal(t, exitOK, code, errb.String())
				path := filepath.Join("testdata", "check_"+tc.name+"_"+lang+".golden")
				if *update {
					require.NoError(t, os.MkdirAll("testdata", 0o755))
					require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
					return
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err, "run go test ./cmd/specbot -run TestCheckGolden -update to create it")
				assert.Equal(t, string(want), out.String(), "differs from %s; rerun with -update if intended", path)
			})
		}
	}
}

// TestCheckStrictFacts: every bad facts file is refused with exit 2, one
// line on stderr naming the field, and nothing on stdout.
func TestCheckStrictFacts(t *testing.T) {
	big := `{"employees": [` + strings.Repeat(`{"name": "x", "certs": []},`, 60000) + `{"name": "y", "certs": []}]}`
	cases := []struct{ name, facts, field string }{
		{"duplicate key", `{"partner_agreement": true, "partner_agreement": true}`, "partner_agreement"},
		{"duplicate nested key", `{"consumption_rub_year": {"devops": 1, "devops": 1}}`, "consumption_rub_year.devops"},
		{"null", `{"business_plan": null}`, "business_plan"},
		{"null employee", `{"employees": [null]}`, "employees[0]"},
		{"employee without certs", `{"employees": [{"name": "Anna"}]}`, "employees[0].certs"},
		{"same name twice", `{"employees": [{"name": "Anna", "certs": []}, {"name": "ANNA ", "certs": []}]}`, "employees"},
		{"top-level list", `[]`, "top level"},
		{"too large a number", `{"verified_solutions": {"devops": 1e400}}`, "verified_solutions.devops"},
		{"huge number", `{"verified_solutions": {"devops": 123456789012345678901234567890}}`, "too large"},
		{"over 1 MiB", big, "1 MiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			facts := writeFile(t, "facts.json", tc.facts)
			var out, errb bytes.Buffer
			code := runCheck([]string{"--facts", facts}, &out, &errb, func(string) string { return "" })
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out.String())
			assert.Equal(t, 1, strings.Count(strings.TrimRight(errb.String(), "\n"), "\n")+1, "one line: %q", errb.String())
			assert.Contains(t, errb.String(), tc.field)
			assert.NotContains(t, errb.String(), "Go ")
		})
	}
	t.Run("a byte-order mark is skipped", func(t *testing.T) {
		facts := writeFile(t, "facts.json", "\ufeff"+`{"partner_agreement": true}`)
		var out, errb bytes.Buffer
		assert.Equal(t, exitOK, runCheck([]string{"--facts", facts}, &out, &errb, func(string) string { return "" }), errb.String())
	})
}
