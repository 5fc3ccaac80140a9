package eligibility

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"
)

// The catalogues are parsed once per process: the fuzzed code only reads them.
// fzTieredFile is the second shipped catalogue.
const fzTieredFile = "catalogs/tiered.yaml"

var (
	fzDefault = sync.OnceValue(DefaultCatalog)
	fzTiered  = sync.OnceValue(func() *Catalog {
		data, err := catalogFS.ReadFile(fzTieredFile)
		if err != nil {
			panic(err)
		}
		c, err := ParseCatalog(data)
		if err != nil {
			panic(err)
		}
		return c
	})
)

// fzToday is the fixed day of the fuzz targets: 25 November 2026, noon in
// Moscow (UTC+3 all year), outside any window.
var fzToday = time.Date(2026, time.November, 25, 12, 0, 0, 0, time.FixedZone("MSK", 3*60*60))

// FuzzParseFacts reads arbitrary bytes as a facts file (`specbot check`
// reads one from the partner) against both shipped catalogues. It must not
// panic; a refusal is a *FactError; an accepted file holds only declared
// facts within their bounds (no negative number), and writing it with
// MarshalJSON and reading it again gives the same facts and the same bytes.
//
//	go test ./eligibility -run '^$' -fuzz '^FuzzParseFacts$' -fuzztime 60s
func FuzzParseFacts(f *testing.F) {
	f.Add([]byte(designFacts))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fzNoPanic(t, data)
		for _, c := range []*Catalog{fzDefault(), fzTiered()} {
			fzCheckFacts(t, c, data)
		}
	})
}

// fzNoPanic turns a panic into a failure of the one input, so that a seed
// that panics fails its own subtest instead of ending the test binary.
func fzNoPanic(t *testing.T, data []byte) {
	if r := recover(); r != nil {
		t.Fatalf("panic on %s: %v\n%s", fzShow(data), r, debug.Stack())
	}
}

// fzShow quotes an input for a failure message, cut short when long.
func fzShow(data []byte) string {
	if len(data) > 300 {
		return fmt.Sprintf("%q… (%d bytes)", data[:300], len(data))
	}
	return fmt.Sprintf("%q", data)
}

func fzCheckFacts(t *testing.T, c *Catalog, data []byte) {
	t.Helper()
	facts, err := ParseFacts(c, data)
	if err != nil {
		var fe *FactError
		if !errors.As(err, &fe) || fe.Problem == "" {
			t.Fatalf("%s: %s: error %v (%T) is not a *FactError with a problem", c.ID, fzShow(data), err, err)
		}
		return
	}
	fzFactsWithinCatalog(t, c, facts, data)
	fzStatusesAgree(t, c, facts)

	out, err := facts.MarshalJSON()
	if err != nil {
		t.Fatalf("%s: %s: MarshalJSON: %v", c.ID, fzShow(data), err)
	}
	again, err := ParseFacts(c, out)
	if err != nil {
		t.Fatalf("%s: %s was accepted, but what MarshalJSON wrote of it is refused: %v\n%s", c.ID, fzShow(data), err, out)
	}
	stored, err := ParseStoredFacts(c, out)
	if err != nil || !reflect.DeepEqual(again, stored) {
		t.Fatalf("%s: %s: ParseStoredFacts reads what MarshalJSON wrote otherwise than ParseFacts: %v\n%#v\n%#v", c.ID, fzShow(data), err, again, stored)
	}
	if !reflect.DeepEqual(facts, again) {
		t.Fatalf("%s: %s: the facts change through MarshalJSON → ParseFacts:\n%#v\n%#v\n%s", c.ID, fzShow(data), facts, again, out)
	}
	out2, err := again.MarshalJSON()
	if err != nil || !bytes.Equal(out, out2) {
		t.Fatalf("%s: %s: MarshalJSON is not stable: %s\nthen %s (%v)", c.ID, fzShow(data), out, out2, err)
	}
}

