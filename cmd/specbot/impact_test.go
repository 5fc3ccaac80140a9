package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
	"specbot/store"
)

// TestRulesImpact: a new edition that renames a fact sets the stored
// answer aside, keeps the others, and the table shows each company's
// statuses before and after, as text and as CSV; nothing is written.
func TestRulesImpact(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "specbot.db")
	db, err := store.Open(ctx, dbPath)
	require.NoError(t, err)
	c := eligibility.DefaultCatalog()
	db.Catalog = c
	f, err := eligibility.ParseFacts(c, []byte(`{"partner_agreement": true, "business_plan": true,
		"verified_solutions": {"devops": 1}, "consumption_rub_year": {"devops": 2500000},
		"architect_interview": {"devops": "passed"},
		"employees": [{"name": "Anna", "certs": ["cloud_service_engineer", "gitops_deployment", "devsecops_cicd", "infrastructure_protection"]},
			{"name": "Oleg", "certs": ["cloud_service_engineer", "gitops_deployment", "devsecops_cicd", "infrastructure_protection"]}]}`))
	require.NoError(t, err)
	require.NoError(t, db.SaveTurn(ctx, &store.Turn{Partner: store.Partner{ChatID: 7, Lang: "en", Company: "Acme"},
		Report: &store.Report{Facts: f}}))
	require.NoError(t, db.Close())
	before := storedValues(t, dbPath)

	data, err := os.ReadFile("../../eligibility/catalogs/default.yaml")
	require.NoError(t, err)
	next := filepath.Join(dir, "next.yaml")
	require.NoError(t, os.WriteFile(next, []byte(strings.ReplaceAll(string(data), "business_plan", "secured_plan")), 0o600))

	env := func(k string) string {
		return map[string]string{"SPECBOT_DB": dbPath}[k]
	}
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Run(ctx, append([]string{"rules", "impact"}, args...), strings.NewReader(""), &stdout, &stderr, env)
		return code, stdout.String(), stderr.String()
	}
	code, out, errOut := run(next, "--format", "csv", "--today", "2026-11-25")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "company_id,company,specialization,before,after,changed,kept,set_aside\n")
	assert.Contains(t, out, "1,Acme,devops,eligible,incomplete,yes,5,business_plan\n")
	code, out, _ = run("--today", "2026-11-25", next)
	require.Equal(t, exitOK, code)
	assert.Regexp(t, `Acme\s+devops\s+eligible\s+incomplete\s+yes\s+5\s+business_plan`, out)

	assert.Equal(t, before, storedValues(t, dbPath), "rules impact writes nothing: the set-aside answer is still stored")

	for _, bad := range [][]string{{}, {next, "--format", "xml"}, {filepath.Join(dir, "missing.yaml")}} {
		code, _, errOut := run(bad...)
		assert.Equal(t, exitUsage, code, "%v: %s", bad, errOut)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
	}
}

func storedValues(t *testing.T, path string) []store.CompanyValues {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	require.NoError(t, err)
	defer db.Close()
	var out []store.CompanyValues
	require.NoError(t, db.EachCompanyValues(context.Background(), func(cv store.CompanyValues) error {
		out = append(out, cv)
		return nil
	}))
	require.Len(t, out, 1)
	require.Contains(t, out[0].Values, "business_plan")
	return out
}

// TestRulesImpactOfTheTieredEdition: three companies checked under the
// default edition (one eligible for DevOps, one a gap short, one with no
// answers beyond the agreement and the plan), and the shipped tiered
// edition: the table lists every company, keeps each one's agreement and
// business plan (never set aside), says whose verdict changes, and the CSV
// has a row per company and specialization; nothing is written.
func TestRulesImpactOfTheTieredEdition(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "specbot.db")
	db, err := store.Open(ctx, dbPath)
	require.NoError(t, err)
	c := eligibility.DefaultCatalog()
	db.Catalog = c
	seeds := []struct {
		chat  int64
		name  string
		facts string
	}{
		{7, "Acme", `{"partner_agreement": true, "business_plan": true,
			"verified_solutions": {"devops": 1}, "consumption_rub_year": {"devops": 2500000},
			"architect_interview": {"devops": "passed"},
			"employees": [{"name": "Anna", "certs": ["cloud_service_engineer", "gitops_deployment", "devsecops_cicd", "infrastructure_protection"]},
				{"name": "Oleg", "certs": ["cloud_service_engineer", "gitops_deployment", "devsecops_cicd", "infrastructure_protection"]}]}`},
		{8, "Beta LLC", `{"partner_agreement": true, "business_plan": true,
			"verified_solutions": {"devops": 1}, "consumption_rub_year": {"devops": 1500000},
			"architect_interview": {"devops": "passed"},
			"employees": [{"name": "Vera", "certs": ["cloud_service_engineer", "gitops_deployment", "devsecops_cicd", "infrastructure_protection"]}]}`},
		{9, "Gamma", `{"partner_agreement": true, "business_plan": false}`},
	}
	for _, s := range seeds {
		f, err := eligibility.ParseFacts(c, []byte(s.facts))
		require.NoError(t, err)
		require.NoError(t, db.SaveTurn(ctx, &store.Turn{Partner: store.Partner{ChatID: s.chat, Lang: "ru", Company: s.name},
			Report: &store.Report{Facts: f}}))
	}
	require.NoError(t, db.Close())
	stored := func() string {
		db, err := store.Open(ctx, dbPath)
		require.NoError(t, err)
		defer db.Close()
		var out strings.Builder
		require.NoError(t, db.EachCompanyValues(ctx, func(cv store.CompanyValues) error {
			fmt.Fprintf(&out, "%v\n", cv)
			return nil
		}))
		return out.String()
	}
	before := stored()

	env := func(k string) string { return map[string]string{"SPECBOT_DB": dbPath}[k] }
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Run(ctx, append([]string{"rules", "impact"}, args...), strings.NewReader(""), &stdout, &stderr, env)
		return code, stdout.String(), stderr.String()
	}
	tiered := "../../eligibility/catalogs/tiered.yaml"
	code, out, errOut := run(tiered, "--format", "csv", "--today", "2026-11-25")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "\n1,Acme,devops,eligible,-,yes,3,", "DevOps alone is not in the tiered edition")
	assert.Contains(t, out, "\n1,Acme,infrastructure_devops,-,incomplete,yes,3,")
	assert.Contains(t, out, "\n3,Gamma,ml_ai,not_eligible,not_eligible,,2,\n", "kept: the agreement and the plan")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Equal(t, "company_id,company,specialization,before,after,changed,kept,set_aside", lines[0])
	for _, name := range []string{"Acme", "Beta LLC", "Gamma"} {
		n := 0
		for _, l := range lines[1:] {
			cells := strings.Split(l, ",")
			require.Len(t, cells, 8, l)
			if cells[1] != name {
				continue
			}
			n++
			assert.NotContains(t, cells[7], "partner_agreement", "%s: the agreement is kept", name)
			assert.NotContains(t, cells[7], "business_plan", "%s: the business plan is kept", name)
			assert.Contains(t, []string{"yes", ""}, cells[5], l)
			if cells[5] == "" {
				assert.Equal(t, cells[3], cells[4], "unchanged: %s", l)
			}
		}
		assert.Positive(t, n, "%s is in the table", name)
	}
	code, text, _ := run("--today", "2026-11-25", tiered)
	require.Equal(t, exitOK, code)
	for _, name := range []string{"Acme", "Beta LLC", "Gamma"} {
		assert.Contains(t, text, name)
	}
	assert.Equal(t, before, stored(), "rules impact writes nothing")
}
