package eligibility

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Ref names one value: a fact, and its key when the fact is a map.
type Ref struct {
	Fact string
	Key  string
}

// String writes a Ref the way the facts file nests it: "fact.key".
func (r Ref) String() string {
	if r.Key == "" {
		return r.Fact
	}
	return r.Fact + "." + r.Key
}

// EmployeesFactID is the id of the one fact of type employees.
const EmployeesFactID = "employees"

// Employee is a person of the partner's organization and the certificate ids
// the person holds.
type Employee struct {
	Name  string   `json:"name"`
	Certs []string `json:"certs"`
	// Earned gives, for some of Certs, the month each was earned
	// ("YYYY-MM"); a certificate without one is taken as valid.
	Earned map[string]string `json:"earned,omitempty"`
}

// Has reports whether the employee holds the certificate.
func (e Employee) Has(cert string) bool { return slices.Contains(e.Certs, cert) }

// Facts is what a partner told about itself. A value that is absent is
// unknown, never "no".
type Facts struct {
	Bools   map[Ref]bool
	Numbers map[Ref]int64
	Enums   map[Ref]string
	// Employees is meaningful only when EmployeesKnown: an empty known list
	// means the partner has no certified employees.
	Employees      []Employee
	EmployeesKnown bool
}

// NewFacts returns empty facts ready to be filled.
func NewFacts() Facts {
	return Facts{Bools: map[Ref]bool{}, Numbers: map[Ref]int64{}, Enums: map[Ref]string{}}
}

// Clone returns a deep copy.
func (f Facts) Clone() Facts {
	c := NewFacts()
	for k, v := range f.Bools {
		c.Bools[k] = v
	}
	for k, v := range f.Numbers {
		c.Numbers[k] = v
	}
	for k, v := range f.Enums {
		c.Enums[k] = v
	}
	c.EmployeesKnown = f.EmployeesKnown
	for _, e := range f.Employees {
		c.Employees = append(c.Employees, Employee{Name: e.Name, Certs: slices.Clone(e.Certs), Earned: maps.Clone(e.Earned)})
	}
	return c
}

// Equal reports whether f and g hold the same values (an empty list of
// employees and none are the same, as MarshalJSON writes them).
func (f Facts) Equal(g Facts) bool {
	if !maps.Equal(f.Bools, g.Bools) || !maps.Equal(f.Numbers, g.Numbers) || !maps.Equal(f.Enums, g.Enums) ||
		f.EmployeesKnown != g.EmployeesKnown || len(f.Employees) != len(g.Employees) {
		return false
	}
	for i, e := range f.Employees {
		o := g.Employees[i]
		if e.Name != o.Name || !slices.Equal(e.Certs, o.Certs) || !maps.Equal(e.Earned, o.Earned) {
			return false
		}
	}
	return true
}

// Known reports whether the value at r is known.
func (f Facts) Known(r Ref) bool {
	if _, ok := f.Bools[r]; ok {
		return true
	}
	if _, ok := f.Numbers[r]; ok {
		return true
	}
	_, ok := f.Enums[r]
	return ok
}

// Forget makes the value at r unknown.
func (f Facts) Forget(r Ref) {
	delete(f.Bools, r)
	delete(f.Numbers, r)
	delete(f.Enums, r)
}

// FactError is a bad value in a facts file; Field names it ("consumption_rub_year.devops").
type FactError struct {
	Field   string
	Problem string
}

func (e *FactError) Error() string {
	if e.Field == "" {
		return "facts: " + e.Problem
	}
	return fmt.Sprintf("facts: %s: %s", e.Field, e.Problem)
}

// MaxFactsSize is the largest facts file accepted, 1 MiB.
const MaxFactsSize = 1 << 20

// ParseFacts decodes a facts file (the format of DESIGN.md) against the facts
// the catalogue declares. The first problem is returned as a *FactError. A
// UTF-8 byte-order mark is skipped; a key given twice at any depth, a null
// where a value is expected, a top-level value that is not an object and
// two employees of one name are refused.
func ParseFacts(c *Catalog, data []byte) (Facts, error) {
	return parseFacts(c, data, true)
}

