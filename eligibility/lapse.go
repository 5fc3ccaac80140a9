package eligibility

import (
	"slices"
	"time"
)

// Lapse is a certificate that does not count for the next window: earned
// in a month such that its catalogue validity ends before the window opens.
type Lapse struct {
	Employee string `json:"employee"`
	Cert     string `json:"cert"`
	Earned   string `json:"earned"` // YYYY-MM
	// Until is the last month the certificate is valid (YYYY-MM).
	Until string `json:"until"`
}

// lapsed returns the employees with the certificates that lapse before the
// window opening on opens (YYYY-MM-DD) taken out, and the lapses. A
// certificate without a month earned, or whose catalogue entry has no
// validity, always counts.
func lapsed(c *Catalog, emps []Employee, opens string) ([]Employee, []Lapse) {
	open, err := time.Parse(time.DateOnly, opens)
	if err != nil {
		return emps, nil
	}
	var out []Employee
	var lapses []Lapse
	for i, e := range emps {
		var drop []string
		for _, cert := range e.Certs {
			month, ok := e.Earned[cert]
			info, known := c.Certificate(cert)
			if !ok || !known || info.ValidMonths <= 0 {
				continue
			}
			earned, err := time.Parse(monthLayout, month)
			if err != nil {
				continue
			}
			// Valid through the end of month earned + ValidMonths - 1.
			end := earned.AddDate(0, info.ValidMonths, 0)
			if !open.Before(end) {
				drop = append(drop, cert)
				lapses = append(lapses, Lapse{Employee: e.Name, Cert: cert, Earned: month, Until: end.AddDate(0, -1, 0).Format(monthLayout)})
			}
		}
		if len(drop) == 0 {
			if out != nil {
				out = append(out, e)
			}
			continue
		}
		if out == nil {
			out = append(make([]Employee, 0, len(emps)), emps[:i]...)
		}
		kept := Employee{Name: e.Name, Earned: e.Earned}
		for _, cert := range e.Certs {
			if !slices.Contains(drop, cert) {
				kept.Certs = append(kept.Certs, cert)
			}
		}
		if kept.Certs == nil {
			kept.Certs = []string{}
		}
		out = append(out, kept)
	}
	if out == nil {
		return emps, lapses
	}
	return out, lapses
}

// Upcoming is a certificate of the register that will lapse: the catalogue
// gives it a validity and the register the month it was earned.
type Upcoming struct {
	Employee string
	Cert     string
	Earned   string // YYYY-MM
	// Lapses is the month from whose first day the certificate no longer
	// counts (YYYY-MM): the month earned plus the validity.
	Lapses string
}

// UpcomingLapses lists, in the order of the register, every certificate
// that has a validity and a month earned.
func UpcomingLapses(c *Catalog, emps []Employee) []Upcoming {
	var out []Upcoming
	for _, e := range emps {
		for _, cert := range e.Certs {
			month, ok := e.Earned[cert]
			info, known := c.Certificate(cert)
			if !ok || !known || info.ValidMonths <= 0 {
				continue
			}
			earned, err := time.Parse(monthLayout, month)
			if err != nil {
				continue
			}
			out = append(out, Upcoming{Employee: e.Name, Cert: cert, Earned: month,
				Lapses: earned.AddDate(0, info.ValidMonths, 0).Format(monthLayout)})
		}
	}
	return out
}

// GapsIfLapsed lists the specializations that f meets as of today, counting
// the employee's certificate whatever its month earned, and would no longer
// meet (at that level) without it: the gaps its lapse would open.
func GapsIfLapsed(c *Catalog, f Facts, today time.Time, employee, cert string) []string {
	with, without := f.Clone(), f.Clone()
	found := false
	for i, e := range with.Employees {
		if e.Name != employee || !e.Has(cert) {
			continue
		}
		found = true
		delete(with.Employees[i].Earned, cert)
		without.Employees[i].Certs = slices.DeleteFunc(without.Employees[i].Certs, func(id string) bool { return id == cert })
	}
	if !found {
		return nil
	}
	held, lost := Evaluate(c, with, today), Evaluate(c, without, today)
	var out []string
	for _, res := range held.Results {
		if res.Status != Eligible {
			continue
		}
		if after, ok := lost.Result(res.Specialization); !ok || after.Status != Eligible || after.Level != res.Level {
			out = append(out, res.Specialization)
		}
	}
	return out
}
