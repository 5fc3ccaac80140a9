package app

import (
	"context"
	"strings"
	"time"

	"specbot/eligibility"
	"specbot/store"
)

// ImpactRow is what a new catalogue edition does to one company's verdict
// for one specialization: its status under the current catalogue and under
// the new one, with how many of the company's answers the new one keeps
// and which it sets aside.
type ImpactRow struct {
	CompanyID      int64
	Company        string
	Specialization string
	Before, After  string // a status, or "" when the catalogue has no such specialization
	Kept           int
	SetAside       []string
}

// RulesImpact evaluates every company's stored answers under the current
// catalogue and under next, on today, and lists the outcome per
// specialization. It writes nothing.
func RulesImpact(ctx context.Context, db *store.DB, current, next *eligibility.Catalog, today time.Time) ([]ImpactRow, error) {
	var out []ImpactRow
	err := db.EachCompanyValues(ctx, func(cv store.CompanyValues) error {
		was, _ := eligibility.FactsFromValues(current, cv.Values)
		now, aside := eligibility.FactsFromValues(next, cv.Values)
		before := statuses(eligibility.Evaluate(current, was, today))
		after := statuses(eligibility.Evaluate(next, now, today))
		for _, spec := range specUnion(current, next) {
			out = append(out, ImpactRow{CompanyID: cv.ID, Company: cv.Name, Specialization: spec,
				Before: before[spec], After: after[spec], Kept: len(cv.Values) - len(aside), SetAside: aside})
		}
		return nil
	})
	return out, err
}

// Changed reports whether the status differs between the editions.
func (r ImpactRow) Changed() bool { return r.Before != r.After }

// SetAsideList joins the set-aside answers for a table cell.
func (r ImpactRow) SetAsideList() string { return strings.Join(r.SetAside, " ") }

func statuses(r eligibility.Report) map[string]string {
	m := make(map[string]string, len(r.Results))
	for _, res := range r.Results {
		m[res.Specialization] = string(res.Status)
	}
	return m
}

// specUnion lists the specializations of both catalogues: the current
// ones in order, then those only the new one has.
func specUnion(a, b *eligibility.Catalog) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range []*eligibility.Catalog{a, b} {
		for _, s := range c.Specializations {
			if !seen[s.ID] {
				seen[s.ID] = true
				out = append(out, s.ID)
			}
		}
	}
	return out
}
