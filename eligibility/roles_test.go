package eligibility

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func knownEmployees(list ...Employee) Facts {
	f := NewFacts()
	f.EmployeesKnown = true
	f.Employees = list
	return f
}

// wantRole is the expected outcome for one role: the employee who fills it,
// or ("", closest, lacks) for a role left open.
type wantRole struct {
	employee string
	closest  string
	lacks    []string
}

func filled(name string) wantRole { return wantRole{employee: name} }

func open(closest string, lacks ...string) wantRole {
	return wantRole{closest: closest, lacks: lacks}
}

// anyone stands for any employee able to fill the role when several
// maximum assignments exist.
const anyone = "*"

func requireRoles(t *testing.T, roles []*Role, employees []Employee, got []RoleResult, want []wantRole) {
	t.Helper()
	require.Len(t, got, len(want))
	used := map[string]int{}
	for i, w := range want {
		g := got[i]
		assert.Equal(t, i, g.Index, "role %d", i)
		assert.Same(t, roles[i], g.Role, "role %d", i)
		assert.Equal(t, roles[i].AllOf, g.AllOf, "role %d", i)
		assert.Equal(t, roles[i].AnyOf, g.AnyOf, "role %d", i)
		if w.employee != "" {
			if !assert.True(t, g.Filled, "role %d should be filled by %s", i, w.employee) {
				continue
			}
			if w.employee != anyone {
				assert.Equal(t, w.employee, g.Employee, "role %d", i)
			}
			assert.True(t, roles[i].fills(findEmployee(t, employees, g.Employee)), "%s cannot fill role %d", g.Employee, i)
			assert.Empty(t, g.Closest, "role %d", i)
			assert.Empty(t, g.Lacks, "role %d", i)
			used[g.Employee]++
			continue
		}
		assert.False(t, g.Filled, "role %d should be open, filled by %q", i, g.Employee)
		assert.Empty(t, g.Employee, "role %d", i)
		assert.Equal(t, w.closest, g.Closest, "role %d closest", i)
		assert.ElementsMatch(t, w.lacks, g.Lacks, "role %d lacks", i)
	}
	for name, n := range used {
		assert.Equal(t, 1, n, "%s fills %d roles", name, n)
	}
}