// fzFactsWithinCatalog checks that accepted facts are of the declared
// facts, keys, types and values, and within bounds.
func fzFactsWithinCatalog(t *testing.T, c *Catalog, f Facts, data []byte) {
	t.Helper()
	fact := func(r Ref, types ...FactType) *Fact {
		t.Helper()
		decl, ok := c.Fact(r.Fact)
		if !ok || !slices.Contains(types, decl.Type) {
			t.Fatalf("%s: %s: accepted %s, not a declared fact of type %v", c.ID, fzShow(data), r, types)
		}
		if decl.Keyed() != (r.Key != "") ||
			r.Key != "" && !slices.ContainsFunc(c.FactKeys(decl), func(k Key) bool { return k.ID == r.Key }) {
			t.Fatalf("%s: %s: accepted %s, not a key of %s", c.ID, fzShow(data), r, r.Fact)
		}
		return decl
	}
	for r := range f.Bools {
		fact(r, FactBool)
	}
	for r, v := range f.Numbers {
		decl := fact(r, FactCount, FactMoney)
		if v < 0 {
			t.Fatalf("%s: %s: accepted %s = %d, negative", c.ID, fzShow(data), r, v)
		}
		if decl.Max > 0 && v > decl.Max {
			t.Fatalf("%s: %s: accepted %s = %d, above its max %d", c.ID, fzShow(data), r, v, decl.Max)
		}
	}
	for r, v := range f.Enums {
		decl := fact(r, FactEnum)
		if !slices.ContainsFunc(decl.Values, func(k Key) bool { return k.ID == v }) {
			t.Fatalf("%s: %s: accepted %s = %q, not a value", c.ID, fzShow(data), r, v)
		}
	}
	if !f.EmployeesKnown && f.Employees != nil {
		t.Fatalf("%s: %s: employees listed but unknown", c.ID, fzShow(data))
	}
	for _, e := range f.Employees {
		if e.Name == "" {
			t.Fatalf("%s: %s: an employee without a name", c.ID, fzShow(data))
		}
		for _, cert := range e.Certs {
			if _, ok := c.Certificate(cert); !ok {
				t.Fatalf("%s: %s: accepted unknown certificate %q", c.ID, fzShow(data), cert)
			}
		}
	}
}

// FuzzParseCatalog reads arbitrary bytes as a catalogue (`specbot rules
// validate`, the catalog setting). It must not panic; a refusal is a
// *ValidationError naming at least one problem; an accepted catalogue
// evaluates without panicking, with empty facts and with every fact known,
// and its thresholds mean what they say.
//
//	go test ./eligibility -run '^$' -fuzz '^FuzzParseCatalog$' -fuzztime 60s
func FuzzParseCatalog(f *testing.F) {
	for _, name := range []string{DefaultCatalogFile, fzTieredFile} {
		data, err := catalogFS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fzNoPanic(t, data)
		c, err := ParseCatalog(data)
		if err != nil {
			ve, ok := err.(*ValidationError)
			if !ok || len(ve.Problems) == 0 {
				t.Fatalf("%s: error %v (%T) is not a *ValidationError with problems", fzShow(data), err, err)
			}
			if c != nil {
				t.Fatalf("%s: a catalogue returned with an error", fzShow(data))
			}
			return
		}
		if c == nil || len(c.Specializations) == 0 {
			t.Fatalf("%s: accepted without specializations", fzShow(data))
		}
		fzEvaluate(t, c, NewFacts())
		if _, err := ParseFacts(c, []byte(`{}`)); err != nil {
			t.Fatalf("an empty facts file refused by an accepted catalogue: %v", err)
		}
		full := fzFullFacts(c)
		fzEvaluate(t, c, full)
		// What the catalogue accepts as facts reads back.
		out, err := full.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseFacts(c, out); err != nil {
			t.Fatalf("facts within the catalogue refused: %v\n%s", err, out)
		}
	})
}

// fzEvaluate evaluates facts and checks the report's shape and arithmetic.
func fzEvaluate(t *testing.T, c *Catalog, f Facts) {
	t.Helper()
	fzStatusesAgree(t, c, f)
	r := Evaluate(c, f, fzToday)
	if len(r.Results) != len(c.Specializations) {
		t.Fatalf("%d results for %d specializations", len(r.Results), len(c.Specializations))
	}
	for _, res := range r.Results {
		switch res.Status {
		case Eligible, NotEligible, Incomplete:
		default:
			t.Fatalf("%s: status %q", res.Specialization, res.Status)
		}
		fzConditions(t, res.Specialization, res.Conditions)
		for _, l := range res.Levels {
			fzConditions(t, res.Specialization, l.Conditions)
		}
	}
}

