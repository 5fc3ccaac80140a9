package eligibility

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Moscow even on a machine without zoneinfo

	"github.com/stretchr/testify/require"
)

// Specialization ids of the default catalogue.
const (
	specInfra    = "infrastructure"
	specDevOps   = "devops"
	specData     = "data_platform"
	specML       = "ml_ai"
	specSecurity = "security_compliance"
)

// Certificate ids of the default catalogue.
const (
	certCSE        = "cloud_service_engineer"
	certProtection = "infrastructure_protection"
	certGitOps     = "gitops_deployment"
	certDevSecOps  = "devsecops_cicd"
	certAnalytics  = "enterprise_analytics_platform"
	certClickHouse = "managed_clickhouse"
	certGreenplum  = "managed_greenplum"
	certCompliance = "cloud_compliance"
)

var allSpecs = []string{specInfra, specDevOps, specData, specML, specSecurity}

// interviewSpecs are the specializations with an architect interview;
// consumptionSpecs those with an annual consumption threshold and its value.
var (
	interviewSpecs   = []string{specInfra, specDevOps, specData, specSecurity}
	consumptionSpecs = map[string]int64{specInfra: 12_000_000, specDevOps: 2_000_000, specData: 2_000_000}
)

func defaultCatalog(t testing.TB) *Catalog {
	t.Helper()
	c := DefaultCatalog()
	require.NotNil(t, c)
	return c
}

func moscow(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	return loc
}

// testToday is a fixed day in Moscow, outside any window.
func testToday(t testing.TB) time.Time {
	t.Helper()
	return time.Date(2026, time.November, 25, 12, 0, 0, 0, moscow(t))
}

func emp(name string, certs ...string) Employee {
	return Employee{Name: name, Certs: certs}
}

// allMetFacts meets every condition of every specialization of the default
// catalogue, each threshold exactly at its boundary.
func allMetFacts() Facts {
	f := NewFacts()
	f.Bools[Ref{Fact: "partner_agreement"}] = true
	f.Bools[Ref{Fact: "business_plan"}] = true
	for _, s := range allSpecs {
		f.Numbers[Ref{Fact: "verified_solutions", Key: s}] = 1
	}
	for s, n := range consumptionSpecs {
		f.Numbers[Ref{Fact: "consumption_rub_year", Key: s}] = n
	}
	for _, s := range interviewSpecs {
		f.Enums[Ref{Fact: "architect_interview", Key: s}] = "passed"
	}
	f.Numbers[Ref{Fact: "brand_voice_projects", Key: "premium"}] = 1
	f.Numbers[Ref{Fact: "brand_voice_projects", Key: "self_service"}] = 0
	f.Numbers[Ref{Fact: "brand_voice_projects", Key: "call_center"}] = 0
	f.Numbers[Ref{Fact: "brand_voice_call_center_rub_month"}] = 0
	f.Numbers[Ref{Fact: "projects_per_year", Key: specSecurity}] = 2
	f.EmployeesKnown = true
	f.Employees = []Employee{
		emp("Anna", certCSE, certProtection, certCompliance),
		emp("Boris", certCSE, certGitOps, certDevSecOps, certAnalytics),
		emp("Vera", certClickHouse),
	}
	return f
}

func evaluate(t testing.TB, f Facts) Report {
	t.Helper()
	return Evaluate(defaultCatalog(t), f, testToday(t))
}

func evalSpec(t testing.TB, f Facts, spec string) Result {
	t.Helper()
	r := evaluate(t, f)
	res, ok := r.Result(spec)
	require.True(t, ok, "no result for %s", spec)
	return res
}

// findCond follows condition ids down nested conditions.
func findCond(t testing.TB, conds []ConditionResult, path ...string) ConditionResult {
	t.Helper()
	require.NotEmpty(t, path)
	for _, c := range conds {
		if c.ID != path[0] {
			continue
		}
		if len(path) == 1 {
			return c
		}
		return findCond(t, c.Children, path[1:]...)
	}
	require.Failf(t, "condition not found", "%v among %v", path, condIDs(conds))
	return ConditionResult{}
}

func condIDs(conds []ConditionResult) []string {
	ids := make([]string, len(conds))
	for i, c := range conds {
		ids[i] = c.ID
	}
	return ids
}

// catalogRoles returns the roles of a specialization's employees condition.
func catalogRoles(t testing.TB, c *Catalog, spec string) []*Role {
	t.Helper()
	s, ok := c.Specialization(spec)
	require.True(t, ok, spec)
	for _, cond := range s.Conditions {
		if len(cond.Roles) > 0 {
			return cond.Roles
		}
	}
	require.Failf(t, "no roles", "specialization %s", spec)
	return nil
}