func TestAssignRolesDefaultCatalog(t *testing.T) {
	c := defaultCatalog(t)
	every := []string{certCSE, certProtection, certGitOps, certDevSecOps, certAnalytics, certClickHouse, certGreenplum, certCompliance}
	tests := []struct {
		name      string
		spec      string
		employees []Employee
		want      []wantRole
		status    ConditionStatus
	}{
		{"infrastructure: the CSE+IP person listed first goes to role 2",
			specInfra, []Employee{emp("Full", certCSE, certProtection), emp("Plain", certCSE)},
			[]wantRole{filled("Plain"), filled("Full")}, Met},
		{"infrastructure: the CSE+IP person listed last",
			specInfra, []Employee{emp("Plain", certCSE), emp("Full", certCSE, certProtection)},
			[]wantRole{filled("Plain"), filled("Full")}, Met},
		{"infrastructure: two full people",
			specInfra, []Employee{emp("A", certCSE, certProtection), emp("B", certCSE, certProtection)},
			[]wantRole{filled(anyone), filled(anyone)}, Met},
		{"infrastructure: protection without CSE does not fill role 2",
			specInfra, []Employee{emp("Plain", certCSE), emp("Guard", certProtection)},
			[]wantRole{filled("Plain"), open("Guard", certCSE)}, NotMet},
		{"infrastructure: two plain engineers, the second lacks protection",
			specInfra, []Employee{emp("A", certCSE), emp("B", certCSE)},
			[]wantRole{filled("A"), open("B", certProtection)}, NotMet},
		{"infrastructure: one person with every certificate fills one role, not both",
			specInfra, []Employee{emp("Omni", every...)},
			[]wantRole{open(""), filled("Omni")}, NotMet},
		{"devops: the full person listed first goes to role 2",
			specDevOps, []Employee{emp("Full", certCSE, certGitOps, certDevSecOps), emp("Plain", certCSE)},
			[]wantRole{filled("Plain"), filled("Full")}, Met},
		{"devops: GitOps without DevSecOps",
			specDevOps, []Employee{emp("Plain", certCSE), emp("Half", certCSE, certGitOps)},
			[]wantRole{filled("Plain"), open("Half", certDevSecOps)}, NotMet},
		{"devops: one person with every certificate",
			specDevOps, []Employee{emp("Omni", every...)},
			[]wantRole{open(""), filled("Omni")}, NotMet},
		{"data platform: ClickHouse is enough for role 2",
			specData, []Employee{emp("Lead", certCSE, certAnalytics), emp("CH", certClickHouse)},
			[]wantRole{filled("Lead"), filled("CH")}, Met},
		{"data platform: Greenplum is enough for role 2",
			specData, []Employee{emp("Lead", certCSE, certAnalytics), emp("GP", certGreenplum)},
			[]wantRole{filled("Lead"), filled("GP")}, Met},
		{"data platform: both of A or B",
			specData, []Employee{emp("Lead", certCSE, certAnalytics), emp("Both", certClickHouse, certGreenplum)},
			[]wantRole{filled("Lead"), filled("Both")}, Met},
		{"data platform: first fit would take the only ClickHouse holder for role 1",
			specData, []Employee{emp("Star", certCSE, certAnalytics, certClickHouse), emp("Lead", certCSE, certAnalytics)},
			[]wantRole{filled("Lead"), filled("Star")}, Met},
		{"data platform: neither A nor B",
			specData, []Employee{emp("Lead", certCSE, certAnalytics), emp("Eng", certCSE)},
			[]wantRole{filled("Lead"), open("Eng", certClickHouse, certGreenplum)}, NotMet},
		{"data platform: analytics without CSE",
			specData, []Employee{emp("Analyst", certAnalytics), emp("CH", certClickHouse)},
			[]wantRole{open("Analyst", certCSE), filled("CH")}, NotMet},
		{"data platform: one person with every certificate",
			specData, []Employee{emp("Omni", every...)},
			[]wantRole{filled("Omni"), open("")}, NotMet},
		{"security compliance: both certificates on one person",
			specSecurity, []Employee{emp("Sec", certProtection, certCompliance)},
			[]wantRole{filled("Sec")}, Met},
		{"security compliance: certificates split between two people, the tie goes by name",
			specSecurity, []Employee{emp("Guard", certProtection), emp("Auditor", certCompliance)},
			[]wantRole{open("Auditor", certProtection)}, NotMet},
		{"security compliance: the closer employee is named",
			specSecurity, []Employee{emp("Nobody"), emp("Auditor", certCompliance)},
			[]wantRole{open("Auditor", certProtection)}, NotMet},
		{"security compliance: one person with every certificate",
			specSecurity, []Employee{emp("Omni", every...)},
			[]wantRole{filled("Omni")}, Met},
		{"nobody: every role open with no one to name",
			specInfra, []Employee{},
			[]wantRole{open(""), open("")}, NotMet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roles := catalogRoles(t, c, tt.spec)
			got, status := assignRoles(roles, knownEmployees(tt.employees...))
			assert.Equal(t, tt.status, status)
			requireRoles(t, roles, tt.employees, got, tt.want)

			// The same through Evaluate.
			f := allMetFacts()
			f.Employees = tt.employees
			res := evalSpec(t, f, tt.spec)
			cond := findCond(t, res.Conditions, "employees")
			assert.Equal(t, tt.status, cond.Status)
			assert.Equal(t, got, cond.Roles)
		})
	}
}

func TestAssignRolesUnknownEmployees(t *testing.T) {
	roles := catalogRoles(t, defaultCatalog(t), specInfra)
	f := NewFacts()
	f.Employees = []Employee{emp("Ignored", certCSE, certProtection)} // not known: ignored
	got, status := assignRoles(roles, f)
	assert.Equal(t, Unknown, status)
	requireRoles(t, roles, nil, got, []wantRole{open(""), open("")})
}

// TestAssignRolesChain needs a chain of reassignments: every first-fit order
// of the roles as listed leaves one open.
func TestAssignRolesChain(t *testing.T) {
	roles := []*Role{
		{Name: Text{"en": "a"}, AllOf: []string{"a"}},
		{Name: Text{"en": "b"}, AllOf: []string{"b"}},
		{Name: Text{"en": "c"}, AllOf: []string{"c"}},
	}
	tests := []struct {
		name      string
		employees []Employee
		want      []wantRole
		status    ConditionStatus
	}{
		{"two hops", []Employee{emp("AB", "a", "b"), emp("BC", "b", "c"), emp("A", "a")},
			[]wantRole{filled("A"), filled("AB"), filled("BC")}, Met},
		{"two hops, listed the other way", []Employee{emp("A", "a"), emp("BC", "b", "c"), emp("AB", "a", "b")},
			[]wantRole{filled("A"), filled("AB"), filled("BC")}, Met},
		{"three people, rotated", []Employee{emp("AB", "a", "b"), emp("BC", "b", "c"), emp("CA", "c", "a")},
			[]wantRole{filled(anyone), filled(anyone), filled(anyone)}, Met},
		{"two people for three roles", []Employee{emp("ABC", "a", "b", "c"), emp("AB", "a", "b")},
			[]wantRole{filled("AB"), filled("ABC"), open("")}, NotMet},
		{"the open role names the free employee", []Employee{emp("A", "a"), emp("B", "b"), emp("X", "x")},
			[]wantRole{filled("A"), filled("B"), open("X", "c")}, NotMet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, status := assignRoles(roles, knownEmployees(tt.employees...))
			assert.Equal(t, tt.status, status)
			requireRoles(t, roles, tt.employees, got, tt.want)
		})
	}
}

