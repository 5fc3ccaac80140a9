package eligibility

import (
	"cmp"
	"slices"
	"strings"
)

// fills reports whether an employee can fill a role.
func (r *Role) fills(e Employee) bool { return r.lackCount(e) == 0 }

// lacks lists what an employee still needs for a role: the missing AllOf
// certificates, and all of AnyOf (any one of them will do) when the
// employee holds none of them.
func (r *Role) lacks(e Employee) []string {
	var out []string
	for _, c := range r.AllOf {
		if !e.Has(c) {
			out = append(out, c)
		}
	}
	if len(r.AnyOf) > 0 && !slices.ContainsFunc(r.AnyOf, e.Has) {
		out = append(out, r.AnyOf...)
	}
	return out
}

// lackCount is the number of certificates an employee must still earn for
// the role: each missing AllOf certificate, and one for AnyOf when the
// employee holds none of them.
func (r *Role) lackCount(e Employee) int {
	n := 0
	for _, c := range r.AllOf {
		if !e.Has(c) {
			n++
		}
	}
	if len(r.AnyOf) > 0 && !slices.ContainsFunc(r.AnyOf, e.Has) {
		n++
	}
	return n
}

// cost is the number of certificates a person holding none of them must earn.
func (r *Role) cost() int {
	n := len(r.AllOf)
	if len(r.AnyOf) > 0 {
		n++
	}
	return n
}

// canonicalOrder returns the indices of employees sorted by trimmed,
// case-folded name (then by certificates), so that an assignment never
// depends on the order in which the employees were typed.
// canonicalEmployees returns the employees in name order (a copy; the
// caller's order is kept).
func canonicalEmployees(emps []Employee) []Employee {
	if len(emps) < 2 {
		return emps
	}
	out := make([]Employee, len(emps))
	for i, j := range canonicalOrder(emps) {
		out[i] = emps[j]
	}
	return out
}

func canonicalOrder(emps []Employee) []int {
	order := make([]int, len(emps))
	keys := make([]string, len(emps))
	for i := range order {
		order[i] = i
		keys[i] = NameKey(emps[i].Name)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return slices.Compare(sortedCerts(emps[a]), sortedCerts(emps[b]))
	})
	return order
}

func sortedCerts(e Employee) []string {
	s := slices.Clone(e.Certs)
	slices.Sort(s)
	return s
}

// NameKey is the form of an employee's name under which two names are the
// same person: trimmed and case-folded.
func NameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// plan is one partial assignment: its cost in certificates to earn, how
// many roles are left to nobody, and the employee of each role (-1: nobody).
type plan struct {
	cost, nobody int
	emp          []int
}

func (p plan) better(q plan) bool {
	if p.cost != q.cost {
		return p.cost < q.cost
	}
	return p.nobody < q.nobody
}

// assignRoles gives each role a distinct employee so that the whole
// condition needs the fewest certificates still to earn. A role left open
// names the employee who would take it in that assignment and what that
// employee lacks, so the advice is the cheapest way to fill every role.
// Ties go to the assignment that leaves fewer roles to nobody (an employee
// already on the team is named rather than a newcomer), then to employees earlier
// in name order: the answer is the cheapest and the same whatever order the
// employees were listed in. The search runs over employees and the set of
// roles taken so far (n·2^k·k steps), which stays small for the handful of
// roles a condition names.
func assignRoles(roles []*Role, f Facts) ([]RoleResult, ConditionStatus) {
	f.Employees = canonicalEmployees(f.Employees)
	return assignSorted(roles, f)
}

// assignSorted is assignRoles over employees already in name order
// (Evaluate sorts them once for every condition).
func assignSorted(roles []*Role, f Facts) ([]RoleResult, ConditionStatus) {
	results := make([]RoleResult, len(roles))
	for i, r := range roles {
		results[i] = RoleResult{Index: i, AllOf: r.AllOf, AnyOf: r.AnyOf, Name: r.Name, Role: r}
	}
	if !f.EmployeesKnown {
		return results, Unknown
	}
	emps := f.Employees
	k := len(roles)
	full := 1<<k - 1

	// dp[mask] is the best way to give the roles in mask to the employees
	// seen so far; roles outside mask are counted at a newcomer's cost at
	// the end.
	dp := make([]*plan, full+1)
	dp[0] = &plan{emp: make([]int, k)}
	for i := range dp[0].emp {
		dp[0].emp[i] = -1
	}
	for e := range emps {
		next := slices.Clone(dp)
		for mask, p := range dp {
			if p == nil {
				continue
			}
			for r := range k {
				if mask&(1<<r) != 0 {
					continue
				}
				cost := p.cost + roles[r].lackCount(emps[e])
				m := mask | 1<<r
				// Within the search no role is left to nobody, so cost
				// alone orders two plans; the copy is made only for a
				// better one.
				if next[m] != nil && cost >= next[m].cost {
					continue
				}
				cand := &plan{cost: cost, emp: slices.Clone(p.emp)}
				cand.emp[r] = e
				next[m] = cand
			}
		}
		dp = next
	}
	var best *plan
	for mask, p := range dp {
		if p == nil {
			continue
		}
		total := plan{cost: p.cost, emp: p.emp}
		for r := range k {
			if mask&(1<<r) == 0 {
				total.cost += roles[r].cost()
				total.nobody++
			}
		}
		if best == nil || total.better(*best) {
			best = &total
		}
	}

	status := Met
	for r, e := range best.emp {
		if e < 0 {
			status = NotMet
			continue
		}
		if roles[r].fills(emps[e]) {
			results[r].Filled, results[r].Employee = true, emps[e].Name
			continue
		}
		status = NotMet
		results[r].Closest, results[r].Lacks = emps[e].Name, roles[r].lacks(emps[e])
	}
	return results, status
}