// ParseStoredFacts is ParseFacts for facts this program encoded itself
// (Facts.MarshalJSON, Values): it checks them against the catalogue as
// ParseFacts does, an edition that dropped a fact or a key included, but
// does not look for keys given twice, which an encoded map cannot hold.
// That look walks the document token by token and was most of the cost of
// reading a stored session or report.
func ParseStoredFacts(c *Catalog, data []byte) (Facts, error) {
	return parseFacts(c, data, false)
}

func parseFacts(c *Catalog, data []byte, lookForTwice bool) (Facts, error) {
	facts := NewFacts()
	if len(data) > MaxFactsSize {
		return facts, &FactError{Problem: "the file is too large (over 1 MiB)"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if what := topKind(data); what != "" {
		return facts, &FactError{Problem: "want an object at the top level, got " + what}
	}
	if lookForTwice {
		if err := duplicateKeys(data); err != nil {
			return facts, err
		}
	}
	var top map[string]json.RawMessage
	if err := decodeJSON(data, &top); err != nil {
		return facts, &FactError{Problem: "not valid JSON: " + jsonProblem(err)}
	}
	if top == nil {
		return facts, &FactError{Problem: "want an object at the top level"}
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, id := range keys {
		raw := top[id]
		f, ok := c.Fact(id)
		if !ok {
			return facts, &FactError{Field: id, Problem: "unknown fact"}
		}
		if isNull(raw) {
			return facts, &FactError{Field: id, Problem: nullProblem}
		}
		if err := parseFact(c, f, raw, &facts); err != nil {
			return facts, err
		}
	}
	return facts, nil
}

func parseFact(c *Catalog, f *Fact, raw json.RawMessage, facts *Facts) error {
	if f.Type == FactEmployees {
		return parseEmployees(c, f, raw, facts)
	}
	if !f.Keyed() {
		return parseValue(f, Ref{Fact: f.ID}, raw, facts)
	}
	var m map[string]json.RawMessage
	if err := decodeJSON(raw, &m); err != nil || m == nil {
		return &FactError{Field: f.ID, Problem: "want an object keyed by " + keyList(c, f)}
	}
	keys := c.FactKeys(f)
	ids := make([]string, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	for _, k := range ids {
		if !slices.ContainsFunc(keys, func(key Key) bool { return key.ID == k }) {
			return &FactError{Field: f.ID + "." + k, Problem: "unknown key (want one of " + keyList(c, f) + ")"}
		}
		if isNull(m[k]) {
			return &FactError{Field: f.ID + "." + k, Problem: nullProblem}
		}
		if err := parseValue(f, Ref{Fact: f.ID, Key: k}, m[k], facts); err != nil {
			return err
		}
	}
	return nil
}

// parseValue reads one value of a document already checked to be JSON.
// The usual shapes (true or false, digits, a string without escapes) are
// read directly; any other goes through the JSON decoder, which also
// words the refusals.
func parseValue(f *Fact, r Ref, raw json.RawMessage, facts *Facts) error {
	raw = bytes.TrimSpace(raw)
	switch f.Type {
	case FactBool:
		if b, ok := plainBool(raw); ok {
			facts.Bools[r] = b
			return nil
		}
	case FactCount, FactMoney:
		if v, ok := plainCount(raw); ok && (f.Max <= 0 || v <= f.Max) {
			facts.Numbers[r] = v
			return nil
		}
	case FactEnum:
		if s, ok := plainString(raw); ok && slices.ContainsFunc(f.Values, func(k Key) bool { return k.ID == s }) {
			facts.Enums[r] = s
			return nil
		}
	}
	return decodeValue(f, r, raw, facts)
}

func plainBool(raw []byte) (bool, bool) {
	switch string(raw) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// plainCount reads a JSON number made of digits only, without a leading
// zero, that fits an int64.
func plainCount(raw []byte) (int64, bool) {
	if len(raw) == 0 || len(raw) > 18 || raw[0] == '0' && len(raw) > 1 {
		return 0, false
	}
	var v int64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// plainString reads a JSON string without escapes, in valid UTF-8 (the
// decoder replaces invalid bytes).
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	in := raw[1 : len(raw)-1]
	if bytes.IndexByte(in, '\\') >= 0 || bytes.IndexByte(in, '"') >= 0 || !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// decodeValue is parseValue through the JSON decoder.
func decodeValue(f *Fact, r Ref, raw json.RawMessage, facts *Facts) error {
	field := r.String()
	switch f.Type {
	case FactBool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return &FactError{Field: field, Problem: "want true or false"}
		}
		facts.Bools[r] = b
	case FactCount, FactMoney:
		var n json.Number
		// json.Number also takes a quoted string ("2000000"): refuse it.
		if err := decodeJSON(raw, &n); err != nil || bytes.HasPrefix(bytes.TrimSpace(raw), []byte{'"'}) {
			return &FactError{Field: field, Problem: "want a number"}
		}
		v, err := n.Int64()
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return &FactError{Field: field, Problem: "the number is too large"}
		}
		if err != nil {
			return &FactError{Field: field, Problem: fmt.Sprintf("want a whole number, got %s", n)}
		}
		if v < 0 {
			return &FactError{Field: field, Problem: fmt.Sprintf("must not be negative, got %d", v)}
		}
		if f.Max > 0 && v > f.Max {
			return &FactError{Field: field, Problem: fmt.Sprintf("too large: at most %d, got %d", f.Max, v)}
		}
		facts.Numbers[r] = v
	case FactEnum:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return &FactError{Field: field, Problem: "want one of " + valueList(f)}
		}
		if !slices.ContainsFunc(f.Values, func(k Key) bool { return k.ID == s }) {
			return &FactError{Field: field, Problem: fmt.Sprintf("unknown value %q (want one of %s)", s, valueList(f))}
		}
		facts.Enums[r] = s
	}
	return nil
}

func parseEmployees(c *Catalog, f *Fact, raw json.RawMessage, facts *Facts) error {
	var list []json.RawMessage
	if err := decodeJSON(raw, &list); err != nil || list == nil {
		return &FactError{Field: f.ID, Problem: `want a list of {"name": …, "certs": […]}`}
	}
	facts.EmployeesKnown = true
	facts.Employees = make([]Employee, 0, len(list))
	seen := map[string]bool{}
	for i, item := range list {
		field := fmt.Sprintf("%s[%d]", f.ID, i)
		e, err := parseEmployee(c, field, item)
		if err != nil {
			return err
		}
		if strings.TrimSpace(e.Name) == "" {
			e.Name = fmt.Sprintf("#%d", i+1)
		}
		key := NameKey(e.Name)
		if seen[key] {
			return &FactError{Field: f.ID, Problem: fmt.Sprintf("%q is listed twice; one person cannot fill two roles", strings.TrimSpace(e.Name))}
		}
		seen[key] = true
		facts.Employees = append(facts.Employees, e)
	}
	return nil
}

const employeeShape = `want {"name": …, "certs": […], "earned": {certificate: "YYYY-MM"} (optional)}`

func parseEmployee(c *Catalog, field string, item json.RawMessage) (Employee, error) {
	var e Employee
	if isNull(item) {
		return e, &FactError{Field: field, Problem: "an employee cannot be null; " + employeeShape}
	}
	var m map[string]json.RawMessage
	if err := decodeJSON(item, &m); err != nil || m == nil {
		return e, &FactError{Field: field, Problem: employeeShape}
	}
	for k := range m {
		if k != "name" && k != "certs" && k != "earned" {
			return e, &FactError{Field: field + "." + k, Problem: "unknown field; " + employeeShape}
		}
	}
	if raw, ok := m["name"]; ok {
		name, plain := plainString(raw)
		if !plain {
			if err := json.Unmarshal(raw, &name); err != nil || isNull(raw) {
				return e, &FactError{Field: field + ".name", Problem: "want a name in quotes"}
			}
		}
		e.Name = name
	}
	raw, ok := m["certs"]
	if !ok {
		return e, &FactError{Field: field + ".certs", Problem: "missing: want a list of certificate ids (empty when none)"}
	}
	var certs []json.RawMessage
	if err := json.Unmarshal(raw, &certs); err != nil || certs == nil {
		return e, &FactError{Field: field + ".certs", Problem: "want a list of certificate ids"}
	}
	e.Certs = make([]string, 0, len(certs))
	for j, rc := range certs {
		cert, plain := plainString(rc)
		if !plain {
			if err := json.Unmarshal(rc, &cert); err != nil || isNull(rc) {
				return e, &FactError{Field: fmt.Sprintf("%s.certs[%d]", field, j), Problem: "want a certificate id in quotes"}
			}
		}
		if _, ok := c.Certificate(cert); !ok {
			return e, &FactError{Field: fmt.Sprintf("%s.certs[%d]", field, j), Problem: fmt.Sprintf("unknown certificate %q", cert)}
		}
		e.Certs = append(e.Certs, cert)
	}
	if raw, ok := m["earned"]; ok {
		var earned map[string]string
		if err := decodeJSON(raw, &earned); err != nil || earned == nil {
			return e, &FactError{Field: field + ".earned", Problem: `want {certificate id: "YYYY-MM"}`}
		}
		for cert, month := range earned {
			if !e.Has(cert) {
				return e, &FactError{Field: field + ".earned." + cert, Problem: "not one of the employee's certs"}
			}
			if _, err := time.Parse(monthLayout, month); err != nil {
				return e, &FactError{Field: field + ".earned." + cert, Problem: fmt.Sprintf("%q is not a month: want YYYY-MM", month)}
			}
		}
		if len(earned) > 0 {
			e.Earned = earned
		}
	}
	return e, nil
}

// monthLayout is how the month a certificate was earned is written.
const monthLayout = "2006-01"

const nullProblem = "null is not a value; leave the key out when it is not known"

// topKind names the top-level value in words when it is not an object.
func topKind(data []byte) string {
	t := bytes.TrimSpace(data)
	if len(t) == 0 {
		return "nothing (the file is empty)"
	}
	switch t[0] {
	case '{':
		return ""
	case '[':
		return "a list"
	case '"':
		return "a text"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	if t[0] == '-' || t[0] >= '0' && t[0] <= '9' {
		return "a number"
	}
	return ""
}

// duplicateKeys walks the document and refuses a key given twice in one
// object, at any depth, naming where.
func duplicateKeys(data []byte) error {
	// Only a valid document is walked: the strict decoder names syntax
	// errors, and a walk that met one inside a list, taking it as the
	// list's end, asked for the next item for ever.
	if !json.Valid(data) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return nil // the strict decoder names syntax errors
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil
				}
				k, _ := kt.(string)
				field := k
				if path != "" {
					field = path + "." + k
				}
				if seen[k] {
					return &FactError{Field: field, Problem: "given twice"}
				}
				seen[k] = true
				if err := walk(field); err != nil {
					return err
				}
			}
			_, _ = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			_, _ = dec.Token()
		}
		return nil
	}
	return walk("")
}

