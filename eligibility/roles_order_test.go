package eligibility

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// permutations returns every order of list.
func permutations(list []Employee) [][]Employee {
	if len(list) <= 1 {
		return [][]Employee{slices.Clone(list)}
	}
	var out [][]Employee
	for i := range list {
		rest := append(slices.Clone(list[:i]), list[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]Employee{list[i]}, p...))
		}
	}
	return out
}

// cheapest tries every assignment (each role to a distinct employee or to
// nobody) and returns the fewest certificates still to earn.
func cheapest(roles []*Role, emps []Employee) int {
	best := -1
	used := make([]bool, len(emps))
	var try func(r, cost int)
	try = func(r, cost int) {
		if r == len(roles) {
			if best < 0 || cost < best {
				best = cost
			}
			return
		}
		try(r+1, cost+roles[r].cost())
		for e := range emps {
			if !used[e] {
				used[e] = true
				try(r+1, cost+roles[r].lackCount(emps[e]))
				used[e] = false
			}
		}
	}
	try(0, 0)
	return best
}

// adviceCost is what the advice of results costs: the lacks of the closest
// employees, and a newcomer's certificates for a role naming nobody.
func adviceCost(roles []*Role, results []RoleResult) int {
	n := 0
	for i, r := range results {
		switch {
		case r.Filled:
		case r.Closest != "":
			n += lackLen(roles[i], r.Lacks)
		default:
			n += roles[i].cost()
		}
	}
	return n
}

// lackLen counts lacks as certificates to earn: an AnyOf list lacked whole is one.
func lackLen(role *Role, lacks []string) int {
	n := 0
	for _, c := range role.AllOf {
		if slices.Contains(lacks, c) {
			n++
		}
	}
	if len(role.AnyOf) > 0 && slices.ContainsFunc(role.AnyOf, func(c string) bool { return slices.Contains(lacks, c) }) {
		n++
	}
	return n
}

// TestAssignRolesOrderFreeAndCheapest: the advice over 2 to 4 employees is
// the same in every order they were typed, and it is the cheapest way to
// fill every role.
func TestAssignRolesOrderFreeAndCheapest(t *testing.T) {
	c := defaultCatalog(t)
	tiered := tieredCatalogForRoles(t)
	tests := []struct {
		name      string
		roles     []*Role
		employees []Employee
		want      []wantRole // nil: only order-freedom and cost are checked
	}{
		{"devops: Oleg first, Anna one course away (the issue's example)",
			catalogRoles(t, c, specDevOps), []Employee{emp("Anna", certCSE, certGitOps), emp("Oleg", certCSE)},
			[]wantRole{filled("Oleg"), open("Anna", certDevSecOps)}},
		{"devops: three engineers, the one with GitOps takes the second role",
			catalogRoles(t, c, specDevOps), []Employee{emp("Boris", certCSE), emp("Anna", certCSE, certGitOps), emp("Vera", certCSE)},
			[]wantRole{filled("Boris"), open("Anna", certDevSecOps)}},
		{"infrastructure: the protected engineer goes to role 2",
			catalogRoles(t, c, specInfra), []Employee{emp("Anna", certCSE, certProtection), emp("Oleg", certCSE)},
			[]wantRole{filled("Oleg"), filled("Anna")}},
		{"infrastructure: two plain engineers, the tie goes by name",
			catalogRoles(t, c, specInfra), []Employee{emp("Oleg", certCSE), emp("anna", certCSE)},
			[]wantRole{filled("anna"), open("Oleg", certProtection)}},
		{"data platform: the any-of role names the closest free person",
			catalogRoles(t, c, specData), []Employee{emp("Anna", certCSE, certAnalytics), emp("Oleg", certCSE)},
			[]wantRole{filled("Anna"), open("Oleg", certClickHouse, certGreenplum)}},
		{"data platform: ClickHouse or Greenplum both count",
			catalogRoles(t, c, specData), []Employee{emp("Gleb", certGreenplum), emp("Anna", certCSE), emp("Kira", certClickHouse)},
			[]wantRole{open("Anna", certAnalytics), filled("Gleb")}},
		{"security: the person holding both", catalogRoles(t, c, specSecurity),
			[]Employee{emp("Guard", certProtection), emp("Both", certProtection, certCompliance), emp("Auditor", certCompliance)},
			[]wantRole{filled("Both")}},
		{"four employees, mixed", catalogRoles(t, c, specDevOps),
			[]Employee{emp("D", certDevSecOps), emp("C", certCSE, certDevSecOps), emp("B", certGitOps), emp("A", certCSE)},
			[]wantRole{filled("A"), open("C", certGitOps)}},
		{"four employees, nobody relevant", catalogRoles(t, c, specSecurity),
			[]Employee{emp("D", certCSE), emp("C", certGitOps), emp("B", certAnalytics), emp("A", certDevSecOps)}, nil},
		{"tiered ML & AI: three people for three roles", tiered,
			[]Employee{emp("Ivan", "ai_agents"), emp("Olga", "ml_solutions", "ai_agents"), emp("Petr", "ai_agents"), emp("Zoya", "ml_solutions")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, _ := assignRoles(tt.roles, knownEmployees(tt.employees...))
			for _, order := range permutations(tt.employees) {
				got, _ := assignRoles(tt.roles, knownEmployees(order...))
				require.Equal(t, first, got, "order %v", names(order))
			}
			assert.Equal(t, cheapest(tt.roles, tt.employees), adviceCost(tt.roles, first), "the advice is the cheapest")
			if tt.want != nil {
				requireRoles(t, tt.roles, tt.employees, first, tt.want)
			}
		})
	}
}

func names(emps []Employee) []string {
	out := make([]string, len(emps))
	for i, e := range emps {
		out[i] = e.Name
	}
	return out
}

func tieredCatalogForRoles(t *testing.T) []*Role {
	t.Helper()
	data, err := catalogFS.ReadFile("catalogs/tiered.yaml")
	require.NoError(t, err)
	c, err := ParseCatalog(data)
	require.NoError(t, err)
	s, _ := c.Specialization("ml_ai")
	return s.Levels[1].Conditions[len(s.Levels[1].Conditions)-2].Roles
}
