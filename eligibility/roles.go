package eligibility

import "slices"

// fills reports whether an employee can fill a role.
func (r *Role) fills(e Employee) bool {
	for _, c := range r.AllOf {
		if !e.Has(c) {
			return false
		}
	}
	if len(r.AnyOf) == 0 {
		return true
	}
	return slices.ContainsFunc(r.AnyOf, e.Has)
}

// lacks lists what an employee still needs for a role: the missing AllOf
// certificates, and all of AnyOf when the employee holds none of them.
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

// lackCount is len(r.lacks(e)) without building the list.
func (r *Role) lackCount(e Employee) int {
	n := 0
	for _, c := range r.AllOf {
		if !e.Has(c) {
			n++
		}
	}
	if len(r.AnyOf) > 0 && !slices.ContainsFunc(r.AnyOf, e.Has) {
		n += len(r.AnyOf)
	}
	return n
}

// weight orders roles so that the hardest are filled first: when not every
// role can be filled, the gap names the easiest one left.
func (r *Role) weight() int {
	w := 2 * len(r.AllOf)
	if len(r.AnyOf) > 0 {
		w++
	}
	return w
}

// assignRoles fills roles with distinct employees using a maximum bipartite
// matching (augmenting paths), so that a greedy first choice never blocks a
// role another employee could have left open. Roles are tried from the
// hardest: an augmenting path never unmatches a role, so the result fills
// the most roles and, among those assignments, prefers the harder ones.
func assignRoles(roles []*Role, f Facts) ([]RoleResult, ConditionStatus) {
	results := make([]RoleResult, len(roles))
	for i, r := range roles {
		results[i] = RoleResult{Index: i, AllOf: r.AllOf, AnyOf: r.AnyOf, Role: r}
	}
	if !f.EmployeesKnown {
		return results, Unknown
	}
	emps := f.Employees
	roleOf := make([]int, len(emps)) // employee -> role index, -1 when free
	for i := range roleOf {
		roleOf[i] = -1
	}
	empOf := make([]int, len(roles))
	for i := range empOf {
		empOf[i] = -1
	}

	order := make([]int, len(roles))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return roles[b].weight() - roles[a].weight() })

	seen := make([]bool, len(emps))
	var augment func(role int) bool
	augment = func(role int) bool {
		for e := range emps {
			if seen[e] || !roles[role].fills(emps[e]) {
				continue
			}
			seen[e] = true
			if roleOf[e] < 0 || augment(roleOf[e]) {
				roleOf[e], empOf[role] = role, e
				return true
			}
		}
		return false
	}
	filled := 0
	for _, role := range order {
		clear(seen)
		if augment(role) {
			filled++
		}
	}

	for i, r := range roles {
		if e := empOf[i]; e >= 0 {
			results[i].Filled, results[i].Employee = true, emps[e].Name
			continue
		}
		best, bestLacks := -1, 0
		for e := range emps {
			if roleOf[e] >= 0 {
				continue
			}
			if n := r.lackCount(emps[e]); best < 0 || n < bestLacks {
				best, bestLacks = e, n
			}
		}
		if best >= 0 {
			results[i].Closest, results[i].Lacks = emps[best].Name, r.lacks(emps[best])
		}
	}
	if filled == len(roles) {
		return results, Met
	}
	return results, NotMet
}