// MarshalJSON writes the facts in the facts file format; unknown values are left out.
func (f Facts) MarshalJSON() ([]byte, error) {
	out := map[string]any{}
	put := func(r Ref, v any) {
		if r.Key == "" {
			out[r.Fact] = v
			return
		}
		m, _ := out[r.Fact].(map[string]any)
		if m == nil {
			m = map[string]any{}
			out[r.Fact] = m
		}
		m[r.Key] = v
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
		out[EmployeesFactID] = list
	}
	return json.Marshal(out)
}

// decodeJSON decodes one JSON value into v, a map, a slice or a
// json.Number, for which json.Unmarshal and strictJSON agree (neither has
// fields to refuse; both refuse data after the value), at a fraction of the
// cost: a json.Decoder copies its input into a buffer of its own. Only a
// refused value is decoded again by strictJSON, whose errors name the byte.
func decodeJSON(data []byte, v any) error {
	if json.Unmarshal(data, v) == nil {
		return nil
	}
	return strictJSON(data, v)
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the value")
	}
	return nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	return err.Error()
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func keyList(c *Catalog, f *Fact) string {
	keys := c.FactKeys(f)
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return strings.Join(ids, ", ")
}

func valueList(f *Fact) string {
	ids := make([]string, len(f.Values))
	for i, k := range f.Values {
		ids[i] = k.ID
	}
	return strings.Join(ids, ", ")
}