func fzConditions(t *testing.T, spec string, conds []ConditionResult) {
	t.Helper()
	for _, cr := range conds {
		switch cr.Status {
		case Met, NotMet, Unknown:
		default:
			t.Fatalf("%s.%s: condition status %q", spec, cr.ID, cr.Status)
		}
		if cr.Short < 0 {
			t.Fatalf("%s.%s: short by %d, negative", spec, cr.ID, cr.Short)
		}
		if cr.Actual != nil && cr.Threshold != nil && fzCountKeys(cr) == nil {
			v, thr := *cr.Actual, *cr.Threshold
			met := v >= thr
			if cr.Exceeds {
				met = v > thr
			}
			if met != (cr.Status == Met) {
				t.Fatalf("%s.%s: %d against threshold %d (exceeds %v) is %s", spec, cr.ID, v, thr, cr.Exceeds, cr.Status)
			}
		}
		fzConditions(t, spec, cr.Children)
	}
}

// fzCountKeys is the count_keys rule behind a result, if any.
func fzCountKeys(cr ConditionResult) *CountKeys {
	if cr.Condition == nil {
		return nil
	}
	return cr.Condition.CountKeys
}

// fzFullFacts knows every fact of a catalogue: yes, the largest number
// allowed, the first value, and two employees, one holding every
// certificate.
func fzFullFacts(c *Catalog) Facts {
	f := NewFacts()
	for _, decl := range c.Facts {
		refs := []Ref{{Fact: decl.ID}}
		if decl.Keyed() {
			refs = refs[:0]
			for _, k := range c.FactKeys(decl) {
				refs = append(refs, Ref{Fact: decl.ID, Key: k.ID})
			}
		}
		for _, r := range refs {
			switch decl.Type {
			case FactBool:
				f.Bools[r] = true
			case FactCount, FactMoney:
				v := decl.Max
				if v == 0 {
					v = 1<<63 - 1
				}
				f.Numbers[r] = v
			case FactEnum:
				if len(decl.Values) > 0 {
					f.Enums[r] = decl.Values[0].ID
				}
			}
		}
		if decl.Type == FactEmployees {
			all := make([]string, 0, len(c.Certificates))
			for _, cert := range c.Certificates {
				all = append(all, cert.ID)
			}
			f.EmployeesKnown = true
			f.Employees = []Employee{{Name: "All", Certs: all}, {Name: "None", Certs: []string{}}}
		}
	}
	return f
}

// fzStatusesAgree checks that EvaluateStatuses is Evaluate without its gaps
// and certificates, for every specialization and for each one alone.
func fzStatusesAgree(t *testing.T, c *Catalog, f Facts) {
	t.Helper()
	full := Evaluate(c, f, fzToday)
	withoutGaps(&full)
	full.Certificates = nil
	if statuses := EvaluateStatuses(c, f, fzToday, nil); !reflect.DeepEqual(full, statuses) {
		t.Fatalf("%s: EvaluateStatuses differs from Evaluate without gaps:\n%#v\n%#v", c.ID, full, statuses)
	}
	for _, want := range full.Results {
		one := EvaluateStatuses(c, f, fzToday, []string{want.Specialization})
		if len(one.Results) != 1 || !reflect.DeepEqual(want, one.Results[0]) {
			t.Fatalf("%s: EvaluateStatuses of %s alone differs from Evaluate without gaps:\n%#v\n%#v", c.ID, want.Specialization, want, one.Results)
		}
	}
}

// withoutGaps clears every condition's gap in r.
func withoutGaps(r *Report) {
	var clear func(conds []ConditionResult)
	clear = func(conds []ConditionResult) {
		for i := range conds {
			conds[i].Gap = nil
			clear(conds[i].Children)
		}
	}
	for i := range r.Results {
		clear(r.Results[i].Conditions)
		for j := range r.Results[i].Levels {
			clear(r.Results[i].Levels[j].Conditions)
		}
	}
}
