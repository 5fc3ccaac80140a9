package dialogs

import (
	"specbot/eligibility"
)

// needs is what the chosen specializations still need to hear: the fact
// values whose answer can change a verdict, and whether the employees can.
type needs struct {
	refs  map[eligibility.Ref]bool
	roles bool
}

// needed walks the catalogue's condition tree under the facts known so far
// and keeps the values whose answer can still change a condition's
// outcome. Every top-level condition of every level counts on its own (each
// is a line of the verdict, a gap the partner wants to hear about); inside
// a compound condition a part is needed only while the others leave the
// compound undecided:
//   - an alternative of an "any" is skipped once another alternative is met;
//   - a part of an "all" is skipped once another part is not met (no Brand
//     Voice Call Center amount without a Call Center project);
//   - a key of a "count_keys" is skipped once the others reach the count,
//     or can no longer reach it with this key's help.
//
// The rule reads only the tree, so any edition of the catalogue gets it.
func needed(c *eligibility.Catalog, specs []string, f eligibility.Facts, r eligibility.Report) needs {
	n := needs{refs: map[eligibility.Ref]bool{}}
	for _, id := range specs {
		res, ok := r.Result(id)
		if !ok {
			continue
		}
		levels := [][]eligibility.ConditionResult{res.Conditions}
		if len(res.Levels) > 0 {
			levels = levels[:0]
			for _, l := range res.Levels {
				levels = append(levels, l.Conditions)
			}
		}
		for _, conds := range levels {
			for _, cr := range conds {
				n.visit(c, f, cr)
			}
		}
	}
	return n
}

// visit marks what a needed condition reads.
func (n *needs) visit(c *eligibility.Catalog, f eligibility.Facts, cr eligibility.ConditionResult) {
	cond := cr.Condition
	if cond == nil {
		return
	}
	switch {
	case len(cond.Any) > 0:
		for i, child := range cr.Children {
			if !othersAre(cr.Children, i, eligibility.Met) {
				n.visit(c, f, child)
			}
		}
	case len(cond.All) > 0:
		for i, child := range cr.Children {
			if !othersAre(cr.Children, i, eligibility.NotMet) {
				n.visit(c, f, child)
			}
		}
	case len(cond.Roles) > 0:
		n.roles = true
	case cond.CountKeys != nil:
		fact, ok := c.Fact(cond.Fact)
		if !ok {
			return
		}
		keys := c.FactKeys(fact)
		qualified, unknown := 0, 0
		for _, k := range keys {
			v, ok := f.Numbers[eligibility.Ref{Fact: cond.Fact, Key: k.ID}]
			switch {
			case !ok:
				unknown++
			case v > cond.CountKeys.Exceeds:
				qualified++
			}
		}
		for _, k := range keys {
			ref := eligibility.Ref{Fact: cond.Fact, Key: k.ID}
			q, u := qualified, unknown
			// The others: this key's own value left out.
			if v, ok := f.Numbers[ref]; !ok {
				u--
			} else if v > cond.CountKeys.Exceeds {
				q--
			}
			if q < cond.CountKeys.AtLeast && q+u+1 >= cond.CountKeys.AtLeast {
				n.refs[ref] = true
			}
		}
	case cond.Fact != "":
		n.refs[eligibility.Ref{Fact: cond.Fact, Key: cr.Key}] = true
	}
}

// othersAre reports whether a child other than i has the status.
func othersAre(children []eligibility.ConditionResult, i int, st eligibility.ConditionStatus) bool {
	for j, k := range children {
		if j != i && k.Status == st {
			return true
		}
	}
	return false
}