func findEmployee(t *testing.T, list []Employee, name string) Employee {
	t.Helper()
	for _, e := range list {
		if e.Name == name {
			return e
		}
	}
	require.Failf(t, "no such employee", "%q", name)
	return Employee{}
}

// TestAssignRolesTwentyEmployees: a realistic team, where the one person who
// can fill the hard role is listed last or is missing.
func TestAssignRolesTwentyEmployees(t *testing.T) {
	c := defaultCatalog(t)
	plain := func(n int) []Employee {
		list := make([]Employee, n)
		for i := range list {
			list[i] = emp(fmt.Sprintf("E%02d", i+1), certCSE)
		}
		return list
	}
	tests := []struct {
		name      string
		spec      string
		employees []Employee
		want      []wantRole
		status    ConditionStatus
	}{
		{"infrastructure: the only CSE+IP person is the twentieth",
			specInfra, append(plain(19), emp("E20", certCSE, certProtection)),
			[]wantRole{filled("E01"), filled("E20")}, Met},
		{"infrastructure: twenty plain engineers",
			specInfra, plain(20),
			[]wantRole{filled("E01"), open("E02", certProtection)}, NotMet},
		{"infrastructure: nineteen plain engineers and one guard without CSE",
			specInfra, append(plain(19), emp("E20", certProtection)),
			[]wantRole{filled("E01"), open("E02", certProtection)}, NotMet},
		{"devops: the twentieth is closest",
			specDevOps, append(plain(19), emp("E20", certCSE, certGitOps)),
			[]wantRole{filled("E01"), open("E20", certDevSecOps)}, NotMet},
		{"data platform: twenty analytics leads with ClickHouse",
			specData, func() []Employee {
				list := make([]Employee, 20)
				for i := range list {
					list[i] = emp(fmt.Sprintf("E%02d", i+1), certCSE, certAnalytics, certClickHouse)
				}
				return list
			}(),
			[]wantRole{filled(anyone), filled(anyone)}, Met},
		{"data platform: only the first can lead, only he and the last know ClickHouse",
			specData, append(append([]Employee{emp("E01", certCSE, certAnalytics, certClickHouse)}, plain(18)...),
				emp("E20", certGreenplum)),
			[]wantRole{filled("E01"), filled("E20")}, Met},
		{"security compliance: the specialist is the twentieth",
			specSecurity, append(plain(19), emp("E20", certProtection, certCompliance)),
			[]wantRole{filled("E20")}, Met},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Len(t, tt.employees, 20)
			roles := catalogRoles(t, c, tt.spec)
			got, status := assignRoles(roles, knownEmployees(tt.employees...))
			assert.Equal(t, tt.status, status)
			requireRoles(t, roles, tt.employees, got, tt.want)
		})
	}
}

func TestRoleLacks(t *testing.T) {
	tests := []struct {
		name string
		role Role
		emp  Employee
		want []string
	}{
		{"all of, none held", Role{AllOf: []string{"a", "b"}}, emp("x"), []string{"a", "b"}},
		{"all of, one held", Role{AllOf: []string{"a", "b"}}, emp("x", "b"), []string{"a"}},
		{"any of, none held", Role{AnyOf: []string{"a", "b"}}, emp("x", "c"), []string{"a", "b"}},
		{"any of, one held", Role{AnyOf: []string{"a", "b"}}, emp("x", "b"), nil},
		{"both, nothing held", Role{AllOf: []string{"a"}, AnyOf: []string{"b", "c"}}, emp("x"), []string{"a", "b", "c"}},
		{"both, any held", Role{AllOf: []string{"a"}, AnyOf: []string{"b", "c"}}, emp("x", "c"), []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.role.lacks(tt.emp))
			assert.Equal(t, len(tt.want) == 0, tt.role.fills(tt.emp))
		})
	}
}
