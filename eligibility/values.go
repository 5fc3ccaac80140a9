package eligibility

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// Values splits facts into one JSON value per known answer, keyed as the
// facts file nests it ("partner_agreement", "consumption_rub_year.devops",
// "employees"): the unit in which a company's answers are kept, merged and
// attributed.
func (f Facts) Values() map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	put := func(r Ref, v any) {
		if b, err := json.Marshal(v); err == nil {
			out[r.String()] = b
		}
	}
	for r, v := range f.Bools {
		put(r, v)
	}
	for r, v := range f.Numbers {
		put(r, v)
	}
	for r, v := range f.Enums {
		put(r, v)
	}
	if f.EmployeesKnown {
		list := f.Employees
		if list == nil {
			list = []Employee{}
		}
		put(Ref{Fact: EmployeesFactID}, list)
	}
	return out
}

// Changes lists the answers of f that differ from base: the new value of
// each, or nil for one that became unknown.
func (f Facts) Changes(base Facts) map[string]json.RawMessage {
	now, was := f.Values(), base.Values()
	out := map[string]json.RawMessage{}
	for k, v := range now {
		if !bytes.Equal(v, was[k]) {
			out[k] = v
		}
	}
	for k := range was {
		if _, ok := now[k]; !ok {
			out[k] = nil
		}
	}
	return out
}

// FactsFromValues reads values written by Values against the catalogue c.
// A value whose fact or key the catalogue no longer has, or that no longer
// validates, is set aside: left out of the facts and its key returned, in
// order.
func FactsFromValues(c *Catalog, values map[string]json.RawMessage) (Facts, []string) {
	if f, err := ParseStoredFacts(c, valuesDoc(values)); err == nil {
		return f, nil
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	good := map[string]json.RawMessage{}
	var aside []string
	for _, k := range keys {
		if _, err := ParseStoredFacts(c, valuesDoc(map[string]json.RawMessage{k: values[k]})); err != nil {
			aside = append(aside, k)
			continue
		}
		good[k] = values[k]
	}
	f, err := ParseStoredFacts(c, valuesDoc(good))
	if err != nil {
		return NewFacts(), keys
	}
	return f, aside
}

// valuesDoc nests values back into a facts file.
func valuesDoc(values map[string]json.RawMessage) []byte {
	doc := map[string]any{}
	for k, v := range values {
		fact, key, nested := strings.Cut(k, ".")
		if !nested {
			doc[fact] = v
			continue
		}
		m, ok := doc[fact].(map[string]json.RawMessage)
		if !ok {
			m = map[string]json.RawMessage{}
			doc[fact] = m
		}
		m[key] = v
	}
	b, _ := json.Marshal(doc)
	return b
}
